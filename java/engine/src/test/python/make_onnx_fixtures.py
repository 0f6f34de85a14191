"""Makes ONNX models and reference values for OnnxImportTest with Debian's python3-torch.

Two small models, exported with torch.onnx.export (do_constant_folding off, so the graph keeps
its shape arithmetic: Shape -> Gather -> Unsqueeze -> Concat -> Reshape), and for each a fixture
with the input, the labels, the parameters and buffers as torch holds them, and:
  train.logits / train.loss   forward in training mode, BCE-with-logits (mean) against the labels
  grad.<name>                 d loss / d parameter for every named parameter
  after.<buffer>              batch-norm running statistics after that training forward
  eval.logits                 forward in eval mode afterwards (running statistics in use)

  tiny_cnn  Conv-BN-ReLU, MaxPool, depthwise Conv + ReLU6, global average pool, view, Linear
            (opset 13, exported in training mode so BatchNormalization stays in the graph)
  tiny_vit  patch embedding by Conv, class token (expand + concat), positional embedding,
            LayerNorm, single-head attention (MatMul, Softmax, Transpose), GELU MLP (Erf), class
            token taken with a Gather, LayerNorm, Linear head (opset 17: LayerNormalization)
  tiny_resnet   torchvision's own BasicBlock: a ResNet stem (conv, BN, ReLU, 3x3/2 max pool), one
                block at stride 1 and one at stride 2 with a 1x1 conv + BN downsample, adaptive
                average pool, torch.flatten, Linear (opset 13, training-mode export)
  tiny_mobilenet  torchvision's own InvertedResidual (expand 1x1, depthwise 3x3, ReLU6, project,
                residual when shapes allow) behind a stride-2 stem, 1x1 conv to the last width,
                pool, Dropout(0.0) and Linear, as torchvision's MobileNetV2 is built
  torchvision_vit  torchvision's own VisionTransformer, shrunk (16x16 images, 8x8 patches, two
                encoder layers of nn.MultiheadAttention with two heads, width 8, MLP 16), opset 17:
                the real ViT graph with its shape arithmetic, Where/Equal included

Run from the repository root:
  /usr/bin/python3 java/engine/src/test/python/make_onnx_fixtures.py
"""
import copy
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import fixtures  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures")


class TinyCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(4)
        self.dw = torch.nn.Conv2d(4, 4, 3, stride=2, padding=1, groups=4, bias=False)
        self.fc = torch.nn.Linear(4, 1)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.nn.functional.max_pool2d(x, 2)
        x = torch.nn.functional.relu6(self.dw(x))
        x = torch.nn.functional.adaptive_avg_pool2d(x, 1)
        x = x.view(x.size(0), -1)
        return self.fc(x)


class TinyVit(torch.nn.Module):
    def __init__(self, dim=8, patch=4, image=8):
        super().__init__()
        self.dim = dim
        self.patch = torch.nn.Conv2d(3, dim, patch, stride=patch)
        tokens = (image // patch) ** 2 + 1
        self.cls = torch.nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.pos = torch.nn.Parameter(torch.randn(1, tokens, dim) * 0.5)
        self.ln1 = torch.nn.LayerNorm(dim)
        self.qkv = torch.nn.Linear(dim, 3 * dim)
        self.proj = torch.nn.Linear(dim, dim)
        self.ln2 = torch.nn.LayerNorm(dim)
        self.fc1 = torch.nn.Linear(dim, 2 * dim)
        self.fc2 = torch.nn.Linear(2 * dim, dim)
        self.norm = torch.nn.LayerNorm(dim)
        self.head = torch.nn.Linear(dim, 1)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        cls = self.cls.expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos
        h = self.ln1(x)
        q, k, v = self.qkv(h).chunk(3, dim=-1)
        att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(self.dim), dim=-1)
        x = x + self.proj(att @ v)
        x = x + self.fc2(torch.nn.functional.gelu(self.fc1(self.ln2(x))))
        return self.head(self.norm(x)[:, 0])


class TinyResNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        from torchvision.models.resnet import BasicBlock
        self.conv1 = torch.nn.Conv2d(3, 8, 3, stride=1, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.maxpool = torch.nn.MaxPool2d(3, 2, 1)
        self.layer1 = BasicBlock(8, 8)
        down = torch.nn.Sequential(torch.nn.Conv2d(8, 16, 1, stride=2, bias=False), torch.nn.BatchNorm2d(16))
        self.layer2 = BasicBlock(8, 16, stride=2, downsample=down)
        self.avgpool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(16, 1)

    def forward(self, x):
        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class TinyMobileNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        from torchvision.models.mobilenetv2 import InvertedResidual
        self.stem = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, 2, 1, bias=False), torch.nn.BatchNorm2d(8), torch.nn.ReLU6())
        self.block1 = InvertedResidual(8, 8, 1, 2)
        self.block2 = InvertedResidual(8, 16, 2, 3)
        self.last = torch.nn.Sequential(torch.nn.Conv2d(16, 24, 1, bias=False), torch.nn.BatchNorm2d(24), torch.nn.ReLU6())
        self.classifier = torch.nn.Sequential(torch.nn.Dropout(0.0), torch.nn.Linear(24, 1))

    def forward(self, x):
        x = self.last(self.block2(self.block1(self.stem(x))))
        x = torch.nn.functional.adaptive_avg_pool2d(x, (1, 1))
        return self.classifier(torch.flatten(x, 1))


def randomise_batch_norm(model):
    # Fresh BN layers hold mean 0 / var 1 / weight 1 / bias 0, which would hide mistakes.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)


def make(name, model, x, opset):
    y = torch.tensor([1.0, 0.0])
    model.train()
    exported = copy.deepcopy(model)
    torch.onnx.export(exported, x, os.path.join(OUT, name + ".onnx"), training=torch.onnx.TrainingMode.TRAINING,
                      do_constant_folding=False, opset_version=opset, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}})
    out = {"x": x, "y": y}
    for n, p in model.named_parameters():
        out["param." + n] = p.detach().clone()
    for n, b in model.named_buffers():
        if b.dtype.is_floating_point:
            out["buffer." + n] = b.detach().clone()
    logits = model(x)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits.reshape(-1), y)
    loss.backward()
    out["train.logits"] = logits
    out["train.loss"] = loss
    for n, p in model.named_parameters():
        out["grad." + n] = p.grad
    for n, b in model.named_buffers():
        if b.dtype.is_floating_point:
            out["after." + n] = b.detach().clone()
    model.eval()
    with torch.no_grad():
        out["eval.logits"] = model(x)
    fixtures.write(os.path.join(OUT, name + ".txt"), out)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    cnn = TinyCnn()
    with torch.no_grad():
        cnn.bn1.running_mean.uniform_(-0.2, 0.2)
        cnn.bn1.running_var.uniform_(0.5, 1.5)
        cnn.bn1.weight.uniform_(0.5, 1.5)
        cnn.bn1.bias.uniform_(-0.2, 0.2)
    make("tiny_cnn", cnn, torch.randn(2, 3, 8, 8), 13)
    torch.manual_seed(1)
    make("tiny_vit", TinyVit(), torch.randn(2, 3, 8, 8), 17)
    torch.manual_seed(2)
    resnet = TinyResNet()
    randomise_batch_norm(resnet)
    make("tiny_resnet", resnet, torch.randn(2, 3, 16, 16), 13)
    torch.manual_seed(3)
    mobilenet = TinyMobileNet()
    randomise_batch_norm(mobilenet)
    make("tiny_mobilenet", mobilenet, torch.randn(2, 3, 16, 16), 13)
    torch.manual_seed(4)
    from torchvision.models.vision_transformer import VisionTransformer
    vit = VisionTransformer(image_size=16, patch_size=8, num_layers=2, num_heads=2, hidden_dim=8, mlp_dim=16, num_classes=1)
    make("torchvision_vit", vit, torch.randn(2, 3, 16, 16), 17)
    print("wrote ONNX fixtures to", os.path.normpath(OUT))
