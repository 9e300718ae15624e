// Where tfjs-backend-wasm's .wasm files are served: vite.config.ts serves them there in dev and preview and copies
// them there in the build. In the browser (page or worker) start the backend with
//   initBackend('wasm', { wasmPaths: TFJS_WASM_PATHS })
// Node needs no paths (the package finds its own files).
export const TFJS_WASM_DIR = 'tfjs-wasm';

/** URL prefix (ending in '/') of the .wasm files, under Vite's `base`. */
export const TFJS_WASM_PATHS = `${import.meta.env?.BASE_URL ?? '/'}${TFJS_WASM_DIR}/`;
