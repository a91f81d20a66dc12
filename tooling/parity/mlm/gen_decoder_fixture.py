#!/usr/bin/python3
"""PyTorch parity fixture for @ecamp/mlm's TextDecoder (plain first layer) and its MLM loss.

Regenerate (Debian's torch, not the pyenv python on PATH):

    /usr/bin/python3 tooling/parity/mlm/gen_decoder_fixture.py \
        packages/mlm/test/fixtures/text_decoder.safetensors

The reference is written from the method description (docs/method.md §3) and BERT:
embeddings (word + position + token type, LayerNorm eps 1e-12), post-norm layers
    h1 = LN(x + W_o·SelfAttn(x, key padding))      h2 = LN(h1 + fc2(GELU(fc1(h1))))
and the MLM head dense → exact GELU → LayerNorm → decoder. Loss: per-token
cross-entropy (ignore_index -100) × weight, reduced two ways:
    weighted:  sum(w·ce over masked real tokens) / sum(w over them)
    authors:   sum(w·ce) / (B·L)   (every position counted in the mean)
and the authors' code exactly (their MultimodalBertMaskedLM): labels are the original ids at
EVERY position (padding included, no -100), weights over every position (padding included),
    authors_all: (CrossEntropyLoss(reduction='none')(logits, labels_all) * w_all).mean()

Tensor names (PyTorch layouts, Linear weights [out, in], fused qkv rows [q | k | v]):
    weights: our parameter names, e.g. layers.0.attn.qkv.weight [3D, D], head.decoder.weight [V, D]
    inputs:  input/input_ids, input/attention_mask, input/labels (I32, [B, L]), input/weights (F32 [B, L])
             input/labels_all (I32 [B, L], original ids everywhere), input/weights_all (F32 [B, L])
    outputs: out/hidden [B, L, D], out/loss_weighted [], out/loss_authors [], out/loss_authors_all [],
             grad/<parameter name> (gradient of the weighted loss, PyTorch layout),
             grad_all/<parameter name> (gradient of loss_authors_all)
Config (B=2, L=7, V=40, D=16, H=2, I=32, 2 layers, maxPositions 8; example 1 has 2 padded
positions) is in the metadata.
"""
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from safetensors_io import save_safetensors  # noqa: E402

B, L, V, D, H, I, NLAYERS, MAXPOS, NTYPE, EPS = 2, 7, 40, 16, 2, 32, 2, 8, 2, 1e-12


def make_params(gen):
    p = {}

    def normal(*shape, std=0.3):
        return (torch.randn(*shape, generator=gen) * std).requires_grad_()

    p["embeddings.word_embeddings.weight"] = normal(V, D, std=0.5)
    p["embeddings.position_embeddings.weight"] = normal(MAXPOS, D, std=0.5)
    p["embeddings.token_type_embeddings.weight"] = normal(NTYPE, D, std=0.5)
    p["embeddings.LayerNorm.weight"] = (1 + normal(D, std=0.1)).detach().requires_grad_()
    p["embeddings.LayerNorm.bias"] = normal(D, std=0.1)
    for i in range(NLAYERS):
        pre = f"layers.{i}."
        p[pre + "attn.qkv.weight"] = normal(3 * D, D)
        p[pre + "attn.qkv.bias"] = normal(3 * D, std=0.1)
        p[pre + "attn.proj.weight"] = normal(D, D)
        p[pre + "attn.proj.bias"] = normal(D, std=0.1)
        p[pre + "attn_norm.weight"] = (1 + normal(D, std=0.1)).detach().requires_grad_()
        p[pre + "attn_norm.bias"] = normal(D, std=0.1)
        p[pre + "mlp.fc1.weight"] = normal(I, D)
        p[pre + "mlp.fc1.bias"] = normal(I, std=0.1)
        p[pre + "mlp.fc2.weight"] = normal(D, I)
        p[pre + "mlp.fc2.bias"] = normal(D, std=0.1)
        p[pre + "mlp_norm.weight"] = (1 + normal(D, std=0.1)).detach().requires_grad_()
        p[pre + "mlp_norm.bias"] = normal(D, std=0.1)
    p["head.transform.dense.weight"] = normal(D, D)
    p["head.transform.dense.bias"] = normal(D, std=0.1)
    p["head.transform.LayerNorm.weight"] = (1 + normal(D, std=0.1)).detach().requires_grad_()
    p["head.transform.LayerNorm.bias"] = normal(D, std=0.1)
    p["head.decoder.weight"] = normal(V, D)
    p["head.decoder.bias"] = normal(V, std=0.1)
    return p


def self_attention(x, mask, p, pre):
    qkv = F.linear(x, p[pre + "qkv.weight"], p[pre + "qkv.bias"])  # [B, L, 3D]
    q, k, v = qkv.split(D, dim=-1)
    hd = D // H

    def heads(t):
        return t.reshape(B, L, H, hd).transpose(1, 2)  # [B, H, L, hd]

    scores = heads(q) @ heads(k).transpose(-1, -2) * hd ** -0.5
    scores = scores + (1 - mask.float()).reshape(B, 1, 1, L) * -1e9
    probs = scores.softmax(-1)
    out = (probs @ heads(v)).transpose(1, 2).reshape(B, L, D)
    return F.linear(out, p[pre + "proj.weight"], p[pre + "proj.bias"])


def forward(p, ids, mask, types):
    x = p["embeddings.word_embeddings.weight"][ids] + p["embeddings.position_embeddings.weight"][:L] \
        + p["embeddings.token_type_embeddings.weight"][types]
    x = F.layer_norm(x, (D,), p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"], EPS)
    for i in range(NLAYERS):
        pre = f"layers.{i}."
        a = self_attention(x, mask, p, pre + "attn.")
        x = F.layer_norm(x + a, (D,), p[pre + "attn_norm.weight"], p[pre + "attn_norm.bias"], EPS)
        m = F.linear(F.gelu(F.linear(x, p[pre + "mlp.fc1.weight"], p[pre + "mlp.fc1.bias"])),
                     p[pre + "mlp.fc2.weight"], p[pre + "mlp.fc2.bias"])
        x = F.layer_norm(x + m, (D,), p[pre + "mlp_norm.weight"], p[pre + "mlp_norm.bias"], EPS)
    return x


def head(p, h):
    t = F.gelu(F.linear(h, p["head.transform.dense.weight"], p["head.transform.dense.bias"]))
    t = F.layer_norm(t, (D,), p["head.transform.LayerNorm.weight"], p["head.transform.LayerNorm.bias"], EPS)
    return F.linear(t, p["head.decoder.weight"], p["head.decoder.bias"])


def main(path):
    gen = torch.Generator().manual_seed(4312)
    p = make_params(gen)
    ids = torch.randint(5, V, (B, L), generator=gen)
    ids[:, 0] = 2  # [CLS]
    mask = torch.ones(B, L, dtype=torch.int32)
    mask[1, L - 2:] = 0
    ids[1, L - 2:] = 0  # [PAD]
    labels = torch.full((B, L), -100, dtype=torch.int64)
    original = ids.clone()
    for b, pos in [(0, 1), (0, 3), (0, 4), (1, 2), (1, 4)]:
        labels[b, pos] = ids[b, pos]
        ids[b, pos] = 3  # [MASK]
    weights = torch.rand(B, L, generator=gen) * 2 + 0.05
    weights = weights * mask
    types = torch.zeros(B, L, dtype=torch.int64)

    hidden = forward(p, ids, mask, types)
    logits = head(p, hidden)
    ce = F.cross_entropy(logits.reshape(B * L, V), labels.reshape(-1), ignore_index=-100, reduction="none")
    w = weights.reshape(-1)
    sel = (labels.reshape(-1) >= 0) & (mask.reshape(-1) > 0)
    loss_weighted = (ce * w)[sel].sum() / w[sel].sum()
    loss_authors = (ce * w).sum() / (B * L)
    grads = torch.autograd.grad(loss_weighted, list(p.values()), retain_graph=True)
    # The authors' form (drawn last, so every earlier tensor keeps its values).
    weights_all = torch.rand(B, L, generator=gen) * 2 + 0.05
    ce_all = F.cross_entropy(logits.reshape(B * L, V), original.reshape(-1), reduction="none")
    loss_authors_all = (ce_all * weights_all.reshape(-1)).mean()
    grads_all = torch.autograd.grad(loss_authors_all, list(p.values()))

    tensors = {name: t for name, t in p.items()}
    tensors["input/input_ids"] = ids.to(torch.int32)
    tensors["input/attention_mask"] = mask
    tensors["input/labels"] = labels.to(torch.int32)
    tensors["input/weights"] = weights
    tensors["out/hidden"] = hidden
    tensors["out/loss_weighted"] = loss_weighted.reshape(())
    tensors["out/loss_authors"] = loss_authors.reshape(())
    tensors["input/labels_all"] = original.to(torch.int32)
    tensors["input/weights_all"] = weights_all
    tensors["out/loss_authors_all"] = loss_authors_all.reshape(())
    for name, g in zip(p.keys(), grads):
        tensors["grad/" + name] = g
    for name, g in zip(p.keys(), grads_all):
        tensors["grad_all/" + name] = g
    meta = {"B": B, "L": L, "V": V, "D": D, "H": H, "I": I, "layers": NLAYERS, "maxPositions": MAXPOS,
            "typeVocab": NTYPE, "eps": EPS, "torch": torch.__version__}
    save_safetensors(path, tensors, {k: str(v) for k, v in meta.items()})
    print(f"wrote {path}: loss_weighted {loss_weighted.item():.6f}, loss_authors {loss_authors.item():.6f}, "
          f"loss_authors_all {loss_authors_all.item():.6f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "packages/mlm/test/fixtures/text_decoder.safetensors")
