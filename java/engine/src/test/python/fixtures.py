"""Shared writer for the engine's test fixtures.

Format, one tensor per line: name <TAB> comma-separated dims (empty for a scalar) <TAB>
space-separated values (float32 as %.9g and float64 as %.17g, both exact round trips;
int64 as integers). Plain text keeps the
fixtures small, diffable and readable without numpy on the Java side.
"""
import torch


def write(path, tensors):
    with open(path, "w") as f:
        for name, t in tensors.items():
            t = torch.as_tensor(t).detach()
            dims = ",".join(str(d) for d in t.shape)
            flat = t.reshape(-1).tolist()
            if t.dtype in (torch.int64, torch.int32):
                vals = " ".join(str(int(v)) for v in flat)
            elif t.dtype == torch.float64:
                vals = " ".join("%.17g" % v for v in flat)
            else:
                vals = " ".join("%.9g" % v for v in flat)
            f.write(f"{name}\t{dims}\t{vals}\n")
