// Temporary folders for a test file, removed once its tests have run (an `npm test` leaves nothing in the temp dir).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** Call at the top of a test file: returns a function that makes a new folder named `prefix…` each time. */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });
  return () => {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
