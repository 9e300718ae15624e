// Reading and writing Hugging Face tokenizer files for a GPT-2 byte-level BPE: tokenizer.json (the fast-tokenizer
// file), or the classic vocab.json + merges.txt pair, plus tokenizer_config.json for the special tokens.
// Every problem is reported as a ModelFileError that names the file and what was expected (messages.ts words it).

import { ModelFileError } from '../errors';
import { isJsonObject, parseJsonObject, type JsonObject } from '../io/json';
import type { Said } from '../messages';
import { sayTokenizer } from './messages';

export interface TokenizerFiles {
  'tokenizer.json'?: string;
  'vocab.json'?: string;
  'merges.txt'?: string;
  'tokenizer_config.json'?: string;
}

/** A token matched literally in the input before BPE (like `<|endoftext|>`), as HF's added tokens are. */
export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  normalized: boolean;
}

/** Everything a tokenizer is made of, whichever files it came from. */
export interface TokenizerSpec {
  vocab: Map<string, number>;
  merges: Array<[string, string]>;
  addedTokens: AddedToken[];
  /** tokenizer_config.json as given ({} if none); kept so files() writes its other settings back. */
  config: Record<string, unknown>;
  bosToken: string;
  eosToken: string;
  unkToken: string;
  /** the file the vocab and merges came from, for error messages */
  source: 'tokenizer.json' | 'merges.txt';
}

/** GPT2Tokenizer's default bos/eos/unk token, used when tokenizer_config.json does not name one. */
export const ENDOFTEXT = '<|endoftext|>';

/** token string -> id, checking every id is a distinct non-negative integer. */
function parseVocab(value: unknown, where: string): Map<string, number> {
  if (!isJsonObject(value)) throw new ModelFileError(sayTokenizer('vocabNotObject', where));
  const vocab = new Map<string, number>();
  const seen: string[] = []; // id -> token, to catch an id given twice
  for (const token in value) {
    const id = value[token];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new ModelFileError(sayTokenizer('vocabBadId', where, JSON.stringify(token), JSON.stringify(id)));
    }
    if (seen[id] !== undefined) {
      throw new ModelFileError(sayTokenizer('vocabIdTwice', where, id, JSON.stringify(seen[id]), JSON.stringify(token)));
    }
    seen[id] = token;
    vocab.set(token, id);
  }
  if (vocab.size === 0) throw new ModelFileError(sayTokenizer('vocabEmpty', where));
  return vocab;
}

/** One merge: "a b" (merges.txt, older tokenizer.json) or ["a", "b"] (tokenizer.json since tokenizers 0.20). */
function parseMerge(entry: unknown, where: () => string | Said): [string, string] {
  if (typeof entry === 'string') {
    const parts = entry.split(' ');
    if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return [parts[0], parts[1]];
  } else if (Array.isArray(entry) && entry.length === 2 && entry.every((p) => typeof p === 'string' && p !== '')) {
    return [entry[0], entry[1]];
  }
  throw new ModelFileError(sayTokenizer('mergeMalformed', where(), JSON.stringify(entry)));
}

function parseMergesTxt(text: string): Array<[string, string]> {
  const merges: Array<[string, string]> = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // The "#version: 0.2" header is skipped, as by HF; blank lines (the trailing newline) carry nothing.
    if (line.startsWith('#version') || line === '') return;
    merges.push(parseMerge(line, () => sayTokenizer('mergesLine', i + 1)));
  });
  return merges;
}

/** A special-token setting of tokenizer_config.json: a string, or an AddedToken object {content, ...}. */
function configToken(config: JsonObject, key: string): string | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (isJsonObject(value) && typeof value.content === 'string') return value.content;
  throw new ModelFileError(sayTokenizer('configTokenMalformed', key, JSON.stringify(value)));
}

/** Reads an added-token entry (tokenizer.json added_tokens[i] or tokenizer_config.json added_tokens_decoder[id]). */
function parseAddedToken(entry: unknown, id: unknown, where: string): AddedToken {
  if (!isJsonObject(entry) || typeof entry.content !== 'string' || entry.content === '') {
    throw new ModelFileError(sayTokenizer('addedTokenNoContent', where));
  }
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
    throw new ModelFileError(sayTokenizer('addedTokenBadId', where, JSON.stringify(entry.content)));
  }
  // These options change how a token is matched (eating nearby spaces, whole words only) and would break the
  // exact round trip; GPT-2 tokenizers do not use them, so refuse rather than tokenize differently from HF.
  for (const option of ['lstrip', 'rstrip', 'single_word'] as const) {
    if (entry[option] === true) {
      throw new ModelFileError(sayTokenizer('addedTokenOption', where, JSON.stringify(entry.content), option));
    }
  }
  return { id, content: entry.content, special: entry.special !== false, normalized: entry.normalized !== false };
}

/** Checks that tokenizer.json describes a GPT-2 style byte-level BPE that we reproduce exactly. */
function checkTokenizerJson(json: JsonObject): void {
  const file = 'tokenizer.json';
  if (json.normalizer != null) {
    throw new ModelFileError(sayTokenizer('normalizerNotNull', JSON.stringify(json.normalizer)));
  }
  const pre = json.pre_tokenizer;
  if (!isJsonObject(pre) || pre.type !== 'ByteLevel') {
    const got = isJsonObject(pre) ? pre.type : pre;
    throw new ModelFileError(sayTokenizer('preTokenizerNotByteLevel', JSON.stringify(got)));
  }
  if (pre.add_prefix_space === true) throw new ModelFileError(sayTokenizer('settingNotSupported', file, 'pre_tokenizer.add_prefix_space', true));
  if (pre.use_regex === false) throw new ModelFileError(sayTokenizer('settingNotSupported', file, 'pre_tokenizer.use_regex', false));
  const model = json.model;
  if (!isJsonObject(model)) throw new ModelFileError(sayTokenizer('noModel'));
  if (model.type !== undefined && model.type !== 'BPE') {
    throw new ModelFileError(sayTokenizer('modelNotBpe', JSON.stringify(model.type)));
  }
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[key] != null && model[key] !== '') throw new ModelFileError(sayTokenizer('modelAffixNotEmpty', key));
  }
  if (!Array.isArray(model.merges)) throw new ModelFileError(sayTokenizer('notArray', file, 'model.merges'));
}

/**
 * A folder may hold both forms (transformers writes both): they must be the same tokenizer, or the model would be
 * trained with one and used elsewhere with the other. The message names the files and the first difference.
 */
function checkSameAsPair(files: TokenizerFiles, vocab: Map<string, number>, merges: Array<[string, string]>): void {
  const differ = (file: string, difference: Said) => new ModelFileError(sayTokenizer('notSameTokenizer', file, difference));
  if (files['vocab.json'] !== undefined) {
    const other = parseVocab(parseJsonObject(files['vocab.json'], 'vocab.json'), 'vocab.json');
    for (const [token, id] of vocab) {
      const otherId = other.get(token);
      if (otherId !== id) {
        throw differ('vocab.json', sayTokenizer('tokenIdDiffers', JSON.stringify(token), id, otherId ?? null));
      }
    }
    if (other.size !== vocab.size) throw differ('vocab.json', sayTokenizer('tokenCountDiffers', vocab.size, other.size));
  }
  if (files['merges.txt'] !== undefined) {
    const other = parseMergesTxt(files['merges.txt']);
    const i = merges.findIndex(([a, b], k) => other[k]?.[0] !== a || other[k]?.[1] !== b);
    if (i >= 0 && i < other.length) {
      throw differ('merges.txt', sayTokenizer('mergeDiffers', i + 1, merges[i].join(' '), other[i].join(' ')));
    }
    if (other.length !== merges.length) throw differ('merges.txt', sayTokenizer('mergeCountDiffers', merges.length, other.length));
  }
}

/** Parses the files, preferring tokenizer.json, and gathers vocab, merges and added/special tokens. */
export function parseTokenizerFiles(files: TokenizerFiles): TokenizerSpec {
  const config = files['tokenizer_config.json'] !== undefined ? parseJsonObject(files['tokenizer_config.json'], 'tokenizer_config.json') : {};
  if (config.add_prefix_space === true) throw new ModelFileError(sayTokenizer('settingNotSupported', 'tokenizer_config.json', 'add_prefix_space', true));

  let vocab: Map<string, number>;
  let merges: Array<[string, string]>;
  const added: AddedToken[] = [];
  let source: TokenizerSpec['source'];

  if (files['tokenizer.json'] !== undefined) {
    const json = parseJsonObject(files['tokenizer.json'], 'tokenizer.json');
    checkTokenizerJson(json);
    const model = json.model as JsonObject;
    vocab = parseVocab(model.vocab, 'tokenizer.json: model.vocab');
    merges = (model.merges as unknown[]).map((m, i) => parseMerge(m, () => `tokenizer.json: model.merges[${i}]`));
    const list = json.added_tokens ?? [];
    if (!Array.isArray(list)) throw new ModelFileError(sayTokenizer('notArray', 'tokenizer.json', 'added_tokens'));
    list.forEach((t, i) => added.push(parseAddedToken(t, isJsonObject(t) ? t.id : undefined, `tokenizer.json: added_tokens[${i}]`)));
    source = 'tokenizer.json';
    checkSameAsPair(files, vocab, merges);
  } else if (files['vocab.json'] !== undefined && files['merges.txt'] !== undefined) {
    vocab = parseVocab(parseJsonObject(files['vocab.json'], 'vocab.json'), 'vocab.json');
    merges = parseMergesTxt(files['merges.txt']);
    source = 'merges.txt';
  } else {
    const missing = files['vocab.json'] === undefined ? 'vocab.json' : 'merges.txt';
    throw new ModelFileError(sayTokenizer('noTokenizer', missing));
  }

  // Added tokens saved by transformers in tokenizer_config.json (the only place the vocab.json form keeps them).
  const decoder = config.added_tokens_decoder ?? {};
  if (!isJsonObject(decoder)) throw new ModelFileError(sayTokenizer('notObject', 'tokenizer_config.json', 'added_tokens_decoder'));
  for (const [id, entry] of Object.entries(decoder)) {
    const token = parseAddedToken(entry, Number(id), `tokenizer_config.json: added_tokens_decoder["${id}"]`);
    if (!added.some((t) => t.content === token.content)) added.push(token);
  }

  // Special tokens are always added tokens (matched literally). As in transformers, one missing from the vocab
  // gets the next free id. GPT2Tokenizer's defaults are <|endoftext|> for bos, eos and unk.
  let nextId = 0;
  for (const id of vocab.values()) nextId = Math.max(nextId, id + 1);
  for (const t of added) nextId = Math.max(nextId, t.id + 1);
  const special = (content: string) => {
    if (!added.some((t) => t.content === content)) {
      added.push({ id: vocab.get(content) ?? nextId++, content, special: true, normalized: true });
    }
    return content;
  };
  const bosToken = special(configToken(config, 'bos_token') ?? ENDOFTEXT);
  const eosToken = special(configToken(config, 'eos_token') ?? ENDOFTEXT);
  const unkToken = special(configToken(config, 'unk_token') ?? ENDOFTEXT);
  const pad = configToken(config, 'pad_token');
  if (pad !== undefined) special(pad);
  const extra = config.additional_special_tokens ?? [];
  if (!Array.isArray(extra)) throw new ModelFileError(sayTokenizer('notArray', 'tokenizer_config.json', 'additional_special_tokens'));
  extra.forEach((_, i) => {
    const content = configToken({ [`additional_special_tokens[${i}]`]: extra[i] }, `additional_special_tokens[${i}]`);
    if (content) special(content);
  });
  added.sort((a, b) => a.id - b.id);

  return { vocab, merges, addedTokens: added, config, bosToken, eosToken, unkToken, source };
}

/** The four files of a Hugging Face model folder's tokenizer, loadable by transformers (slow or fast). */
export function writeTokenizerFiles(spec: TokenizerSpec): Required<TokenizerFiles> {
  const vocab = Object.fromEntries(spec.vocab);
  const merges = spec.merges.map(([a, b]) => `${a} ${b}`);
  const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean) => ({
    type: 'ByteLevel',
    add_prefix_space: addPrefixSpace,
    trim_offsets: trimOffsets,
    use_regex: true,
  });
  const flags = { single_word: false, lstrip: false, rstrip: false };
  // Same layout as Hugging Face writes for GPT-2 (see the fixture's tokenizer.json).
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: spec.addedTokens.map((t) => ({ id: t.id, content: t.content, ...flags, normalized: t.normalized, special: t.special })),
    normalizer: null,
    pre_tokenizer: byteLevel(false, true),
    post_processor: byteLevel(true, false),
    decoder: byteLevel(true, true),
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
  const config = {
    ...spec.config,
    add_prefix_space: false,
    bos_token: spec.bosToken,
    eos_token: spec.eosToken,
    unk_token: spec.unkToken,
    model_max_length: spec.config.model_max_length ?? 1024,
    tokenizer_class: 'GPT2Tokenizer',
    // transformers' clean-up would turn " ." into "." on decode; keep decode exact, like ours.
    clean_up_tokenization_spaces: false,
    added_tokens_decoder: Object.fromEntries(
      spec.addedTokens.map((t) => [String(t.id), { content: t.content, ...flags, normalized: t.normalized, special: t.special }]),
    ),
  };
  return {
    'vocab.json': JSON.stringify(vocab),
    'merges.txt': `#version: 0.2\n${merges.join('\n')}\n`,
    'tokenizer.json': JSON.stringify(tokenizerJson),
    'tokenizer_config.json': JSON.stringify(config, null, 2) + '\n',
  };
}
