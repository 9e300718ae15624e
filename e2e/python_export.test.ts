// "Export for Python" in Chromium: a short run on the fixture emails, then the button's zip holds run_clm.sh with
// real run_clm.py / TrainingArguments flags and the run's settings, data files that make the very blocks trained on,
// and the trained weights (the same as "Export model" gives).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, studioControls, type E2EPage, type Harness } from './harness';
import { fixture } from '../test/fixtures';
import { RUN_CLM_FLAGS, blocksOf, commandArgs, runClmBlocks } from '../test/run_clm';
import { prepareDataset } from '../src/core/data';
import { readTokenizer } from '../src/core/io/model_folder';
import { parseSafetensors } from '../src/core/io/safetensors';
import { dirSource, openDataFile } from '../src/node/fs_source';

const MODEL = '/fixtures/models/tiny-gpt2-v512';
const MBOX = fixture('emails', 'dev', 'messages.mbox');
const tmp = mkdtempSync(path.join(tmpdir(), 'python-export-e2e-'));
let h: Harness;
let p: E2EPage;

beforeAll(async () => {
  h = await startHarness();
  p = await h.open(`/?model=${MODEL}`);
});
afterAll(async () => {
  await p?.close();
  await h?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Export for Python', () => {
  it('downloads a zip with the run_clm.py command, the dataset it reads and the trained weights', async () => {
    const { page } = p;
    const { button, status, setSettings, chooseBackend, download } = studioControls(page, tmp);
    await page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 120_000 });
    await page.getByLabel('Dataset files').setInputFiles(MBOX);
    await setSettings({ 'Block size': '32', 'Validation %': '10' });
    await expect.poll(() => page.locator('dl[aria-label="Dataset statistics"]').textContent(), { timeout: 60_000 }).toContain('Blocks986 × 32');
    await chooseBackend('wasm', 'WebAssembly');
    await setSettings({ 'Learning rate': '1e-3', 'Max steps': '4', 'Batch size': '2', 'Logging steps': '1', 'Eval steps': '0', 'Sample every N evaluations': '0' });
    await button('Start training').click();
    await expect.poll(() => status().textContent(), { timeout: 180_000 }).toMatch(/Completed|Failed|Stopped/);
    expect(await status().textContent()).toBe('Completed');

    const zip = await download(() => button('Export for Python').click());
    expect(zip.name).toBe('tiny-gpt2-v512-run_clm.zip');
    const files = unzipSync(new Uint8Array(zip.bytes));
    expect(Object.keys(files).sort()).toEqual(['README.md', 'data/train.json', 'data/validation.json', 'model/config.json', 'model/generation_config.json',
      'model/merges.txt', 'model/model.safetensors', 'model/tokenizer.json', 'model/tokenizer_config.json', 'model/vocab.json', 'run_clm.sh']);
    await p.screenshot('python-export');

    // The command: only real flags, with the run's settings (a finished run is carried on as the same run again).
    const c = commandArgs(strFromU8(files['run_clm.sh']));
    for (const f of c.keys()) expect(RUN_CLM_FLAGS.has(f), `--${f}`).toBe(true);
    expect(Object.fromEntries(['model_name_or_path', 'train_file', 'validation_file', 'block_size', 'max_steps', 'learning_rate', 'per_device_train_batch_size', 'logging_steps']
      .map((k) => [k, c.get(k)]))).toEqual({ model_name_or_path: 'model', train_file: 'data/train.json', validation_file: 'data/validation.json',
      block_size: '32', max_steps: '4', learning_rate: '0.001', per_device_train_batch_size: '2', logging_steps: '1' });
    expect(strFromU8(files['README.md'])).toContain(strFromU8(files['run_clm.sh']).split('exec ')[1].trim());

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
    expect(p.errors).toEqual([]);
  }, 300_000);
});
