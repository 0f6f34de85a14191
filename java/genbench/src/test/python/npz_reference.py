#!/usr/bin/python3
"""NumPy's view of .npz files, for NpzWorksWithNumPyTest.

  npz_reference.py inspect FILE.npz
      loads the file with numpy.load and prints, as JSON, each key's dtype, shape and values;
  npz_reference.py write DIR
      writes files made by NumPy itself for genbench's reader: savez.npz, savez_compressed.npz and
      versions.npz (entries in .npy format versions 1.0, 2.0 and 3.0).
"""
import io
import json
import sys
import zipfile

import numpy as np


def inspect(path):
    out = {}
    with np.load(path, allow_pickle=False) as data:
        for key in data.files:
            a = data[key]
            out[key] = {"dtype": a.dtype.str, "shape": list(a.shape), "values": a.tolist()}
    print(json.dumps(out))


def arrays():
    return {
        "scores": np.array([0.25, -1.5, 3.0e-8], dtype=np.float32),
        "ids": np.array([[1, -2, 3], [2**40, 0, -(2**62)]], dtype=np.int64),
        "doubles": np.array([0.1, 1e300], dtype=np.float64),
        "small": np.array([7, -8], dtype=np.int32),
        "flags": np.array([True, False, True]),
        "names": np.array(["", "Stable Diffusion 1.4", "caf\u00e9 \U0001F600"]),
        "grid": np.array([["a", "bb"], ["ccc", ""]]),
        "scalar": np.array(2.5, dtype=np.float32),
        "empty": np.zeros((0,), dtype=np.int64),
    }


def write(directory):
    np.savez(f"{directory}/savez.npz", **arrays())
    np.savez_compressed(f"{directory}/savez_compressed.npz", **arrays())
    with zipfile.ZipFile(f"{directory}/versions.npz", "w") as z:
        for version in [(1, 0), (2, 0), (3, 0)]:
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, arrays()["names"], version=version)
            z.writestr(f"v{version[0]}.npy", buffer.getvalue())


if __name__ == "__main__":
    if sys.argv[1] == "inspect":
        inspect(sys.argv[2])
    elif sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        raise SystemExit("usage: npz_reference.py inspect FILE | write DIR")
