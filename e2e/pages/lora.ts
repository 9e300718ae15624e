// The browser side of e2e/lora.test.ts's numerics: src/core/gpt2/lora.test.ts's checks against test/fixtures/lora
// (the given adapter's losses and gradients, the training runs from it) on a GPU backend, with the real core; the
// fixtures are fetched from the dev server. `window.lora.run(backend)` returns the mismatches (none when it passes).
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../../src/core/backend';
import { GPT2 } from '../../src/core/gpt2/model';
import { readModelFolder, urlSource } from '../../src/core/io/model_folder';
import { loadAdapter } from '../../src/core/io/adapter';
import { parseSafetensors } from '../../src/core/io/safetensors';
import { Trainer } from '../../src/core/train/trainer';
import { resolveArgs, type TrainingArguments } from '../../src/core/train/args';
import { compareRun, type RunReference } from '../../test/compare_run';

const LORA = '/test/fixtures/lora/';
const log = (s: string) => { document.getElementById('log')!.textContent += s + '\n'; };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return Number.isNaN(m) ? Infinity : m; };
const maxAbs = (a: ArrayLike<number>) => maxDiff(a, new Float32Array(a.length));

async function run(backend: BackendName): Promise<{ backend: string; mismatches: string[] }> {
  const report = await initBackend(backend);
  const ref = await (await fetch(LORA + 'run.json')).json();
  const expected = parseSafetensors(new Uint8Array(await (await fetch(LORA + 'expected.safetensors')).arrayBuffer()), 'expected.safetensors');
  const u16 = new Uint16Array(await (await fetch(LORA + ref.blocks)).arrayBuffer());
  const blocks = Int32Array.from(u16);
  const folder = await readModelFolder(urlSource(`/fixtures/models/${ref.base_model}/`));
  const adapted = async () => {
    const model = GPT2.fromArrays(folder.config, folder.weights);
    await loadAdapter(model, urlSource(LORA + ref.adapter_dir + '/'));
    return model;
  };
  const bad: string[] = [];
  const model = await adapted();
  const ids = tf.tensor2d(blocks, [ref.num_blocks, ref.block_size], 'int32');
  const names = [...model.lora!.params.keys()];
  const { value, grads } = tf.valueAndGrads(() => model.losses(ids).mean() as tf.Scalar)(names.map((n) => model.lora!.params.get(n)!));
  const loss = (await value.data())[0];
  if (!(Math.abs(loss - ref.eval_loss) < 1e-4)) bad.push(`eval_loss ${loss}, expected ${ref.eval_loss}`);
  for (const [i, n] of names.entries()) {
    const want = expected.float32('grad.' + n), d = maxDiff(await grads[i].data(), want);
    if (!(d <= 1e-5 + 1e-3 * maxAbs(want))) bad.push(`grad.${n}: off by ${d}`);
  }
  tf.dispose([ids, value, ...grads]);
  model.dispose();
  for (const [runName, r] of Object.entries(ref.runs as Record<string, RunReference & { args: Partial<TrainingArguments> }>)) {
    const m = await adapted();
    const data = { blocks, blockSize: ref.block_size, train: [...Array(ref.num_blocks).keys()], validation: [] };
    const trainer = new Trainer(m, data, resolveArgs({ ...r.args, logging_steps: 1, shuffle: false, dropout: 0, save_steps: 0 }), report.backend);
    await trainer.train();
    const final = new Map(await Promise.all([...m.lora!.params].map(async ([n, t]) => [n, (await t.data()) as Float32Array] as const)));
    bad.push(...compareRun(runName, r, expected, trainer.logHistory, final));
    trainer.dispose(); m.dispose();
  }
  log(bad.length ? bad.join('\n') : `matches on ${report.backend}`);
  return { backend: report.backend, mismatches: bad };
}

declare global { interface Window { lora?: { run: typeof run } } }
window.lora = { run };
