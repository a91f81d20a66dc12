#!/usr/bin/python3
"""PyTorch parity fixture for @ecamp/superres's SrHead and srWindowLoss.

Regenerate (Debian's torch, not the pyenv python on PATH):

    /usr/bin/python3 tooling/parity/superres/gen_sr_fixture.py \
        packages/superres/test/fixtures/sr_head.safetensors

Reference (method.md §5): up = F.interpolate(x, scale_factor=2, mode='bilinear',
align_corners=False); out = conv2(relu(conv1(up))) + up, optional final ReLU; loss =
F.mse_loss over each example's window, averaged over the batch (equal window sizes).
Small geometry: 12×12 input → 24×24 view = 6×6 grid of 4 px cells, 4-cell (16 px) windows.

Tensors (PyTorch layouts: images NCHW, conv weights [out, in, kh, kw]):
    x [B,C,12,12], target [B,C,24,24], windows [B,2] (i = row, j = column, as float),
    conv1.weight/bias, conv2.weight/bias,
    out_none, out_relu [B,C,24,24], loss_none, loss_relu [1],
    grad/x, grad/conv1.weight, grad/conv1.bias, grad/conv2.weight, grad/conv2.bias (of loss_none).
"""
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from safetensors_io import save_safetensors  # noqa: E402

B, C, HID, H, CELL, WIN = 2, 3, 4, 12, 4, 4


def head(x, p, final_relu):
    up = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    out = F.conv2d(F.relu(F.conv2d(up, p["conv1.weight"], p["conv1.bias"], padding=1)), p["conv2.weight"], p["conv2.bias"], padding=1) + up
    return F.relu(out) if final_relu else out


def window_loss(out, target, windows):
    s = WIN * CELL
    losses = []
    for b in range(out.shape[0]):
        i, j = int(windows[b, 0]), int(windows[b, 1])
        y0, x0 = i * CELL, j * CELL
        losses.append(F.mse_loss(out[b, :, y0:y0 + s, x0:x0 + s], target[b, :, y0:y0 + s, x0:x0 + s]))
    return torch.stack(losses).mean()


def main(path):
    g = torch.Generator().manual_seed(448)
    p = {
        "conv1.weight": torch.randn(HID, C, 3, 3, generator=g) * 0.3,
        "conv1.bias": torch.randn(HID, generator=g) * 0.1,
        "conv2.weight": torch.randn(C, HID, 3, 3, generator=g) * 0.3,
        "conv2.bias": torch.randn(C, generator=g) * 0.1,
    }
    x = torch.randn(B, C, H, H, generator=g)
    target = torch.randn(B, C, 2 * H, 2 * H, generator=g)
    windows = torch.tensor([[2.0, 0.0], [1.0, 2.0]])  # example 0: row 2, column 0; example 1: row 1, column 2
    out = {**p, "x": x, "target": target, "windows": windows}
    for final in ("none", "relu"):
        pp = {k: v.clone().requires_grad_(True) for k, v in p.items()}
        xx = x.clone().requires_grad_(True)
        y = head(xx, pp, final == "relu")
        loss = window_loss(y, target, windows)
        out[f"out_{final}"] = y
        out[f"loss_{final}"] = loss.reshape(1)
        if final == "none":
            loss.backward()
            out["grad/x"] = xx.grad
            for k, v in pp.items():
                out[f"grad/{k}"] = v.grad
    save_safetensors(path, out, {"B": str(B), "C": str(C), "hidden": str(HID), "cellPx": str(CELL), "windowCells": str(WIN), "gridSize": str(2 * H // CELL), "torch": torch.__version__})
    print(f"wrote {path}: {len(out)} tensors")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "packages/superres/test/fixtures/sr_head.safetensors")
