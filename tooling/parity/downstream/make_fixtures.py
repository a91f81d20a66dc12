#!/usr/bin/python3
"""PyTorch parity fixtures for @ecamp/downstream.

Writes packages/downstream/test/fixtures/downstream_parity.safetensors with, for fixed seeds:

- ``loss.*``   segmentation loss on logits/targets [2, 8, 8, 1]: focal (gamma 2, mean over
  pixels), soft Dice (sigmoid, smooth 1, over the whole batch), total = 10*focal - log(dice),
  and d(total)/d(logits).
- ``cls.*``    BCEWithLogitsLoss (mean) on [3, 4] logits / 0-1 targets; CrossEntropyLoss
  (mean) on [3, 4] logits with integer labels (stored as F32); the gradient of each.
- ``bn.*``     torch.nn.BatchNorm2d(3) in training mode on x [2, 3, 4, 4] (stored NHWC),
  affine weight/bias, output (NHWC), running mean/var after the step, gradients of
  sum(out * up) w.r.t. x, weight, bias; then an evaluation-mode output on x2.
- ``dec.*``    a segmentation decoder (4 stages of conv3x3 no-bias -> BatchNorm2d -> ReLU ->
  bilinear x2, align_corners=False, then conv1x1 with bias) on a [2, 2, 2, 4] feature map
  (NHWC), widths 3/3/2/2, training mode; parameters in TF layout (conv [kh, kw, in, out])
  under the TS names (stages.<i>.conv.weight, stages.<i>.bn.weight/bias, head.weight/bias),
  the output logits (NHWC) and the gradient of sum(out * up) w.r.t. the input.
- ``head.*``   mean of patch tokens (after 1 cls token) -> LayerNorm(eps 1e-6) -> Linear on
  tokens [2, 5, 4], Linear weight stored [in, out].

Everything is computed in float64 and stored as float32. Written from the method's
description (docs/method.md section 8) and PyTorch's documented semantics.

Regenerate with Debian's torch (not a pyenv python):

    /usr/bin/python3 tooling/parity/downstream/make_fixtures.py
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'packages', 'downstream', 'test', 'fixtures', 'downstream_parity.safetensors'))


def write_safetensors(path, tensors):
    """Minimal F32 safetensors writer: u64 header length, JSON header, little-endian data."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].detach().to(torch.float32).contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(',', ':')).encode()
    raw += b' ' * ((8 - len(raw) % 8) % 8)
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(raw)) + raw + b''.join(chunks))
    os.replace(tmp, path)
    print(f'wrote {path}: {os.path.getsize(path)} bytes, {len(tensors)} tensors')


def nhwc(t):
    return t.permute(0, 2, 3, 1)


def conv_tf(w):
    """PyTorch conv weight [out, in, kh, kw] -> TF [kh, kw, in, out]."""
    return w.permute(2, 3, 1, 0)


def segmentation_loss(x, t):
    p = torch.sigmoid(x)
    bce = F.binary_cross_entropy_with_logits(x, t, reduction='none')
    p_t = p * t + (1 - p) * (1 - t)
    focal = ((1 - p_t) ** 2 * bce).mean()
    dice = (2 * (p * t).sum() + 1) / (p.sum() + t.sum() + 1)
    return focal, dice, 10 * focal - torch.log(dice)


def main():
    torch.manual_seed(0)
    dt = torch.float64
    out = {}

    # segmentation loss
    x = (torch.randn(2, 8, 8, 1, dtype=dt) * 2).requires_grad_()
    t = (torch.rand(2, 8, 8, 1, dtype=dt) < 0.3).to(dt)
    focal, dice, total = segmentation_loss(x, t)
    total.backward()
    out.update({'loss.logits': x, 'loss.targets': t, 'loss.focal': focal.reshape(1), 'loss.dice': dice.reshape(1),
                'loss.total': total.reshape(1), 'loss.grad': x.grad})

    # classification losses
    z = (torch.randn(3, 4, dtype=dt) * 2).requires_grad_()
    y = (torch.rand(3, 4, dtype=dt) < 0.5).to(dt)
    bce = F.binary_cross_entropy_with_logits(z, y)
    (g_bce,) = torch.autograd.grad(bce, z)
    labels = torch.tensor([2, 0, 3])
    ce = F.cross_entropy(z, labels)
    (g_ce,) = torch.autograd.grad(ce, z)
    out.update({'cls.logits': z, 'cls.targets': y, 'cls.bce': bce.reshape(1), 'cls.bce_grad': g_bce,
                'cls.labels': labels.to(dt), 'cls.ce': ce.reshape(1), 'cls.ce_grad': g_ce})

    # BatchNorm2d
    bn = nn.BatchNorm2d(3).to(dt)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.5, -0.5, 0.8], dtype=dt))
        bn.bias.copy_(torch.tensor([0.1, 0.2, -0.3], dtype=dt))
    xb = (torch.randn(2, 3, 4, 4, dtype=dt) * 2 + 1).requires_grad_()
    up = torch.randn(2, 3, 4, 4, dtype=dt)
    yb = bn(xb)
    (yb * up).sum().backward()
    bn.eval()
    x2 = torch.randn(1, 3, 4, 4, dtype=dt)
    with torch.no_grad():
        y2 = bn(x2)
    out.update({'bn.x': nhwc(xb), 'bn.up': nhwc(up), 'bn.weight': bn.weight, 'bn.bias': bn.bias, 'bn.out': nhwc(yb),
                'bn.running_mean': bn.running_mean, 'bn.running_var': bn.running_var, 'bn.grad_x': nhwc(xb.grad),
                'bn.grad_weight': bn.weight.grad, 'bn.grad_bias': bn.bias.grad, 'bn.x2': nhwc(x2), 'bn.out2': nhwc(y2)})

    # segmentation decoder
    widths = [4, 3, 3, 2, 2]
    stages = []
    for i in range(4):
        conv = nn.Conv2d(widths[i], widths[i + 1], 3, padding=1, bias=False).to(dt)
        norm = nn.BatchNorm2d(widths[i + 1]).to(dt)
        with torch.no_grad():
            norm.weight.uniform_(0.5, 1.5)
            norm.bias.uniform_(-0.2, 0.2)
        stages.append((conv, norm))
        out[f'dec.stages.{i}.conv.weight'] = conv_tf(conv.weight)
        out[f'dec.stages.{i}.bn.weight'] = norm.weight
        out[f'dec.stages.{i}.bn.bias'] = norm.bias
    head = nn.Conv2d(2, 1, 1).to(dt)
    out['dec.head.weight'] = conv_tf(head.weight)
    out['dec.head.bias'] = head.bias
    f = torch.randn(2, 4, 2, 2, dtype=dt).requires_grad_()
    h = f
    for conv, norm in stages:
        h = F.interpolate(F.relu(norm(conv(h))), scale_factor=2, mode='bilinear', align_corners=False)
    logits = head(h)
    up = torch.randn_like(logits)
    (logits * up).sum().backward()
    out.update({'dec.input': nhwc(f), 'dec.output': nhwc(logits), 'dec.up': nhwc(up), 'dec.grad_input': nhwc(f.grad)})

    # classification head
    tokens = torch.randn(2, 5, 4, dtype=dt)
    ln = nn.LayerNorm(4, eps=1e-6).to(dt)
    fc = nn.Linear(4, 3).to(dt)
    with torch.no_grad():
        ln.weight.uniform_(0.5, 1.5)
        ln.bias.uniform_(-0.2, 0.2)
    logits = fc(ln(tokens[:, 1:].mean(1)))
    out.update({'head.tokens': tokens, 'head.fc_norm.weight': ln.weight, 'head.fc_norm.bias': ln.bias,
                'head.head.weight': fc.weight.t(), 'head.head.bias': fc.bias, 'head.logits': logits})

    write_safetensors(OUT, out)


if __name__ == '__main__':
    main()
