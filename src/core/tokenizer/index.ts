// GPT2Tokenizer: Hugging Face's GPT-2 byte-level BPE tokenizer (same ids, same decode), from the model's own files.
// Pure TypeScript (no DOM, no Node imports): usable in the page, a Web Worker and Node.
import { BytePairModel, GPT2_SPLIT_PATTERN, tokenBytes } from './bpe';
import { parseTokenizerFiles, writeTokenizerFiles, type TokenizerFiles, type TokenizerSpec } from './hf-files';
import { ByteBuffer } from '../bytes';

export type { TokenizerFiles } from './hf-files';

const WHITE_SPACE = /\p{White_Space}/u; // as in GPT2_SPLIT_PATTERN

export class GPT2Tokenizer {
  /** number of ids, added tokens included (max id + 1) */
  readonly vocabSize: number;
  /** id of the eos token (<|endoftext|> for GPT-2) */
  readonly eosTokenId: number;

  private readonly model: BytePairModel;
  /** id -> vocab token string (byte-level characters) */
  private readonly tokens: string[] = [];
  /** id -> text of an added token */
  private readonly added = new Map<number, string>();
  private readonly addedIds = new Map<string, number>();
  /** the added tokens as one literal alternation, longest first (leftmost-longest, as HF matches them); null if none */
  private readonly addedPattern: RegExp | null;
  private readonly splitPattern = new RegExp(GPT2_SPLIT_PATTERN);
  /** an added token holds whitespace, so splitPoint could cut through one */
  private readonly addedHoldsSpace: boolean;
  /** id -> bytes of a vocab token, filled on first decode */
  private readonly bytes: Array<Uint8Array | undefined> = [];
  // ignoreBOM: keep a leading U+FEFF (the default strips it, which would break the round trip).
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

  private constructor(private readonly spec: TokenizerSpec) {
    this.model = new BytePairModel(spec.vocab, spec.merges, spec.source);
    let size = 0;
    for (const [token, id] of spec.vocab) {
      this.tokens[id] = token;
      size = Math.max(size, id + 1);
    }
    for (const t of spec.addedTokens) {
      this.added.set(t.id, t.content);
      this.addedIds.set(t.content, t.id);
      size = Math.max(size, t.id + 1);
    }
    this.vocabSize = size;
    this.eosTokenId = this.addedIds.get(spec.eosToken)!;
    this.addedHoldsSpace = [...this.addedIds.keys()].some((t) => WHITE_SPACE.test(t));
    const literals = [...this.addedIds.keys()].sort((a, b) => b.length - a.length);
    this.addedPattern = literals.length
      ? new RegExp(literals.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
      : null;
  }

  /**
   * Builds a tokenizer from a model folder's files: tokenizer.json if given, else vocab.json + merges.txt;
   * tokenizer_config.json (optional) names the special tokens. Throws an Error naming the missing or broken file.
   */
  static fromFiles(files: TokenizerFiles): GPT2Tokenizer {
    return new GPT2Tokenizer(parseTokenizerFiles(files));
  }

  /** Token ids of `text`; added tokens such as <|endoftext|> written in the text become their id. */
  encode(text: string): number[] {
    const out: number[] = [];
    const pattern = this.addedPattern;
    if (pattern === null) {
      this.encodeOrdinary(text, out);
      return out;
    }
    let start = 0;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      this.encodeOrdinary(text.slice(start, m.index), out);
      out.push(this.addedIds.get(m[0])!);
      start = m.index + m[0].length;
    }
    this.encodeOrdinary(start === 0 ? text : text.slice(start), out);
    return out;
  }

  /**
   * Where a long text (a document streaming in) can be cut so that encode(text) is encode(head) followed by
   * encode(rest): before its last whitespace character that follows a non-whitespace one; 0 if there is none.
   * GPT-2's split never makes a piece that runs from non-whitespace into whitespace and only looks ahead, so a
   * piece starts there in both cases. An added token could span the cut only if it held whitespace: then never cut.
   * Only cuts after `from` are looked for (a caller that found none in a text need not search it again).
   */
  splitPoint(text: string, from = 0): number {
    if (this.addedHoldsSpace) return 0;
    for (let i = text.length - 1; i > Math.max(0, from); i--) {
      if (WHITE_SPACE.test(text[i]) && !WHITE_SPACE.test(text[i - 1])) return i;
    }
    return 0;
  }

  /** Text without added tokens: split with GPT-2's regex, then BPE each piece. */
  private encodeOrdinary(text: string, out: number[]): void {
    const re = this.splitPattern;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) this.model.encodeWord(m[0], out);
  }

  /** The text of `ids`; invalid UTF-8 (a cut multi-byte character) becomes U+FFFD, as in HF. */
  decode(ids: ArrayLike<number>): string {
    let text = '';
    const buf = new ByteBuffer();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const added = this.added.get(id);
      if (added !== undefined) {
        // Added tokens are text, not byte-level strings: flush the pending bytes and append them as they are.
        text += this.utf8.decode(buf.bytes());
        buf.clear();
        text += added;
        continue;
      }
      buf.push(this.tokenBytes(id));
    }
    return text + this.utf8.decode(buf.bytes());
  }

  /** One token's text (for UI hover); a token holding part of a UTF-8 character shows U+FFFD. */
  decodeToken(id: number): string {
    return this.decode([id]);
  }

  /** tokenizer files for an exported Hugging Face model folder (vocab.json, merges.txt, tokenizer.json, tokenizer_config.json) */
  files(): TokenizerFiles {
    return writeTokenizerFiles(this.spec);
  }

  private tokenBytes(id: number): Uint8Array {
    let bytes = this.bytes[id];
    if (bytes === undefined) {
      const token = Number.isInteger(id) ? this.tokens[id] : undefined;
      if (token === undefined) throw new RangeError(`token id ${id} is not in the vocabulary (ids 0..${this.vocabSize - 1})`);
      bytes = this.bytes[id] = tokenBytes(token);
    }
    return bytes;
  }
}
