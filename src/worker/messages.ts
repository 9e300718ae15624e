// What the worker itself says to a person (device faults, hub downloads, saved runs, warnings), in English and
// Spanish; src/core/messages.ts says how a sentence travels to the page.
import { UserError } from '../core/errors';
import { catalog, type Said } from '../core/messages';

/** What a call the page made needs the studio to be idle for (`stopTrainingFirst`). */
export type IdleAction = 'backend' | 'model' | 'dataset' | 'run' | 'checkpoint' | 'continue';

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const en = {
  // An error whose words are not ours (the platform's, or a sentence not yet made data): its text as it is.
  asIs: (text: string) => text,

  // faults.ts: what a fault ended, and what is kept
  deviceLostForGood: () => 'its device was lost during a run; reload the page to use it again',
  outOfMemory: (advice: string, kept: string) => `${capitalize(advice)}. ${kept}`,
  deviceLost: (device: string, webgl: boolean, step: number, detail: string, kept: string) =>
    `The ${webgl ? 'WebGL context' : `${device} device`} was lost at step ${step} (${detail}). ${kept}`,
  checkpointKept: (name: string, step: number, next: string | null) =>
    `${name} is kept in this browser's storage: continue from step ${step}${next ? ` on ${next}` : ''}.`,
  noCheckpointKept: (next: string | null) => `No checkpoint was saved yet (Save steps): start again${next ? ` on ${next}` : ''}.`,
  // The settings the out-of-memory advice names: the labels of the page's fields.
  batchSizeLabel: () => 'Batch size',
  blockSizeLabel: () => 'Block size',

  // downloads.ts: a download that failed or was refused
  hubId: (id: string) => `the Hugging Face hub id '${id}'`,
  hubFile: (id: string, file: string) => `the Hugging Face hub id '${id}' (file ${file})`,
  noSuchRepository: (repo: string) => `${repo}: no such repository (or it is private); check the id, e.g. openai-community/gpt2`,
  gatedRepository: (repo: string, page: string) =>
    `${repo}: a gated repository: accept its conditions at ${page} and load the downloaded files from disk (the studio sends no access token)`,
  accessDenied: (what: string, status: number) => `${what}: access denied (HTTP ${status}): the repository is private, gated or does not exist; ` +
    'download the files with an account that may read them and load them from disk',
  httpError: (url: string, status: number, statusText: string) => `${url}: HTTP ${status} ${statusText}`.trim(),
  httpStatus: (status: number) => `HTTP ${status}`,
  fileChanged: () => 'the file changed on the server',
  bodyEnded: (got: number, total: number) => `the body ended after ${got} of ${total} bytes`,
  interrupted: (why: string) => `interrupted: ${why}`,
  downloadFailed: (url: string, got: number | null, failure: string, attempts: number) =>
    `${url}: download failed${got === null ? '' : ` after ${got} bytes`} (${failure}; tried ${attempts} times); check the connection and retry`,

  // model_sources.ts, studio.ts: a model's name where it is words
  droppedFiles: () => 'dropped files',
  newModel: (size: string) => `new GPT-2 ${size}`,
  checkpointOf: (checkpoint: string, model: string) => `${checkpoint} of ${model}`,
  // model_sources.ts: a hub out of reach
  hubUnreachable: (id: string, why: string, builtin: string) =>
    `The Hugging Face hub (huggingface.co) cannot be reached, so ${id} cannot be downloaded: ${why}. ` +
    `Without a network, choose the built-in model ${builtin}, or load a model folder from your disk with "Model files".`,

  // studio.ts: a call that cannot be done now, and the saved run's files
  noFilesGiven: () => 'no files given',
  restoredFilesNotKept: () => 'the files of a restored run are not kept: add the dataset files again to change how they are grouped',
  addDatasetFirst: () => 'add dataset files first',
  blockSizeRange: (context: number, got: number) =>
    `block_size must be an integer from 2 to the model's context of ${context} tokens (n_positions), got ${got}`,
  noCheckpointStorage: (why: string) => `checkpoints cannot be kept in this browser's storage (${why}); export the model instead`,
  nothingToSave: () => 'nothing to save: no run holds its optimizer state (a new model or backend releases it); start training first',
  checkpointsNotKept: () => "this run's checkpoints cannot be kept in this browser's storage; use Export model",
  lostWhileReading: () => 'the device was lost while the weights were read: the previous checkpoint is kept',
  trainingHere: () => 'this tab is training the run: it replaces the saved one',
  noPrivateFileSystem: () => 'this browser has no origin private file system: no run is saved in it',
  noCompleteCheckpoint: (id: string) => `the saved run ${id} has no complete checkpoint to continue from`,
  argsMissing: (checkpoint: string) => `${checkpoint}: training_args.json is missing`,
  noRestoredRun: () => 'no restored run to continue: load the checkpoint first',
  loadModelFirst: () => 'load a model first',
  stopTrainingFirst: (action: IdleAction) => `stop training before you ${{
    backend: 'change the backend', model: 'load another model', dataset: 'change the dataset', run: 'start another run',
    checkpoint: 'load a checkpoint', continue: 'continue the saved run',
  }[action]}`,

  // run_controller.ts: warnings during a run
  sampleFailed: (step: number, why: string) => `sample at step ${step} failed: ${why}`,
  checkpointNotSaved: (name: string, why: string) => `${name} was not saved: ${why}`,

  // run_store.ts: a saved run that cannot be continued or taken over
  fileMissing: (path: string) => `${path}: missing`,
  fileTruncated: (path: string, size: number, written: number) => `${path}: ${size} bytes where ${written} were written (the file is truncated or damaged)`,
  trainedElsewhere: (id: string) => `the saved run ${id} is being trained in another tab of this browser: continue or discard it there`,
  runGone: (id: string) => `the saved run ${id} is no longer in this browser's storage`,
  earlierVersionRun: () => 'a run saved by an earlier version of GPT-2 Studio, which this one cannot continue',
  notARunFolder: (id: string) => `${id}: not a folder of a saved run`,
  runJsonId: (got: string, id: string) => `run.json: id is ${got}, not that of the folder ${id} it is in`,
  runJsonUnlisted: (file: string) => `run.json: files does not list ${file}`,
  writtenByOtherRun: (path: string, run: string, id: string) => `${path}: written by run ${run}, not ${id}`,
  blocksNotWhole: (size: number) => `dataset.blocks: ${size} bytes is not a whole number of 4-byte token ids`,

  // python_export.ts
  restoredDatasetNotKept: () => 'the dataset files of a restored run are not kept: add them again to export the run for Python',
};

const es: typeof en = {
  asIs: (text) => text,


  deviceLostForGood: () => 'su dispositivo se perdió durante un entrenamiento; recarga la página para volver a usarlo',
  outOfMemory: (advice, kept) => `${capitalize(advice)}. ${kept}`,
  deviceLost: (device, webgl, step, detail, kept) =>
    `Se perdió ${webgl ? 'el contexto WebGL' : `el dispositivo ${device}`} en el paso ${step} (${detail}). ${kept}`,
  checkpointKept: (name, step, next) =>
    `${name} se guarda en el almacenamiento de este navegador: continúa desde el paso ${step}${next ? ` con ${next}` : ''}.`,
  noCheckpointKept: (next) => `Aún no se guardó ningún checkpoint (Pasos entre guardados): empieza de nuevo${next ? ` con ${next}` : ''}.`,
  batchSizeLabel: () => 'Tamaño de lote',
  blockSizeLabel: () => 'Tamaño de bloque',

  hubId: (id) => `el id '${id}' del hub de Hugging Face`,
  hubFile: (id, file) => `el id '${id}' del hub de Hugging Face (archivo ${file})`,
  noSuchRepository: (repo) => `${repo}: no existe ese repositorio (o es privado); comprueba el id, p. ej. openai-community/gpt2`,
  gatedRepository: (repo, page) =>
    `${repo}: un repositorio con acceso restringido: acepta sus condiciones en ${page} y carga desde el disco los archivos descargados (el estudio no envía ningún token de acceso)`,
  accessDenied: (what, status) => `${what}: acceso denegado (HTTP ${status}): el repositorio es privado, tiene acceso restringido o no existe; ` +
    'descarga los archivos con una cuenta que pueda leerlos y cárgalos desde el disco',
  httpError: (url, status, statusText) => `${url}: HTTP ${status} ${statusText}`.trim(),
  httpStatus: (status) => `HTTP ${status}`,
  fileChanged: () => 'el archivo cambió en el servidor',
  bodyEnded: (got, total) => `el cuerpo de la respuesta terminó tras ${got} de ${total} bytes`,
  interrupted: (why) => `interrumpida: ${why}`,
  downloadFailed: (url, got, failure, attempts) =>
    `${url}: la descarga falló${got === null ? '' : ` tras ${got} bytes`} (${failure}; ${attempts} intentos); comprueba la conexión y vuelve a intentarlo`,

  droppedFiles: () => 'archivos soltados',
  newModel: (size) => `GPT-2 nuevo ${size}`,
  checkpointOf: (checkpoint, model) => `${checkpoint} de ${model}`,
  hubUnreachable: (id, why, builtin) =>
    `No se puede acceder al hub de Hugging Face (huggingface.co), así que no se puede descargar ${id}: ${why}. ` +
    `Sin red, elige el modelo integrado ${builtin} o carga una carpeta de modelo desde tu disco con «Archivos del modelo».`,

  noFilesGiven: () => 'no se dio ningún archivo',
  restoredFilesNotKept: () => 'los archivos de un entrenamiento restaurado no se guardan: añade de nuevo los archivos de datos para cambiar cómo se agrupan',
  addDatasetFirst: () => 'añade primero archivos de datos',
  blockSizeRange: (context, got) =>
    `block_size debe ser un entero de 2 al contexto del modelo, ${context} tokens (n_positions); se recibió ${got}`,
  noCheckpointStorage: (why) => `los checkpoints no se pueden guardar en el almacenamiento de este navegador (${why}); exporta el modelo en su lugar`,
  nothingToSave: () => 'nada que guardar: ningún entrenamiento conserva el estado de su optimizador (un modelo o backend nuevo lo libera); empieza a entrenar primero',
  checkpointsNotKept: () => 'los checkpoints de este entrenamiento no se pueden guardar en el almacenamiento de este navegador; usa Exportar modelo',
  lostWhileReading: () => 'el dispositivo se perdió mientras se leían los pesos: se conserva el checkpoint anterior',
  trainingHere: () => 'esta pestaña está ejecutando ese entrenamiento: sustituye al guardado',
  noPrivateFileSystem: () => 'este navegador no tiene sistema de archivos privado de origen: no hay ningún entrenamiento guardado en él',
  noCompleteCheckpoint: (id) => `el entrenamiento guardado ${id} no tiene ningún checkpoint completo desde el que continuar`,
  argsMissing: (checkpoint) => `${checkpoint}: falta training_args.json`,
  noRestoredRun: () => 'no hay ningún entrenamiento restaurado que continuar: carga primero el checkpoint',
  loadModelFirst: () => 'carga primero un modelo',
  stopTrainingFirst: (action) => `detén el entrenamiento antes de ${{
    backend: 'cambiar el backend', model: 'cargar otro modelo', dataset: 'cambiar los datos', run: 'empezar otro entrenamiento',
    checkpoint: 'cargar un checkpoint', continue: 'continuar el entrenamiento guardado',
  }[action]}`,

  sampleFailed: (step, why) => `la muestra del paso ${step} falló: ${why}`,
  checkpointNotSaved: (name, why) => `${name} no se guardó: ${why}`,

  fileMissing: (path) => `${path}: falta`,
  fileTruncated: (path, size, written) => `${path}: ${size} bytes donde se escribieron ${written} (el archivo está cortado o dañado)`,
  trainedElsewhere: (id) => `el entrenamiento guardado ${id} se está entrenando en otra pestaña de este navegador: continúalo o descártalo allí`,
  runGone: (id) => `el entrenamiento guardado ${id} ya no está en el almacenamiento de este navegador`,
  earlierVersionRun: () => 'un entrenamiento guardado por una versión anterior de GPT-2 Studio, que esta no puede continuar',
  notARunFolder: (id) => `${id}: no es la carpeta de un entrenamiento guardado`,
  runJsonId: (got, id) => `run.json: su id es ${got}, no el de la carpeta ${id} en la que está`,
  runJsonUnlisted: (file) => `run.json: files no incluye ${file}`,
  writtenByOtherRun: (path, run, id) => `${path}: lo escribió el entrenamiento ${run}, no ${id}`,
  blocksNotWhole: (size) => `dataset.blocks: ${size} bytes no son un número entero de ids de token de 4 bytes`,

  restoredDatasetNotKept: () => 'los archivos de datos de un entrenamiento restaurado no se guardan: añádelos de nuevo para exportar el entrenamiento para Python',
};

export const { catalog: workerCatalog, say: sayWorker } = catalog('worker', { en, es });

/** What an error says, as data: a UserError's sentence, else its message as it is (a platform's words). */
export const saidOf = (e: unknown): Said =>
  (e instanceof UserError && e.said ? e.said : sayWorker('asIs', e instanceof Error ? e.message : String(e)));
