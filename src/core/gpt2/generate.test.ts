// Generation against Hugging Face's greedy `generate` (the fixtures' `generate`), and the behaviour of the options,
// on the backends Node has (cpu, wasm). Behaviour tests use the 512-token vocabulary model: cheap on the cpu backend.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { GPT2 } from './model';
import { generate } from './generate';
import { loadReference, REFERENCES } from '../../../test/reference';

describe.each(['cpu', 'wasm'] as const)('generate on %s', (backend) => {
  beforeAll(async () => { await initBackend(backend); });

  describe.each(REFERENCES)('%s matches Hugging Face', (name) => {
    it('greedy ids and top-5 log-probabilities', async () => {
      const ref = loadReference(name);
      const model = GPT2.fromArrays(ref.config, ref.weights);
      const g = ref.run.generate!;
      const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
      const [seq] = await generate(model, g.prompt_ids, { maxNewTokens: g.max_new_tokens, eosTokenId: null, logprobs: 5 });
      expect(dataSync).not.toHaveBeenCalled(); // reads are asynchronous
      dataSync.mockRestore();
      expect(seq.ids).toEqual(g.greedy_new_ids);
      expect(seq.logprobs!.map((pos) => pos.map((e) => e.id))).toEqual(g.top5_logprobs.map((pos) => pos.map(([id]) => id)));
      const diff = Math.max(...seq.logprobs!.flatMap((pos, t) => pos.map((e, i) => Math.abs(e.logprob - g.top5_logprobs[t][i][1]))));
      expect(diff).toBeLessThanOrEqual(1e-4);
      model.dispose();
    });
  });

  describe('options', () => {
    const ref = loadReference('tiny-gpt2-v512');
    const prompt = ref.run.generate!.prompt_ids; // 8 tokens; n_positions is 64
    const greedy = ref.run.generate!.greedy_new_ids; // 40 tokens
    let model: GPT2;
    beforeAll(() => { model = GPT2.fromArrays(ref.config, ref.weights); });
    afterAll(() => model.dispose());
    const ids = async (opts: Parameters<typeof generate>[2], p = prompt) => (await generate(model, p, { eosTokenId: null, ...opts }))[0].ids;

    it('the cache changes nothing', async () => {
      expect(await ids({ maxNewTokens: 24, useCache: false })).toEqual(greedy.slice(0, 24));
      expect(await ids({ maxNewTokens: 40 })).toEqual(greedy);
    });

    it('seeded sampling is reproducible; other seeds differ', async () => {
      const a = await ids({ maxNewTokens: 20, doSample: true, seed: 1 });
      expect(a).toHaveLength(20);
      expect(await ids({ maxNewTokens: 20, doSample: true, seed: 1 })).toEqual(a);
      expect(await ids({ maxNewTokens: 20, doSample: true, seed: 2 })).not.toEqual(a);
      expect(await ids({ maxNewTokens: 20, doSample: true, seed: 1, temperature: 0.7, topK: 0, topP: 0.9 }))
        .toEqual(await ids({ maxNewTokens: 20, doSample: true, seed: 1, temperature: 0.7, topK: 0, topP: 0.9 }));
    });

    it('top_k = 1 and a tiny top_p sample the greedy ids', async () => {
      expect(await ids({ maxNewTokens: 10, doSample: true, topK: 1, seed: 3 })).toEqual(greedy.slice(0, 10));
      expect(await ids({ maxNewTokens: 10, doSample: true, topK: 0, topP: 1e-6, seed: 3 })).toEqual(greedy.slice(0, 10));
    });

    it('maxLength counts the prompt; maxNewTokens defaults to 20', async () => {
      expect(await ids({ maxLength: prompt.length + 4 })).toEqual(greedy.slice(0, 4));
      expect(await ids({})).toEqual(greedy.slice(0, 20));
    });

    it('numReturnSequences: a batch of that many', async () => {
      const greedyBatch = await generate(model, prompt, { maxNewTokens: 6, numReturnSequences: 2, eosTokenId: null });
      expect(greedyBatch.map((s) => s.ids)).toEqual([greedy.slice(0, 6), greedy.slice(0, 6)]);
      const sampled = await generate(model, prompt, { maxNewTokens: 12, numReturnSequences: 3, doSample: true, seed: 5, eosTokenId: null });
      expect(sampled).toHaveLength(3);
      for (const s of sampled) expect(s.ids).toHaveLength(12);
      expect(new Set(sampled.map((s) => s.ids.join())).size).toBeGreaterThan(1);
    });

    it('EOS ends a sequence and is included', async () => {
      const eos = greedy[2];
      const [s] = await generate(model, prompt, { maxNewTokens: 40, eosTokenId: eos });
      expect(s.ids).toEqual(greedy.slice(0, greedy.indexOf(eos) + 1));
    });

    it('keeps going past n_positions, on the last n_positions/2 tokens once the cache is full', async () => {
      const n = 70;
      const got = await ids({ maxNewTokens: n });
      expect(got).toHaveLength(n);
      expect(got.slice(0, 40)).toEqual(greedy);
      // The cache fills after 64 − 8 = 56 new tokens fed; the 58th new token comes from re-encoding the last 32.
      const all = [...prompt, ...got];
      const at = 64 - prompt.length + 1;
      expect(await ids({ maxNewTokens: n - at }, all.slice(prompt.length + at - 32, prompt.length + at))).toEqual(got.slice(at));
      expect(await ids({ maxNewTokens: 60, useCache: false })).toHaveLength(60); // a sliding window: 68 tokens > 64
    });

    it('streams with onToken and stops on signal', async () => {
      const seen: Array<[number, number]> = [];
      const signal = { aborted: false };
      const out = await generate(model, prompt, {
        maxNewTokens: 20, numReturnSequences: 2, eosTokenId: null, signal,
        onToken: (seq, id) => { seen.push([seq, id]); if (seen.length === 6) signal.aborted = true; },
      });
      expect(out.map((s) => s.ids)).toEqual([greedy.slice(0, 3), greedy.slice(0, 3)]);
      expect(seen).toEqual(greedy.slice(0, 3).flatMap((id) => [[0, id], [1, id]]));
    });

    it('leaks no tensor', async () => {
      const before = tf.memory().numTensors;
      await generate(model, prompt, { maxNewTokens: 70, numReturnSequences: 2, doSample: true, seed: 7, logprobs: 3 });
      await generate(model, prompt, { maxNewTokens: 5, useCache: false, logprobs: 2 });
      const signal = { aborted: false };
      await generate(model, prompt, { maxNewTokens: 10, signal, onToken: () => { signal.aborted = true; } });
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
