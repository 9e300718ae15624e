// GPT-2, as Hugging Face's GPT2LMHeadModel computes it: learned token and position embeddings, n_layer pre-LayerNorm
// blocks of causal self-attention and a gelu_new MLP, a final LayerNorm and an LM head tied to the token embedding.
// Read it beside nanoGPT's model.py; the names of the parameters are Hugging Face's (see weights.ts).
import * as tf from '@tensorflow/tfjs';
import type { GPT2Config } from './config';
import { parameterShapes } from './weights';
import { lmHeadCrossEntropy } from './cross_entropy';
import { matMul, materializesTransposes } from './matmul';
import type { Dropout, LoraAdapter } from './lora';
import { attendInGroups, gradsOnOwnTape } from './recompute';
import { layerNorm } from './layer_norm';

export type Params = Map<string, tf.Tensor>;

/** Keys and values of one layer's earlier positions, [B * n_head, T_past, head_dim] each. */
export interface LayerCache { k: tf.Tensor3D; v: tf.Tensor3D }

export interface ForwardOptions {
  /** Dropout on (the config's rates, or `dropout` for all three). */
  training?: boolean;
  dropout?: number;
  /** Seed for the dropout masks of this call. */
  seed?: number;
  /**
   * The rows of wte for the ids ([B·T, C]), when the caller takes the embedding's gradient itself (the trainer does,
   * to save memory); by default they are looked up here.
   */
  tokenEmbeddings?: tf.Tensor2D;
  /** KV cache: read for the earlier positions, and replaced by one that includes this call's positions. */
  cache?: LayerCache[];
  /**
   * Gradient checkpointing: keep only each block's input for the backward pass and recompute the block there (see
   * recomputed). The numbers are the same; the memory of the activations drops from n_layer blocks' to one block's.
   */
  recompute?: boolean;
}

/** Dropout at a rate, drawing its masks from consecutive seeds. */
interface Dropouts {
  (x: tf.Tensor, rate: number): tf.Tensor;
  /** At the rate given, which `dropout` does not override (LoRA's lora_dropout), from the same seeds. */
  own: Dropout;
  /** tf.dropout's multiplier (mask / keep probability) for `shape`, drawn as that call would draw it; null when off. */
  multiplier(shape: number[], rate: number): tf.Tensor | null;
}

export class GPT2 {
  /** A LoRA adapter: when set, it is what trains, and the base parameters are frozen. */
  lora?: LoraAdapter;

  constructor(readonly config: GPT2Config, public params: Params) {}

  /** Random weights with GPT-2's initialization (HF `_init_weights`): N(0, 0.02), residual projections scaled by 1/√(2·n_layer). */
  static init(config: GPT2Config, seed = 42): GPT2 {
    const params: Params = new Map();
    let s = seed;
    for (const [name, shape] of parameterShapes(config)) {
      params.set(name, tf.tidy(() => {
        if (name.includes('ln_')) return name.endsWith('.weight') ? tf.ones(shape) : tf.zeros(shape);
        if (name.endsWith('.bias')) return tf.zeros(shape);
        const std = name.endsWith('c_proj.weight') ? config.initializer_range / Math.sqrt(2 * config.n_layer) : config.initializer_range;
        return tf.randomNormal(shape, 0, std, 'float32', s++);
      }));
    }
    return new GPT2(config, params);
  }

  static fromArrays(config: GPT2Config, arrays: Map<string, Float32Array>): GPT2 {
    const params: Params = new Map();
    for (const [name, shape] of parameterShapes(config)) params.set(name, tf.tensor(arrays.get(name)!, shape, 'float32'));
    return new GPT2(config, params);
  }

  private p(name: string): tf.Tensor { return this.params.get(name)!; }

  /** Final hidden states [B·T, C] (after ln_f) for token ids [B, T]. */
  hidden(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor2D {
    const c = this.config;
    const [B, T] = ids.shape;
    const past = opts.cache?.[0]?.k.shape[1] ?? 0;
    if (past + T > c.n_positions) throw new Error(`sequence of ${past + T} tokens is longer than n_positions = ${c.n_positions}`);
    // Dropout masks are drawn from consecutive seeds, LoRA's as the model's; a recomputed block counts from the seed its
    // forward pass began at, so that its second pass draws the same masks.
    const seeds = { next: opts.seed ?? 0 };
    const on = (rate: number) => (opts.training ? opts.dropout ?? rate : 0);
    const dropout = (s: { next: number }): Dropouts => {
      const own: Dropout = (x, rate) => (opts.training && rate > 0 ? tf.dropout(x, rate, undefined, s.next++) : x);
      return Object.assign((x: tf.Tensor, rate: number) => own(x, on(rate)), {
        own,
        // As tf.dropout computes it, floor(uniform + keep) / keep with the seed it would take; each step's input is
        // freed at once, so that no more than two [heads × T × T] tensors exist (a tidy would keep all four).
        multiplier: (shape: number[], rate: number) => {
          if (!(on(rate) > 0)) return null;
          const keep = 1 - on(rate);
          let t = tf.randomUniform(shape, 0, 1, 'float32', s.next++);
          for (const step of [(u: tf.Tensor) => u.add(keep), tf.floor, (u: tf.Tensor) => u.div(keep)]) { const next = step(t); t.dispose(); t = next; }
          return t;
        },
      });
    };
    const drop = dropout(seeds);

    const tok = opts.tokenEmbeddings ?? embed(this.p('wte.weight') as tf.Tensor2D, ids.reshape([-1]) as tf.Tensor1D);
    const pos = this.p('wpe.weight').slice([past, 0], [T, c.n_embd]);
    let x = drop(tok.reshape([B, T, c.n_embd]).add(pos).reshape([B * T, c.n_embd]), c.embd_pdrop) as tf.Tensor2D;
    const mask = causalMask(T, past);
    for (let i = 0; i < c.n_layer; i++) {
      if (opts.recompute && !opts.cache) {
        const first = seeds.next;
        x = this.recomputed(i, x, mask, (xi, m, again) => this.block(i, xi, B, T, m, dropout(again ? { next: first } : seeds), undefined, true));
      } else {
        x = this.block(i, x, B, T, mask, drop, opts.cache);
      }
    }
    return this.layerNorm(x, 'ln_f') as tf.Tensor2D;
  }

  /** Transformer block i: x + attn(ln_1(x)), then + mlp(ln_2(x)), with residual dropout. */
  private block(i: number, x: tf.Tensor2D, B: number, T: number, mask: tf.Tensor, drop: Dropouts, cache?: LayerCache[], recompute = false): tf.Tensor2D {
    const c = this.config, l = `h.${i}.`;
    const a = this.attention(this.layerNorm(x, l + 'ln_1'), l, B, T, mask, drop, cache, i, recompute);
    const y = x.add(drop(a, c.resid_pdrop));
    const m = this.mlp(this.layerNorm(y, l + 'ln_2'), l, drop.own);
    return y.add(drop(m, c.resid_pdrop)) as tf.Tensor2D;
  }

  /**
   * Block i as one op whose forward pass keeps nothing but its input x (and the mask): the backward pass runs the
   * block again (`again`: the same dropout seeds) under a tape of its own and takes the gradients of x and of the
   * block's parameters from it. Only one block's activations exist at a time, during its backward pass; the price is
   * a second forward pass of every block.
   */
  private recomputed(i: number, x: tf.Tensor2D, mask: tf.Tensor, run: (x: tf.Tensor2D, mask: tf.Tensor, again: boolean) => tf.Tensor2D): tf.Tensor2D {
    const weights = this.trainedIn(i);
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const xi = args[0] as tf.Tensor2D, save = args[args.length - 1] as tf.GradSaveFunc;
      // The mask is made by the forward pass's caller, whose tidy frees it before the backward pass: kept here.
      save([xi, mask]);
      return {
        value: run(xi, mask, false),
        // The weights are the model's own tensors: the recomputation reads them through this.params, and tf.grads
        // differentiates with respect to those same tensors.
        gradFunc: (dy: tf.Tensor, [xs, m]: tf.Tensor[]) => gradsOnOwnTape((...ins) => run(ins[0] as tf.Tensor2D, m, true), [xs, ...weights], dy),
      };
    });
    return f(x, ...weights) as tf.Tensor2D;
  }

  private layerNorm(x: tf.Tensor, name: string): tf.Tensor {
    return layerNorm(x, this.p(name + '.weight'), this.p(name + '.bias'), this.config.layer_norm_epsilon);
  }

  /** Conv1D of Hugging Face's GPT-2: x [N, in] · W [in, out] + b; with a LoRA adapter, the adapter's (`dropout`: its own rate). */
  private linear(x: tf.Tensor, name: string, dropout?: Dropout): tf.Tensor2D {
    if (this.lora) return this.lora.conv1d(x as tf.Tensor2D, this.p(name + '.weight') as tf.Tensor2D, this.p(name + '.bias'), name, dropout);
    return matMul(x as tf.Tensor2D, this.p(name + '.weight') as tf.Tensor2D).add(this.p(name + '.bias'));
  }

  /**
   * The tensors of block i that take gradients: a recomputed block differentiates with respect to these alone, and
   * uses any other (frozen) weight as a constant. With a LoRA adapter, its tensors alone.
   */
  private trainedIn(i: number): tf.Tensor[] {
    return [...(this.lora?.params ?? this.params)].filter(([n]) => n.startsWith(`h.${i}.`)).map(([, t]) => t);
  }

  /** Causal self-attention; `recompute`: a few heads at a time, forward and backward (see recompute.ts). */
  private attention(x: tf.Tensor, l: string, B: number, T: number, mask: tf.Tensor,
    drop: Dropouts, cache: LayerCache[] | undefined, layer: number, recompute = false): tf.Tensor {
    const { n_embd: C, n_head: H, attn_pdrop } = this.config;
    const hd = C / H;
    const heads = (t: tf.Tensor) => t.reshape([B, T, H, hd]).transpose([0, 2, 1, 3]).reshape([B * H, T, hd]) as tf.Tensor3D;
    const [q, kNew, vNew] = tf.split(this.linear(x, l + 'attn.c_attn', drop.own), 3, 1).map(heads);
    let k = kNew, v = vNew;
    if (cache) {
      const prev = cache[layer];
      if (prev) { k = tf.concat([prev.k, kNew], 1); v = tf.concat([prev.v, vNew], 1); }
      cache[layer] = { k, v };
    }
    const attend = (qh: tf.Tensor3D, kh: tf.Tensor3D, vh: tf.Tensor3D, dropped: (att: tf.Tensor) => tf.Tensor) =>
      matMul(dropped(tf.softmax(matMul(qh, kh, true).mul(1 / Math.sqrt(hd)).add(mask))) as tf.Tensor3D, vh);
    const out = recompute
      ? attendInGroups(q, k, v, drop.multiplier([B * H, T, T], attn_pdrop) as tf.Tensor3D | null, (qg, kg, vg, m) => attend(qg, kg, vg, (a) => (m ? a.mul(m) : a)))
      : attend(q, k, v, (a) => drop(a, attn_pdrop));
    const y = out.reshape([B, H, T, hd]).transpose([0, 2, 1, 3]).reshape([B * T, C]);
    return this.linear(y, l + 'attn.c_proj', drop.own);
  }

  private mlp(x: tf.Tensor, l: string, dropout: Dropout): tf.Tensor {
    return this.linear(geluNew(this.linear(x, l + 'mlp.c_fc', dropout)), l + 'mlp.c_proj', dropout);
  }

  /**
   * Logits [N, V] of hidden states [N, C]: the LM head is the token embedding, transposed. On wasm as (wte·hᵀ)ᵀ:
   * wte is XNNPACK's A operand, so neither a [C, V] copy of it nor its packing is made at each call (one decode
   * step of GPT-2 124M: 710 → 45 ms).
   */
  logits(h: tf.Tensor2D): tf.Tensor2D {
    const wte = this.p('wte.weight');
    if (!materializesTransposes()) return tf.matMul(h, wte, false, true);
    return tf.tidy(() => tf.matMul(wte as tf.Tensor2D, h.transpose()).transpose());
  }

  /**
   * Hugging Face's causal-LM loss per prediction: position t of each block predicts token t+1.
   * ids [B, T] → losses [B, T−1]. The mean of these is the model's `loss`.
   */
  losses(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor2D {
    const [B, T] = ids.shape;
    const h = this.hidden(ids, opts).reshape([B, T, -1]).slice([0, 0, 0], [B, T - 1, -1]).reshape([B * (T - 1), -1]) as tf.Tensor2D;
    const targets = ids.slice([0, 1], [B, T - 1]).reshape([-1]) as tf.Tensor1D;
    return lmHeadCrossEntropy(h, this.p('wte.weight') as tf.Tensor2D, targets, { frozenWeights: this.lora !== undefined }).reshape([B, T - 1]);
  }

  loss(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Scalar {
    return this.losses(ids, opts).mean();
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
    this.params.clear();
    this.lora?.dispose();
  }
}

const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * gelu_new, GPT-2's tanh approximation of GELU: 0.5·x·(1 + tanh(z)) with z = √(2/π)·(x + 0.044715·x³), computed as
 * x·sigmoid(2z), which is the same function: wasm's Sigmoid is XNNPACK's vectorized one, its Tanh a scalar loop
 * 15× slower (bench/micro/elementwise.ts). Its gradient is written out so that only x is kept for the backward
 * pass, not the five [tokens × n_inner] intermediates that autodiff would keep.
 */
export function geluNew(x: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([xi]);
    const value = tf.tidy(() => xi.mul(tf.sigmoid(xi.mul(xi).mul(0.044715).add(1).mul(xi).mul(2 * GELU_C))));
    return {
      value,
      gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => tf.tidy(() => {
        const x2 = xs.square();
        const s = tf.sigmoid(x2.mul(0.044715).add(1).mul(xs).mul(2 * GELU_C));
        // d/dx x·s(2z) = s + x·2·s·(1 − s)·√(2/π)·(1 + 3·0.044715·x²)
        const ds = s.mul(tf.scalar(1).sub(s)).mul(x2.mul(3 * 0.044715).add(1)).mul(xs).mul(2 * GELU_C);
        return dy.mul(s.add(ds));
      }),
    };
  });
  return f(x);
}

/**
 * Token embedding: rows of wte. Its gradient is the scatter-add of dy into the rows used (UnsortedSegmentSum);
 * tf.gather's own gradient adds a full-size transpose of that [vocab × n_embd] result (154 MB for GPT-2).
 */
function embed(wte: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [w, i, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([i]);
    return {
      value: tf.gather(w, i),
      gradFunc: (dy: tf.Tensor, [is]: tf.Tensor[]) => [tf.unsortedSegmentSum(dy, is as tf.Tensor1D, w.shape[0]), tf.zerosLike(is)],
    };
  });
  return f(wte, ids) as tf.Tensor2D;
}

/** Additive mask [T, past+T]: query i (at absolute position past+i) sees keys 0..past+i. */
function causalMask(T: number, past: number): tf.Tensor2D {
  const m = new Float32Array(T * (past + T));
  for (let i = 0; i < T; i++) for (let j = past + i + 1; j < past + T; j++) m[i * (past + T) + j] = -1e9;
  return tf.tensor2d(m, [T, past + T]);
}
