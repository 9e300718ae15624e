import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../test/tmp';
import { fixture } from '../../../test/fixtures';
import { GPT2Tokenizer } from '../tokenizer';
import { DataError, groupTexts, isTokenFile, readTokenFile, splitTrainValidation, tokenizeFiles, type DataFile } from './index';

const dir = tempDirs('gpt2-studio-blocks-')();
function file(name: string, content: Uint8Array): DataFile {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return { name, bytes: new Uint8Array(readFileSync(p)) };
}
const fixtureFile = (rel: string): DataFile => ({ name: path.basename(rel), bytes: new Uint8Array(readFileSync(fixture(rel))) });
const bodies = readFileSync(fixture('emails/dev/bodies.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);

describe('token files', () => {
  it('isTokenFile matches .u16 only', () => {
    expect(isTokenFile('train.U16')).toBe(true);
    expect(isTokenFile('dir.u16/train.bin')).toBe(false);
    expect(isTokenFile('u16')).toBe(false);
  });

  it('reads little-endian uint16 ids, even from an unaligned view', () => {
    const bytes = new Uint8Array([9, 0x01, 0x00, 0xff, 0xff, 0x34, 0x12]);
    expect(Array.from(readTokenFile({ name: 'a.u16', bytes: bytes.subarray(1) }))).toEqual([1, 65535, 0x1234]);
  });

  it('refuses odd and empty files', () => {
    // (toThrow(new DataError(text)) would also compare the sentence as data, `said`: the class and the text are checked)
    const odd = () => readTokenFile(file('odd.u16', new Uint8Array(3)));
    expect(odd).toThrow(DataError);
    expect(odd).toThrow('odd.u16: 3 bytes is an odd length; expected little-endian uint16 token ids, 2 bytes each');
    expect(() => readTokenFile(file('none.u16', new Uint8Array(0)))).toThrow(DataError);
  });
});

describe('tokenizeFiles', () => {
  const tokenizer = (name: string) => GPT2Tokenizer.fromFiles({
    'tokenizer.json': readFileSync(fixture('tokenizers', name, 'tokenizer.json'), 'utf8'),
    'tokenizer_config.json': readFileSync(fixture('tokenizers', name, 'tokenizer_config.json'), 'utf8'),
  });

  it('reproduces the fixtures gpt2.u16 and gpt2-v512.u16: each body tokenized, followed by <|endoftext|>', async () => {
    for (const name of ['gpt2', 'gpt2-v512']) {
      const progress: number[] = [];
      const t = await tokenizeFiles([fixtureFile('emails/dev/bodies.jsonl')], tokenizer(name), {}, (_, done, total) => progress.push(done / total));
      expect(t.ids).toBeInstanceOf(Uint16Array);
      expect(Array.from(t.ids)).toEqual(Array.from(readTokenFile(fixtureFile(`emails/dev/${name}.u16`))));
      expect(t.documents).toBe(bodies.length);
      expect(progress.at(-1)).toBe(1);
      expect(progress.length).toBeLessThanOrEqual(201);
    }
  });

  it('appends eos after empty documents too', async () => {
    const f = file('three.jsonl', new TextEncoder().encode('{"text":"ab"}\n{"text":""}\n{"text":"c"}\n'));
    expect(Array.from((await tokenizeFiles([f], tokenizer('gpt2'), {})).ids)).toEqual([397, 50256, 50256, 66, 50256]);
  });
});

describe('groupTexts', () => {
  it('cuts consecutive blocks and drops the short tail', () => {
    const g = groupTexts([1, 2, 3, 4, 5, 6, 7], 3);
    expect(g.numBlocks).toBe(2);
    expect(g.blockSize).toBe(3);
    expect(Array.from(g.blocks)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(groupTexts(new Uint32Array(2), 3).numBlocks).toBe(0);
    expect(() => groupTexts([1], 0)).toThrow(RangeError);
  });

  it('matches the reference batches (blocks of the fixture token streams)', () => {
    for (const [model, tokens, blockSize] of [['tiny-gpt2', 'gpt2', 33], ['tiny-gpt2-v512', 'gpt2-v512', 21]] as const) {
      const run = JSON.parse(readFileSync(fixture('reference', model, 'run.json'), 'utf8'));
      expect(run.block_size).toBe(blockSize);
      const g = groupTexts(readTokenFile(fixtureFile(`emails/dev/${tokens}.u16`)), blockSize);
      const reference = readTokenFile(fixtureFile(`reference/${model}/blocks.u16`));
      expect(Array.from(g.blocks.subarray(0, run.num_blocks * blockSize))).toEqual(Array.from(reference));
    }
  });
});

describe('splitTrainValidation', () => {
  it('puts the last percent% of blocks in validation', () => {
    expect(splitTrainValidation(10, 20)).toEqual({ train: [0, 1, 2, 3, 4, 5, 6, 7], validation: [8, 9] });
    expect(splitTrainValidation(10, 0)).toEqual({ train: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], validation: [] });
  });
  it('keeps at least one block on each side when it can', () => {
    expect(splitTrainValidation(4, 5)).toEqual({ train: [0, 1, 2], validation: [3] });
    expect(splitTrainValidation(2, 100)).toEqual({ train: [0], validation: [1] });
    expect(splitTrainValidation(1, 50)).toEqual({ train: [0], validation: [] });
    expect(splitTrainValidation(0, 50)).toEqual({ train: [], validation: [] });
    expect(() => splitTrainValidation(10, 101)).toThrow(RangeError);
  });
});
