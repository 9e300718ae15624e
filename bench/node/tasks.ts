// Measurements that only Node makes: tokenization throughput (ours against gpt-tokenizer) and loading a model folder
// from disk (read + parse safetensors + tensors + first forward), plus writing that folder beforehand.
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encode as r50kEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { GPT2Tokenizer } from '../../src/core/tokenizer';
import { parseConfig } from '../../src/core/gpt2/config';
import { parameterShapes, savedKey } from '../../src/core/gpt2/weights';
import { GPT2 } from '../../src/core/gpt2/model';
import { writeSafetensors } from '../../src/core/io/safetensors';
import { readModelFolder, type FileSource } from '../../src/core/io/model_folder';
import { mulberry32 } from '../../src/core/random';
import { dirSource } from '../../src/node/fs_source';
import { fixture } from '../../test/fixtures';
import { settle, summarizeProfile, generateRuns, type Host, type Result } from '../lib/suite';

export type NodeTask =
  | { kind: 'tokenize'; targetBytes: number; reps: number }
  | { kind: 'writeModel'; dir: string; config: Record<string, unknown> }
  | {
    kind: 'load'; dir: string; promptTokens: number;
    /** Then generate with the loaded model (quick mode: spares a second GPT2.init of 124M, ~10 s of randomNormal). */
    generate?: Array<{ newTokens: number; cache: boolean }>;
  };

const now = () => performance.now();
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const TOKENIZER_FILES = ['vocab.json', 'merges.txt', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** emails/dev/bodies.jsonl, repeated until the documents hold about `targetBytes` of UTF-8. */
function corpus(targetBytes: number): { docs: string[]; bytes: number } {
  const bodies = readFileSync(fixture('emails', 'dev', 'bodies.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
  const enc = new TextEncoder();
  const docs: string[] = [];
  let bytes = 0;
  while (bytes < targetBytes) for (const b of bodies) { docs.push(b); bytes += enc.encode(b).length; if (bytes >= targetBytes) break; }
  return { docs, bytes };
}

async function tokenize(t: Extract<NodeTask, { kind: 'tokenize' }>, host: Host): Promise<Result> {
  const { docs, bytes } = corpus(t.targetBytes);
  const dir = fixture('tokenizers', 'gpt2');
  const t0 = now();
  const files = Object.fromEntries(TOKENIZER_FILES.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
  const ours = GPT2Tokenizer.fromFiles(files);
  const constructMs = now() - t0;
  const pass = (enc: (s: string) => number[]) => {
    const s = now();
    let n = 0;
    for (const d of docs) n += enc(d).length;
    return { ms: now() - s, tokens: n };
  };
  // The first pass of each is cold (empty BPE caches); then the best of `reps` warm passes.
  const measure = (enc: (s: string) => number[]) => {
    const cold = pass(enc);
    const warm = Array.from({ length: t.reps }, () => pass(enc)).reduce((a, b) => (b.ms < a.ms ? b : a));
    return {
      tokens: cold.tokens,
      coldMs: round(cold.ms, 1), coldMBps: round(bytes / 1e6 / (cold.ms / 1000), 2),
      warmMs: round(warm.ms, 1), warmMBps: round(bytes / 1e6 / (warm.ms / 1000), 2),
    };
  };
  const oursR = measure((s) => ours.encode(s));
  const theirs = measure((s) => r50kEncode(s));
  // Same ids? (r50k_base is GPT-2's encoding.) Special tokens are not in these bodies.
  let mismatched = 0;
  for (const d of docs.slice(0, 40)) {
    const a = ours.encode(d), b = r50kEncode(d);
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) mismatched++;
  }
  host.log(`tokenize: ours ${oursR.warmMBps} MB/s, gpt-tokenizer ${theirs.warmMBps} MB/s`);
  return {
    documents: docs.length, bytes, constructMs: round(constructMs, 0), ours: oursR, gptTokenizer: theirs,
    slowdownWarm: round(theirs.warmMBps / oursR.warmMBps, 2), slowdownCold: round(theirs.coldMBps / oursR.coldMBps, 2),
    mismatchedDocuments: mismatched, comparedDocuments: Math.min(40, docs.length),
  };
}

/** A Hugging Face model folder with random F32 weights (written with writeSafetensors) and the GPT-2 tokenizer. */
async function writeModel(t: Extract<NodeTask, { kind: 'writeModel' }>): Promise<Result> {
  const config = parseConfig(t.config);
  mkdirSync(t.dir, { recursive: true });
  const rand = mulberry32(7);
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, shape] of parameterShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (name.includes('ln_') && name.endsWith('.weight')) data.fill(1);
    else if (!name.endsWith('.bias')) for (let i = 0; i < data.length; i++) data[i] = (rand() - 0.5) * 0.07; // std ≈ 0.02
    tensors[savedKey(name)] = { shape, data };
  }
  const t0 = now();
  const bytes = writeSafetensors(tensors);
  writeFileSync(path.join(t.dir, 'model.safetensors'), bytes);
  writeFileSync(path.join(t.dir, 'config.json'), JSON.stringify({ ...t.config, model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] }, null, 2));
  for (const f of TOKENIZER_FILES) copyFileSync(fixture('tokenizers', 'gpt2', f), path.join(t.dir, f));
  return { dir: t.dir, bytes: bytes.byteLength, writeMs: round(now() - t0, 0) };
}

/** File to ready: read + parse (config, tokenizer, safetensors) + tensors created + the first forward of a prompt. */
async function load(t: Extract<NodeTask, { kind: 'load' }>, host: Host): Promise<Result> {
  const t0 = now();
  const base = await dirSource(t.dir);
  let readMs = 0;
  const src: FileSource = { location: base.location, async read(f) { const s = now(); try { return await base.read(f); } finally { readMs += now() - s; } } };
  const folder = await readModelFolder(src);
  const t1 = now();
  const model = GPT2.fromArrays(folder.config, folder.weights);
  await settle(model.params.get('ln_f.bias')!);
  const t2 = now();
  const prompt = Array.from(host.tokens.subarray(0, t.promptTokens));
  // The first forward as generation makes it (the prompt's hidden states, the last position's logits), profiled:
  // per-kernel timing costs next to nothing on the CPU-side backends.
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const info = await tf.profile(async () => {
    const logits = tf.tidy(() => {
      const h = model.hidden(tf.tensor2d([prompt], [1, prompt.length], 'int32'));
      return model.logits(h.slice([prompt.length - 1, 0], [1, -1]));
    });
    await logits.data();
    logits.dispose();
  });
  const t3 = now();
  const total = t3 - t0;
  host.log(`load: ${total.toFixed(0)} ms`);
  const out: Result = {
    fileBytes: statSync(path.join(t.dir, 'model.safetensors')).size,
    readMs: round(readMs, 0), parseMs: round(t1 - t0 - readMs, 0), tensorsMs: round(t2 - t1, 0), firstForwardMs: round(t3 - t2, 0),
    promptTokens: prompt.length, totalMs: round(total, 0),
    firstForwardProfile: summarizeProfile(info.kernels as never, info.kernels.length, t3 - t2, 8, ['first forward', '']),
  };
  if (t.generate) out.generation = { model: '124M (loaded)', ...(await generateRuns(model, t.promptTokens, t.generate, host, true)) };
  model.dispose();
  return out;
}

export const nodeTasks: { [K in NodeTask['kind']]: (t: NodeTask, host: Host) => Promise<Result> } = {
  tokenize: (t, h) => tokenize(t as Extract<NodeTask, { kind: 'tokenize' }>, h),
  writeModel: (t) => writeModel(t as Extract<NodeTask, { kind: 'writeModel' }>),
  load: (t, h) => load(t as Extract<NodeTask, { kind: 'load' }>, h),
};
