// The worker's sentences as the page words them: the English as it always read (the CLI, the logs and the tests that
// match it), and the Spanish page's. Fault messages, a backend's reasons from the real core (in Node, where WebGPU and
// WebGL do not start) passed on, the hub out of reach; downloads.test.ts words the download failures.
import { describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { wordIn, type Said } from '../core/messages';
import { UserError } from '../core/errors';
import { CATALOGS } from './catalogs';
import { offerReason } from './backends';
import { faultMessage, withoutLost } from './faults';
import { explainLoadFailure, sourceName, sourceTitle } from './model_sources';
import { NetworkError } from './downloads';
import { saidOf, sayWorker } from './messages';
import { BUILTIN_MODEL } from '../known_models';

const es = (said: Said) => wordIn(said, 'es', CATALOGS);

describe('worker messages', () => {
  const context = { step: 40, batchSize: 8, blockSize: 128, checkpoint: { name: 'checkpoint-30', step: 30 } };

  it('says a lost device, at which step, and the checkpoint kept', () => {
    const said = faultMessage({ kind: 'device-lost', detail: 'destroyed' }, { ...context, backend: 'webgpu', next: 'webgl' });
    expect(said.text).toBe("The WebGPU device was lost at step 40 (destroyed). checkpoint-30 is kept in this browser's storage: continue from step 30 on WebGL.");
    expect(es(said)).toBe('Se perdió el dispositivo WebGPU en el paso 40 (destroyed). checkpoint-30 se guarda en el almacenamiento de este navegador: ' +
      'continúa desde el paso 30 con WebGL.');
    const webgl = faultMessage({ kind: 'device-lost', detail: 'webglcontextlost' }, { ...context, backend: 'webgl', next: null, checkpoint: null });
    expect(webgl.text).toBe('The WebGL context was lost at step 40 (webglcontextlost). No checkpoint was saved yet (Save steps): start again.');
    expect(es(webgl)).toBe('Se perdió el contexto WebGL en el paso 40 (webglcontextlost). Aún no se guardó ningún checkpoint (Pasos entre guardados): empieza de nuevo.');
  });

  it('says out of memory with the advice of the memory plan, and what is kept', () => {
    const said = faultMessage({ kind: 'out-of-memory', detail: 'GPUOutOfMemoryError' }, { ...context, backend: 'webgpu', next: 'wasm' });
    expect(said.text).toBe('Out of memory on WebGPU in step 41: a batch of 8 × 128 tokens does not fit (GPUOutOfMemoryError); lower Batch size to 4. ' +
      "checkpoint-30 is kept in this browser's storage: continue from step 30 on WebAssembly.");
    // The advice is the core's (worded by its own catalog where it is a sentence as data), capitalized as it opens the sentence.
    expect(es(said)).toMatch(/^[A-Z].*GPUOutOfMemoryError.*\. checkpoint-30 se guarda en el almacenamiento de este navegador: continúa desde el paso 30 con WebAssembly\.$/);
  });

  it('marks a lost backend unavailable until the page reloads', () => {
    const [offer] = withoutLost('webgpu', [{ backend: 'webgpu', ok: true }]);
    expect(offer.ok).toBe(false);
    expect(offer.reason!.text).toBe('its device was lost during a run; reload the page to use it again');
    expect(es(offer.reason!)).toBe('su dispositivo se perdió durante un entrenamiento; recarga la página para volver a usarlo');
  });

  it("passes the core's reasons a backend does not start to the page as they are, as sentences", async () => {
    const reason = async (backend: 'webgpu' | 'webgl') => offerReason(await initBackend(backend).then(() => null, (e: unknown) => e));
    const webgpu = await reason('webgpu'), webgl = await reason('webgl');
    expect([webgpu.key, webgl.key]).toEqual(['noWebGPU', 'noCanvas']);
    expect(es(webgl)).toBe('no hay un canvas en el que crear un contexto WebGL (no es un navegador)');
    // Not the core's: the text as it is.
    expect(offerReason(new Error('something else')).text).toBe('something else');
  });

  it("names a model in the page's language where its name is words, in English where it is data", () => {
    expect(sourceName({ kind: 'files', files: [] })).toBe('dropped files');
    expect(es(sourceTitle({ kind: 'files', files: [] })!)).toBe('archivos soltados');
    expect(sourceName({ kind: 'scratch', name: 'nano', overrides: '' })).toBe('new GPT-2 nano');
    expect(es(sourceTitle({ kind: 'scratch', name: 'nano', overrides: '' })!)).toBe('GPT-2 nuevo nano');
    expect(sourceTitle({ kind: 'hub', id: 'openai-community/gpt2' })).toBeNull();
    expect(sourceName({ kind: 'hub', id: 'openai-community/gpt2' })).toBe('openai-community/gpt2');
  });

  it('says the hub is out of reach, with the download failure in the same language', () => {
    const failure = new NetworkError(sayWorker('downloadFailed', 'https://huggingface.co/gpt2/resolve/main/config.json', null, 'Failed to fetch', 5));
    const e = explainLoadFailure(failure, { kind: 'hub', id: 'gpt2' }) as NetworkError;
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.message).toBe('The Hugging Face hub (huggingface.co) cannot be reached, so gpt2 cannot be downloaded: ' +
      'https://huggingface.co/gpt2/resolve/main/config.json: download failed (Failed to fetch; tried 5 times); check the connection and retry. ' +
      `Without a network, choose the built-in model ${BUILTIN_MODEL.name}, or load a model folder from your disk with "Model files".`);
    expect(es(e.said!)).toBe('No se puede acceder al hub de Hugging Face (huggingface.co), así que no se puede descargar gpt2: ' +
      'https://huggingface.co/gpt2/resolve/main/config.json: la descarga falló (Failed to fetch; 5 intentos); comprueba la conexión y vuelve a intentarlo. ' +
      `Sin red, elige el modelo integrado ${BUILTIN_MODEL.name} o carga una carpeta de modelo desde tu disco con «Archivos del modelo».`);
    // Another source's failure is its own.
    expect(explainLoadFailure(failure, { kind: 'url', base: '/m/' })).toBe(failure);
  });

  it("keeps an error's sentence as data, and a platform's words as they are", () => {
    const said = sayWorker('stopTrainingFirst', 'model');
    expect(saidOf(new UserError(said))).toBe(said);
    expect(said.text).toBe('stop training before you load another model');
    expect(es(said)).toBe('detén el entrenamiento antes de cargar otro modelo');
    const platform = saidOf(new DOMException('A requested file or directory could not be found', 'NotFoundError'));
    expect(es(platform)).toBe('A requested file or directory could not be found');
  });
});
