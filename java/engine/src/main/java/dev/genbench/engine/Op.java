package dev.genbench.engine;

/**
 * The closed set of operations every backend implements. Forward ops with a gradient have exactly
 * one rule in {@link BackwardRules}; the {@code *_GRAD} ops are the kernels those rules call and
 * have no rule of their own (asking for one is an error that names the op).
 *
 * <p>Adding a constant here breaks the exhaustive switches in each backend and in
 * {@link BackwardRules} on purpose: a new op must be implemented everywhere at once.
 */
public enum Op {
    // elementwise, binary with numpy broadcasting
    ADD, SUB, MUL, DIV, POW,
    // elementwise, unary
    NEG, EXP, LOG, SQRT, RELU, CLIP, SIGMOID, TANH, ERF, GELU, CAST,
    // reductions
    REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX,
    // movement
    RESHAPE, TRANSPOSE, CONCAT, SLICE, GATHER, EXPAND,
    // memory layout conversion (same values, another order in memory; see Layout)
    LAYOUT,
    // linear algebra and convolution
    MATMUL, CONV2D,
    // pooling
    MAX_POOL, AVG_POOL,
    // normalisation and the loss
    BATCH_NORM, LAYER_NORM, SOFTMAX, BCE_WITH_LOGITS,
    // regularisation
    DROPOUT,

    // kernels used by backward rules only
    ACT_GRAD, REDUCE_MAX_GRAD, SLICE_GRAD, GATHER_GRAD,
    CONV2D_DATA_GRAD, CONV2D_WEIGHTS_GRAD, MAX_POOL_GRAD, AVG_POOL_GRAD,
    BATCH_NORM_GRAD, LAYER_NORM_GRAD,

    // in-place optimizer updates (no gradient): fused so a CUDA backend runs each as one kernel
    SGD_STEP, ADAM_STEP
}
