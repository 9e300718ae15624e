// `gpt2-studio train` from scratch as run_clm.py does it: --model_type gpt2 --config_overrides … --tokenizer_name gpt2,
// offline (GPT-2's tokenizer comes with the package).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli';
import { fixture } from '../../test/fixtures';
import { tempDirs } from '../../test/tmp';

const tmp = tempDirs('gpt2-studio-cli-scratch-')();

describe('gpt2-studio train from scratch', () => {
  it('--model_type gpt2 --config_overrides --tokenizer_name gpt2 trains a new GPT-2 with GPT-2\'s tokenizer', async () => {
    const out = path.join(tmp, 'scratch');
    const r = await cli(['train', '--model_type', 'gpt2', '--config_overrides', 'n_embd=32,n_layer=1,n_head=2,n_positions=32',
      '--tokenizer_name', 'gpt2', '--train_file', fixture('emails', 'dev', 'bodies.jsonl'), '--output_dir', out,
      '--block_size', '32', '--max_steps', '2', '--logging_steps', '1', '--validation_split_percentage', '1', '--learning_rate', '1e-3']);
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'gpt2', n_embd: 32, n_layer: 1, n_head: 2, n_positions: 32, vocab_size: 50257, n_inner: null, eos_token_id: 50256 });
    expect(JSON.parse(readFileSync(path.join(out, 'vocab.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(fixture('tokenizers', 'gpt2', 'vocab.json'), 'utf8')));
    const state = JSON.parse(readFileSync(path.join(out, 'trainer_state.json'), 'utf8'));
    expect(state.global_step).toBe(2);
    // A new model starts near the uniform guess over the vocabulary: ln 50257 = 10.8.
    expect(state.log_history[0].loss).toBeGreaterThan(10);
  });

  it.each([
    [['--model_type', 'bert'], '--model_type must be gpt2, got "bert"'],
    [['--model_type', 'gpt2', '--config_overrides', 'n_embd=30,n_head=4'], 'n_embd (30) must be divisible by n_head (4)'],
    [['--model_type', 'gpt2', '--model_name_or_path', fixture('models', 'tiny-gpt2')], 'give --model_name_or_path or --config_name/--model_type, not both'],
    [[], 'give --model_name_or_path, or --model_type gpt2 / --config_name to train from scratch'],
  ])('refuses %j in one line, exit status 2', async (flags, message) => {
    const r = await cli(['train', ...flags, '--train_file', fixture('emails', 'dev', 'bodies.jsonl'), '--output_dir', path.join(tmp, 'refused')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
