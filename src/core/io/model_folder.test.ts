// A tokenizer that does not match the model is refused when the folder is read, with one message naming the files
// and what differs. Real fixture folders, copied to a temporary directory and edited as a user's might be.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../../test/cli';
import { fixture } from '../../../test/fixtures';
import { dirSource } from '../../node/fs_source';
import { ModelFileError } from '../errors';
import { readModelFolder } from './model_folder';

const root = mkdtempSync(path.join(tmpdir(), 'gpt2-studio-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A copy of a fixture model folder, changed by `edit(dir)`. */
function folder(model: string, edit: (dir: string) => void): string {
  const dir = path.join(root, `${model}-${n++}`);
  cpSync(fixture('models', model), dir, { recursive: true });
  edit(dir);
  return dir;
}
const json = (dir: string, file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
const writeJson = (dir: string, file: string, value: unknown) => writeFileSync(path.join(dir, file), JSON.stringify(value));

async function refusal(dir: string): Promise<string> {
  const err = await readModelFolder(await dirSource(dir)).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ModelFileError);
  return (err as Error).message;
}

describe('the tokenizer must match the model', () => {
  it('the fixture folders, which hold both tokenizer forms, load', async () => {
    for (const model of ['tiny-gpt2', 'tiny-gpt2-v512']) {
      const f = await readModelFolder(await dirSource(fixture('models', model)));
      expect(f.tokenizer.vocabSize).toBe(f.config.vocab_size);
    }
  });

  it('tokenizer.json and vocab.json with different ids', async () => {
    const dir = folder('tiny-gpt2', (d) => writeJson(d, 'vocab.json', { ...json(d, 'vocab.json'), '!': 1, '"': 0 }));
    expect(await refusal(dir)).toBe(
      'tokenizer.json and vocab.json are not the same tokenizer: token "!" is id 0 in tokenizer.json and id 1 in vocab.json; ' +
        'remove the one that does not belong to the model',
    );
  });

  it('vocab.json of a smaller tokenizer beside tokenizer.json', async () => {
    const dir = folder('tiny-gpt2', (d) => cpSync(fixture('tokenizers', 'gpt2-v512', 'vocab.json'), path.join(d, 'vocab.json')));
    expect(await refusal(dir)).toMatch(/^tokenizer\.json and vocab\.json are not the same tokenizer: token "10" is id 940 in tokenizer\.json and missing in vocab\.json;/);
  });

  it('tokenizer.json and merges.txt with a different merge, or fewer', async () => {
    const lines = readFileSync(fixture('models', 'tiny-gpt2', 'merges.txt'), 'utf8').split('\n');
    const swapped = folder('tiny-gpt2', (d) => writeFileSync(path.join(d, 'merges.txt'), [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n')));
    expect(await refusal(swapped)).toBe(
      'tokenizer.json and merges.txt are not the same tokenizer: merge 1 is "Ġ t" in tokenizer.json and "Ġ a" in merges.txt; ' +
        'remove the one that does not belong to the model',
    );
    const cut = folder('tiny-gpt2', (d) => writeFileSync(path.join(d, 'merges.txt'), lines.slice(0, 101).join('\n')));
    expect(await refusal(cut)).toMatch(/^tokenizer\.json and merges\.txt are not the same tokenizer: 50000 merges in tokenizer\.json, 100 in merges\.txt/);
  });

  it('a tokenizer larger than the embedding (vocab_size rows)', async () => {
    const dir = folder('tiny-gpt2-v512', (d) => {
      for (const f of ['tokenizer.json', 'vocab.json', 'merges.txt']) cpSync(fixture('tokenizers', 'gpt2', f), path.join(d, f));
    });
    expect(await refusal(dir)).toBe(
      "tokenizer.json: the tokenizer has 50257 tokens (ids 0..50256), more than the model's vocab_size 512 " +
        '(config.json, the rows of wte.weight): the tokenizer belongs to another model',
    );
    const pair = folder('tiny-gpt2-v512', (d) => {
      rmSync(path.join(d, 'tokenizer.json'));
      for (const f of ['vocab.json', 'merges.txt']) cpSync(fixture('tokenizers', 'gpt2', f), path.join(d, f));
    });
    expect(await refusal(pair)).toMatch(/^vocab\.json \+ merges\.txt: the tokenizer has 50257 tokens/);
  });

  it('an added token beyond the embedding', async () => {
    const dir = folder('tiny-gpt2', (d) => {
      const t = json(d, 'tokenizer.json');
      writeJson(d, 'tokenizer.json', { ...t, added_tokens: [...(t.added_tokens as object[]), { id: 50257, content: '<|pad|>', special: true }] });
    });
    expect(await refusal(dir)).toMatch(/^tokenizer\.json: the tokenizer has 50258 tokens \(ids 0\.\.50257\), more than the model's vocab_size 50257/);
  });

  it('bos/eos/pad ids of config.json and generation_config.json that are not tokens', async () => {
    const config = folder('tiny-gpt2', (d) => writeJson(d, 'config.json', { ...json(d, 'config.json'), eos_token_id: 50257 }));
    expect(await refusal(config)).toBe('config.json: eos_token_id 50257 is not a token of the tokenizer (tokenizer.json: ids 0..50256)');
    const generation = folder('tiny-gpt2-v512', (d) => writeJson(d, 'generation_config.json', { bos_token_id: 511, eos_token_id: 511, pad_token_id: -1 }));
    expect(await refusal(generation)).toBe('generation_config.json: pad_token_id -1 is not a token of the tokenizer (tokenizer.json: ids 0..511)');
  });

  it('the command line says so in one line, exit status 2, and writes nothing', async () => {
    const dir = folder('tiny-gpt2', (d) => writeJson(d, 'vocab.json', { ...json(d, 'vocab.json'), '!': 1, '"': 0 }));
    const out = path.join(root, 'out');
    const r = await cli(['train', '--model_name_or_path', dir, '--train_file', fixture('emails', 'dev', 'bodies.jsonl'), '--output_dir', out, '--max_steps', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('gpt2-studio train: error: tokenizer.json and vocab.json are not the same tokenizer: token "!" is id 0 in tokenizer.json and id 1 in vocab.json; remove the one that does not belong to the model\n');
    expect(existsSync(out)).toBe(false);
  });
});
