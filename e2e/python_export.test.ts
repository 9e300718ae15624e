// "Export for Python" in Chromium: a run on the fixture emails, paused, then the button's zip holds run_clm.sh with
// real run_clm.py / TrainingArguments flags and the run's settings continued from the paused step, data files that
// make the very blocks trained on, and the weights trained so far (the same as "Export model" gives).
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, studioControls, type E2EPage, type Harness } from './harness';
import { fixture } from '../test/fixtures';
import { tempDirs } from '../test/tmp';
import { RUN_CLM_FLAGS, blocksOf, commandArgs, runClmBlocks } from '../test/run_clm';
import { prepareDataset } from '../src/core/data';
import { readTokenizer } from '../src/core/io/model_folder';
import { parseSafetensors } from '../src/core/io/safetensors';
import { dirSource, openDataFile } from '../src/node/fs_source';

const MODEL = '/fixtures/models/tiny-gpt2-v512';
const MBOX = fixture('emails', 'dev', 'messages.mbox');
const tmp = tempDirs('python-export-e2e-')();
let h: Harness;
let p: E2EPage;

beforeAll(async () => {
  h = await startHarness('preview');
  p = await h.open(`/?model=${MODEL}`);
});
afterAll(async () => {
  await p?.close();
  await h?.close();
});

describe('Export for Python', () => {
  it('downloads, mid-run, a zip with the run_clm.py command continuing the run, the dataset it reads and the weights so far', async () => {
    const { page } = p;
    const { button, status, progress, setSettings, chooseBackend, download } = studioControls(page, tmp);
    await page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 120_000 });
    await page.getByLabel('Dataset files').setInputFiles(MBOX);
    await setSettings({ 'Block size': '32', 'Validation %': '10' });
    await expect.poll(() => page.locator('dl[aria-label="Dataset statistics"]').textContent(), { timeout: 60_000 }).toContain('Blocks986 × 32');
    await chooseBackend('wasm', 'WebAssembly');
    await setSettings({ 'Learning rate': '1e-3', 'Max steps': '2000', 'Batch size': '2', 'Logging steps': '1', 'Eval steps': '0', 'Sample every N evaluations': '0' });
    // Exported in the middle of the run: paused, the weights and the step hold still.
    await button('Start training').click();
    await expect.poll(async () => Number(await progress().getAttribute('value')), { timeout: 60_000 }).toBeGreaterThan(0);
    await button('Pause').click();
    await expect.poll(() => status().textContent(), { timeout: 60_000 }).toBe('Paused');

    const zip = await download(() => button('Export for Python').click());
    expect(zip.name).toBe('tiny-gpt2-v512-run_clm.zip');
    const files = unzipSync(new Uint8Array(zip.bytes));
    expect(Object.keys(files).sort()).toEqual(['README.md', 'data/train.json', 'data/validation.json', 'model/config.json', 'model/generation_config.json',
      'model/merges.txt', 'model/model.safetensors', 'model/tokenizer.json', 'model/tokenizer_config.json', 'model/vocab.json', 'run_clm.sh']);
    await p.screenshot('python-export');

    // The command: only real flags, with the run's settings, continued from the step it was paused at.
    const c = commandArgs(strFromU8(files['run_clm.sh']));
    for (const f of c.keys()) expect(RUN_CLM_FLAGS.has(f), `--${f}`).toBe(true);
    const readme = strFromU8(files['README.md']);
    const step = Number(/continues from step (\d+) of 2000/.exec(readme)?.[1]);
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(2000);
    expect(Object.fromEntries(['model_name_or_path', 'train_file', 'validation_file', 'block_size', 'max_steps', 'per_device_train_batch_size', 'logging_steps', 'warmup_steps']
      .map((k) => [k, c.get(k)]))).toEqual({ model_name_or_path: 'model', train_file: 'data/train.json', validation_file: 'data/validation.json',
      block_size: '32', max_steps: String(2000 - step), per_device_train_batch_size: '2', logging_steps: '1', warmup_steps: '0' });
    // The linear schedule's rest: from 1e-3 · (2000 − step) / 2000 down to 0.
    expect(Number(c.get('learning_rate'))).toBeCloseTo(1e-3 * (2000 - step) / 2000, 15);
    expect(readme).toContain(strFromU8(files['run_clm.sh']).split('exec ')[1].trim());

    // The data files make the blocks the studio trained and evaluated on.
    const tok = await readTokenizer(await dirSource(fixture('models', 'tiny-gpt2-v512')));
    const ours = await prepareDataset([await openDataFile(MBOX)], tok, { blockSize: 32, validationSplitPercentage: 10 });
    expect(runClmBlocks(strFromU8(files['data/train.json']), (t) => tok.encode(t), 32)).toEqual(blocksOf(ours, ours.train));
    expect(runClmBlocks(strFromU8(files['data/validation.json']), (t) => tok.encode(t), 32)).toEqual(blocksOf(ours, ours.validation));

    // The weights are the trained ones: those of "Export model".
    const model = unzipSync(new Uint8Array((await download(() => button('Export model').click())).bytes))['model.safetensors'];
    const want = parseSafetensors(model), got = parseSafetensors(files['model/model.safetensors']);
    expect([...got.tensors.keys()]).toEqual([...want.tensors.keys()]);
    for (const k of want.tensors.keys()) expect(got.float32(k), k).toEqual(want.float32(k));
    const base = parseSafetensors(new Uint8Array(await (await dirSource(fixture('models', 'tiny-gpt2-v512'))).read('model.safetensors') ?? new Uint8Array()));
    expect(got.float32('transformer.wte.weight')).not.toEqual(base.float32([...base.tensors.keys()].find((k) => k.endsWith('wte.weight'))!));
    await button('Stop').click();
    await expect.poll(() => status().textContent(), { timeout: 60_000 }).toBe('Stopped');
    expect(p.errors).toEqual([]);
  }, 300_000);
});
