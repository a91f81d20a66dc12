"""Writes small safetensors files for the parity fixtures (no `safetensors` package needed).

Float tensors are stored as F32, int32/int64 tensors as I32; the header is padded to a
multiple of 8 bytes as the format asks. Used by the generators in the folders beside this file:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from safetensors_io import save_safetensors
"""
import json
import struct

import torch


def save_safetensors(path, tensors, metadata):
    """Write `tensors` (name -> torch.Tensor) and string `metadata` to `path`."""
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype in (torch.int32, torch.int64):
            data, dtype = t.to(torch.int32).numpy().tobytes(), "I32"
        else:
            data, dtype = t.to(torch.float32).numpy().tobytes(), "F32"
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
