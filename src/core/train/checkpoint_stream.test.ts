// Checkpoints and model files are streamed tensor by tensor (no whole copy of the weights or the optimizer state
// in memory), and the embedding gradient's scatter-add frees what it allocates on every path.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { GPT2 } from '../gpt2/model';
import { parseSafetensors, safetensorsStream, writeSafetensors } from '../io/safetensors';
import { tensorsFile } from '../io/export';
import { fileBytes } from '../io/files';
import { writeFolderAtomic } from '../../node/files';
import { loadReference } from '../../../test/reference';
import { Trainer, addRows } from './trainer';
import { resolveArgs } from './args';
import { tempDirs } from '../../../test/tmp';

const tmp = tempDirs('gpt2-studio-stream-');

const ref = loadReference('tiny-gpt2-v512');
const data = { blocks: ref.blocks, blockSize: ref.run.block_size, train: [0, 1, 2, 3], validation: [] };
const ramp = (n: number, k = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k));

describe.each(['wasm', 'cpu'])('streamed files on %s', (backend) => {
  beforeAll(async () => { await initBackend(backend as 'wasm' | 'cpu'); });

  it('a safetensors stream holds the same bytes as the whole-buffer writer, tensors longer than one piece included', async () => {
    // 2^20 + 3 floats: more than one 4 MB piece read back from host memory, with a short last piece.
    const big = ramp((1 << 20) + 3), small = ramp(6, 0.5);
    const tensors = new Map([['b.weight', tf.tensor(big, [(1 << 20) + 3])], ['a.bias', tf.tensor(small, [2, 3])]]);
    const streamed = tensorsFile(tensors, (n) => `transformer.${n}`);
    const whole = writeSafetensors({ 'transformer.b.weight': { shape: [(1 << 20) + 3], data: big }, 'transformer.a.bias': { shape: [2, 3], data: small } });
    const bytes = await fileBytes(streamed);
    expect(streamed.size).toBe(whole.length);
    expect(Buffer.from(bytes).equals(Buffer.from(whole))).toBe(true);
    const st = parseSafetensors(bytes);
    expect([...st.tensors.keys()]).toEqual(['transformer.a.bias', 'transformer.b.weight']);
    expect(st.float32('transformer.a.bias')).toEqual(small);
    tf.dispose([...tensors.values()]);
  });

  it('a checkpoint written through the hook holds the moments and weights of its step', async () => {
    const m = GPT2.fromArrays(ref.config, ref.weights);
    const dir = tmp();
    const args = resolveArgs({ max_steps: 3, save_steps: 2, logging_steps: 1, per_device_train_batch_size: 2, learning_rate: 1e-3 });
    const copy = (src: Map<string, Float32Array>) => new Map([...src].map(([n, a]) => [n, a.slice()]));
    let moments = new Map<string, Float32Array>(), weights = new Map<string, Float32Array>();
    const t = new Trainer(m, data, args, backend, {
      onCheckpoint: async (name, files) => {
        moments = copy((await t.optimizer.exportState()).v);
        weights = new Map(await Promise.all([...m.params].map(async ([n, x]) => [n, (await x.data()) as Float32Array] as const)));
        await writeFolderAtomic(path.join(dir, name), new Map([...files, ['model.safetensors', tensorsFile(m.params)]]));
      },
    });
    await t.train();
    const read = (f: string) => parseSafetensors(new Uint8Array(readFileSync(path.join(dir, 'checkpoint-2', f))), f);
    const opt = read('optimizer.safetensors'), model = read('model.safetensors');
    expect(opt.metadata.step).toBe('2');
    expect(moments.size).toBe(m.params.size);
    for (const [n, a] of moments) expect(opt.float32('exp_avg_sq.' + n), n).toEqual(a);
    for (const [n, a] of weights) expect(model.float32(n), n).toEqual(a);
    t.dispose(); m.dispose();
  });

  it('a stream whose tensor is short of its shape fails instead of writing a corrupt file', async () => {
    const s = safetensorsStream(new Map([['x', { shape: [4], data: () => [new Float32Array(3)] }]]));
    await expect(fileBytes(s)).rejects.toThrow(/tensor "x" produced 3 values for shape \[4\]/);
  });

  it('the embedding gradient\'s scatter-add frees its temporaries when it cannot update in place (commit a1764b2)', () => {
    // A table sharing its memory (a clone) takes the tf-op path that GPU backends always take; it once leaked the
    // segment sum, one tensor per micro-batch.
    const base = tf.tensor2d(ramp(12), [4, 3]);
    const table = base.clone();
    const ids = tf.tensor1d([2, 0, 2], 'int32');
    const rows = tf.tensor2d([1, 1, 1, 2, 2, 2, 3, 3, 3], [3, 3]);
    const before = tf.memory().numTensors;
    const sum = addRows(table, ids, rows);
    expect(sum).not.toBe(table);
    expect(table.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    const want = Array.from(ramp(12));
    for (let j = 0; j < 3; j++) { want[6 + j] += 1 + 3; want[j] += 2; }
    expect(Array.from(sum.dataSync())).toEqual(Array.from(Float32Array.from(want)));
    tf.dispose([base, ids, rows, sum]);
  });
});
