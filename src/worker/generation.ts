// Streaming generation for the page: the core's generate() with its top-5 log-probabilities, turned into tokens
// of text. A token's text is what it adds to its sequence's decoded text, so that a character split over several
// byte-level tokens (an emoji, most non-Latin text) appears whole, with the token that completes it (a sequence cut
// off inside a character leaves its last bytes out).
import { generate } from '../core/gpt2/generate';
import type { GPT2 } from '../core/gpt2/model';
import type { GPT2Tokenizer } from '../core/tokenizer';
import type { GeneratedToken, GenerateRequest, GenerateResult } from './protocol';

const ALTERNATIVES = 5;
const INCOMPLETE = '\uFFFD';

export async function streamGenerate(model: GPT2, tokenizer: GPT2Tokenizer, req: GenerateRequest, onToken: (t: GeneratedToken) => void): Promise<GenerateResult> {
  const ids = Array.from({ length: req.numSequences }, () => [] as number[]);
  const shown = ids.map(() => '');
  const start = performance.now();
  let count = 0;
  await generate(model, tokenizer.encode(req.prompt), {
    maxNewTokens: req.maxNewTokens,
    doSample: req.temperature > 0,
    temperature: req.temperature > 0 ? req.temperature : 1,
    topK: req.topK,
    topP: req.topP,
    seed: req.seed,
    numReturnSequences: req.numSequences,
    logprobs: ALTERNATIVES,
    onToken(seq, id, top = []) {
      count++;
      ids[seq].push(id);
      const full = tokenizer.decode(ids[seq]);
      // Hold back a trailing incomplete character until the token that completes it.
      const text = full.endsWith(INCOMPLETE) ? '' : full.slice(shown[seq].length);
      if (text) shown[seq] = full;
      const self = top.find((t) => t.id === id);
      onToken({
        seq, id, text,
        prob: self ? Math.exp(self.logprob) : null,
        alternatives: top.map((t) => ({ text: tokenizer.decodeToken(t.id), prob: Math.exp(t.logprob) })),
      });
    },
  });
  return { tokens: count, seconds: (performance.now() - start) / 1000 };
}
