// A Hugging Face model folder — config.json, model.safetensors and the tokenizer files — read through a FileSource,
// so the same code loads from a directory (Node), from files the user dropped (browser) or from a URL base / the hub.
import { parseConfig, type GPT2Config } from '../gpt2/config';
import { readParameters } from '../gpt2/weights';
import { parseSafetensors } from './safetensors';
import { ModelFileError } from '../errors';
import type { Said } from '../messages';
import { jsonText } from './json';
import { sayIo } from './messages';
import { GPT2Tokenizer, type TokenizerFiles } from '../tokenizer';

export interface FileSource {
  /** Where the files come from, for messages: a path, a URL or "the files given" (a sentence, for the page's language). */
  readonly location: string | Said;
  /** The file's bytes, or null when the folder has no such file. */
  read(file: string): Promise<Uint8Array | null>;
}

export interface ModelFolder {
  config: GPT2Config;
  /** config.json as found, written back unchanged on export. */
  rawConfig: Record<string, unknown>;
  generationConfig: Record<string, unknown>;
  weights: Map<string, Float32Array>;
  tokenizer: GPT2Tokenizer;
}

const TOKENIZER_FILES = ['tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json'] as const;

async function readJson(src: FileSource, file: string): Promise<unknown | null> {
  const bytes = await src.read(file);
  if (bytes === null) return null;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ModelFileError(sayIo('notJson', file, (e as Error).message));
  }
}

export async function readConfig(src: FileSource): Promise<{ config: GPT2Config; raw: Record<string, unknown> }> {
  const raw = await readJson(src, 'config.json');
  if (raw === null) throw new ModelFileError(sayIo('noConfig', src.location));
  return { config: parseConfig(raw), raw: raw as Record<string, unknown> };
}

export async function readTokenizer(src: FileSource): Promise<GPT2Tokenizer> {
  return (await loadTokenizer(src)).tokenizer;
}

/** The tokenizer and, for messages, the files it was made from. */
async function loadTokenizer(src: FileSource): Promise<{ tokenizer: GPT2Tokenizer; from: string }> {
  const files: TokenizerFiles = {};
  for (const f of TOKENIZER_FILES) {
    const b = await src.read(f);
    if (b) files[f] = new TextDecoder().decode(b);
  }
  if (!files['tokenizer.json'] && !(files['vocab.json'] && files['merges.txt'])) {
    throw new ModelFileError(sayIo('noTokenizer', src.location));
  }
  const from = files['tokenizer.json'] !== undefined ? 'tokenizer.json' : 'vocab.json + merges.txt';
  return { tokenizer: GPT2Tokenizer.fromFiles(files), from };
}

/**
 * Checks that a tokenizer fits the model: every id it makes is a row of the embedding (config.json's vocab_size,
 * which model.safetensors' wte.weight is checked against), and the bos/eos/pad ids that config.json and
 * generation_config.json name are tokens of it. `from` names the tokenizer's files.
 */
export function checkTokenizerFits(tokenizer: GPT2Tokenizer, config: GPT2Config, named: Array<[string, Record<string, unknown>]>, from: string): void {
  const rows = config.vocab_size;
  if (tokenizer.vocabSize > rows) {
    throw new ModelFileError(sayIo('tokenizerTooLarge', from, tokenizer.vocabSize, rows));
  }
  for (const [file, json] of named) {
    for (const key of ['bos_token_id', 'eos_token_id', 'pad_token_id']) {
      const id = json[key];
      if (id === undefined || id === null) continue;
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= tokenizer.vocabSize) {
        throw new ModelFileError(sayIo('notAToken', file, key, jsonText(id), from, tokenizer.vocabSize));
      }
    }
  }
}

/** Reads a whole model folder, checking that weights, config and tokenizer agree. */
export async function readModelFolder(src: FileSource): Promise<ModelFolder> {
  const { config, raw } = await readConfig(src);
  const { tokenizer, from } = await loadTokenizer(src);
  const generation = (await readJson(src, 'generation_config.json')) as Record<string, unknown> | null;
  checkTokenizerFits(tokenizer, config, [['config.json', raw], ...(generation ? [['generation_config.json', generation] as [string, Record<string, unknown>]] : [])], from);
  const generationConfig = generation ?? { bos_token_id: config.bos_token_id, eos_token_id: config.eos_token_id };
  const bytes = await src.read('model.safetensors');
  if (bytes === null) {
    const pickle = (await src.read('pytorch_model.bin')) !== null;
    throw new ModelFileError(pickle ? sayIo('onlyPickle', src.location) : sayIo('noWeights', src.location));
  }
  const weights = readParameters(parseSafetensors(bytes), config);
  return { config, rawConfig: raw, generationConfig, weights, tokenizer };
}

/** Files served under a URL base (`…/resolve/main/` on the Hugging Face hub). */
export function urlSource(base: string, fetchImpl: typeof fetch = fetch): FileSource {
  const root = base.endsWith('/') ? base : base + '/';
  return {
    location: base,
    async read(file) {
      const res = await fetchImpl(root + file);
      if (res.status === 404) return null;
      if (!res.ok) throw new ModelFileError(`${root + file}: HTTP ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

/** Files held in memory, e.g. picked or dropped in the browser. */
export function memorySource(files: Map<string, Uint8Array>, location: string | Said = sayIo('filesGiven')): FileSource {
  return { location, read: async (f) => files.get(f) ?? null };
}
