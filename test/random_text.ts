// Deterministic random text for tokenizer and reader tests: a mix of scripts, whitespace runs, contractions,
// emoji and punctuation, the places where a byte-level BPE (and cutting text into pieces) goes wrong.
const PIECES = [...'abcXYZ019 \t\n\r.,;!?\'"-_()<>|/é漢ü😀', ' ', '  ', "'s", "'ll", "'t", '\u00a0', '\u3000', '👍🏽', 'ﬁ', '١٢'];

/** At least `length` characters drawn from the pieces above and `extra`, by a linear congruential generator. */
export function randomText(seed: number, length: number, extra: string[] = []): string {
  const pieces = [...PIECES, ...extra];
  let s = seed;
  let out = '';
  while (out.length < length) {
    s = (s * 1103515245 + 12345) >>> 0;
    out += pieces[(s >>> 8) % pieces.length];
  }
  return out;
}
