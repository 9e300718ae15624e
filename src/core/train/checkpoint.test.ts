// The checkpoint's trainer files read back: by field name (not key order), and a damaged field named with its file.
import { describe, it, expect, beforeAll } from 'vitest';
import { initBackend } from '../backend';
import { GPT2 } from '../gpt2/model';
import { Trainer } from './trainer';
import { resolveArgs } from './args';
import { readCheckpoint } from './checkpoint';
import { fileBytes } from '../io/files';
import { ModelFileError } from '../errors';
import { loadReference } from '../../../test/reference';

const ref = loadReference('tiny-gpt2-v512');
const data = { blocks: ref.blocks, blockSize: ref.run.block_size, train: [0, 1, 2, 3], validation: [4] };

describe('checkpoint files', () => {
  let files: Map<string, Uint8Array>;
  let shapes: Map<string, number[]>;
  beforeAll(async () => {
    await initBackend('wasm');
    const model = GPT2.fromArrays(ref.config, ref.weights);
    const trainer = new Trainer(model, data, resolveArgs({ max_steps: 3, logging_steps: 2, per_device_train_batch_size: 1 }), 'wasm');
    await trainer.train();
    files = new Map();
    for (const [name, f] of await trainer.checkpointFiles()) files.set(name, await fileBytes(f));
    shapes = new Map([...model.params].map(([n, t]) => [n, t.shape]));
    trainer.dispose(); model.dispose();
  });

  /** trainer_state.json as far as these tests change it. */
  interface State { global_step?: number; gpt2_studio?: { elapsed?: unknown; accumulators: Record<string, unknown> } }
  const withState = (edit: (state: State) => void) => {
    const state = JSON.parse(new TextDecoder().decode(files.get('trainer_state.json')));
    edit(state);
    return new Map([...files, ['trainer_state.json', new TextEncoder().encode(JSON.stringify(state))]]);
  };

  it('reads the running sums by name, whatever the order of the keys', () => {
    const original = readCheckpoint(files, shapes);
    expect(original.globalStep).toBe(3);
    expect(original.accumulators.totalApplied).toBe(3);
    const reordered = withState((s) => {
      const x = s.gpt2_studio!;
      x.accumulators = Object.fromEntries(Object.entries(x.accumulators).reverse());
    });
    expect(readCheckpoint(reordered, shapes).accumulators).toEqual(original.accumulators);
  });

  it.each([
    ['a field of the wrong type', (s: State) => { s.gpt2_studio!.elapsed = 'soon'; }, 'trainer_state.json: gpt2_studio.elapsed must be a number, got "soon"'],
    ['a missing field', (s: State) => { delete s.global_step; }, 'trainer_state.json: global_step must be a whole number ≥ 0, got nothing'],
    ['a missing section', (s: State) => { delete s.gpt2_studio; }, 'trainer_state.json: gpt2_studio must be an object, got nothing'],
    ['a missing running sum', (s: State) => { delete s.gpt2_studio!.accumulators.badRun; }, 'trainer_state.json: gpt2_studio.accumulators.badRun must be a number, got nothing'],
  ])('refuses %s, naming the file and the field', (_, edit, message) => {
    const err = (() => { try { readCheckpoint(withState(edit), shapes); return null; } catch (e) { return e as Error; } })();
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err!.message).toBe(message);
  });
});
