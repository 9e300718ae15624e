// Greedy generation with the KV cache on wasm, GPT-2 124M (random weights): CPU ms per token at each length asked,
// and the ratio of the longest to the first: `npx tsx bench/micro/generate.ts [32,512]`.
import * as tf from '@tensorflow/tfjs';
import { GPT2 } from '../../src/core/gpt2/model';
import { generate } from '../../src/core/gpt2/generate';
import { parseConfig } from '../../src/core/gpt2/config';
import { startWasm, settle, load, cpuMs } from './lib';

const lengths = (process.argv[2] ?? '32,512').split(',').map(Number);
await startWasm();
const model = GPT2.init(parseConfig({ n_layer: 12, n_head: 12, n_embd: 768, vocab_size: 50257, n_positions: 1024 }));
await settle(model.params.get('ln_f.bias')!);
const prompt = Array.from({ length: 16 }, (_, i) => (i * 7919) % 50257);
let t0 = cpuMs();
const first = tf.tidy(() => model.logits(model.hidden(tf.tensor2d([prompt], [1, 16], 'int32')).slice([15, 0], [1, -1])));
await first.data(); first.dispose();
console.log(`first forward of a 16-token prompt with its logits: ${(cpuMs() - t0).toFixed(0)} CPU ms; load average ${load()}`);
await generate(model, prompt, { maxNewTokens: 3, eosTokenId: null }); // warm-up
const per: number[] = [];
for (const n of lengths) {
  const stamps: number[] = [];
  t0 = cpuMs();
  await generate(model, prompt, { maxNewTokens: n, eosTokenId: null, onToken: () => { stamps.push(cpuMs()); } });
  const ms = (cpuMs() - t0) / n;
  per.push(ms);
  const last = stamps.slice(-33);
  console.log(`${n} tokens: ${ms.toFixed(1)} CPU ms/token (first ${(stamps[0] - t0).toFixed(0)}, last 32 ${((last[last.length - 1] - last[0]) / 32).toFixed(1)} ms/token); load average ${load()}`);
}
console.log(`ratio ${lengths[lengths.length - 1]} vs ${lengths[0]}: ${(per[per.length - 1] / per[0]).toFixed(2)}`);
