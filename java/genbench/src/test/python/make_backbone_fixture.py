#!/usr/bin/env python3
"""Makes the tiny two-output backbone fixture of dev.genbench.models tests (Debian python3-torch).

Writes, into java/genbench/src/test/resources/dev/genbench/models/:
  tiny_backbone.onnx   input pixel_values [N,3,16,16] -> outputs `early` [N,4,8,8] (a feature map) and
                       `late` [N,6] (a vector); random weights, seed 0
  tiny_backbone.yaml   its model card: `early` pooled by mean and mean of squares, `late` as is
  tiny_backbone.json   a fixed input batch (2 images) and the expected 14-wide features, computed
                       here in float64 from torch's outputs
Run: /usr/bin/python3 java/genbench/src/test/python/make_backbone_fixture.py
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "dev", "genbench", "models")


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.fc = torch.nn.Linear(4 * 8 * 8, 6)

    def forward(self, x):
        early = torch.relu(self.conv(x))
        late = torch.tanh(self.fc(early.flatten(1)))
        return early, late


def main():
    torch.manual_seed(0)
    model = Tiny().eval()
    x = torch.rand(2, 3, 16, 16)
    os.makedirs(OUT, exist_ok=True)
    torch.onnx.export(model, x, os.path.join(OUT, "tiny_backbone.onnx"), input_names=["pixel_values"],
                      output_names=["early", "late"], dynamic_axes={"pixel_values": {0: "n"}, "early": {0: "n"}, "late": {0: "n"}},
                      opset_version=13)
    with torch.no_grad():
        early, late = model(x)
    e = early.double()
    features = torch.cat([e.mean(dim=(2, 3)), (e * e).mean(dim=(2, 3)), late.double()], dim=1)
    with open(os.path.join(OUT, "tiny_backbone.json"), "w") as f:
        json.dump({"input_shape": list(x.shape), "input": x.flatten().tolist(),
                   "features_shape": list(features.shape), "features": features.flatten().tolist()}, f)
    with open(os.path.join(OUT, "tiny_backbone.yaml"), "w") as f:
        f.write("""# Test fixture made by java/genbench/src/test/python/make_backbone_fixture.py
name: tiny_backbone
family: test
onnx: tiny_backbone.onnx
input:
  size: [16, 16]
  layout: NCHW
  range: unit
  mean: [0.5, 0.5, 0.5]
  std: [0.25, 0.25, 0.25]
  name: pixel_values
features:
  - output: early
    pooling: mean_and_mean_square
    width: 4
  - output: late
    pooling: none
    width: 6
license: "test fixture, random weights"
pretrained: false
""")


if __name__ == "__main__":
    main()
