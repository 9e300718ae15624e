#!/usr/bin/env node
// The `gpt2-studio` command: runs the TypeScript CLI through tsx, so no build step stands between
// `npm install` and `npx gpt2-studio`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
