// Where the read-only reference fixtures live: `../shared/fixtures` beside the checkout
// (CI lays a copy of shared/ beside its clone the same way). GPT2_STUDIO_FIXTURES overrides it.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = process.env.GPT2_STUDIO_FIXTURES ?? path.resolve(REPO_ROOT, '../shared/fixtures');
export const fixture = (...parts: string[]) => path.join(FIXTURES, ...parts);
