// Peak memory of exporting GPT-2 124M (random init, wasm in Node) as a zip: the streamed zip the worker makes
// (src/core/io/zip_stream.ts, each piece handed on as it is made) against the whole-folder zipSync it replaced.
// Reported: the peak of the JS side (V8's heap and ArrayBuffers beyond the wasm heap) plus the wasm heap, sampled at
// every piece, and the process's peak RSS; each in a process of its own. `npm run bench` runs it too (exportRow, in
// its `memory` items).
//
//   node --import tsx bench/memory/export.ts
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { initBackend } from '../../src/core/backend';
import { GPT2 } from '../../src/core/gpt2/model';
import { GPT2Tokenizer } from '../../src/core/tokenizer';
import { fileBytes } from '../../src/core/io/files';
import { modelFolderFiles } from '../../src/core/io/export';
import { zipStream } from '../../src/core/io/zip_stream';
import { GPT2_124M, child, isMain, jsAndWasm, peakRss } from './common';
import { EXPORT, type ExportRow } from './tables';
import { row, tableHead } from '../lib/report';
import { readFileSync } from 'node:fs';
import { fixture } from '../../test/fixtures';

type Measured = Omit<ExportRow, 'loadAverage'>;

async function measure(how: 'stream' | 'zipSync'): Promise<Measured> {
  await initBackend('wasm');
  const model = GPT2.init(GPT2_124M, 1);
  const dir = fixture('tokenizers', 'gpt2');
  const tokenizer = GPT2Tokenizer.fromFiles(Object.fromEntries(['vocab.json', 'merges.txt'].map((f) => [f, readFileSync(path.join(dir, f), 'utf8')])));
  const files = modelFolderFiles(model, { rawConfig: { model_type: 'gpt2' }, generationConfig: {}, tokenizer });
  const sample = () => { const m = jsAndWasm(); return m.js + m.wasm; };
  const before = sample();
  let peak = before;
  const out = mkdtempSync(path.join(tmpdir(), 'gpt2-studio-export-'));
  const file = path.join(out, 'model.zip');
  const t0 = performance.now();
  try {
    if (how === 'stream') {
      const w = createWriteStream(file);
      for await (const chunk of zipStream(files)) {
        peak = Math.max(peak, sample());
        if (!w.write(chunk)) await new Promise<void>((r) => w.once('drain', () => r()));
      }
      await new Promise<void>((r) => w.end(() => r()));
    } else {
      const entries: Zippable = {};
      for (const [name, data] of files) { entries[name] = [await fileBytes(data), { level: name.endsWith('.safetensors') ? 0 : 6 }]; peak = Math.max(peak, sample()); }
      const zip = zipSync(entries);
      peak = Math.max(peak, sample());
      const w = createWriteStream(file);
      await new Promise<void>((r) => w.end(zip, () => r()));
    }
    return { how, zipBytes: statSync(file).size, before, peak, peakRss: peakRss(), seconds: (performance.now() - t0) / 1000 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** One export, in a process of its own (killed after `timeoutS`). */
export const exportRow = (how: 'stream' | 'zipSync', timeoutS?: number): Promise<ExportRow> => child<Measured>(import.meta.url, [how], timeoutS);

const argv = process.argv.slice(2);
if (isMain(import.meta.url) && argv[0] === '--child') {
  console.log(JSON.stringify(await measure(argv[1] as 'stream' | 'zipSync')));
} else if (isMain(import.meta.url)) {
  console.log(tableHead(EXPORT.head));
  for (const how of ['stream', 'zipSync'] as const) console.log(row(EXPORT.cells(await exportRow(how))));
}
