// GPT-2 byte-level BPE: the core algorithm (pre-tokenization regex, byte <-> unicode mapping, merges by rank).
//
// Why our own BPE instead of a library: `gpt-tokenizer` (the fastest well-kept JS BPE) is bound to OpenAI's
// bundled encodings (r50k_base etc.), and GPT-2 Studio must also load community GPT-2 models that ship their own
// vocab.json/merges.txt (like the 512-token fixture). So the vocabulary and merges always come from the model's
// files; only the byte mapping below is fixed, since it is part of the GPT-2 byte-level scheme itself.
//
// The behaviour follows Hugging Face `tokenizers` (the Rust BPE behind GPT2TokenizerFast), which the slow Python
// GPT2Tokenizer agrees with on byte-level vocabularies.
// Pure TypeScript, no DOM or Node imports: it runs in the page, in a Web Worker and in Node.

import { ModelFileError } from '../errors';
import { sayTokenizer } from './messages';

/**
 * GPT-2's pre-tokenization pattern. `\s`/`\S` are written as `\p{White_Space}`/`\P{White_Space}` because JS `\s`
 * also matches U+FEFF and misses U+0085, while Oniguruma's `\s` (used by HF tokenizers) and Python `regex`'s are
 * exactly the Unicode White_Space property.
 */
export const GPT2_SPLIT_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/**
 * GPT-2's bytes_to_unicode(): every byte gets a printable character, so that BPE tokens are plain strings.
 * Printable Latin-1 bytes map to themselves; the other 68 bytes map to U+0100.. in byte order (space -> 'Ġ').
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const chars: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars[b] = String.fromCharCode(printable ? b : 256 + extra++);
  }
  return chars;
})();

/** The inverse mapping: char code -> byte, -1 for characters outside the byte alphabet. */
export const CHAR_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(256 + 68).fill(-1);
  BYTE_TO_CHAR.forEach((ch, b) => (table[ch.charCodeAt(0)] = b));
  return table;
})();

const utf8 = new TextEncoder();

/** Keep at most this many words in the per-word cache; cleared when full (simple, and emails repeat words a lot). */
const CACHE_LIMIT = 100_000;

/**
 * A byte-level BPE model: vocab (token string -> id) and merges in rank order.
 * encodeWord() turns one pre-token (a regex match) into ids.
 */
export class BytePairModel {
  /** id of each single byte's token, -1 where the vocab lacks it (HF then drops that byte, as it has no unk). */
  private readonly byteIds = new Int32Array(256);
  /** (left id, right id) -> merge rank, keyed by left * idBound + right. */
  private readonly mergeRanks = new Map<number, number>();
  /** merge rank -> id of the merged token. */
  private readonly mergeResults: Int32Array;
  private readonly idBound: number;
  private readonly cache = new Map<string, number[]>();

  /**
   * @param vocab token string -> id
   * @param merges pairs in rank order (rank 0 first)
   * @param where file name for error messages, e.g. "merges.txt"
   */
  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly merges: ReadonlyArray<readonly [string, string]>,
    where: string,
  ) {
    let maxId = -1;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    this.idBound = maxId + 1;
    for (let b = 0; b < 256; b++) this.byteIds[b] = vocab.get(BYTE_TO_CHAR[b]) ?? -1;

    // Like HF, every part of a merge and its result must be in the vocab: merges are applied on ids.
    this.mergeResults = new Int32Array(merges.length);
    merges.forEach(([a, b], rank) => {
      const left = vocab.get(a);
      const right = vocab.get(b);
      const merged = vocab.get(a + b);
      const missing = left === undefined ? a : right === undefined ? b : merged === undefined ? a + b : null;
      if (missing !== null) {
        throw new ModelFileError(sayTokenizer('mergeMissingToken', where, rank + 1, a, b, missing));
      }
      const key = left! * this.idBound + right!;
      // A repeated pair takes its last rank, as in HF (both the Rust map and Python's dict keep the last one).
      this.mergeRanks.set(key, rank);
      this.mergeResults[rank] = merged!;
    });
  }

  /** Appends the ids of one pre-token to `out`. */
  encodeWord(word: string, out: number[]): void {
    // Single ASCII characters (spaces, punctuation) are the most common words: no cache needed.
    if (word.length === 1 && word.charCodeAt(0) < 128) {
      const id = this.byteIds[word.charCodeAt(0)];
      if (id >= 0) out.push(id);
      return;
    }
    let ids = this.cache.get(word);
    if (ids === undefined) {
      ids = this.bpe(word);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, ids);
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i]);
  }

  /** BPE of one word, uncached. */
  private bpe(word: string): number[] {
    const bytes = utf8.encode(word);
    // Whole word already a token (most frequent words are): skip the merge loop.
    let chars = '';
    for (let i = 0; i < bytes.length; i++) chars += BYTE_TO_CHAR[bytes[i]];
    const whole = this.vocab.get(chars);
    if (whole !== undefined) return [whole];

    const sym: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const id = this.byteIds[bytes[i]];
      if (id >= 0) sym.push(id);
    }
    return this.mergeSymbols(sym);
  }

  /** Rank of merging ids a and b, -1 if they do not merge. */
  private rank(a: number, b: number): number {
    return this.mergeRanks.get(a * this.idBound + b) ?? -1;
  }

  /**
   * Applies merges lowest rank first, and for equal ranks leftmost first (exactly HF's order), using a doubly
   * linked list of symbols and a min-heap of candidate pairs: O(n log n), so a long word (a base64 line, a run
   * of dashes) does not go quadratic. Heap entries are `rank * n + position`; stale ones are skipped on pop.
   */
  private mergeSymbols(sym: number[]): number[] {
    const n = sym.length;
    if (n < 2) return sym;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1; // n = end of list
      prev[i] = i - 1; // -1 = start of list
    }
    const heap: number[] = [];
    const push = (pos: number) => {
      const r = this.rank(sym[pos], sym[next[pos]]);
      if (r >= 0) heapPush(heap, r * n + pos);
    };
    for (let i = 0; i < n - 1; i++) push(i);

    while (heap.length > 0) {
      const key = heapPop(heap);
      const rank = Math.floor(key / n);
      const pos = key - rank * n;
      const right = next[pos];
      // Stale entry: this symbol was merged away, or its pair changed since the entry was pushed (a rank names
      // exactly one pair, so an unchanged rank means an unchanged pair).
      if (sym[pos] < 0 || right >= n || this.rank(sym[pos], sym[right]) !== rank) continue;
      sym[pos] = this.mergeResults[rank];
      sym[right] = -1;
      next[pos] = next[right];
      if (next[pos] < n) {
        prev[next[pos]] = pos;
        push(pos);
      }
      if (prev[pos] >= 0) push(prev[pos]);
    }
    const out: number[] = [];
    for (let i = 0; i < n; i = next[i]) out.push(sym[i]);
    return out;
  }
}

// A plain binary min-heap of numbers (no dependency needed for ~20 lines).
function heapPush(heap: number[], value: number): void {
  let i = heap.push(value) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= value) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = value;
}

function heapPop(heap: number[]): number {
  const top = heap[0];
  const last = heap.pop()!;
  const n = heap.length;
  if (n > 0) {
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1] < heap[child]) child++;
      if (heap[child] >= last) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
  }
  return top;
}

/** Bytes of a vocab token: its characters mapped back through the byte alphabet. */
export function tokenBytes(token: string): Uint8Array {
  const bytes = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    const b = code < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[code] : -1;
    // Like HF's ByteLevel decoder: a token with a character outside the byte alphabet is taken as its UTF-8 text.
    if (b < 0) return utf8.encode(token);
    bytes[i] = b;
  }
  return bytes;
}
