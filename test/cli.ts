// Runs the gpt2-studio command line as a user would: a subprocess of bin/gpt2-studio.mjs.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './fixtures';

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export const CLI = path.join(REPO_ROOT, 'bin', 'gpt2-studio.mjs');

export function cli(args: string[], opts: { onStdout?: (chunk: string, kill: () => void) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; opts.onStdout?.(c, () => child.kill('SIGKILL')); });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The stdout of a command that must succeed; when it does not, an error carrying its exit status and stderr. */
export async function cliStdout(args: string[]): Promise<string> {
  const r = await cli(args);
  if (r.code !== 0) throw new Error(`gpt2-studio ${args.join(' ')} exited with ${r.code ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

/** Flags of a reference run.json entry, as `gpt2-studio train` takes them. */
export function runFlags(args: Record<string, number | string>): string[] {
  return Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]);
}
