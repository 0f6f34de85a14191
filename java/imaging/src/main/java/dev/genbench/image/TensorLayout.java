package dev.genbench.image;

import dev.genbench.config.YamlEnum;

/** Element order of an image tensor: channels-first (PyTorch, ONNX default) or channels-last. */
public enum TensorLayout implements YamlEnum {
    NCHW, NHWC;

    /** Spelt in capitals in YAML (model cards), as everyone writes it. */
    @Override
    public String yaml() {
        return name();
    }
}
