// A small flag parser shaped like Hugging Face's HfArgumentParser: `--name value`, `--name=value`, booleans as
// `--flag` or `--flag true|false`, and lists as `--train_file a.txt b.txt`. node:util's parseArgs cannot take
// several values after one flag or `--shuffle false`, so the few lines are written here.

import { UserError } from '../core/errors';

export class UsageError extends UserError {}

export type FlagType = 'string' | 'number' | 'int' | 'boolean' | 'list';
export interface FlagSpec { type: FlagType; help: string; default?: string | number | boolean | string[] | null }
export type FlagSpecs = Record<string, FlagSpec>;
export type FlagValues = Record<string, string | number | boolean | string[] | null | undefined>;

const TRUE = new Set(['true', '1', 'yes']), FALSE = new Set(['false', '0', 'no']);

export function parseFlags(argv: string[], specs: FlagSpecs, command: string): FlagValues {
  const out: FlagValues = {};
  for (const [k, s] of Object.entries(specs)) if (s.default !== undefined) out[k] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`${command}: unexpected argument "${arg}" (flags start with --; see ${command} --help)`);
    const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const name = flag.replace(/-/g, '_');
    const spec = specs[name];
    if (!spec) throw new UsageError(`${command}: unknown flag --${name} (see gpt2-studio ${command} --help)`);
    const values: string[] = inline !== undefined ? [inline] : [];
    if (inline === undefined) while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.push(argv[++i]);
    out[name] = convert(name, spec, values);
  }
  return out;
}

function convert(name: string, spec: FlagSpec, values: string[]): FlagValues[string] {
  const one = () => {
    if (values.length !== 1) throw new UsageError(`--${name} takes one value, got ${values.length ? values.join(' ') : 'none'}`);
    return values[0];
  };
  switch (spec.type) {
    case 'boolean': {
      if (values.length === 0) return true;
      const v = one().toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      throw new UsageError(`--${name} must be true or false, got "${values[0]}"`);
    }
    case 'list':
      if (!values.length) throw new UsageError(`--${name} needs at least one value`);
      return values;
    case 'number': case 'int': {
      const s = one(), v = Number(s);
      if (s.trim() === '' || !Number.isFinite(v) || (spec.type === 'int' && !Number.isInteger(v))) {
        throw new UsageError(`--${name} must be ${spec.type === 'int' ? 'an integer' : 'a number'}, got "${s}"`);
      }
      return v;
    }
    default:
      return one();
  }
}

export function usage(command: string, summary: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([k, s]) => {
    const d = s.default === undefined || s.default === null ? '' : ` (default: ${Array.isArray(s.default) ? s.default.join(' ') : s.default})`;
    const arg = s.type === 'boolean' ? '' : s.type === 'list' ? (k.endsWith('_file') ? ' FILE...' : ' NAME...') : ` ${s.type.toUpperCase()}`;
    return `  --${k}${arg}\n      ${s.help}${d}`;
  });
  return `gpt2-studio ${command}: ${summary}\n\n${rows.join('\n')}\n`;
}

/** A required flag's value, or a usage error naming it. */
export function required<T>(v: FlagValues, name: string, command: string): T {
  if (v[name] === undefined || v[name] === null) throw new UsageError(`${command}: --${name} is required (see gpt2-studio ${command} --help)`);
  return v[name] as T;
}
