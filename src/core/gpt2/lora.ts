// LoRA as PEFT applies it to GPT2LMHeadModel: each targeted Conv1D (x·W + b, W stored [in, out]) gains a low-rank
// update, y = x·W + b + (dropout(x)·Aᵀ·Bᵀ)·(lora_alpha / r), with A [r, in] and B [out, r] laid out as PEFT's
// nn.Linear adapters store them (`fan_in_fan_out: true`: the base weight is the transposed one, not the adapter).
// Only A and B train: the base model is frozen, and its products are taken without computing their weight
// gradients, so freezing saves both the gradient memory and the work.
import * as tf from '@tensorflow/tfjs';
import type { GPT2Config } from './config';
import { matMul, product } from './matmul';
import { mulberry32 } from '../random';
import { SettingsError } from '../train/args';
import { sayGPT2 } from './messages';
import type { LoraConfig } from '../train/lora_args';

/** GPT-2's Conv1D layers in a block, with their [in, out] shapes. */
function conv1dShapes(c: GPT2Config): Array<[string, number, number]> {
  const C = c.n_embd, I = c.n_inner;
  const out: Array<[string, number, number]> = [];
  for (let i = 0; i < c.n_layer; i++) {
    out.push([`h.${i}.attn.c_attn`, C, 3 * C], [`h.${i}.attn.c_proj`, C, C], [`h.${i}.mlp.c_fc`, C, I], [`h.${i}.mlp.c_proj`, I, C]);
  }
  return out;
}

/** `lora_alpha / r`, or `lora_alpha / √r` for rsLoRA, as PEFT scales. */
export const loraScaling = (l: LoraConfig) => l.lora_alpha / (l.use_rslora ? Math.sqrt(l.r) : l.r);

/**
 * The targeted Conv1D layers (names without `transformer.`) with their [in, out] shapes. A target that matches
 * none of GPT-2's Conv1D layers is an error naming it, as PEFT refuses target modules not found in the model.
 */
export function loraModules(c: GPT2Config, l: LoraConfig): Array<[string, number, number]> {
  const all = conv1dShapes(c);
  const matches = (module: string, t: string) => {
    const full = 'transformer.' + module;
    return full === t || full.endsWith('.' + t);
  };
  for (const t of l.target_modules) {
    if (!all.some(([m]) => matches(m, t))) {
      throw new SettingsError(sayGPT2('targetMatchesNone', t));
    }
  }
  return all.filter(([m]) => l.target_modules.some((t) => matches(m, t)));
}

/** Shapes of the adapter's tensors under their PEFT names less `base_model.model.transformer.`: A [r, in], B [out, r]. */
export function adapterShapes(c: GPT2Config, l: LoraConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const [m, fanIn, fanOut] of loraModules(c, l)) shapes.set(`${m}.lora_A.weight`, [l.r, fanIn]).set(`${m}.lora_B.weight`, [fanOut, l.r]);
  return shapes;
}

/** Dropout with a rate of its own (the model's forward pass supplies the seeds). */
export type Dropout = (x: tf.Tensor, rate: number) => tf.Tensor;

/**
 * x·W for a weight that does not train: only x's gradient is computed. Through autodiff (or matMul's custom
 * gradient) the weight's gradient would be computed too, a weight-sized tensor per layer kept to the end of the
 * backward pass.
 */
function frozenMatMul(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xi = args[0] as tf.Tensor2D;
    return { value: product(xi, w) as tf.Tensor2D, gradFunc: (dy: tf.Tensor) => product(dy, w, false, true) };
  });
  return f(x) as tf.Tensor2D;
}

export class LoraAdapter {
  readonly scaling: number;

  constructor(readonly config: LoraConfig, readonly params: Map<string, tf.Tensor>) {
    this.scaling = loraScaling(config);
  }

  /**
   * A new adapter as PEFT initializes one: A with nn.Linear's default, kaiming_uniform_(a=√5), which is
   * U(−1/√in, 1/√in); B zero, so that the adapted model starts as the base model.
   */
  static init(c: GPT2Config, l: LoraConfig, seed = 42): LoraAdapter {
    const rand = mulberry32(seed);
    const params = new Map<string, tf.Tensor>();
    for (const [name, shape] of adapterShapes(c, l)) {
      const data = new Float32Array(shape[0] * shape[1]);
      if (name.endsWith('lora_A.weight')) {
        const bound = 1 / Math.sqrt(shape[1]);
        for (let i = 0; i < data.length; i++) data[i] = (2 * rand() - 1) * bound;
      }
      params.set(name, tf.tensor(data, shape, 'float32'));
    }
    return new LoraAdapter(l, params);
  }

  static fromArrays(c: GPT2Config, l: LoraConfig, arrays: Map<string, Float32Array>): LoraAdapter {
    const params = new Map<string, tf.Tensor>();
    for (const [name, shape] of adapterShapes(c, l)) params.set(name, tf.tensor(arrays.get(name)!, shape, 'float32'));
    return new LoraAdapter(l, params);
  }

  /** The Conv1D `module` of the frozen base (w [in, out], b [out]) on x [N, in], plus this adapter's update where it has one. */
  conv1d(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor, module: string, dropout?: Dropout): tf.Tensor2D {
    const y = frozenMatMul(x, w).add(b) as tf.Tensor2D;
    const a = this.params.get(module + '.lora_A.weight') as tf.Tensor2D | undefined;
    if (!a) return y;
    const bw = this.params.get(module + '.lora_B.weight') as tf.Tensor2D;
    const xd = (dropout ? dropout(x, this.config.lora_dropout) : x) as tf.Tensor2D;
    return y.add(matMul(matMul(xd, a, true), bw, true).mul(this.scaling));
  }

  /** The base weights with the update folded in, W + (B·A)ᵀ·scaling, as merge_and_unload() computes them. */
  merged(base: Map<string, tf.Tensor>): Map<string, tf.Tensor> {
    const out = new Map(base);
    for (const [name, a] of this.params) {
      if (!name.endsWith('.lora_A.weight')) continue;
      const module = name.slice(0, -'.lora_A.weight'.length);
      const bw = this.params.get(module + '.lora_B.weight')!;
      out.set(module + '.weight', tf.tidy(() => base.get(module + '.weight')!.add(tf.matMul(bw, a).transpose().mul(this.scaling))));
    }
    return out;
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
    this.params.clear();
  }
}
