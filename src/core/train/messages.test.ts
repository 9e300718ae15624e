// What checking the training settings and a checkpoint says, and the out-of-memory advice, in the page's other
// language: each carries its sentence as data, worded in Spanish as a Spanish page shows it.
import { describe, expect, it } from 'vitest';
import { refusal } from '../../../test/refusal';
import { wordIn } from '../messages';
import { CATALOGS } from '../../worker/catalogs';
import { resolveArgs } from './args';
import { readCheckpoint } from './checkpoint';
import { resolveLora } from './lora_args';
import { outOfMemoryAdvice, type SettingNames } from './memory_plan';
import { sayTrain } from './messages';

const names: SettingNames = { batchSize: 'Batch size', blockSize: 'Block size', backend: 'Backend', backendLabel: (b) => b };

describe('train messages in Spanish', () => {
  it('a setting out of range, whatever its kind', async () => {
    expect(await refusal(() => resolveArgs({ learning_rate: -1 }))).toEqual({
      en: 'learning_rate must be a number ≥ 0, got -1',
      es: 'learning_rate debe ser un número ≥ 0; se recibió -1',
    });
    expect((await refusal(() => resolveArgs({ lr_scheduler_type: 'cosinus' as 'cosine' }))).es)
      .toBe('lr_scheduler_type debe ser uno de linear, cosine, constant, constant_with_warmup; se recibió "cosinus"');
    expect((await refusal(() => resolveLora({ lora_dropout: 1 }))).es).toBe('lora_dropout debe ser un valor en [0, 1); se recibió 1');
  });

  it('a checkpoint folder without its trainer state', async () => {
    expect(await refusal(() => readCheckpoint(new Map(), new Map()))).toEqual({
      en: 'trainer_state.json: missing (a checkpoint-N folder written by training holds trainer_state.json and optimizer.safetensors)',
      es: 'trainer_state.json: falta (una carpeta checkpoint-N escrita por el entrenamiento contiene trainer_state.json y optimizer.safetensors)',
    });
  });

  it('the out-of-memory advice names the setting to lower, and words a nested cause in the same language', () => {
    const advice = outOfMemoryAdvice({ backend: 'WebGPU', step: 7, batchSize: 8, blockSize: 128, detail: 'GPU out of memory', names });
    expect(advice.text).toBe('out of memory on WebGPU in step 7: a batch of 8 × 128 tokens does not fit (GPU out of memory); lower Batch size to 4');
    expect(wordIn(advice, 'es', CATALOGS)).toBe('memoria agotada en WebGPU en el paso 7: un lote de 8 × 128 tokens no cabe (GPU out of memory); reduce Batch size a 4');
    const heap = outOfMemoryAdvice({ backend: 'wasm', step: 3, batchSize: 1, blockSize: 1024, detail: sayTrain('wasmHeapFull', 3.9), names });
    expect(heap.text).toBe('out of memory on wasm in step 3: a batch of 1 × 1024 tokens does not fit (the WebAssembly heap had grown to 3.90 GiB of its 4 GiB); lower Block size');
    expect(wordIn(heap, 'es', CATALOGS))
      .toBe('memoria agotada en wasm en el paso 3: un lote de 1 × 1024 tokens no cabe (el heap de WebAssembly había crecido hasta 3.90 GiB de sus 4 GiB); reduce Block size');
  });

  it('the divergence warning, with the decimal comma in Spanish', () => {
    const said = sayTrain('diverging', 6, 1234567, 2, 10.8249, 3, 1e6);
    expect(said.text).toBe('step 6: the loss (1.23e+6) has stayed above 2× its starting value (10.8) for 3 logs: '
      + 'training is diverging, most likely because learning_rate 1000000 is too high; lower it and train again');
    expect(wordIn(said, 'es', CATALOGS)).toBe('paso 6: la pérdida (1,23e+6) lleva 3 registros por encima de 2× su valor inicial (10,8): '
      + 'el entrenamiento diverge, seguramente porque learning_rate 1000000 es demasiado alto; bájalo y vuelve a entrenar');
  });
});
