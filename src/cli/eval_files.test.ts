// `gpt2-studio eval --validation_file` reads what `train` reads: every format, with the text flags, gives the very
// numbers of tokenizing first and evaluating the tokens file. Subprocesses on the fixture emails and tiny model.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { cli } from '../../test/cli';
import { fixture } from '../../test/fixtures';
import { tempDirs } from '../../test/tmp';

const model = fixture('models', 'tiny-gpt2-v512');
const emails = (f: string) => fixture('emails', 'dev', f);
const tempDir = tempDirs('gpt2-studio-eval-');
let dir: string;
const file = (name: string, data: string) => { const p = path.join(dir, name); writeFileSync(p, data); return p; };

async function evaluate(...args: string[]): Promise<Record<string, unknown>> {
  const r = await cli(['eval', '--model_name_or_path', model, '--block_size', '32', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** `tokenize` then `eval --tokens_file`, the way one had to before. */
async function tokenizedFirst(files: string[], textFlags: string[]): Promise<Record<string, unknown>> {
  const out = path.join(dir, `tokens-${path.basename(files[0])}.u16`);
  const t = await cli(['tokenize', '--model_name_or_path', model, '--train_file', ...files, '--out', out, ...textFlags]);
  expect(t.code, t.stderr).toBe(0);
  return evaluate('--tokens_file', out);
}

describe('eval --validation_file', () => {
  const bodies = readFileSync(emails('bodies.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
  beforeAll(() => { dir = tempDir(); });

  it('on .jsonl gives the numbers of the fixture\'s own tokenization of the same bodies', async () => {
    const got = await evaluate('--validation_file', emails('bodies.jsonl'));
    expect(got).toEqual(await evaluate('--tokens_file', emails('gpt2-v512.u16')));
    expect(got.num_tokens).toBeGreaterThan(1000);
  });

  it.each([
    ['.mbox, .eml and .csv together, headers kept', () => {
      const messages = readFileSync(emails('messages.mbox'), 'utf8').split(/^From .*\n/m).filter((m) => m.trim());
      return [emails('messages.mbox'), file('first.eml', messages[0]), file('second.eml', messages[1]),
        file('bodies.csv', Papa.unparse(bodies.slice(0, 10).map((text) => ({ id: 1, body: text })), { newline: '\n' }))];
    }, ['--keep_headers', '--text_column', 'body']],
    ['.txt split on a separator', () => [file('notes.txt', bodies.slice(0, 20).join('\n%%\n'))], ['--text_separator', '\n%%\n']],
  ])('on %s gives exactly the numbers of tokenize + --tokens_file', async (_what, make, textFlags) => {
    const files = make();
    const got = await evaluate('--validation_file', ...files, ...textFlags);
    expect(got).toEqual(await tokenizedFirst(files, textFlags));
    // The text flags reach the reader: without them the same files make other blocks.
    expect((await cli(['eval', '--model_name_or_path', model, '--block_size', '32', '--validation_file', ...files])).stdout).not.toBe(JSON.stringify(got) + '\n');
  });

  it('on a .u16 file gives the numbers of --tokens_file', async () => {
    expect(await evaluate('--validation_file', emails('gpt2-v512.u16'))).toEqual(await evaluate('--tokens_file', emails('gpt2-v512.u16')));
  });

  it.each([
    [['--validation_file', '/nonexistent/held-out.mbox'], /^gpt2-studio eval: error: \/nonexistent\/held-out\.mbox: no such file$/],
    [['--validation_file', 'SHORT'], /^gpt2-studio eval: error: short\.txt: \d+ tokens make no block of block_size 32; add text or lower the block size$/],
    [['--validation_file', 'BAD_CSV'], /^gpt2-studio eval: error: data\.csv: line 1 \(the header\) has no column 'text'; columns found: title, body\. Choose the text column among them\.$/],
    [[], /^gpt2-studio eval: error: eval: give --validation_file or --tokens_file \(one of them\)$/],
  ])('refuses %j with one line naming the file, exit 2', async (args, message) => {
    const named = args.map((a) => a === 'SHORT' ? file('short.txt', 'Hi there.') : a === 'BAD_CSV' ? file('data.csv', 'title,body\na,b\n') : a);
    const r = await cli(['eval', '--model_name_or_path', model, '--block_size', '32', ...named]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toMatch(message);
  });
});
