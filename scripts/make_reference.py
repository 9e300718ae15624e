#!/usr/bin/env python3
"""Computes an extra reference fixture with PyTorch (Debian's python3-torch; run with /usr/bin/python3), the way
../shared/fixtures was made: GPT-2 written out in float32 torch (Hugging Face's GPT2LMHeadModel computation),
torch.optim.AdamW with Trainer's two parameter groups, transformers' schedules, clip_grad_norm_, and Trainer's
gradient accumulation and logging. `--check` first reproduces ../shared/fixtures/reference/tiny-gpt2-v512 to show
this script matches the shared reference; then it writes test/fixtures/unseen/: a model folder the project's tests
have never seen (other sizes, n_inner, epsilon; F16 storage with `transformer.` keys, an explicit lm_head.weight and
attn.bias buffers), its blocks, run.json and expected.safetensors, in the shared fixtures' format.
"""
import json, math, os, shutil, struct, sys
import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get('GPT2_STUDIO_FIXTURES', os.path.join(ROOT, '..', 'shared', 'fixtures'))
torch.set_num_threads(1)

def read_st(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dt = {'F32': np.float32, 'F16': np.float16, 'I32': np.int32}
    out = {}
    for k, v in header.items():
        if k == '__metadata__': continue
        b, e = v['data_offsets']
        out[k] = np.frombuffer(data[b:e], dtype=dt[v['dtype']]).reshape(v['shape'])
    return out

def write_st(path, tensors):
    names = sorted(tensors)
    header, off = {'__metadata__': {'format': 'pt'}}, 0
    codes = {np.dtype(np.float32): 'F32', np.dtype(np.float16): 'F16', np.dtype(np.int32): 'I32'}
    for k in names:
        a = np.ascontiguousarray(tensors[k])
        header[k] = {'dtype': codes[a.dtype], 'shape': list(a.shape), 'data_offsets': [off, off + a.nbytes]}
        off += a.nbytes
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h))); f.write(h)
        for k in names: f.write(np.ascontiguousarray(tensors[k]).tobytes())

def names(cfg):
    L = ['wte.weight', 'wpe.weight']
    for i in range(cfg['n_layer']):
        L += [f'h.{i}.{n}' for n in ['ln_1.weight', 'ln_1.bias', 'attn.c_attn.weight', 'attn.c_attn.bias', 'attn.c_proj.weight',
              'attn.c_proj.bias', 'ln_2.weight', 'ln_2.bias', 'mlp.c_fc.weight', 'mlp.c_fc.bias', 'mlp.c_proj.weight', 'mlp.c_proj.bias']]
    return L + ['ln_f.weight', 'ln_f.bias']

def forward(P, cfg, ids, lora=None):
    """Per-prediction losses [B, T-1] of GPT2LMHeadModel (dropout off). `lora`: (adapter, scaling), the adapter
    {module + '.lora_A.weight': [r, in], module + '.lora_B.weight': [out, r]} applied as PEFT's LoRA Linear does on a
    Conv1D (fan_in_fan_out): base(x) + lora_B(lora_A(x)) * scaling."""
    B, T = ids.shape
    C, H, eps = cfg['n_embd'], cfg['n_head'], cfg['layer_norm_epsilon']
    ln = lambda x, n: torch.nn.functional.layer_norm(x, (C,), P[n + '.weight'], P[n + '.bias'], eps)
    def lin(x, n):
        y = x @ P[n + '.weight'] + P[n + '.bias']
        if lora is not None and n + '.lora_A.weight' in lora[0]:
            a, b = lora[0][n + '.lora_A.weight'], lora[0][n + '.lora_B.weight']
            y = y + torch.nn.functional.linear(torch.nn.functional.linear(x, a), b) * lora[1]
        return y
    gelu = lambda x: 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    x = P['wte.weight'][ids] + P['wpe.weight'][:T]
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(cfg['n_layer']):
        h = ln(x, f'h.{i}.ln_1')
        q, k, v = lin(h, f'h.{i}.attn.c_attn').split(C, dim=2)
        sh = lambda t: t.view(B, T, H, C // H).transpose(1, 2)
        q, k, v = sh(q), sh(k), sh(v)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(C // H)
        att = torch.where(mask, att, torch.tensor(torch.finfo(torch.float32).min))
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
        x = x + lin(y, f'h.{i}.attn.c_proj')
        x = x + lin(gelu(lin(ln(x, f'h.{i}.ln_2'), f'h.{i}.mlp.c_fc')), f'h.{i}.mlp.c_proj')
    logits = ln(x, 'ln_f') @ P['wte.weight'].T
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1), reduction='none').view(B, T - 1)

def lr_lambda(kind, step, warmup, total):
    if kind == 'constant': return 1.0
    if step < warmup: return step / max(1, warmup)
    if kind == 'constant_with_warmup': return 1.0
    progress = (step - warmup) / max(1, total - warmup)
    if kind == 'linear': return max(0.0, (total - step) / max(1, total - warmup))
    return max(0.0, 0.5 * (1 + math.cos(math.pi * 2 * 0.5 * progress)))

def train(weights, cfg, blocks, args):
    P = {n: torch.tensor(weights[n], requires_grad=True) for n in names(cfg)}
    return train_params(P, lambda ids: forward(P, cfg, ids), blocks, args)

def train_params(P, losses, blocks, args):
    """Trainer's loop over the trainable tensors P (name -> leaf tensor), `losses(ids)` giving per-prediction losses."""
    decay = [P[n] for n in P if not (n.endswith('.bias') or 'ln_' in n)]
    nodecay = [P[n] for n in P if n.endswith('.bias') or 'ln_' in n]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': args['weight_decay']}, {'params': nodecay, 'weight_decay': 0.0}],
                            lr=args['learning_rate'], betas=(0.9, 0.999), eps=1e-8)
    total = args['max_steps']
    warmup = args.get('warmup_steps', 0) or math.ceil(total * args.get('warmup_ratio', 0))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_lambda(args['lr_scheduler_type'], s, warmup, total))
    bs, accum, n = args['per_device_train_batch_size'], args['gradient_accumulation_steps'], len(blocks)
    micro = math.ceil(n / bs)
    spe = max(1, micro // accum)
    logs = []
    for step in range(total):
        opt.zero_grad()
        loss_sum = 0.0
        for a in range(accum):
            k = step * accum + a
            i = k % (spe * accum)
            batch = blocks[i * bs: min((i + 1) * bs, n)]
            loss = losses(torch.tensor(batch, dtype=torch.long)).mean() / accum
            loss.backward()
            loss_sum += loss.item()
        norm = torch.nn.utils.clip_grad_norm_(list(P.values()), args['max_grad_norm'] if args['max_grad_norm'] > 0 else float('inf')).item()
        opt.step(); sched.step()
        logs.append({'step': step + 1, 'epoch': (step + 1) / spe, 'loss': loss_sum, 'grad_norm': norm, 'learning_rate': sched.get_last_lr()[0]})
    return logs, {n: P[n].detach().numpy().copy() for n in P}

def check():
    d = os.path.join(SHARED, 'reference', 'tiny-gpt2-v512')
    run = json.load(open(os.path.join(d, 'run.json')))
    mdir = os.path.join(d, run['model_dir'])
    cfg = json.load(open(os.path.join(mdir, 'config.json')))
    w = read_st(os.path.join(mdir, 'model.safetensors'))
    blocks = np.fromfile(os.path.join(d, run['blocks']), dtype='<u2').astype(np.int64).reshape(run['num_blocks'], run['block_size'])
    exp = read_st(os.path.join(d, 'expected.safetensors'))
    loss = forward({n: torch.tensor(w[n]) for n in names(cfg)}, cfg, torch.tensor(blocks)).mean().item()
    assert abs(loss - run['eval_loss']) < 1e-5, (loss, run['eval_loss'])
    for rn, r in run['runs'].items():
        logs, final = train(w, cfg, blocks, r['args'])
        for g, e in zip(logs, r['log_history']):
            assert abs(g['loss'] - e['loss']) < 1e-4 and abs(g['grad_norm'] - e['grad_norm']) <= 1e-3 * e['grad_norm'], (rn, g, e)
            assert abs(g['learning_rate'] - e['learning_rate']) <= 1e-6 * abs(e['learning_rate']) + 1e-12 and g['epoch'] == e['epoch'], (rn, g, e)
        worst = max(float(np.abs(final[n] - exp[f'final.{rn}.{n}']).max()) for n in final if not n.endswith('c_attn.bias'))
        assert worst < 1e-4, (rn, worst)
    print('reproduces the shared tiny-gpt2-v512 reference')

def make_unseen():
    out = os.path.join(ROOT, 'test', 'fixtures', 'unseen')
    mdir = os.path.join(out, 'model')
    os.makedirs(mdir, exist_ok=True)
    cfg = json.load(open(os.path.join(SHARED, 'models', 'tiny-gpt2-v512', 'config.json')))
    cfg.update({'n_embd': 40, 'n_head': 5, 'n_layer': 2, 'n_inner': 72, 'n_positions': 40, 'n_ctx': 40, 'layer_norm_epsilon': 1e-6})
    json.dump(cfg, open(os.path.join(mdir, 'config.json'), 'w'), indent=2)
    for f in ['tokenizer.json', 'tokenizer_config.json', 'vocab.json', 'merges.txt', 'generation_config.json']:
        src = os.path.join(SHARED, 'models', 'tiny-gpt2-v512', f)
        shutil.copy(src, mdir)
    g = torch.Generator().manual_seed(1234)
    shapes = {}
    C, I, V, N, L = cfg['n_embd'], cfg['n_inner'], cfg['vocab_size'], cfg['n_positions'], cfg['n_layer']
    shapes.update({'wte.weight': (V, C), 'wpe.weight': (N, C), 'ln_f.weight': (C,), 'ln_f.bias': (C,)})
    for i in range(L):
        p = f'h.{i}.'
        shapes.update({p + 'ln_1.weight': (C,), p + 'ln_1.bias': (C,), p + 'ln_2.weight': (C,), p + 'ln_2.bias': (C,),
                       p + 'attn.c_attn.weight': (C, 3 * C), p + 'attn.c_attn.bias': (3 * C,), p + 'attn.c_proj.weight': (C, C),
                       p + 'attn.c_proj.bias': (C,), p + 'mlp.c_fc.weight': (C, I), p + 'mlp.c_fc.bias': (I,),
                       p + 'mlp.c_proj.weight': (I, C), p + 'mlp.c_proj.bias': (C,)})
    w16 = {}
    for n, s in shapes.items():
        base = 1.0 if (n.endswith('ln_1.weight') or n.endswith('ln_2.weight') or n == 'ln_f.weight') else 0.0
        w16[n] = (base + 0.08 * torch.randn(s, generator=g)).numpy().astype(np.float16)
    stored = {'transformer.' + n: a for n, a in w16.items()}
    stored['lm_head.weight'] = w16['wte.weight']
    for i in range(L):
        stored[f'transformer.h.{i}.attn.bias'] = np.tril(np.ones((1, 1, N, N), dtype=np.float16))
    write_st(os.path.join(mdir, 'model.safetensors'), stored)
    w = {n: a.astype(np.float32) for n, a in w16.items()}

    T, nb = 24, 6
    ids = np.fromfile(os.path.join(SHARED, 'emails', 'dev', 'gpt2-v512.u16'), dtype='<u2')
    blocks = ids[: T * nb].astype(np.int64).reshape(nb, T)
    blocks.astype('<u2').tofile(os.path.join(out, 'blocks.u16'))
    P = {n: torch.tensor(w[n], requires_grad=True) for n in names(cfg)}
    losses = forward(P, cfg, torch.tensor(blocks))
    losses.mean().backward()
    expected = {'losses': losses.detach().numpy()}
    expected.update({'grad.' + n: P[n].grad.numpy() for n in P})
    runs = {
        'accumulate': {'learning_rate': 0.002, 'lr_scheduler_type': 'constant_with_warmup', 'warmup_ratio': 0.4, 'warmup_steps': 0,
                       'weight_decay': 0.01, 'max_grad_norm': 0.3, 'per_device_train_batch_size': 2, 'gradient_accumulation_steps': 3, 'max_steps': 5},
        'linear': {'learning_rate': 0.004, 'lr_scheduler_type': 'linear', 'warmup_steps': 1, 'weight_decay': 0.0,
                   'max_grad_norm': 0, 'per_device_train_batch_size': 3, 'gradient_accumulation_steps': 1, 'max_steps': 4},
    }
    run_json = {'model_dir': 'model', 'blocks': 'blocks.u16', 'num_blocks': nb, 'block_size': T,
                'eval_loss': losses.mean().item(), 'runs': {}}
    for rn, a in runs.items():
        logs, final = train(w, cfg, blocks, a)
        run_json['runs'][rn] = {'args': a, 'log_history': logs}
        expected.update({f'final.{rn}.{n}': final[n] for n in final})
        # The key third of c_attn.bias has an exactly-zero gradient, so AdamW moves it by rounding noise alone, up to
        # about the learning rate a step: those entries get that bound, in the shared fixtures' format.
        bound = sum(a['learning_rate'] * lr_lambda(a['lr_scheduler_type'], s, a.get('warmup_steps', 0) or math.ceil(a['max_steps'] * a.get('warmup_ratio', 0)), a['max_steps'])
                    for s in range(a['max_steps'])) + 1e-4
        for i in range(L):
            n = f'h.{i}.attn.c_attn.bias'
            expected[f'final_tol_index.{rn}.{n}'] = np.arange(C, 2 * C, dtype=np.int32)
            expected[f'final_tol.{rn}.{n}'] = np.full(C, bound, dtype=np.float32)
    json.dump(run_json, open(os.path.join(out, 'run.json'), 'w'), indent=1)
    write_st(os.path.join(out, 'expected.safetensors'), expected)
    print('wrote', out)

if __name__ == '__main__':
    if '--check' in sys.argv: check()
    make_unseen()
