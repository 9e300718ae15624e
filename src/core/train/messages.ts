// What checking training settings and checkpoints, and training itself, say to a person, in English and Spanish
// (src/core/messages.ts says how a sentence travels to the page). What a value must be is a sentence of its own,
// here for the settings alone, in io/messages.ts where files' fields share it.
import { catalog } from '../messages';

/** 1.23e+6 → "1,23e+6": toPrecision's digits with a decimal comma. */
const decimalComma = (x: number, digits: number) => x.toPrecision(digits).replace('.', ',');

const en = {
  // args.ts (and lora_args.ts)
  settingMustBe: (key: string, expected: string, got: string) => `${key} must be ${expected}, got ${got}`,
  aNumberFrom0: () => 'a number ≥ 0',
  anIntegerFrom0: () => 'an integer ≥ 0',
  aPositiveNumber: () => 'a positive number',
  inClosedUnitRange: () => 'in [0, 1]',
  oneOf: (choices: string) => `one of ${choices}`,
  aClippingNorm: () => 'a number ≥ 0 (0 turns clipping off)',
  trueFalseOrNull: () => 'true, false or null (when needed)',

  // checkpoint.ts
  checkpointFileMissing: (file: string, first: string, second: string) =>
    `${file}: missing (a checkpoint-N folder written by training holds ${first} and ${second})`,

  // lora_args.ts
  loraTargets: () => 'one or more of c_attn, c_proj, c_fc (or all-linear)',

  // memory_plan.ts: a step that ran out of memory anyway, and the setting to lower (to `to`, or null: lower it)
  outOfMemory: (backend: string, step: number, batch: number, block: number, detail: string, setting: string, to: number | null) =>
    `out of memory on ${backend} in step ${step}: a batch of ${batch} × ${block} tokens does not fit (${detail}); ` +
    `lower ${setting}${to === null ? '' : ` to ${to}`}`,
  // ../backend/out_of_memory.ts: what ran out, where the error does not say
  wasmHeapFull: (gib: number) => `the WebAssembly heap had grown to ${gib.toFixed(2)} GiB of its 4 GiB`,

  // trainer.ts
  updatesSkipped: (step: number, skipped: number, steps: number) =>
    `step ${step}: ${skipped} of the last ${steps} steps had a non-finite loss or gradient; their updates were skipped`,
  trainingStopped: (step: number, steps: number, lastCheckpoint: string | null) =>
    `training stopped at step ${step}: the loss or gradient was not finite for ${steps} steps in a row; ` +
    (lastCheckpoint ? `resume from ${lastCheckpoint} (the last good checkpoint) with a lower learning rate` : 'lower the learning rate (checkpoints written before are intact)'),
  checkpointSkipped: (step: number, name: string) => `step ${step}: ${name} not written: the loss or gradient of the last step was not finite`,
  diverging: (step: number, loss: number, factor: number, startLoss: number, logs: number, learningRate: number) =>
    `step ${step}: the loss (${loss.toPrecision(3)}) has stayed above ${factor}× its starting value (${startLoss.toPrecision(3)}) for ${logs} logs: ` +
    `training is diverging, most likely because learning_rate ${learningRate} is too high; lower it and train again`,
};


const es: typeof en = {
  settingMustBe: (key, expected, got) => `${key} debe ser ${expected}; se recibió ${got}`,
  aNumberFrom0: () => 'un número ≥ 0',
  anIntegerFrom0: () => 'un entero ≥ 0',
  aPositiveNumber: () => 'un número positivo',
  inClosedUnitRange: () => 'un valor en [0, 1]',
  oneOf: (choices) => `uno de ${choices}`,
  aClippingNorm: () => 'un número ≥ 0 (0 desactiva el recorte)',
  trueFalseOrNull: () => 'true, false o null (cuando haga falta)',

  checkpointFileMissing: (file, first, second) =>
    `${file}: falta (una carpeta checkpoint-N escrita por el entrenamiento contiene ${first} y ${second})`,

  loraTargets: () => 'uno o varios de c_attn, c_proj, c_fc (o all-linear)',

  outOfMemory: (backend, step, batch, block, detail, setting, to) =>
    `memoria agotada en ${backend} en el paso ${step}: un lote de ${batch} × ${block} tokens no cabe (${detail}); ` +
    `reduce ${setting}${to === null ? '' : ` a ${to}`}`,
  wasmHeapFull: (gib) => `el heap de WebAssembly había crecido hasta ${gib.toFixed(2)} GiB de sus 4 GiB`,

  updatesSkipped: (step, skipped, steps) =>
    `paso ${step}: ${skipped} de los últimos ${steps} pasos tuvieron una pérdida o un gradiente no finitos; se omitieron sus actualizaciones`,
  trainingStopped: (step, steps, lastCheckpoint) =>
    `el entrenamiento se detuvo en el paso ${step}: la pérdida o el gradiente no fueron finitos durante ${steps} pasos seguidos; ` +
    (lastCheckpoint ? `reanuda desde ${lastCheckpoint} (el último checkpoint bueno) con una tasa de aprendizaje más baja` : 'baja la tasa de aprendizaje (los checkpoints escritos antes están intactos)'),
  checkpointSkipped: (step, name) => `paso ${step}: no se escribió ${name}: la pérdida o el gradiente del último paso no eran finitos`,
  diverging: (step, loss, factor, startLoss, logs, learningRate) =>
    `paso ${step}: la pérdida (${decimalComma(loss, 3)}) lleva ${logs} registros por encima de ${factor}× su valor inicial (${decimalComma(startLoss, 3)}): ` +
    `el entrenamiento diverge, seguramente porque learning_rate ${learningRate} es demasiado alto; bájalo y vuelve a entrenar`,
};

export const { catalog: trainCatalog, say: sayTrain } = catalog('train', { en, es });
