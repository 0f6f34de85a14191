#!/usr/bin/env python3
"""Writes the decode fixtures of ImageDecoderTest and their PIL reference pixels.

Run with a Python that has Pillow and NumPy (Debian: python3-pil, python3-numpy), from this folder:
    python3 make_fixtures.py
For each image X it writes X (the encoded file) and X.rgb: the raw H x W x 3 uint8 pixels that the
original's loader produces (PIL open, exif_transpose when an orientation tag is present, convert("RGB")),
plus X.resized.rgb: those pixels resized to 24 x 16 with PIL's bilinear filter (antialiased).
Shapes are listed in manifest.tsv (name, width, height, PIL mode).
"""
import numpy as np
from PIL import Image, ImageOps

rng = np.random.default_rng(20261125)
# A smooth gradient plus mild noise: photographic enough for JPEG/WebP, small enough to commit.
yy, xx = np.mgrid[0:40, 0:60]
base = np.stack([xx * 4, yy * 6, (xx + yy) * 2], axis=-1).astype(np.float64)
base = np.clip(base + rng.normal(0, 8, base.shape), 0, 255).astype(np.uint8)
im = Image.fromarray(base)


def exif_with(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


im.save("plain.jpg", quality=95)
for o in (3, 5, 6, 8):
    im.save(f"exif{o}.jpg", quality=95, exif=exif_with(o))
im.convert("CMYK").save("cmyk.jpg", quality=95)
im.convert("L").save("gray.jpg", quality=95)
Image.fromarray(rng.integers(0, 1024, (16, 24)).astype(np.uint16)).save("gray16.png")
alpha = rng.integers(0, 256, (40, 60, 1)).astype(np.uint8)
Image.fromarray(np.concatenate([base, alpha], axis=-1), "RGBA").save("rgba.png")
im.convert("P", palette=Image.ADAPTIVE, colors=16).save("palette.png")
im.convert("P", palette=Image.ADAPTIVE, colors=16).save("palette_trns.png", transparency=3)
im.convert("LA").save("gray_alpha.png")
im.save("plain.png")
# PIL's exif_transpose also honours EXIF in PNG (eXIf chunk) and WebP; so must we.
im.save("exif6.png", exif=exif_with(6))
im.save("exif6.webp", lossless=True, exif=exif_with(6))
im.save("lossy.webp", quality=80)
im.save("lossless.webp", lossless=True)
Image.fromarray(np.concatenate([base, alpha], axis=-1), "RGBA").save("rgba.webp", lossless=True)
Image.fromarray(base[:1, :1]).save("one_pixel.png")

names = ["plain.jpg", "exif3.jpg", "exif5.jpg", "exif6.jpg", "exif8.jpg", "cmyk.jpg", "gray.jpg",
         "gray16.png", "exif6.png", "exif6.webp", "rgba.png", "palette.png", "palette_trns.png", "gray_alpha.png", "plain.png",
         "lossy.webp", "lossless.webp", "rgba.webp", "one_pixel.png"]
with open("manifest.tsv", "w") as manifest:
    for name in names:
        img = Image.open(name)
        img.load()
        mode = img.mode
        if img.getexif().get(0x0112) is not None:
            img = ImageOps.exif_transpose(img)
        rgb = img.convert("RGB")
        np.asarray(rgb).tofile(name + ".rgb")
        rgb.resize((24, 16), Image.BILINEAR).save(name + ".resized.png")
        manifest.write(f"{name}\t{rgb.width}\t{rgb.height}\t{mode}\n")
