// The gpt2-studio command line: parses flags and calls the core (the same code as the browser worker).
// A user's mistake (a bad file, flag or setting) prints one message on stderr and exits with status 2; anything
// else is a bug and keeps its stack trace.
import * as tf from '@tensorflow/tfjs';
import { parseFlags, usage, type FlagSpecs, type FlagValues } from './flags';
import { UserError } from '../core/errors';
import * as evalCmd from './eval';
import * as tokenizeCmd from './tokenize';
import * as generateCmd from './generate';
import * as trainCmd from './train';
import * as exportRunCmd from './export_run';
import * as mergeCmd from './merge';

interface Command { summary: string; flags: FlagSpecs; run(v: FlagValues, argv: string[]): Promise<void> }
const COMMANDS: Record<string, Command> = {
  train: trainCmd, eval: evalCmd, generate: generateCmd, tokenize: tokenizeCmd, merge: mergeCmd, 'export-run': exportRunCmd,
};

const HELP = `gpt2-studio: fine-tune GPT-2 with TensorFlow.js, the same core as GPT-2 Studio in the browser.

Usage: gpt2-studio <command> [--flag value ...]   (gpt2-studio <command> --help for its flags)

Commands:
${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`).join('\n')}

Models are Hugging Face model folders (config.json, model.safetensors, tokenizer.json or vocab.json + merges.txt).
Node runs the wasm (default) and cpu backends.
`;

async function main(argv: string[]): Promise<number> {
  // Production mode: no tfjs banner suggesting tfjs-node (which cannot be installed everywhere) on stderr.
  tf.env().set('PROD', true);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { process.stdout.write(HELP); return name ? 0 : 2; }
  const cmd = COMMANDS[name];
  if (!cmd) { process.stderr.write(`gpt2-studio: unknown command "${name}"\n\n${HELP}`); return 2; }
  if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(usage(name, cmd.summary, cmd.flags)); return 0; }
  try {
    await cmd.run(parseFlags(rest, cmd.flags, name), rest);
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`gpt2-studio ${name}: error: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
