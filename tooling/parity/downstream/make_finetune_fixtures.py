#!/usr/bin/python3
"""PyTorch parity fixtures for the authors' fine-tuning recipe in @ecamp/downstream.

Writes packages/downstream/test/fixtures/finetune_parity.safetensors with, for fixed seeds:

- ``sgd.*``    torch.optim.SGD(momentum=0.9) over two parameter groups — p0 [3, 4] with
  weight_decay 0.01, p1 [5] with none — for three steps at lr 0.1, 0.05, 0.02 with given
  gradients (``sgd.g<k>.p<i>``); the parameters after each step (``sgd.after<k>.p<i>``).
- ``sched.lr`` the learning rate each of 20 updates runs at under the authors'
  WarmupCosineSchedule (their utils/scheduler.py, from ViT-pytorch: LambdaLR with
  lambda(s) = s / warmup, then 0.5 (1 + cos(pi * (s - warmup) / (total - warmup)))),
  warm-up 5, total 20, base 0.3, stepped as their train.py does: scheduler.step() before
  optimizer.step().
- ``seg.*``    the authors' segmentation head (models_vit.py): seg_head nn.Linear(D, D) on
  the un-normed patch tokens, rearranged to a [B, D, g, g] map, then Decoder — four stages of
  Conv2d(3x3, padding 1, with bias) -> BatchNorm2d -> ReLU -> Upsample(x2, bilinear,
  align_corners=True) and a final Conv2d(3x3, padding 1) — with widths 3/3/2/2 on D = 4,
  g = 2, batch 2, training mode: tokens in, logits out (NHWC), gradient of sum(out * up) with
  respect to the tokens and to seg_head's weight; then an evaluation-mode output on tokens2.
- ``neck.*``   the authors' ViT detector head (detector_backbone_vit.py DetectionLayers +
  detector_model.py ModelMain, a YOLOv3) with the widths generalised — det_head Linear(D, D),
  backbone widths 4/8/8 (fine/middle/coarse), bottleneck expansion 2, embedding filters
  [2, 4], [2, 4], [4, 4] (fine first), 1 class, 3 anchors — on D = 4, g = 4, batch 2, training
  mode: the three outputs (NHWC, finest first) and the gradient of
  sum(o28 * u28) + sum(o14 * u14) + sum(o7 * u7) with respect to the feature map.

Parameters are stored in TF layout (conv [kh, kw, in, out], linear [in, out]) under the
TypeScript module names. Everything is computed in float64 and stored as float32.
Written from the authors' published fine-tuning code (ToniChopp/ECAMP, Fine-tuning/) and
PyTorch's documented semantics.

Regenerate with Debian's torch (not a pyenv python):

    /usr/bin/python3 tooling/parity/downstream/make_finetune_fixtures.py
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_fixtures import write_safetensors  # noqa: E402

OUT = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'packages', 'downstream', 'test', 'fixtures', 'finetune_parity.safetensors'))

torch.set_default_dtype(torch.float64)


def nhwc(t):
    return t.permute(0, 2, 3, 1)


def conv_tf(w):
    """[out, in, kh, kw] -> [kh, kw, in, out]"""
    return w.permute(2, 3, 1, 0)


def put_conv(out, name, conv):
    out[f'{name}.weight'] = conv_tf(conv.weight.detach())
    if conv.bias is not None:
        out[f'{name}.bias'] = conv.bias.detach()


def put_bn(out, name, bn):
    out[f'{name}.weight'] = bn.weight.detach()
    out[f'{name}.bias'] = bn.bias.detach()


def randomise_bn(bn, g):
    with torch.no_grad():
        bn.weight.copy_(1 + 0.2 * torch.randn(bn.weight.shape, generator=g))
        bn.bias.copy_(0.2 * torch.randn(bn.bias.shape, generator=g))


def sgd_fixture(out):
    g = torch.Generator().manual_seed(11)
    p0 = torch.randn(3, 4, generator=g).requires_grad_()
    p1 = torch.randn(5, generator=g).requires_grad_()
    out['sgd.p0'] = p0.detach().clone()
    out['sgd.p1'] = p1.detach().clone()
    opt = torch.optim.SGD([{'params': [p0], 'weight_decay': 0.01}, {'params': [p1], 'weight_decay': 0.0}], lr=0.1, momentum=0.9)
    for k, lr in enumerate([0.1, 0.05, 0.02]):
        for group in opt.param_groups:
            group['lr'] = lr
        g0 = torch.randn(3, 4, generator=g)
        g1 = torch.randn(5, generator=g)
        p0.grad = g0.clone()
        p1.grad = g1.clone()
        out[f'sgd.g{k}.p0'] = g0
        out[f'sgd.g{k}.p1'] = g1
        opt.step()
        out[f'sgd.after{k}.p0'] = p0.detach().clone()
        out[f'sgd.after{k}.p1'] = p1.detach().clone()


def schedule_fixture(out):
    warmup, total, base = 5, 20, 0.3

    def lr_lambda(step):
        if step < warmup:
            return float(step) / float(max(1.0, warmup))
        progress = float(step - warmup) / float(max(1, total - warmup))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress)))

    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
    lrs = []
    for _ in range(total):
        sched.step()  # the authors step the scheduler first
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
    out['sched.lr'] = torch.tensor(lrs)


class AuthorsDecoder(nn.Module):
    def __init__(self, in_channels, out_channels, features):
        super().__init__()
        chans = [in_channels] + list(features)
        self.stages = nn.ModuleList([
            nn.Sequential(
                nn.Conv2d(chans[i], chans[i + 1], 3, padding=1),
                nn.BatchNorm2d(chans[i + 1]),
                nn.ReLU(inplace=True),
                nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True),
            )
            for i in range(4)
        ])
        self.final_out = nn.Conv2d(features[-1], out_channels, 3, padding=1)

    def forward(self, x):
        for s in self.stages:
            x = s(x)
        return self.final_out(x)


def segmentation_fixture(out):
    torch.manual_seed(5)
    g = torch.Generator().manual_seed(6)
    d, grid, b = 4, 2, 2
    seg_head = nn.Linear(d, d)
    dec = AuthorsDecoder(d, 1, [3, 3, 2, 2])
    for s in dec.stages:
        randomise_bn(s[1], g)
    out['seg.seg_head.weight'] = seg_head.weight.detach().t()
    out['seg.seg_head.bias'] = seg_head.bias.detach()
    for i, s in enumerate(dec.stages):
        put_conv(out, f'seg.stages.{i}.conv', s[0])
        put_bn(out, f'seg.stages.{i}.bn', s[1])
    put_conv(out, 'seg.head', dec.final_out)

    def run(tokens):
        x = seg_head(tokens[:, 1:, :])  # the cls token is dropped
        x = x.reshape(b, grid, grid, d).permute(0, 3, 1, 2)  # "b (h w) c -> b c h w"
        return dec(x)

    tokens = torch.randn(b, 1 + grid * grid, d, generator=g).requires_grad_()
    dec.train()
    logits = run(tokens)
    up = torch.randn(logits.shape, generator=g)
    (logits * up).sum().backward()
    out['seg.tokens'] = tokens.detach()
    out['seg.logits'] = nhwc(logits.detach())
    out['seg.up'] = nhwc(up)
    out['seg.grad_tokens'] = tokens.grad.detach()
    out['seg.grad_seg_head_weight'] = seg_head.weight.grad.detach().t()
    dec.eval()
    tokens2 = torch.randn(b, 1 + grid * grid, d, generator=g)
    with torch.no_grad():
        out['seg.tokens2'] = tokens2
        out['seg.eval_logits'] = nhwc(run(tokens2))


class Bottleneck(nn.Module):
    def __init__(self, channels, expansion):
        super().__init__()
        width = channels // expansion
        self.conv1 = nn.Conv2d(channels, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, channels, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + x)


def cbl(cin, cout, k):
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=(k - 1) // 2, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.1))


class Embedding(nn.Module):
    def __init__(self, cin, filters, cout):
        super().__init__()
        n, w = filters
        self.blocks = nn.ModuleList([cbl(cin, n, 1), cbl(n, w, 3), cbl(w, n, 1), cbl(n, w, 3), cbl(w, n, 1), cbl(n, w, 3)])
        self.out = nn.Conv2d(w, cout, 1)

    def forward(self, x):
        branch = None
        for i, blk in enumerate(self.blocks):
            x = blk(x)
            if i == 4:
                branch = x
        return self.out(x), branch


def detection_fixture(out):
    torch.manual_seed(7)
    g = torch.Generator().manual_seed(8)
    d, grid, b = 4, 4, 2
    c28, c14, c7 = 4, 8, 8
    f28, f14, f7 = [2, 4], [2, 4], [4, 4]
    expansion, outc = 2, 3 * (5 + 1)
    det_head = nn.Linear(d, d)
    up = nn.Conv2d(d, c28, 1)
    mid = nn.Conv2d(d, c14, 1)
    down = nn.Conv2d(d, c7, 1, stride=2, bias=False)
    fine, middle, coarse = Bottleneck(c28, expansion), Bottleneck(c14, expansion), Bottleneck(c7, expansion)
    emb0 = Embedding(c7, f7, outc)
    lat1 = cbl(f7[0], f14[0], 1)
    emb1 = Embedding(c14 + f14[0], f14, outc)
    lat2 = cbl(f14[0], f28[0], 1)
    emb2 = Embedding(c28 + f28[0], f28, outc)
    mods = [fine, middle, coarse, emb0, lat1, emb1, lat2, emb2]
    for m in mods:
        for sub in m.modules():
            if isinstance(sub, nn.BatchNorm2d):
                randomise_bn(sub, g)
    out['neck.det_head.weight'] = det_head.weight.detach().t()
    out['neck.det_head.bias'] = det_head.bias.detach()
    put_conv(out, 'neck.backbone.up', up)
    put_conv(out, 'neck.backbone.mid', mid)
    put_conv(out, 'neck.backbone.down', down)
    for name, bott in [('fine', fine), ('middle', middle), ('coarse', coarse)]:
        for k in (1, 2, 3):
            put_conv(out, f'neck.backbone.{name}.conv{k}', getattr(bott, f'conv{k}'))
            put_bn(out, f'neck.backbone.{name}.bn{k}', getattr(bott, f'bn{k}'))
    for name, emb in [('embedding0', emb0), ('embedding1', emb1), ('embedding2', emb2)]:
        for i, blk in enumerate(emb.blocks):
            put_conv(out, f'neck.{name}.blocks.{i}.conv', blk[0])
            put_bn(out, f'neck.{name}.blocks.{i}.bn', blk[1])
        put_conv(out, f'neck.{name}.out', emb.out)
    for name, lat in [('lateral1', lat1), ('lateral2', lat2)]:
        put_conv(out, f'neck.{name}.conv', lat[0])
        put_bn(out, f'neck.{name}.bn', lat[1])

    feat = torch.randn(b, grid, grid, d, generator=g).requires_grad_()  # NHWC feature map
    x = det_head(feat).permute(0, 3, 1, 2)
    x28 = fine(F.interpolate(up(x), scale_factor=2, mode='bilinear', align_corners=True))
    x14 = middle(mid(x))
    x7 = coarse(down(x))
    o7, b7 = emb0(x7)
    o14, b14 = emb1(torch.cat([F.interpolate(lat1(b7), scale_factor=2, mode='nearest'), x14], 1))
    o28, _ = emb2(torch.cat([F.interpolate(lat2(b14), scale_factor=2, mode='nearest'), x28], 1))
    ups = [torch.randn(o.shape, generator=g) for o in (o28, o14, o7)]
    sum((o * u).sum() for o, u in zip((o28, o14, o7), ups)).backward()
    out['neck.features'] = feat.detach()
    for name, o, u in zip(('o28', 'o14', 'o7'), (o28, o14, o7), ups):
        out[f'neck.{name}'] = nhwc(o.detach())
        out[f'neck.up_{name}'] = nhwc(u)
    out['neck.grad_features'] = feat.grad.detach()


def main():
    out = {}
    sgd_fixture(out)
    schedule_fixture(out)
    segmentation_fixture(out)
    detection_fixture(out)
    write_safetensors(OUT, out)


if __name__ == '__main__':
    main()
