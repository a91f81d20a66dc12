#!/usr/bin/env python3
"""PyTorch anchor for bench/downstream-steps.ts: one training step (forward, backward,
AdamW) of the same segmentation decoder (4 x conv3x3 no-bias -> BatchNorm2d -> ReLU ->
bilinear x2, widths 256/128/64/32, then conv1x1) on a [B, 768, 14, 14] feature map, loss
10*focal(gamma 2) - log(soft Dice). Prints the median ms per step.

Usage: python3 bench/torch_decoder_step.py [--device cpu|cuda] [--threads 1] [--batch 4] [--steps 5]
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def build(widths=(768, 256, 128, 64, 32)):
    layers = []
    for i in range(4):
        layers += [nn.Conv2d(widths[i], widths[i + 1], 3, padding=1, bias=False), nn.BatchNorm2d(widths[i + 1]), nn.ReLU(),
                   nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False)]
    return nn.Sequential(*layers, nn.Conv2d(widths[-1], 1, 1))


def loss_fn(x, t):
    p = torch.sigmoid(x)
    bce = F.binary_cross_entropy_with_logits(x, t, reduction='none')
    pt = p * t + (1 - p) * (1 - t)
    focal = ((1 - pt) ** 2 * bce).mean()
    dice = (2 * (p * t).sum() + 1) / (p.sum() + t.sum() + 1)
    return 10 * focal - torch.log(dice)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--batch', type=int, default=4)
    ap.add_argument('--steps', type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    model = build().to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    x = torch.randn(a.batch, 768, 14, 14, device=dev)
    t = (torch.arange(224, device=dev) < 80).float().expand(a.batch, 1, 224, 224).contiguous()
    times = []
    for i in range(a.steps + 1):
        if dev.type == 'cuda':
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        opt.step()
        loss.item()
        if dev.type == 'cuda':
            torch.cuda.synchronize()
        if i > 0:
            times.append((time.perf_counter() - t0) * 1000)
    print(f'torch {torch.__version__} device={a.device} threads={a.threads} batch={a.batch}: '
          f'segmentation decoder step median {statistics.median(times):.1f} ms (min {min(times):.1f}, {a.steps} steps)')


if __name__ == '__main__':
    main()
