#!/usr/bin/python3
"""PyTorch parity fixtures for @ecamp/vision.

Writes small safetensors files under packages/vision/test/fixtures/:

- ``vit_block.safetensors``  one pre-norm ViT block (timm layout: norm1, attn.qkv fused,
  attn.proj, norm2, mlp.fc1, GELU (erf), mlp.fc2; LayerNorm eps 1e-6), its input, output
  and the gradients of ``sum(out * upstream)`` w.r.t. the input and every parameter.
- ``mae_tiny.safetensors``   a tiny MAE (image 32, patch 8, encoder 24/2 layers/3 heads,
  decoder 16/1 layer/2 heads, mlp ratio 4) state_dict with timm/MAE parameter names and
  PyTorch layouts, an image batch (NHWC), the masking noise, and the outputs:
  unmasked encoder tokens, latent, mask, ids_restore, pred, loss and the norm_pix loss.
- ``mae_tiny_grads.safetensors``  gradients of the (plain) MAE loss w.r.t. every trainable
  parameter of ``mae_tiny``, PyTorch layouts, names prefixed ``grad.``.

Everything is computed in float64 and stored as float32, so the reference is more exact
than the float32 code it checks. Integer-valued tensors (ids_restore) are stored as F32.

The model below is written from the MAE paper's description (He et al. 2021) and timm's
public parameter naming; it is not copied from any repository.

Regenerate (Debian's torch, not a pyenv python):

    /usr/bin/python3 tooling/parity/vision/make_fixtures.py

The ``safetensors`` Python package is not needed: the format (8-byte little-endian header
length, JSON header, raw little-endian data) is written by hand below.
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'packages', 'vision', 'test', 'fixtures'))


# ---------------------------------------------------------------------------------------------
# safetensors writer (F32 only)
# ---------------------------------------------------------------------------------------------
def save_safetensors(path, tensors, metadata=None):
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous().cpu()
        data = t.numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header['__metadata__'] = {k: str(v) for k, v in metadata.items()}
    header_bytes = json.dumps(header, separators=(',', ':')).encode('utf-8')
    header_bytes += b' ' * ((8 - len(header_bytes) % 8) % 8)  # align data to 8 bytes
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(header_bytes)))
        f.write(header_bytes)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)
    print(f'wrote {path} ({os.path.getsize(path)} bytes, {len(tensors)} tensors)')


# ---------------------------------------------------------------------------------------------
# timm-style ViT pieces
# ---------------------------------------------------------------------------------------------
class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        hd = c // self.heads
        # fused qkv: output features ordered (3, heads, head_dim)
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = (q @ k.transpose(-2, -1)) * (hd ** -0.5)
        att = att.softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(y)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))  # exact (erf) GELU, timm's default


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch, in_chans, dim):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, kernel_size=patch, stride=patch)

    def forward(self, x):  # [B, C, H, W] -> [B, L, D]
        return self.proj(x).flatten(2).transpose(1, 2)


def sincos_1d(dim, pos):
    """pos: float64 [M] -> [M, dim], first half sin, second half cos."""
    omega = torch.arange(dim // 2, dtype=torch.float64) / (dim / 2.0)
    omega = 1.0 / (10000.0 ** omega)
    out = pos.reshape(-1, 1).to(torch.float64) * omega.reshape(1, -1)
    return torch.cat([torch.sin(out), torch.cos(out)], dim=1)


def sincos_2d(dim, grid, cls_token):
    """[(1 if cls) + grid*grid, dim]; row k = i*grid + j; first half encodes column j, second row i."""
    rows = torch.arange(grid, dtype=torch.float64).repeat_interleave(grid)  # i of k
    cols = torch.arange(grid, dtype=torch.float64).repeat(grid)  # j of k
    emb = torch.cat([sincos_1d(dim // 2, cols), sincos_1d(dim // 2, rows)], dim=1)
    if cls_token:
        emb = torch.cat([torch.zeros(1, dim, dtype=torch.float64), emb], dim=0)
    return emb


class TinyMAE(nn.Module):
    def __init__(self, img=32, patch=8, in_chans=3, dim=32, depth=2, heads=4,
                 dec_dim=16, dec_depth=1, dec_heads=2, mlp_ratio=4.0):
        super().__init__()
        self.patch = patch
        self.grid = img // patch
        num = self.grid ** 2
        self.patch_embed = PatchEmbed(patch, in_chans, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(sincos_2d(dim, self.grid, True).unsqueeze(0), requires_grad=False)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.decoder_embed = nn.Linear(dim, dec_dim)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dec_dim))
        self.decoder_pos_embed = nn.Parameter(sincos_2d(dec_dim, self.grid, True).unsqueeze(0), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(dec_dim, dec_heads, mlp_ratio) for _ in range(dec_depth)])
        self.decoder_norm = nn.LayerNorm(dec_dim, eps=1e-6)
        self.decoder_pred = nn.Linear(dec_dim, patch * patch * in_chans)
        assert num == self.pos_embed.shape[1] - 1

    def patchify(self, imgs):  # [B, C, H, W] -> [B, L, p*p*C], patch features ordered (p, q, c)
        p, g = self.patch, self.grid
        b, c = imgs.shape[0], imgs.shape[1]
        x = imgs.reshape(b, c, g, p, g, p).permute(0, 2, 4, 3, 5, 1)  # b, h, w, p, q, c
        return x.reshape(b, g * g, p * p * c)

    def random_masking(self, x, mask_ratio, noise):
        b, n, d = x.shape
        keep = int(n * (1 - mask_ratio))
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        ids_keep = ids_shuffle[:, :keep]
        x_kept = torch.gather(x, 1, ids_keep.unsqueeze(-1).expand(-1, -1, d))
        mask = torch.ones(b, n, dtype=x.dtype)
        mask[:, :keep] = 0
        mask = torch.gather(mask, 1, ids_restore)
        return x_kept, mask, ids_restore

    def forward_features(self, imgs):
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)

    def forward_encoder(self, imgs, mask_ratio, noise):
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        x, mask, ids_restore = self.random_masking(x, mask_ratio, noise)
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x), mask, ids_restore

    def forward_decoder(self, latent, ids_restore):
        x = self.decoder_embed(latent)
        b, n1, d = x.shape
        n = ids_restore.shape[1]
        tokens = torch.cat([x[:, 1:, :], self.mask_token.expand(b, n + 1 - n1, d)], dim=1)
        tokens = torch.gather(tokens, 1, ids_restore.unsqueeze(-1).expand(-1, -1, d))
        x = torch.cat([x[:, :1, :], tokens], dim=1) + self.decoder_pos_embed
        for blk in self.decoder_blocks:
            x = blk(x)
        return self.decoder_pred(self.decoder_norm(x))[:, 1:, :]

    def forward_loss(self, imgs, pred, mask, norm_pix):
        target = self.patchify(imgs)
        if norm_pix:
            mean = target.mean(dim=-1, keepdim=True)
            var = target.var(dim=-1, keepdim=True)  # unbiased, as MAE
            target = (target - mean) / (var + 1e-6) ** 0.5
        per_patch = ((pred - target) ** 2).mean(dim=-1)
        return (per_patch * mask).sum() / mask.sum()


def randomise_(module, gen, scale=0.3):
    """Random values everywhere (LayerNorm affine too), so any layout mistake shows."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if not p.requires_grad:
                continue
            if name.endswith('norm1.weight') or name.endswith('norm2.weight') or name.endswith('norm.weight'):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=gen, dtype=torch.float64))
            else:
                fan_in = p.shape[1] if p.dim() == 2 else (p[0].numel() if p.dim() == 4 else 1)
                std = scale / math.sqrt(max(fan_in, 1)) * (3.0 if p.dim() == 2 or p.dim() == 4 else 1.0)
                p.copy_(std * torch.randn(p.shape, generator=gen, dtype=torch.float64))


def make_block_fixture():
    gen = torch.Generator().manual_seed(1)
    dim, heads = 32, 4
    blk = Block(dim, heads).double()
    randomise_(blk, gen)
    x = torch.randn(2, 7, dim, generator=gen, dtype=torch.float64, requires_grad=True)
    upstream = torch.randn(2, 7, dim, generator=gen, dtype=torch.float64)
    y = blk(x)
    (y * upstream).sum().backward()
    t = {f'param.{k}': v for k, v in blk.state_dict().items()}
    t.update({f'grad.{k}': p.grad for k, p in blk.named_parameters()})
    t.update({'input.x': x, 'input.upstream': upstream, 'out.y': y, 'grad.x': x.grad})
    save_safetensors(os.path.join(OUT_DIR, 'vit_block.safetensors'), t,
                     {'dim': dim, 'heads': heads, 'mlp_ratio': 4, 'eps': 1e-6, 'loss': 'sum(y*upstream)'})


def make_mae_fixture():
    gen = torch.Generator().manual_seed(2)
    cfg = dict(img=32, patch=8, in_chans=3, dim=24, depth=2, heads=3, dec_dim=16, dec_depth=1, dec_heads=2)
    model = TinyMAE(**cfg).double()
    randomise_(model, gen)
    batch, ratio = 2, 0.75
    imgs = torch.randn(batch, 3, cfg['img'], cfg['img'], generator=gen, dtype=torch.float64)
    noise = torch.rand(batch, model.grid ** 2, generator=gen, dtype=torch.float64)

    with torch.no_grad():
        features = model.forward_features(imgs)
    latent, mask, ids_restore = model.forward_encoder(imgs, ratio, noise)
    pred = model.forward_decoder(latent, ids_restore)
    loss = model.forward_loss(imgs, pred, mask, norm_pix=False)
    with torch.no_grad():
        loss_np = model.forward_loss(imgs, pred, mask, norm_pix=True)
    loss.backward()

    t = {k: v for k, v in model.state_dict().items()}  # timm/MAE names, PyTorch layouts
    t.update({
        'input.imgs_nhwc': imgs.permute(0, 2, 3, 1),
        'input.noise': noise,
        'out.features': features,
        'out.latent': latent,
        'out.mask': mask,
        'out.ids_restore': ids_restore.to(torch.float64),
        'out.pred': pred,
        'out.loss': loss.reshape(1),
        'out.loss_norm_pix': loss_np.reshape(1),
    })
    # keys without a dot prefix are the checkpoint; prefixed ones are test data
    meta = dict(cfg, batch=batch, mask_ratio=ratio, checkpoint='keys without input./out. prefix')
    save_safetensors(os.path.join(OUT_DIR, 'mae_tiny.safetensors'), t, meta)
    grads = {f'grad.{k}': p.grad for k, p in model.named_parameters() if p.requires_grad}
    save_safetensors(os.path.join(OUT_DIR, 'mae_tiny_grads.safetensors'), grads, {'loss': 'plain MAE loss (norm_pix false)'})


if __name__ == '__main__':
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.manual_seed(0)
    make_block_fixture()
    make_mae_fixture()
    sys.exit(0)
