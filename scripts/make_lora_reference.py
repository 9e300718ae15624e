#!/usr/bin/env python3
"""Computes the LoRA reference fixture with PyTorch (run with /usr/bin/python3), the way make_reference.py computes
test/fixtures/unseen: PEFT's LoRA on GPT2LMHeadModel's Conv1D layers written out in float32 torch (base(x) +
lora_B(lora_A(x)) * lora_alpha / r, A [r, in], B [out, r], the base frozen), trained with Trainer's semantics (the
adapter's weights are AdamW's decay group, as Trainer builds it for a PeftModel).

It writes test/fixtures/lora/:
- adapter/: a given adapter with non-zero A and B, in PEFT's files (adapter_config.json, adapter_model.safetensors
  with keys base_model.model.transformer.h.N.<module>.lora_A.weight), for the base ../shared/fixtures/models/tiny-gpt2-v512;
- run.json: the shared reference's blocks, eval_loss with the adapter, and training runs that start from it;
- expected.safetensors: `losses` (per prediction, step 0), `grad.NAME` (step-0 adapter gradients), `final.RUN.NAME`
  (the adapter after each run), `final_tol_index.RUN.NAME`/`final_tol.RUN.NAME` (as in the shared fixtures: the
  entries that float32 rounding alone moves, found by repeating each run in float64, each with its own tolerance)
  and `merged.NAME` (the base weights with the given adapter merged, as merge_and_unload() computes them:
  W + (B @ A).T * scaling). NAME is the PEFT key less `base_model.model.transformer.`.
"""
import json, os
import numpy as np
import torch
from make_reference import SHARED, ROOT, read_st, write_st, names, train_params, forward

torch.set_num_threads(1)

R, ALPHA = 4, 8
TARGETS = ['c_attn', 'c_proj', 'c_fc']

def modules(cfg):
    C, I = cfg['n_embd'], cfg['n_inner'] or 4 * cfg['n_embd']
    out = []
    for i in range(cfg['n_layer']):
        out += [(f'h.{i}.attn.c_attn', C, 3 * C), (f'h.{i}.attn.c_proj', C, C), (f'h.{i}.mlp.c_fc', C, I), (f'h.{i}.mlp.c_proj', I, C)]
    return out

def peft_config(base):
    """adapter_config.json's fields as PEFT 0.19.1 writes them (json.dumps(indent=2, sort_keys=True))."""
    return {
        'alora_invocation_tokens': None, 'alpha_pattern': {}, 'arrow_config': None, 'auto_mapping': None,
        'base_model_name_or_path': base, 'bias': 'none', 'corda_config': None, 'ensure_weight_tying': False,
        'eva_config': None, 'exclude_modules': None, 'fan_in_fan_out': True, 'inference_mode': True,
        'init_lora_weights': True, 'layer_replication': None, 'layers_pattern': None, 'layers_to_transform': None,
        'loftq_config': {}, 'lora_alpha': ALPHA, 'lora_bias': False, 'lora_dropout': 0.0, 'lora_ga_config': None,
        'megatron_config': None, 'megatron_core': 'megatron.core', 'modules_to_save': None, 'peft_type': 'LORA',
        'peft_version': '0.19.1', 'qalora_group_size': 16, 'r': R, 'rank_pattern': {}, 'revision': None,
        'target_modules': TARGETS, 'target_parameters': None, 'task_type': 'CAUSAL_LM', 'trainable_token_indices': None,
        'use_bdlora': None, 'use_dora': False, 'use_qalora': False, 'use_rslora': False,
    }

def main():
    ref = os.path.join(SHARED, 'reference', 'tiny-gpt2-v512')
    run = json.load(open(os.path.join(ref, 'run.json')))
    mdir = os.path.join(SHARED, 'models', 'tiny-gpt2-v512')
    cfg = json.load(open(os.path.join(mdir, 'config.json')))
    w = read_st(os.path.join(mdir, 'model.safetensors'))
    base = {n: torch.tensor(w[n].astype(np.float32)) for n in names(cfg)}
    T, nb = run['block_size'], run['num_blocks']
    blocks = np.fromfile(os.path.join(ref, run['blocks']), dtype='<u2').astype(np.int64).reshape(nb, T)

    # The given adapter: A as PEFT initializes it (kaiming_uniform_(a=sqrt(5)): U(-1/sqrt(in), 1/sqrt(in))) and B
    # non-zero (as after some training), so that every gradient and the merge are exercised.
    g = torch.Generator().manual_seed(2024)
    adapter = {}
    for m, fan_in, fan_out in modules(cfg):
        adapter[m + '.lora_A.weight'] = (torch.rand(R, fan_in, generator=g) * 2 - 1) / np.sqrt(fan_in)
        adapter[m + '.lora_B.weight'] = 0.05 * torch.randn(fan_out, R, generator=g)
    scaling = ALPHA / R

    out = os.path.join(ROOT, 'test', 'fixtures', 'lora')
    adir = os.path.join(out, 'adapter')
    os.makedirs(adir, exist_ok=True)
    with open(os.path.join(adir, 'adapter_config.json'), 'w') as f:
        f.write(json.dumps(peft_config('tiny-gpt2-v512'), indent=2, sort_keys=True))
    write_st(os.path.join(adir, 'adapter_model.safetensors'),
             {'base_model.model.transformer.' + n: t.numpy() for n, t in adapter.items()})

    P = {n: t.clone().requires_grad_(True) for n, t in adapter.items()}
    losses = forward(base, cfg, torch.tensor(blocks), (P, scaling))
    losses.mean().backward()
    expected = {'losses': losses.detach().numpy()}
    expected.update({'grad.' + n: P[n].grad.numpy() for n in P})
    for m, _, _ in modules(cfg):
        expected['merged.' + m + '.weight'] = (base[m + '.weight'] + (adapter[m + '.lora_B.weight'] @ adapter[m + '.lora_A.weight']).T * scaling).numpy()

    runs = {
        'accumulate': {'learning_rate': 0.01, 'lr_scheduler_type': 'linear', 'warmup_steps': 1, 'weight_decay': 0.01,
                       'max_grad_norm': 0.5, 'per_device_train_batch_size': 2, 'gradient_accumulation_steps': 2, 'max_steps': 5},
        'constant': {'learning_rate': 0.005, 'lr_scheduler_type': 'constant', 'warmup_steps': 0, 'weight_decay': 0.0,
                     'max_grad_norm': 0, 'per_device_train_batch_size': 3, 'gradient_accumulation_steps': 1, 'max_steps': 4},
    }
    run_json = {'base_model': 'tiny-gpt2-v512', 'adapter_dir': 'adapter', 'blocks': 'blocks.u16',
                'num_blocks': nb, 'block_size': T, 'eval_loss': losses.mean().item(), 'runs': {}}
    base64 = {n: t.double() for n, t in base.items()}
    for rn, a in runs.items():
        P = {n: t.clone().requires_grad_(True) for n, t in adapter.items()}
        logs, final = train_params(P, lambda ids: forward(base, cfg, ids, (P, scaling)), blocks, a)
        run_json['runs'][rn] = {'args': a, 'log_history': logs}
        expected.update({f'final.{rn}.{n}': v for n, v in final.items()})
        # Entries the same run in float64 ends more than 2e-5 away from: AdamW's normalized step amplifies rounding
        # where a gradient nears zero, so other float32 arithmetic (a GPU's) lands elsewhere too. Each gets 1e-4 plus
        # three times that distance.
        P = {n: t.double().requires_grad_(True) for n, t in adapter.items()}
        _, final64 = train_params(P, lambda ids: forward(base64, cfg, ids, (P, scaling)), blocks, a)
        for n, v in final.items():
            d = np.abs(final64[n] - v).ravel()
            idx = np.nonzero(d > 2e-5)[0]
            if len(idx):
                expected[f'final_tol_index.{rn}.{n}'] = idx.astype(np.int32)
                expected[f'final_tol.{rn}.{n}'] = (1e-4 + 3 * d[idx]).astype(np.float32)
                print(f'{rn}: {n}{idx.tolist()} moves {d[idx].tolist()} in float64')
    blocks.astype('<u2').tofile(os.path.join(out, 'blocks.u16'))
    json.dump(run_json, open(os.path.join(out, 'run.json'), 'w'), indent=1)
    write_st(os.path.join(out, 'expected.safetensors'), expected)
    print('wrote', out)

if __name__ == '__main__':
    main()
