// What a user sees when they get something wrong on the command line: one clear line on stderr naming the file,
// field or value, exit status 2, no stack trace, and no output folder left behind.
import { describe, it, expect } from 'vitest';
import { writeFileSync, existsSync, cpSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../../test/cli';
import { fixture } from '../../test/fixtures';
import { tempDirs } from '../../test/tmp';

const model = fixture('models', 'tiny-gpt2-v512');
const mbox = fixture('emails', 'dev', 'messages.mbox');
const tmp = tempDirs('gpt2-studio-err-');
const file = (name: string, data: string | Uint8Array) => { const p = path.join(tmp(), name); writeFileSync(p, data); return p; };

async function fails(args: string[], message: RegExp) {
  const r = await cli(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

describe('bad input on the command line', () => {
  const train = (out: string, ...more: string[]) => ['train', '--model_name_or_path', model, '--output_dir', out, '--max_steps', '1', '--block_size', '16', ...more];

  it.each([
    ['an empty file', () => file('empty.txt', ''), /empty\.txt: the file is empty/],
    ['a binary file', () => file('photo.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3])), /photo\.txt: .*binary/],
    ['invalid UTF-8', () => file('latin1.txt', new Uint8Array([0x48, 0x69, 0x20, 0xe9, 0x74, 0xe9])), /latin1\.txt: .*UTF-8/],
    ['a CSV without the text column', () => file('data.csv', 'title,body\na,b\n'), /data\.csv: line 1 \(the header\) has no column 'text'; columns found: title, body/],
    ['a JSONL line that is not JSON', () => file('data.jsonl', '{"text": "ok"}\n{oops\n'), /data\.jsonl:2: malformed JSON/],
    ['a missing file', () => '/nonexistent/mails.mbox', /\/nonexistent\/mails\.mbox: no such file/],
    ['a dataset smaller than one block', () => file('short.txt', 'Hi.'), /short\.txt: \d+ tokens make no block of block_size 16/],
  ])('names the file for %s, and writes no output folder', async (_what, make, message) => {
    const out = path.join(tmp(), 'out');
    await fails([...train(out), '--train_file', make()], message);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['--block_size', '65'], /--block_size must be in \[2, 64\] \(the model's n_positions\), got 65/],
    [['--learning_rate', '-1'], /learning_rate must be a number ≥ 0, got -1/],
    [['--per_device_train_batch_size', '0'], /per_device_train_batch_size must be a positive integer, got 0/],
    [['--lr_scheduler_type', 'triangle'], /lr_scheduler_type must be one of linear, cosine, constant, constant_with_warmup/],
    [['--max_steps', 'ten'], /--max_steps must be an integer, got "ten"/],
    [['--colour', 'blue'], /unknown flag --colour/],
    [['--backend', 'tpu'], /--backend must be one of auto, webgpu, webgl, wasm, cpu; got "tpu"/],
  ])('refuses the setting %j', async (extra, message) => {
    const out = path.join(tmp(), 'out');
    await fails([...train(out, '--train_file', mbox), ...extra], message);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a non-empty output_dir unless --overwrite_output_dir', async () => {
    const out = tmp();
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    await fails([...train(out, '--train_file', mbox)], /--output_dir .* exists and is not empty; pass --overwrite_output_dir/);
    expect(existsSync(path.join(out, 'notes.txt'))).toBe(true);
  });

  it('refuses a pickle checkpoint and says how to convert it', async () => {
    const dir = tmp();
    cpSync(model, dir, { recursive: true });
    rmSync(path.join(dir, 'model.safetensors'));
    writeFileSync(path.join(dir, 'pytorch_model.bin'), 'PK\x03\x04 not unpickled');
    await fails(['eval', '--model_name_or_path', dir, '--tokens_file', fixture('emails', 'dev', 'gpt2-v512.u16'), '--block_size', '16'],
      /only pytorch_model\.bin .* never loaded here.*safe_serialization=True/);
  });

  it('names a model folder that is not one', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'sub'));
    await fails(['generate', '--model_name_or_path', dir, '--prompt', 'Hi'], /no config\.json/);
  });
});

describe('a batch larger than the backend can hold', () => {
  it('is refused before training by the memory plan, naming the numbers and the largest batch that fits', async () => {
    const out = path.join(tmp(), 'out');
    await fails(['train', '--model_name_or_path', model, '--train_file', mbox, '--output_dir', out, '--block_size', '64',
      '--per_device_train_batch_size', '100000', '--max_steps', '1', '--backend', 'wasm'],
    /^gpt2-studio train: error: --per_device_train_batch_size: 100,000 blocks of 64 tokens need about [\d.]+ GB to train on wasm, more than the 4 GiB WebAssembly heap; the largest --per_device_train_batch_size that fits is [\d,]+ \(--skip_memory_check trains anyway\)\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a full fine-tune of gpt2-medium on wasm with the numbers, before making its weights', async () => {
    const config = file('config.json', JSON.stringify({ model_type: 'gpt2', n_embd: 1024, n_layer: 24, n_head: 16 }));
    const out = path.join(tmp(), 'out');
    await fails(['train', '--config_name', config, '--tokenizer_name', fixture('tokenizers', 'gpt2'), '--train_file', mbox, '--output_dir', out,
      '--block_size', '512', '--per_device_train_batch_size', '1', '--backend', 'wasm'],
    /^gpt2-studio train: error: --backend: training all 354,823,168 parameters needs about 5\.7 GB on wasm for the weights, gradients and AdamW moments alone, more than the 4 GiB WebAssembly heap; train LoRA adapters or choose a backend with more memory \(--skip_memory_check trains anyway\)\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('plans gpt2-medium with --use_peft as LoRA: its frozen weights fit wasm, and only a batch too large is refused', async () => {
    const config = file('config.json', JSON.stringify({ model_type: 'gpt2', n_embd: 1024, n_layer: 24, n_head: 16 }));
    const out = path.join(tmp(), 'out');
    await fails(['train', '--config_name', config, '--tokenizer_name', fixture('tokenizers', 'gpt2'), '--train_file', mbox, '--output_dir', out,
      '--block_size', '512', '--per_device_train_batch_size', '1000', '--backend', 'wasm', '--use_peft', '--lora_target_modules', 'c_attn,c_proj,c_fc'],
    /^gpt2-studio train: error: --per_device_train_batch_size: 1,000 blocks of 512 tokens need about [\d.]+ [GT]B to train on wasm, more than the 4 GiB WebAssembly heap; the largest --per_device_train_batch_size that fits is [1-9][\d,]* \(--skip_memory_check trains anyway\)\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('is a clear message naming the batch and what to lower, with no output folder (a real wasm heap overflow)', async () => {
    // 40,000 blocks of 64 random token ids; a batch of 32,768 of them needs far more than wasm's 4 GiB heap
    // (attention scores alone: 32,768 × 4 heads × 64 × 64 floats = 2 GiB).
    const ids = new Uint16Array(64 * 40_000);
    for (let i = 0; i < ids.length; i++) ids[i] = (i * 7919) % 511;
    const data = file('blocks.u16', new Uint8Array(ids.buffer));
    const out = path.join(tmp(), 'out');
    const r = await cli(['train', '--model_name_or_path', model, '--train_file', data, '--output_dir', out, '--block_size', '64',
      '--per_device_train_batch_size', '32768', '--max_steps', '1', '--backend', 'wasm', '--skip_memory_check']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Emscripten prints its own "Aborted()" first; ours is the last line.
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^gpt2-studio train: error: out of memory on wasm in step 1: a batch of 32768 × 64 tokens does not fit \(the WebAssembly heap had grown to [34]\.\d\d GiB of its 4 GiB\); lower --per_device_train_batch_size to 16384 and start again \(no checkpoint was written\)$/);
    expect(existsSync(out)).toBe(false);
  });
});
