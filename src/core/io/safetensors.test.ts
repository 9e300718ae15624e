// safetensors reading and writing, model-folder errors: what a user sees when a file is wrong.
import { describe, it, expect } from 'vitest';
import { tempDirs } from '../../../test/tmp';
import { cpSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseSafetensors, writeSafetensors } from './safetensors';
import { ModelFileError } from '../errors';
import { readModelFolder } from './model_folder';
import { dirSource } from '../../node/fs_source';
import { fixture } from '../../../test/fixtures';

const tmp = tempDirs('gpt2-studio-model-');

function withHeader(header: object, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8); out.set(data, 8 + h.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips F32 and upcasts F16 and BF16 exactly', () => {
    const data = Float32Array.from([1, -2.5, 0.1, 65504, 1e-7]);
    const st = parseSafetensors(writeSafetensors({ a: { shape: [5], data } }));
    expect(st.float32('a')).toEqual(data);
    // F16: 1.0 = 0x3c00, -2 = 0xc000, 65504 = 0x7bff, smallest subnormal 0x0001 = 2^-24
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001]);
    expect(Array.from(parseSafetensors(withHeader({ h: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }, new Uint8Array(f16.buffer))).float32('h')))
      .toEqual([1, -2, 65504, 2 ** -24]);
    // BF16: the top 16 bits of a float32
    const bf16 = new Uint16Array([0x3f80, 0xc020, 0x4049]);
    expect(Array.from(parseSafetensors(withHeader({ b: { dtype: 'BF16', shape: [3], data_offsets: [0, 6] } }, new Uint8Array(bf16.buffer))).float32('b')))
      .toEqual([1, -2.5, 3.140625]);
  });

  it.each([
    ['a file too short', new Uint8Array(3), /not a safetensors file \(only 3 bytes\)/],
    ['a header length beyond the file', withHeader({}).subarray(0, 9), /not a safetensors file or truncated/],
    ['a header that is not JSON', (() => { const b = withHeader({ a: 1 }); b[9] = 0x7b; b[10] = 0x7b; return b; })(), /header is not valid JSON/],
    ['truncated data', withHeader({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /truncated: tensor "w" ends at byte/],
    ['an unsupported dtype', withHeader({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /tensor "w" has unsupported dtype "Q4"/],
    ['a size that does not match the shape', withHeader({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /8 bytes do not hold shape \[3\] of F32/],
  ])('names the file and the problem for %s', (_what, bytes, message) => {
    expect(() => parseSafetensors(bytes, 'model.safetensors')).toThrow(ModelFileError);
    expect(() => parseSafetensors(bytes, 'model.safetensors')).toThrow(message);
  });
});

describe('model folder errors', () => {
  const folder = () => {
    const dir = tmp();
    cpSync(fixture('models', 'tiny-gpt2-v512'), dir, { recursive: true });
    return dir;
  };
  const load = async (dir: string) => readModelFolder(await dirSource(dir)).then(() => null, (e: Error) => e);

  it('loads the fixture folder', async () => {
    expect(await load(folder())).toBeNull();
  });

  it('names a missing tensor with its expected shape', async () => {
    const dir = folder();
    const st = parseSafetensors(new Uint8Array(readFileSync(path.join(dir, 'model.safetensors'))));
    const keep: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [k, t] of st.tensors) if (k !== 'h.1.mlp.c_fc.weight' && t.dtype === 'F32') keep[k] = { shape: t.shape, data: st.float32(k) };
    writeFileSync(path.join(dir, 'model.safetensors'), writeSafetensors(keep));
    expect((await load(dir))?.message).toBe('model.safetensors: missing tensor "h.1.mlp.c_fc.weight" (expected shape [48,192] from config.json)');
  });

  it('names a tensor whose shape does not match config.json', async () => {
    const dir = folder();
    const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, n_positions: 128 }));
    expect((await load(dir))?.message).toBe('model.safetensors: tensor "wpe.weight" has shape [64,48], expected [128,48] from config.json');
  });

  it('refuses an unknown model_type and a pickle checkpoint', async () => {
    const dir = folder();
    const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, model_type: 'llama' }));
    expect((await load(dir))?.message).toMatch(/config.json: model_type is "llama"; GPT-2 Studio trains GPT-2 models/);
    const dir2 = folder();
    rmSync(path.join(dir2, 'model.safetensors'));
    writeFileSync(path.join(dir2, 'pytorch_model.bin'), 'PK\x03\x04');
    expect((await load(dir2))?.message).toMatch(/only pytorch_model.bin \(a pickle checkpoint, which is never loaded here.*save_pretrained\(dir, safe_serialization=True\)/);
  });

  it('names a truncated weights file', async () => {
    const dir = folder();
    const bytes = readFileSync(path.join(dir, 'model.safetensors'));
    writeFileSync(path.join(dir, 'model.safetensors'), bytes.subarray(0, bytes.length - 1000));
    expect((await load(dir))?.message).toMatch(/^model.safetensors: truncated: tensor "[^"]+" ends at byte \d+ but the file has \d+$/);
  });
});
