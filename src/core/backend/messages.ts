// Why a TensorFlow.js backend did not start, in English and Spanish (src/core/messages.ts says how a sentence
// travels to the page): the page lists the reasons beside its backend choice.
import { catalog } from '../messages';

const en = {
  noWebGPU: () => 'navigator.gpu is missing (no WebGPU in this environment)',
  noCanvas: () => 'no canvas to create a WebGL context (not a browser)',
  noWebAssembly: () => 'WebAssembly is missing',
  notSet: (backend: string, running: string) => `tf.setBackend('${backend}') failed (running: ${running})`,
  failedToStart: (why: string) => `failed to start: ${why}`,
  /** A backend asked for by name (or, for auto, every backend) did not start; `reasons`: "name: why; …". */
  didNotStart: (choice: string, reasons: string) => `backend ${choice}: ${reasons}`,
  reason: (backend: string, why: string) => `${backend}: ${why}`,
};

const es: typeof en = {
  noWebGPU: () => 'falta navigator.gpu (no hay WebGPU en este entorno)',
  noCanvas: () => 'no hay un canvas en el que crear un contexto WebGL (no es un navegador)',
  noWebAssembly: () => 'falta WebAssembly',
  notSet: (backend, running) => `tf.setBackend('${backend}') falló (funcionando con: ${running})`,
  failedToStart: (why) => `no se pudo iniciar: ${why}`,
  didNotStart: (choice, reasons) => `backend ${choice}: ${reasons}`,
  reason: (backend, why) => `${backend}: ${why}`,
};

export const { catalog: backendCatalog, say: sayBackend } = catalog('backend', { en, es });
