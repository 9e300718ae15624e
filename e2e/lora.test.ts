// LoRA in Chromium: the PyTorch reference (test/fixtures/lora) on webgpu and webgl (cpu and wasm: src/core/gpt2/
// lora.test.ts), and the studio on wasm with the tiny fixture model: the user picks LoRA with its r and alpha,
// trains, and exports the adapter (PEFT's files, which the CLI loads on the base model) and then the merged model
// (which the CLI evaluates as the base with the adapter). Screenshots go to e2e/artifacts/lora-*.png.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, studioControls, type E2EPage, type Harness } from './harness';
import { fixture } from '../test/fixtures';
import { tempDirs } from '../test/tmp';
import { cliStdout } from '../test/cli';
import { parseSafetensors } from '../src/core/io/safetensors';

const MODEL = '/fixtures/models/tiny-gpt2-v512';
const MBOX = fixture('emails', 'dev', 'messages.mbox');
const TOKENS = fixture('emails', 'dev', 'gpt2-v512.u16');

let h: Harness;
let p: E2EPage;
/** The adapter the first test exported. */
let trainedAdapter = '';
const tmp = tempDirs('lora-e2e-')();

beforeAll(async () => {
  // The dev server: the reference runs below use e2e/pages/lora.html, a test page that imports the core.
  h = await startHarness();
  p = await h.open(`/?model=${MODEL}`);
});
afterAll(async () => {
  await p?.close();
  await h?.close();
});

/** The CLI's eval_loss of a folder (with an adapter, when given) on the fixture's tokens. */
async function cliEval(...flags: string[]): Promise<number> {
  return JSON.parse(await cliStdout(['eval', ...flags, '--tokens_file', TOKENS, '--block_size', '32'])).eval_loss;
}

function unzipTo(bytes: Buffer, name: string): { dir: string; files: string[] } {
  const files = unzipSync(new Uint8Array(bytes));
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  for (const [f, b] of Object.entries(files)) writeFileSync(path.join(dir, f), b);
  return { dir, files: Object.keys(files).sort() };
}

describe.each(['webgpu', 'webgl'] as const)('LoRA against the PyTorch reference on %s', (backend) => {
  it('the given adapter\'s losses and gradients, and the training runs from it', async () => {
    const page = await h.open('/e2e/pages/lora.html');
    try {
      await page.page.waitForFunction(() => window.lora !== undefined, undefined, { timeout: 60_000 });
      const s = await page.page.evaluate((b) => window.lora!.run(b), backend);
      expect(s).toEqual({ backend, mismatches: [] });
      expect(page.errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 600_000);
});

describe('LoRA in the studio', () => {
  it('trains a LoRA adapter on wasm and exports the adapter or the merged model, as picked', async () => {
    const page = p.page;
    const ui = studioControls(page, tmp);
    await page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 120_000 });
    await ui.chooseBackend('wasm', 'WebAssembly');
    await ui.setSettings({ 'Block size': '32', 'Validation %': '5' });
    await page.getByLabel('Dataset files').setInputFiles(MBOX);
    await expect.poll(() => page.locator('dl[aria-label="Dataset statistics"]').textContent(), { timeout: 60_000 }).toContain('× 32');

    // The model card's memory estimate follows the choice: LoRA keeps gradients and AdamW moments for the adapters alone.
    const card = page.getByRole('region', { name: 'Model card' });
    const stateBytes = async () => {
      const m = /AdamW moments ([\d.,]+) (B|KB|MB|GB)/.exec((await card.locator('.memory').textContent()) ?? '');
      return m ? Number(m[1].replace(/,/g, '')) * { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 }[m[2] as 'B'] : NaN;
    };
    const fullState = await stateBytes();
    expect(fullState).toBeGreaterThan(0);
    const method = page.getByRole('radiogroup', { name: 'Fine-tuning method' });
    expect(await ui.spin('LoRA r').count()).toBe(0); // shown with LoRA only
    await method.getByRole('radio', { name: 'LoRA' }).check();
    await ui.setSettings({ 'LoRA r': '4', 'LoRA alpha': '8', 'Learning rate': '1e-2', 'Max steps': '4', 'Batch size': '2', 'Logging steps': '1',
      'Eval steps': '0', 'Sample every N evaluations': '0' });
    // Weights at 4 B a parameter, the adapters' 16 B: about a quarter of full fine-tuning's 16 B a parameter.
    await expect.poll(stateBytes).toBeLessThan(fullState / 3);
    await p.screenshot('lora-1-settings');
    await ui.button('Start training').click();
    await expect.poll(() => ui.status().textContent(), { timeout: 180_000 }).toMatch(/Completed|Failed|Stopped/);
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(await ui.status().textContent()).toBe('Completed');
    expect((await ui.logRows()).map((r) => r[0])).toEqual(['1', '2', '3', '4']);

    // The adapter: PEFT's two files (with the tokenizer, the trainer's state and the run's results, as the CLI's
    // output_dir), a few kB here.
    const exportAs = page.getByRole('combobox', { name: 'Export as' });
    expect(await exportAs.inputValue()).toBe('adapter');
    await p.screenshot('lora-2-trained');
    const adapterZip = await ui.download(() => ui.button('Export model').click());
    expect(adapterZip.name).toBe('tiny-gpt2-v512-lora-adapter.zip');
    const adapter = unzipTo(adapterZip.bytes, 'adapter');
    expect(adapter.files).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'eval_results.json', 'merges.txt', 'tokenizer.json', 'tokenizer_config.json',
      'train_results.json', 'trainer_state.json', 'training_args.json', 'vocab.json']);
    const config = JSON.parse(readFileSync(path.join(adapter.dir, 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 4, lora_alpha: 8, fan_in_fan_out: true, target_modules: ['c_attn'], base_model_name_or_path: MODEL });
    const weights = parseSafetensors(new Uint8Array(readFileSync(path.join(adapter.dir, 'adapter_model.safetensors'))));
    expect([...weights.tensors.keys()]).toEqual([0, 1, 2].flatMap((i) => ['A', 'B'].map((x) => `base_model.model.transformer.h.${i}.attn.c_attn.lora_${x}.weight`)));
    expect(weights.tensors.get('base_model.model.transformer.h.0.attn.c_attn.lora_B.weight')!.shape).toEqual([144, 4]);
    // Trained: B has left zero, so the adapted model is not the base one.
    expect(weights.float32('base_model.model.transformer.h.0.attn.c_attn.lora_B.weight').some((x) => x !== 0)).toBe(true);
    const base = fixture('models', 'tiny-gpt2-v512');
    const adapted = await cliEval('--model_name_or_path', base, '--adapter_name_or_path', adapter.dir);
    expect(Math.abs(adapted - await cliEval('--model_name_or_path', base))).toBeGreaterThan(1e-4);

    // The merged model: a plain model folder that evaluates as the base with the adapter.
    await exportAs.selectOption('merged');
    const mergedZip = await ui.download(() => ui.button('Export model').click());
    expect(mergedZip.name).toBe('tiny-gpt2-v512-lora-merged.zip');
    const merged = unzipTo(mergedZip.bytes, 'merged');
    expect(merged.files).toContain('model.safetensors');
    expect(merged.files).not.toContain('adapter_config.json');
    expect(Math.abs(await cliEval('--model_name_or_path', merged.dir) - adapted)).toBeLessThan(1e-4);
    trainedAdapter = adapter.dir;
  }, 600_000);

  it('keeps the adapter in a checkpoint: after a reload the continued run exports the same adapter', async () => {
    const page = p.page;
    const ui = studioControls(page, tmp);
    await ui.button('Save checkpoint').click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved checkpoint-4' }).count(), { timeout: 60_000 }).toBe(1);
    await page.reload();
    await page.getByRole('region', { name: 'Model card' }).getByRole('heading', { name: MODEL }).waitFor({ timeout: 60_000 });
    await ui.chooseBackend('wasm', 'WebAssembly');
    await ui.button('Continue saved run').click();
    await expect.poll(() => ui.status().textContent(), { timeout: 60_000 }).toBe('Completed');
    // The restored run shows its method and settings.
    expect(await page.getByRole('radio', { name: 'LoRA' }).isChecked()).toBe(true);
    expect(await ui.spin('LoRA r').inputValue()).toBe('4');
    await p.screenshot('lora-3-restored');
    const zip = await ui.download(() => ui.button('Export model').click());
    expect(zip.name).toBe('tiny-gpt2-v512-lora-adapter.zip');
    const restored = unzipTo(zip.bytes, 'restored');
    for (const f of ['adapter_config.json', 'adapter_model.safetensors']) {
      expect(readFileSync(path.join(restored.dir, f)).equals(readFileSync(path.join(trainedAdapter, f))), f).toBe(true);
    }
    expect(p.errors).toEqual([]);
  }, 300_000);
});
