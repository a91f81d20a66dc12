"""PyTorch parity fixtures for @ecamp/core (LayerNorm, self-attention with key padding, cross-attention).

Regenerate (Debian's torch, not the pyenv python on PATH):

    /usr/bin/python3 tooling/parity/core/generate.py

It writes packages/core/test/fixtures/{layernorm,attention_self,attention_cross}.safetensors,
each a few KB: inputs, weights in PyTorch layout (Linear weight [out, in]), an upstream gradient
`dy`, the outputs and the gradients of sum(out * dy) with respect to inputs and weights.
The attention reference is written out explicitly in timm's formulation
(qkv.reshape(B, N, 3, H, hd).permute(2, 0, 3, 1, 4), masked_fill(-inf), softmax, proj).
The `safetensors` Python package is not needed: the format is written by hand below.
"""
import json
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'packages', 'core', 'test', 'fixtures')


def write_safetensors(path, tensors, metadata):
    header = {'__metadata__': {k: str(v) for k, v in metadata.items()}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        if t.dtype == torch.float32:
            dtype = 'F32'
        elif t.dtype == torch.int32:
            dtype = 'I32'
        else:
            raise ValueError(f'{name}: unsupported dtype {t.dtype}')
        data = t.numpy().tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header)
    text += ' ' * ((8 - (8 + len(text)) % 8) % 8)
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text.encode())
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def leaf(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).requires_grad_(True)


def layernorm_fixture():
    x = leaf(2, 5, 16)
    w = (1 + 0.3 * torch.randn(16)).requires_grad_(True)
    b = leaf(16, scale=0.3)
    eps = 1e-6
    y = torch.nn.functional.layer_norm(x, (16,), w, b, eps)
    dy = torch.randn_like(y)
    (y * dy).sum().backward()
    return {'x': x, 'weight': w, 'bias': b, 'dy': dy, 'y': y,
            'grad.x': x.grad, 'grad.weight': w.grad, 'grad.bias': b.grad}, {'eps': eps}


def attention(q_in, kv_in, wq, bq, wk, bk, wv, bv, wo, bo, heads, mask):
    B, N, C = q_in.shape
    M = kv_in.shape[1]
    hd = C // heads
    q = (q_in @ wq.T + bq).reshape(B, N, heads, hd).permute(0, 2, 1, 3)
    k = (kv_in @ wk.T + bk).reshape(B, M, heads, hd).permute(0, 2, 1, 3)
    v = (kv_in @ wv.T + bv).reshape(B, M, heads, hd).permute(0, 2, 1, 3)
    attn = (q @ k.transpose(-2, -1)) * hd ** -0.5
    if mask is not None:
        attn = attn.masked_fill(mask[:, None, None, :] == 0, float('-inf'))
    attn = attn.softmax(dim=-1)
    out = (attn @ v).transpose(1, 2).reshape(B, N, C)
    return out @ wo.T + bo, attn


def self_attention_fixture():
    B, N, C, H = 2, 6, 16, 2
    x = leaf(B, N, C)
    qkv_w = leaf(3 * C, C, scale=0.2)
    qkv_b = leaf(3 * C, scale=0.1)
    proj_w = leaf(C, C, scale=0.2)
    proj_b = leaf(C, scale=0.1)
    mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]], dtype=torch.int32)
    # timm: one fused qkv Linear whose output columns are [q | k | v], each head-major
    wq, wk, wv = qkv_w.split(C, 0)
    bq, bk, bv = qkv_b.split(C, 0)
    y, attn = attention(x, x, wq, bq, wk, bk, wv, bv, proj_w, proj_b, H, mask)
    dy = torch.randn_like(y)
    (y * dy).sum().backward()
    t = {'x': x, 'mask': mask, 'qkv.weight': qkv_w, 'qkv.bias': qkv_b, 'proj.weight': proj_w, 'proj.bias': proj_b,
         'dy': dy, 'y': y, 'attn': attn, 'grad.x': x.grad, 'grad.qkv.weight': qkv_w.grad, 'grad.qkv.bias': qkv_b.grad,
         'grad.proj.weight': proj_w.grad, 'grad.proj.bias': proj_b.grad}
    return t, {'heads': H}


def cross_attention_fixture():
    B, N, M, C, CKV, H = 2, 4, 7, 16, 12, 4
    x = leaf(B, N, C)
    ctx = leaf(B, M, CKV)
    q_w = leaf(C, C, scale=0.2)
    q_b = leaf(C, scale=0.1)
    kv_w = leaf(2 * C, CKV, scale=0.2)
    kv_b = leaf(2 * C, scale=0.1)
    proj_w = leaf(C, C, scale=0.2)
    proj_b = leaf(C, scale=0.1)
    mask = torch.tensor([[1] * 7, [1, 1, 1, 0, 0, 0, 0]], dtype=torch.int32)
    wk, wv = kv_w.split(C, 0)
    bk, bv = kv_b.split(C, 0)
    y, attn = attention(x, ctx, q_w, q_b, wk, bk, wv, bv, proj_w, proj_b, H, mask)
    dy = torch.randn_like(y)
    (y * dy).sum().backward()
    t = {'x': x, 'context': ctx, 'mask': mask, 'q.weight': q_w, 'q.bias': q_b, 'kv.weight': kv_w, 'kv.bias': kv_b,
         'proj.weight': proj_w, 'proj.bias': proj_b, 'dy': dy, 'y': y, 'attn': attn,
         'grad.x': x.grad, 'grad.context': ctx.grad, 'grad.q.weight': q_w.grad, 'grad.q.bias': q_b.grad,
         'grad.kv.weight': kv_w.grad, 'grad.kv.bias': kv_b.grad, 'grad.proj.weight': proj_w.grad,
         'grad.proj.bias': proj_b.grad}
    return t, {'heads': H}


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    for name, make in [('layernorm', layernorm_fixture), ('attention_self', self_attention_fixture),
                       ('attention_cross', cross_attention_fixture)]:
        tensors, meta = make()
        meta['generator'] = 'tooling/parity/core/generate.py'
        meta['torch'] = torch.__version__
        path = os.path.join(OUT, f'{name}.safetensors')
        write_safetensors(path, tensors, meta)
        print(f'wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)')


if __name__ == '__main__':
    main()
