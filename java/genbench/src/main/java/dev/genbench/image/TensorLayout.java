package dev.genbench.image;

/** Element order of an image tensor: channels-first (PyTorch, ONNX default) or channels-last. */
public enum TensorLayout { NCHW, NHWC }
