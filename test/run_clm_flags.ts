// The flags run_clm.py accepts (test/run_clm_flags.json), and the flags of a command line, for the tests of the
// Python export.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './fixtures';

interface FlagList { 'run_clm.py': Record<string, string[]>; TrainingArguments: string[]; deprecated: string[] }
const list = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'run_clm_flags.json'), 'utf8')) as FlagList;

/** Flags run_clm.py parses without a warning. */
export const RUN_CLM_FLAGS = new Set([...Object.values(list['run_clm.py']).flat(), ...list.TrainingArguments].filter((f) => !list.deprecated.includes(f)));

/** The flags of `accelerate launch run_clm.py …` in a shell script (continued lines joined): name → value, '' for a lone boolean. */
export function commandArgs(script: string): Map<string, string> {
  const command = script.replace(/\\\n/g, ' ').split('\n').find((l) => /accelerate launch run_clm\.py/.test(l));
  if (!command) throw new Error('no `accelerate launch run_clm.py` line in the script');
  const words = command.slice(command.indexOf('run_clm.py') + 'run_clm.py'.length).trim().split(/\s+/);
  const out = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    if (!words[i].startsWith('--')) throw new Error(`"${words[i]}" follows no flag`);
    out.set(words[i].slice(2), i + 1 < words.length && !words[i + 1].startsWith('--') ? words[++i] : '');
  }
  return out;
}
