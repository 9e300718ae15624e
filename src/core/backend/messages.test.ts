// Why a backend did not start, as the CLI prints it and a Spanish page words it (in Node, WebGPU and WebGL do not).
import { describe, expect, it } from 'vitest';
import { BackendError, initBackend } from './index';
import { wordIn } from '../messages';
import { UserError } from '../errors';
import { CATALOGS } from '../../worker/catalogs';

describe('backend messages', () => {
  it('refuses a backend that does not start with its reason, in English and in Spanish', async () => {
    const e = await initBackend('webgpu').then(() => null, (e: unknown) => e);
    expect(e).toBeInstanceOf(BackendError);
    expect(e).toBeInstanceOf(UserError);
    expect((e as BackendError).message).toBe('backend webgpu: webgpu: navigator.gpu is missing (no WebGPU in this environment)');
    expect(wordIn((e as BackendError).said!, 'es', CATALOGS)).toBe('backend webgpu: webgpu: falta navigator.gpu (no hay WebGPU en este entorno)');
    expect((e as BackendError).skipped.map((s) => s.reason.key)).toEqual(['noWebGPU']);
  });

  it('reports, under auto, why each better backend was skipped', async () => {
    const report = await initBackend('auto');
    expect(report.backend).toBe('wasm');
    expect(report.skipped.map((s) => [s.backend, s.reason.text])).toEqual([
      ['webgpu', 'navigator.gpu is missing (no WebGPU in this environment)'],
      ['webgl', 'no canvas to create a WebGL context (not a browser)'],
    ]);
    expect(wordIn(report.skipped[1].reason, 'es', CATALOGS)).toBe('no hay un canvas en el que crear un contexto WebGL (no es un navegador)');
  });
});
