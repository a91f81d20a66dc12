#!/usr/bin/python3
"""PyTorch parity fixture for @ecamp/fusion's ContextFusionLayer.

Regenerate (Debian's torch, not the pyenv python on PATH):

    /usr/bin/python3 tooling/parity/fusion/gen_fusion_fixture.py \
        packages/fusion/test/fixtures/fusion_layer.safetensors

The reference layer below is written from the method description (docs/method.md §6),
not from the authors' code: a post-norm BERT layer whose middle sub-layer is
    h2 = LN_cross(h1 + W_o · CrossAttn(q = h1, k = v = patches) + W_p · pooled)
with variants 'patches+pooled' (both terms), 'patches' (no pooled term), 'pooled'
(no cross-attention) and 'none' (no middle sub-layer: plain text layer).

Tensor names in the file (PyTorch layouts, Linear weights [out, in]):
    inputs:  hidden [B,L,D], text_mask [B,L] (1 real / 0 pad), patches [B,M,Di], pooled [B,Di],
             probe [B,L,D] (the scalar loss is sum(out * probe))
    weights: attn.{q,k,v,o}.{weight,bias}, attn_norm.{weight,bias},
             cross.{q,k,v,o}.{weight,bias}, pooled_proj.{weight,bias}, cross_norm.{weight,bias},
             ffn.fc1.{weight,bias}, ffn.fc2.{weight,bias}, ffn_norm.{weight,bias}
    per variant V: V/out [B,L,D], V/attention [B,H,L,M] (variants with cross-attention),
             V/grad/<input or weight name> (gradient of sum(out * probe))
Config (B=2, L=5, M=6, D=8, Di=12, H=2, I=16, LayerNorm eps 1e-12, exact-erf GELU,
padding: example 1 has its last two text positions padded) is stored in the metadata.
"""
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from safetensors_io import save_safetensors  # noqa: E402

B, L, M, D, DI, H, I, EPS = 2, 5, 6, 8, 12, 2, 16, 1e-12
VARIANTS = ["patches+pooled", "patches", "pooled", "none"]


def mha(x_q, x_kv, p, prefix, key_mask=None):
    """Multi-head attention; returns (output [B,Lq,D], probs [B,H,Lq,Lk])."""
    q = F.linear(x_q, p[prefix + ".q.weight"], p[prefix + ".q.bias"])
    k = F.linear(x_kv, p[prefix + ".k.weight"], p[prefix + ".k.bias"])
    v = F.linear(x_kv, p[prefix + ".v.weight"], p[prefix + ".v.bias"])
    b, lq, _ = q.shape
    lk = k.shape[1]
    dh = D // H
    q = q.view(b, lq, H, dh).transpose(1, 2)
    k = k.view(b, lk, H, dh).transpose(1, 2)
    v = v.view(b, lk, H, dh).transpose(1, 2)
    scores = q @ k.transpose(-1, -2) / dh ** 0.5
    if key_mask is not None:
        scores = scores.masked_fill(key_mask[:, None, None, :] == 0, float("-inf"))
    probs = scores.softmax(-1)
    out = (probs @ v).transpose(1, 2).reshape(b, lq, D)
    return F.linear(out, p[prefix + ".o.weight"], p[prefix + ".o.bias"]), probs


def layer_norm(x, p, prefix):
    return F.layer_norm(x, (D,), p[prefix + ".weight"], p[prefix + ".bias"], EPS)


def fusion_layer(inp, p, variant):
    h = inp["hidden"]
    a, _ = mha(h, h, p, "attn", inp["text_mask"])
    h = layer_norm(h + a, p, "attn_norm")
    probs = None
    if variant != "none":
        mid = h
        if variant in ("patches+pooled", "patches"):
            c, probs = mha(h, inp["patches"], p, "cross")
            mid = mid + c
        if variant in ("patches+pooled", "pooled"):
            mid = mid + F.linear(inp["pooled"], p["pooled_proj.weight"], p["pooled_proj.bias"])[:, None, :]
        h = layer_norm(mid, p, "cross_norm")
    f = F.linear(F.gelu(F.linear(h, p["ffn.fc1.weight"], p["ffn.fc1.bias"])), p["ffn.fc2.weight"], p["ffn.fc2.bias"])
    return layer_norm(h + f, p, "ffn_norm"), probs


def main(path):
    g = torch.Generator().manual_seed(20261127)
    rnd = lambda *s, scale=1.0: (torch.randn(*s, generator=g) * scale)
    params = {}
    for pre, din in (("attn", D), ("cross", None)):
        for n in "qkvo":
            fan_in = D if (pre == "attn" or n in "qo") else DI
            params[f"{pre}.{n}.weight"] = rnd(D, fan_in, scale=fan_in ** -0.5)
            params[f"{pre}.{n}.bias"] = rnd(D, scale=0.1)
    params["pooled_proj.weight"] = rnd(D, DI, scale=DI ** -0.5)
    params["pooled_proj.bias"] = rnd(D, scale=0.1)
    params["ffn.fc1.weight"] = rnd(I, D, scale=D ** -0.5)
    params["ffn.fc1.bias"] = rnd(I, scale=0.1)
    params["ffn.fc2.weight"] = rnd(D, I, scale=I ** -0.5)
    params["ffn.fc2.bias"] = rnd(D, scale=0.1)
    for n in ("attn_norm", "cross_norm", "ffn_norm"):
        params[f"{n}.weight"] = 1 + rnd(D, scale=0.1)
        params[f"{n}.bias"] = rnd(D, scale=0.1)
    text_mask = torch.ones(B, L)
    text_mask[1, L - 2:] = 0
    inputs = {
        "hidden": rnd(B, L, D),
        "text_mask": text_mask,
        "patches": rnd(B, M, DI),
        "pooled": rnd(B, DI),
        "probe": rnd(B, L, D),
    }
    out = {**params, **inputs}
    for variant in VARIANTS:
        p = {k: v.clone().requires_grad_(True) for k, v in params.items()}
        inp = {k: v.clone().requires_grad_(k in ("hidden", "patches", "pooled")) for k, v in inputs.items()}
        y, probs = fusion_layer(inp, p, variant)
        (y * inp["probe"]).sum().backward()
        out[f"{variant}/out"] = y
        if probs is not None:
            out[f"{variant}/attention"] = probs
        for k, v in {**p, **inp}.items():
            if v.grad is not None and v.grad.abs().sum() > 0:
                out[f"{variant}/grad/{k}"] = v.grad
    meta = {"B": B, "L": L, "M": M, "D": D, "Di": DI, "H": H, "I": I, "eps": EPS, "torch": torch.__version__}
    save_safetensors(path, out, {k: str(v) for k, v in meta.items()})
    print(f"wrote {path}: {len(out)} tensors")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "packages/fusion/test/fixtures/fusion_layer.safetensors")
