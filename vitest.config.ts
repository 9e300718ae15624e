import { defineConfig } from 'vitest/config';

// Two kinds of tests: `src/**/*.test.ts` run in Node (cpu and wasm backends, CLI subprocesses);
// `e2e/**/*.test.ts` drive Debian's Chromium through playwright-core (webgpu, webgl, wasm, the studio UI).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts'],
    // The cpu backend trains the 50,257-token fixture at ~6 s a step on 2 cores; give slow machines room.
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
