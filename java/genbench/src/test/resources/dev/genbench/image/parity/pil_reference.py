#!/usr/bin/env python3
"""PIL reference for PilParityTest: decode like the original's loader, then resize like torchvision.

Usage: pil_reference.py OUT_DIR WIDTH HEIGHT IMAGE...
For each IMAGE (k-th on the command line) writes OUT_DIR/k.decoded.rgb and OUT_DIR/k.resized.rgb (raw
H x W x 3 uint8) and one line "k<TAB>width<TAB>height" to stdout for the decoded size.
Decoding: PIL open, exif_transpose when an orientation tag is present, convert("RGB").
Resizing: PIL's bilinear resize, which is what torchvision's Resize(antialias=True) does on PIL images.
"""
import sys

import numpy as np
from PIL import Image, ImageOps


def main():
    out_dir, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for k, path in enumerate(sys.argv[4:]):
        img = Image.open(path)
        img.load()
        if img.getexif().get(0x0112) is not None:
            img = ImageOps.exif_transpose(img)
        rgb = img.convert("RGB")
        np.asarray(rgb).tofile(f"{out_dir}/{k}.decoded.rgb")
        np.asarray(rgb.resize((width, height), Image.BILINEAR)).tofile(f"{out_dir}/{k}.resized.rgb")
        print(f"{k}\t{rgb.width}\t{rgb.height}")


if __name__ == "__main__":
    main()
