package dev.genbench.engine.graph;

import dev.genbench.engine.Attrs;
import dev.genbench.engine.Backend;
import dev.genbench.engine.DType;
import dev.genbench.engine.Ops;
import dev.genbench.engine.Shape;
import dev.genbench.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A graph imported from ONNX that runs forward through the engine's ops, so that
 * {@link dev.genbench.engine.Autograd} can differentiate it. Float initializers are named
 * parameters (requiring gradients) except batch-norm running statistics, which are buffers; integer
 * initializers and Constant nodes are host constants.
 *
 * <p><b>Shape arithmetic is folded.</b> Values computed only from constants and from the
 * <em>shapes</em> of tensors (Shape, Gather, Unsqueeze, Concat, Cast, arithmetic on those ...) are
 * computed on the host, never launched as kernels, and cached per combination of input shapes, so
 * later forwards with the same shapes skip those nodes entirely.
 *
 * <p>Modes: {@link Mode#TRAIN} normalises batch norm with batch statistics and updates the running
 * statistics in place; {@link Mode#EVAL} uses and keeps them. The mode is ours to set, whatever
 * mode the graph was exported in.
 *
 * <p>The graph owns its parameters and buffers (closed by {@link #close()}); tensors returned by
 * {@link #forward} belong to the caller's current {@link dev.genbench.engine.TensorScope}. Not
 * thread-safe: one forward at a time.
 */
public final class TrainableGraph implements AutoCloseable {

    /** Training or evaluation behaviour of batch norm (and, later, dropout). */
    public enum Mode { TRAIN, EVAL }

    /** ONNX op types (default domain) the graph runs. */
    public static final Set<String> SUPPORTED = Collections.unmodifiableSet(new TreeSet<>(List.of(
            "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "ConstantOfShape",
            "Conv", "Div", "Dropout", "Equal", "Erf", "Exp", "Expand", "Flatten", "Gather", "Gelu", "Gemm", "GlobalAveragePool",
            "Identity", "LayerNormalization", "Log", "MatMul", "MaxPool", "Mul", "Neg", "Pad", "Pow", "ReduceMax", "ReduceMean",
            "ReduceSum", "Relu", "Reshape", "Shape", "Sigmoid", "Slice", "Softmax", "Sqrt", "Squeeze", "Sub", "Tanh",
            "Transpose", "Unsqueeze", "Where")));

    private final String modelName;
    private final Backend backend;
    private final int opset;
    private final List<GraphNode> nodes;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Tensor> parameters;
    private final Map<String, Tensor> buffers;
    private final Map<String, HostValue> constants;
    private final Map<List<Shape>, Map<String, HostValue>> folded = new HashMap<>();
    /** Outputs of BatchNormalization nodes whose only reader is a Relu or Clip: run as one fused op. */
    private final Set<String> fusedBatchNormOutputs;
    /** The last node reading each value name, for {@link ForwardLifetimes}. */
    private final Map<String, Integer> lastReaders;
    private Mode mode = Mode.TRAIN;
    private long dropoutSeed;
    private long dropoutCalls;

    /**
     * Builds a graph; takes ownership of {@code parameters} and {@code buffers}. Fails naming the
     * model, node and op type of the first node whose op the engine cannot run.
     */
    public TrainableGraph(String modelName, Backend backend, int opset, List<GraphNode> nodes, List<String> inputs, List<String> outputs,
                          Map<String, Tensor> parameters, Map<String, Tensor> buffers, Map<String, HostValue> constants) {
        this.modelName = modelName;
        this.backend = backend;
        this.opset = opset;
        this.nodes = List.copyOf(nodes);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
        this.constants = Map.copyOf(constants);
        this.fusedBatchNormOutputs = fusableBatchNormOutputs(this.nodes, this.outputs);
        this.lastReaders = lastReaders(this.nodes);
        List<GraphNode> unsupported = this.nodes.stream().filter(n -> !SUPPORTED.contains(n.opType())).toList();
        if (!unsupported.isEmpty()) {
            GraphNode n = unsupported.get(0);
            Set<String> others = new TreeSet<>();
            unsupported.forEach(u -> others.add(u.opType()));
            throw new UnsupportedOperationException("model '" + modelName + "': " + n.describe() + " is not supported by the engine"
                    + (others.size() > 1 ? " (unsupported op types in this model: " + others + ")" : "")
                    + "; supported ops are " + SUPPORTED);
        }
    }

    /**
     * The y outputs of BatchNormalization nodes read by exactly one node, a Relu or Clip, and not graph
     * outputs: the activation is fused into the batch norm ({@link Ops#batchNormActivation}), as
     * conv-BN-activation stacks (ResNet, MobileNetV2) have them.
     */
    private static Set<String> fusableBatchNormOutputs(List<GraphNode> nodes, List<String> outputs) {
        Map<String, List<GraphNode>> readers = new HashMap<>();
        for (GraphNode n : nodes) {
            for (String in : n.inputs()) {
                readers.computeIfAbsent(in, k -> new java.util.ArrayList<>()).add(n);
            }
        }
        Set<String> fusable = new java.util.HashSet<>();
        for (GraphNode n : nodes) {
            if (!n.opType().equals("BatchNormalization") || n.outputs().isEmpty()) {
                continue;
            }
            String y = n.outputs().get(0);
            List<GraphNode> r = readers.getOrDefault(y, List.of());
            if (r.size() == 1 && (r.get(0).opType().equals("Relu") || r.get(0).opType().equals("Clip"))
                    && r.get(0).inputs().get(0).equals(y) && !outputs.contains(y)) {
                fusable.add(y);
            }
        }
        return Set.copyOf(fusable);
    }

    /** A batch norm whose activation is still to come: the fused op runs when its Relu or Clip does. */
    private record PendingBatchNorm(Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, Attrs.BatchNorm attrs) {}

    public String modelName() {
        return modelName;
    }

    public Backend backend() {
        return backend;
    }

    /** Trainable parameters by initializer name, in the model's order. */
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    /** Non-trainable state (batch-norm running statistics) by initializer name. */
    public Map<String, Tensor> buffers() {
        return buffers;
    }

    public List<String> inputNames() {
        return inputs;
    }

    public List<String> outputNames() {
        return outputs;
    }

    public List<GraphNode> nodes() {
        return nodes;
    }

    public Mode mode() {
        return mode;
    }

    public void mode(Mode m) {
        mode = m;
    }

    /** Seeds dropout's masks and restarts their sequence (for reproducible runs and resumes). */
    public void dropoutSeed(long seed) {
        dropoutSeed = seed;
        dropoutCalls = 0;
    }

    /** Number of nodes folded away for the given input shapes (after a forward with them). */
    public int foldedValueCount(List<Shape> inputShapes) {
        Map<String, HostValue> f = folded.get(inputShapes);
        return f == null ? 0 : f.size();
    }

    /** Runs the graph on the named inputs and returns its outputs by name. */
    public Map<String, Tensor> forward(Map<String, Tensor> feeds) {
        Map<String, Object> values = new HashMap<>(constants);
        values.putAll(parameters);
        values.putAll(buffers);
        List<Shape> shapes = new ArrayList<>();
        for (String in : inputs) {
            Tensor t = feeds.get(in);
            if (t == null) {
                throw new IllegalArgumentException("model '" + modelName + "' needs input '" + in + "'; given " + feeds.keySet());
            }
            values.put(in, t);
            shapes.add(t.shape());
        }
        Map<String, HostValue> fold = folded.computeIfAbsent(shapes, k -> new HashMap<>());
        ForwardLifetimes lifetimes = new ForwardLifetimes(feeds.values());
        for (int index = 0; index < nodes.size(); index++) {
            GraphNode n = nodes.get(index);
            if (!n.outputs().isEmpty() && fold.containsKey(n.outputs().get(0))) {
                for (String o : n.outputs()) {
                    if (fold.containsKey(o)) {
                        values.put(o, fold.get(o));
                    }
                }
                continue;
            }
            Object[] in = new Object[n.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                String name = n.inputs().get(i);
                if (name.isEmpty()) {
                    continue;
                }
                in[i] = values.get(name);
                if (in[i] == null) {
                    throw new IllegalStateException("model '" + modelName + "': " + n.describe() + " reads '" + name + "', which no earlier node produced");
                }
            }
            Object[] out;
            dev.genbench.engine.TensorScope scope = dev.genbench.engine.TensorScope.current();
            int mark = scope == null ? 0 : scope.size();
            try {
                out = run(n, in);
            } catch (RuntimeException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("model '")) {
                    throw e;
                }
                throw new IllegalArgumentException("model '" + modelName + "': " + n.describe() + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < out.length && i < n.outputs().size(); i++) {
                if (out[i] == null || n.outputs().get(i).isEmpty()) {
                    continue;
                }
                values.put(n.outputs().get(i), out[i]);
                lifetimes.readUntil(out[i], lastReader(n.outputs().get(i)));
                if (out[i] instanceof HostValue h) {
                    // Host values depend only on constants and input shapes: fold them for these shapes.
                    fold.put(n.outputs().get(i), h);
                }
            }
            lifetimes.releaseTemporaries(scope, mark, out);
            lifetimes.releaseAfter(index, in);
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (String o : outputs) {
            Object v = values.get(o);
            result.put(o, v instanceof HostValue h ? h.toTensor(backend, h.dtype()) : (Tensor) v);
        }
        return result;
    }

    /** Index of the last node that reads {@code name}; MAX_VALUE for a graph output, -1 when none reads it. */
    private int lastReader(String name) {
        if (outputs.contains(name)) {
            return Integer.MAX_VALUE;
        }
        return lastReaders.getOrDefault(name, -1);
    }

    private static Map<String, Integer> lastReaders(List<GraphNode> nodes) {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                last.put(in, i);
            }
        }
        return Map.copyOf(last);
    }

    /**
     * When one forward is done with each activation: an activation whose last reader has run and
     * that no recorded backward rule reads ({@link Tensor#savedForBackward}) is released at once,
     * as torch's reference counting drops it, instead of living until backward passes it. Tracked
     * per tensor, not per name, because an Identity or a pending batch norm carries a tensor under
     * another name. Feeds, parameters and buffers are never released.
     */
    private final class ForwardLifetimes {
        private final java.util.IdentityHashMap<Tensor, Integer> lastUse = new java.util.IdentityHashMap<>();
        private final Set<Tensor> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        ForwardLifetimes(java.util.Collection<Tensor> feeds) {
            kept.addAll(feeds);
            kept.addAll(parameters.values());
            kept.addAll(buffers.values());
        }

        /** Notes that {@code value}'s tensors are read up to node {@code index}. */
        void readUntil(Object value, int index) {
            for (Tensor t : tensors(value)) {
                lastUse.merge(t, index, Math::max);
            }
        }

        /** Releases what node {@code index} read for the last time and backward will not read. */
        void releaseAfter(int index, Object[] inputs) {
            for (Object v : inputs) {
                for (Tensor t : tensors(v)) {
                    Integer last = lastUse.get(t);
                    if (last != null && last <= index && !kept.contains(t) && !t.savedForBackward() && !t.isClosed()) {
                        t.release();
                        lastUse.remove(t);
                    }
                }
            }
        }

        /**
         * Releases the tensors a node made on the way to its outputs (a layout conversion, a Gemm's
         * product before its bias, a batch norm's saved statistics in eval) that backward will not
         * read: nothing else can reach them.
         */
        void releaseTemporaries(dev.genbench.engine.TensorScope scope, int mark, Object[] outputs) {
            if (scope == null) {
                return;
            }
            Set<Tensor> made = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Object o : outputs) {
                made.addAll(tensors(o));
            }
            for (Tensor t : scope.ownedSince(mark)) {
                if (!made.contains(t) && !kept.contains(t) && !t.savedForBackward() && !t.isClosed()) {
                    t.release();
                }
            }
        }

        private static List<Tensor> tensors(Object value) {
            if (value instanceof Tensor t) {
                return List.of(t);
            }
            if (value instanceof PendingBatchNorm p) {
                return List.of(p.x(), p.scale(), p.bias());
            }
            return List.of();
        }
    }

    // ------------------------------------------------------------------ op semantics

    private Object[] run(GraphNode n, Object[] in) {
        return switch (n.opType()) {
            case "Identity", "Dropout" -> dropout(n, in);
            case "Constant" -> new Object[] {constant(n)};
            case "Shape" -> new Object[] {shape(n, in[0])};
            case "ConstantOfShape" -> new Object[] {constantOfShape(n, host(n, in, 0))};
            case "Cast" -> new Object[] {cast(n, in[0])};
            case "Add", "Sub", "Mul", "Div", "Pow" -> new Object[] {binary(n, in[0], in[1])};
            case "Equal" -> new Object[] {hostBinary("Equal", host(n, in, 0), host(n, in, 1))};
            case "Where" -> new Object[] {where(host(n, in, 0), host(n, in, 1), host(n, in, 2))};
            case "Relu" -> new Object[] {in[0] instanceof PendingBatchNorm p
                    ? Ops.batchNormActivation(p.x(), p.scale(), p.bias(), p.mean(), p.var(), p.attrs(), 0, Double.POSITIVE_INFINITY)
                    : unary(n, dev(in[0], null))};
            case "Neg", "Exp", "Log", "Sqrt", "Sigmoid", "Tanh", "Erf", "Gelu" -> new Object[] {unary(n, dev(in[0], null))};
            case "Clip" -> new Object[] {clip(n, in)};
            case "Conv" -> new Object[] {conv(n, in)};
            case "Gemm" -> new Object[] {gemm(n, in)};
            case "MatMul" -> new Object[] {Ops.matmul(dev(in[0], null), dev(in[1], dtypeOf(in[0])))};
            case "BatchNormalization" -> batchNorm(n, in);
            case "LayerNormalization" -> new Object[] {layerNorm(n, in)};
            case "Softmax" -> new Object[] {softmax(n, dev(in[0], null))};
            case "ReduceMean", "ReduceSum", "ReduceMax" -> new Object[] {reduce(n, in)};
            case "GlobalAveragePool" -> new Object[] {Ops.globalAvgPool(dev(in[0], null))};
            case "MaxPool", "AveragePool" -> new Object[] {pool(n, dev(in[0], null))};
            case "Flatten" -> new Object[] {flatten(n, in[0])};
            case "Pad" -> new Object[] {pad(n, in)};
            case "Reshape" -> new Object[] {reshape(n, in[0], host(n, in, 1))};
            case "Transpose" -> new Object[] {transpose(n, dev(in[0], null))};
            case "Concat" -> new Object[] {concat(n, in)};
            case "Slice" -> new Object[] {slice(n, in)};
            case "Gather" -> new Object[] {gather(n, in[0], in[1])};
            case "Expand" -> new Object[] {Ops.expand(dev(in[0], null), Shape.of(host(n, in, 1).longs()))};
            case "Unsqueeze" -> new Object[] {unsqueeze(n, in)};
            case "Squeeze" -> new Object[] {squeeze(n, in)};
            default -> throw new UnsupportedOperationException("model '" + modelName + "': " + n.describe() + " is not supported by the engine");
        };
    }

    private static DType dtypeOf(Object v) {
        return v instanceof Tensor t ? t.dtype() : null;
    }

    /** A tensor for a value; a host constant becomes a tensor of {@code like} (or its own float type). */
    private Tensor dev(Object v, DType like) {
        if (v instanceof Tensor t) {
            return t;
        }
        HostValue h = (HostValue) v;
        return h.toTensor(backend, like != null ? like : (h.isInt() ? DType.INT64 : h.dtype()));
    }

    private HostValue host(GraphNode n, Object[] in, int i) {
        if (i >= in.length || in[i] == null) {
            throw new IllegalArgumentException("input " + i + " is missing");
        }
        if (in[i] instanceof HostValue h) {
            return h;
        }
        throw new IllegalArgumentException("input " + i + " ('" + n.inputs().get(i) + "') must be a constant or shape arithmetic, but it is computed from data");
    }

    /**
     * Dropout follows the graph's mode, like batch norm (the exported training_mode input is not
     * consulted): active in TRAIN with a fresh mask per call drawn from {@link #dropoutSeed} and a
     * call counter, so a run with the same seed draws the same masks; identity in EVAL.
     */
    private Object[] dropout(GraphNode n, Object[] in) {
        if (n.opType().equals("Dropout") && mode == Mode.TRAIN) {
            double ratio = n.hasInput(1) ? host(n, in, 1).doubleAt(0) : n.floatAttr("ratio", 0.5);
            if (ratio > 0) {
                return new Object[] {Ops.dropout(dev(in[0], null), ratio, dropoutSeed + 0x632BE59BD9B4E019L * ++dropoutCalls)};
            }
        }
        return new Object[] {in[0]};
    }

    private HostValue constant(GraphNode n) {
        NodeAttr a = n.attrs().get("value");
        if (a instanceof NodeAttr.Const c) {
            return c.value();
        }
        if (n.attrs().get("value_float") instanceof NodeAttr.Float f) {
            return HostValue.ofDoubles(DType.FP32, Shape.SCALAR, f.value());
        }
        if (n.attrs().get("value_floats") instanceof NodeAttr.Floats f) {
            return HostValue.ofDoubles(DType.FP32, Shape.of(f.values().length), f.values());
        }
        if (n.attrs().get("value_int") instanceof NodeAttr.Int i) {
            return HostValue.ofLongs(Shape.SCALAR, i.value());
        }
        if (n.attrs().get("value_ints") instanceof NodeAttr.Ints i) {
            return HostValue.ofLongs(Shape.of(i.values().length), i.values());
        }
        throw new IllegalArgumentException("Constant without a value attribute the engine reads (value, value_float(s), value_int(s))");
    }

    private static HostValue shape(GraphNode n, Object v) {
        Shape s = v instanceof Tensor t ? t.shape() : ((HostValue) v).shape();
        long[] d = s.longDims();
        int start = (int) n.intAttr("start", 0);
        int end = (int) n.intAttr("end", d.length);
        start = Math.clamp(start < 0 ? start + d.length : start, 0, d.length);
        end = Math.clamp(end < 0 ? end + d.length : end, 0, d.length);
        long[] out = Arrays.copyOfRange(d, start, Math.max(start, end));
        return HostValue.ofLongs(Shape.of(out.length), out);
    }

    private static HostValue constantOfShape(GraphNode n, HostValue shape) {
        Shape s = Shape.of(shape.longs());
        HostValue fill = n.attrs().get("value") instanceof NodeAttr.Const c ? c.value() : HostValue.ofDoubles(DType.FP32, Shape.SCALAR, 0);
        int count = Math.toIntExact(s.elementCount());
        if (fill.isInt()) {
            long[] v = new long[count];
            Arrays.fill(v, fill.longAt(0));
            return HostValue.ofLongs(s, v);
        }
        double[] v = new double[count];
        Arrays.fill(v, fill.doubleAt(0));
        return HostValue.ofDoubles(fill.dtype(), s, v);
    }

    private Object cast(GraphNode n, Object v) {
        DType to = DType.fromOnnx((int) n.intAttr("to", 1));
        if (v instanceof HostValue h) {
            return h.cast(to);
        }
        return Ops.cast((Tensor) v, to);
    }

    private Object binary(GraphNode n, Object a, Object b) {
        if (a instanceof HostValue ha && b instanceof HostValue hb) {
            return hostBinary(n.opType(), ha, hb);
        }
        DType t = a instanceof Tensor ta ? ta.dtype() : ((Tensor) b).dtype();
        Tensor x = dev(a, t);
        Tensor y = dev(b, t);
        return switch (n.opType()) {
            case "Add" -> Ops.add(x, y);
            case "Sub" -> Ops.sub(x, y);
            case "Mul" -> Ops.mul(x, y);
            case "Div" -> Ops.div(x, y);
            default -> Ops.pow(x, y);
        };
    }

    /** numpy-broadcast arithmetic on host values (integer division truncates, as ONNX's Div on ints). */
    private static HostValue hostBinary(String op, HostValue a, HostValue b) {
        Shape out = Shape.broadcast(a.shape(), b.shape());
        long[] sa = a.shape().broadcastStrides(out);
        long[] sb = b.shape().broadcastStrides(out);
        int n = Math.toIntExact(out.elementCount());
        boolean ints = a.isInt() && b.isInt();
        long[] li = new long[n];
        double[] di = new double[n];
        int[] dims = out.dims();
        for (int i = 0; i < n; i++) {
            int rem = i;
            int ia = 0;
            int ib = 0;
            for (int d = dims.length - 1; d >= 0; d--) {
                int idx = rem % dims[d];
                rem /= dims[d];
                ia += (int) (idx * sa[d]);
                ib += (int) (idx * sb[d]);
            }
            if (ints) {
                long x = a.longAt(ia);
                long y = b.longAt(ib);
                li[i] = switch (op) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    case "Div" -> x / y;
                    case "Equal" -> x == y ? 1 : 0;
                    default -> (long) Math.pow(x, y);
                };
            } else {
                double x = a.doubleAt(ia);
                double y = b.doubleAt(ib);
                di[i] = switch (op) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    case "Div" -> x / y;
                    case "Equal" -> x == y ? 1 : 0;
                    default -> Math.pow(x, y);
                };
            }
        }
        if (op.equals("Equal") && !ints) {
            long[] bools = new long[n];
            for (int i = 0; i < n; i++) {
                bools[i] = (long) di[i];
            }
            return HostValue.ofLongs(out, bools);
        }
        return ints ? HostValue.ofLongs(out, li) : HostValue.ofDoubles(a.isInt() ? b.dtype() : a.dtype(), out, di);
    }

    /**
     * Where on host values: torch exports expand(-1) as Where(Equal(shape, -1), 1, shape), so
     * this is shape arithmetic; on data it is not supported yet.
     */
    private static HostValue where(HostValue cond, HostValue a, HostValue b) {
        Shape out = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape()), b.shape());
        long[] sc = cond.shape().broadcastStrides(out);
        long[] sa = a.shape().broadcastStrides(out);
        long[] sb = b.shape().broadcastStrides(out);
        int n = Math.toIntExact(out.elementCount());
        int[] dims = out.dims();
        long[] li = new long[n];
        double[] di = new double[n];
        for (int i = 0; i < n; i++) {
            int rem = i;
            int ic = 0;
            int ia = 0;
            int ib = 0;
            for (int d = dims.length - 1; d >= 0; d--) {
                int idx = rem % dims[d];
                rem /= dims[d];
                ic += (int) (idx * sc[d]);
                ia += (int) (idx * sa[d]);
                ib += (int) (idx * sb[d]);
            }
            boolean c = cond.longAt(ic) != 0;
            li[i] = c ? a.longAt(ia) : b.longAt(ib);
            di[i] = c ? a.doubleAt(ia) : b.doubleAt(ib);
        }
        return a.isInt() ? HostValue.ofLongs(out, li) : HostValue.ofDoubles(a.dtype(), out, di);
    }

    private static Tensor unary(GraphNode n, Tensor x) {
        return switch (n.opType()) {
            case "Neg" -> Ops.neg(x);
            case "Exp" -> Ops.exp(x);
            case "Log" -> Ops.log(x);
            case "Sqrt" -> Ops.sqrt(x);
            case "Relu" -> Ops.relu(x);
            case "Sigmoid" -> Ops.sigmoid(x);
            case "Tanh" -> Ops.tanh(x);
            case "Erf" -> Ops.erf(x);
            default -> {
                if (!n.textAttr("approximate", "none").equals("none")) {
                    throw new UnsupportedOperationException("Gelu approximate='" + n.textAttr("approximate", "") + "' is not supported (only 'none')");
                }
                yield Ops.gelu(x);
            }
        };
    }

    private Tensor clip(GraphNode n, Object[] in) {
        double min = n.floatAttr("min", Double.NEGATIVE_INFINITY);
        double max = n.floatAttr("max", Double.POSITIVE_INFINITY);
        if (n.hasInput(1)) {
            min = host(n, in, 1).doubleAt(0);
        }
        if (n.hasInput(2)) {
            max = host(n, in, 2).doubleAt(0);
        }
        if (in[0] instanceof PendingBatchNorm p) {
            return Ops.batchNormActivation(p.x(), p.scale(), p.bias(), p.mean(), p.var(), p.attrs(), min, max);
        }
        return Ops.clip(dev(in[0], null), min, max);
    }

    private static int[] ints(long[] v, int... fallback) {
        if (v == null) {
            return fallback.clone();
        }
        return Arrays.stream(v).mapToInt(Math::toIntExact).toArray();
    }

    /**
     * The explicit pads {top, left, bottom, right} of a 2-d Conv or pooling node: its {@code pads}, or
     * those {@code auto_pad} implies for this input (SAME_UPPER/SAME_LOWER keep ceil(in/stride) outputs
     * and put the odd element at the end/start, as TF's "same" padding does; VALID pads nothing).
     */
    private static int[] autoPads(GraphNode n, Shape x, int[] kernel, int[] strides, int[] dilations) {
        String autoPad = n.textAttr("auto_pad", "NOTSET");
        return switch (autoPad) {
            case "NOTSET" -> ints(n.intsAttr("pads"), 0, 0, 0, 0);
            case "VALID" -> new int[] {0, 0, 0, 0};
            case "SAME_UPPER", "SAME_LOWER" -> {
                int[] pads = new int[4];
                for (int d = 0; d < 2; d++) {
                    int in = x.dim(2 + d);
                    int out = (in + strides[d] - 1) / strides[d];
                    int total = Math.max(0, (out - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - in);
                    int small = total / 2;
                    pads[d] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    pads[d + 2] = total - pads[d];
                }
                yield pads;
            }
            default -> throw new UnsupportedOperationException("auto_pad=" + autoPad + " is not an ONNX value");
        };
    }

    /** ONNX Pad in constant mode: pads (and the value) from inputs (opset 11+) or attributes (before). */
    private Tensor pad(GraphNode n, Object[] in) {
        String mode = n.textAttr("mode", "constant");
        if (!mode.equals("constant")) {
            throw new UnsupportedOperationException("Pad mode '" + mode + "' is not supported (only constant)");
        }
        Tensor x = dev(in[0], null);
        int rank = x.shape().rank();
        long[] pads = opset < 11 ? n.intsAttr("pads") : host(n, in, 1).longs();
        double value = opset < 11 ? n.floatAttr("value", 0) : n.hasInput(2) ? host(n, in, 2).doubleAt(0) : 0;
        long[] axes = n.hasInput(3) ? host(n, in, 3).longs() : null;
        int listed = axes == null ? rank : axes.length;
        if (pads == null || pads.length != 2 * listed) {
            throw new IllegalArgumentException("Pad needs " + 2 * listed + " pads for " + x.shape() + ", got " + Arrays.toString(pads));
        }
        long[] begins = new long[rank];
        long[] ends = new long[rank];
        for (int i = 0; i < listed; i++) {
            int axis = axes == null ? i : x.shape().normaliseAxis((int) axes[i]);
            begins[axis] = pads[i];
            ends[axis] = pads[i + listed];
        }
        return Ops.pad(x, begins, ends, value);
    }

    private Tensor conv(GraphNode n, Object[] in) {
        Tensor x = dev(in[0], null);
        Tensor w = dev(in[1], x.dtype());
        if (w.shape().rank() != 4) {
            throw new UnsupportedOperationException("only 2-d convolutions are supported; weight is " + w.shape());
        }
        int[] strides = ints(n.intsAttr("strides"), 1, 1);
        int[] dilations = ints(n.intsAttr("dilations"), 1, 1);
        int[] pads = autoPads(n, x.shape(), new int[] {w.shape().dim(2), w.shape().dim(3)}, strides, dilations);
        Attrs.Conv a = new Attrs.Conv(strides, pads, dilations, (int) n.intAttr("group", 1));
        return Ops.conv2d(x, w, n.hasInput(2) ? dev(in[2], x.dtype()) : null, a);
    }

    private Tensor gemm(GraphNode n, Object[] in) {
        Tensor a = dev(in[0], null);
        return Ops.gemm(a, dev(in[1], a.dtype()), n.hasInput(2) ? dev(in[2], a.dtype()) : null,
                n.intAttr("transA", 0) != 0, n.intAttr("transB", 0) != 0, n.floatAttr("alpha", 1), n.floatAttr("beta", 1));
    }

    private Object[] batchNorm(GraphNode n, Object[] in) {
        Tensor x = dev(in[0], null);
        if (!(in[3] instanceof Tensor mean) || !(in[4] instanceof Tensor var)) {
            throw new IllegalArgumentException("running mean and variance must be initializers");
        }
        // ONNX's momentum weighs the old running value (default 0.9); ours, like torch's, the new one.
        double momentum = 1 - n.floatAttr("momentum", 0.9);
        Attrs.BatchNorm attrs = new Attrs.BatchNorm(n.floatAttr("epsilon", 1e-5), momentum, mode == Mode.TRAIN);
        if (fusedBatchNormOutputs.contains(n.outputs().get(0))) {
            return new Object[] {new PendingBatchNorm(x, dev(in[1], x.dtype()), dev(in[2], x.dtype()), mean, var, attrs), mean, var};
        }
        Tensor y = Ops.batchNorm(x, dev(in[1], x.dtype()), dev(in[2], x.dtype()), mean, var, attrs);
        // A training-mode export names the updated running statistics as outputs 1 and 2.
        return new Object[] {y, mean, var};
    }

    private Tensor layerNorm(GraphNode n, Object[] in) {
        Tensor x = dev(in[0], null);
        int axis = (int) n.intAttr("axis", -1);
        Tensor scale = dev(in[1], x.dtype());
        Tensor bias;
        if (n.hasInput(2)) {
            bias = dev(in[2], x.dtype());
        } else {
            bias = Tensor.zeros(backend, x.dtype(), scale.shape(), null);
        }
        return Ops.layerNorm(x, scale, bias, axis, n.floatAttr("epsilon", 1e-5));
    }

    private Tensor softmax(GraphNode n, Tensor x) {
        int rank = x.shape().rank();
        int axis = (int) n.intAttr("axis", opset >= 13 ? -1 : 1);
        int a = x.shape().normaliseAxis(axis);
        if (opset < 13 && a != rank - 1) {
            throw new UnsupportedOperationException("Softmax before opset 13 flattens from axis " + axis + "; only the last axis is supported there");
        }
        return Ops.softmax(x, a);
    }

    private Tensor reduce(GraphNode n, Object[] in) {
        Tensor x = dev(in[0], null);
        long[] axes = n.intsAttr("axes");
        if (axes == null && n.hasInput(1)) {
            axes = host(n, in, 1).longs();
        }
        boolean keep = n.intAttr("keepdims", 1) != 0;
        if (axes == null || axes.length == 0) {
            if (n.intAttr("noop_with_empty_axes", 0) != 0) {
                return x;
            }
            axes = new long[0];
        }
        int[] ax = ints(axes);
        return switch (n.opType()) {
            case "ReduceMean" -> Ops.mean(x, keep, ax);
            case "ReduceSum" -> Ops.sum(x, keep, ax);
            default -> Ops.max(x, keep, ax);
        };
    }

    private Tensor pool(GraphNode n, Tensor x) {
        int[] k = ints(n.intsAttr("kernel_shape"));
        if (k.length != 2) {
            throw new UnsupportedOperationException("only 2-d pooling is supported, kernel_shape " + Arrays.toString(k));
        }
        int[] dil = ints(n.intsAttr("dilations"), 1, 1);
        if (dil[0] != 1 || dil[1] != 1) {
            throw new UnsupportedOperationException("dilated pooling is not supported");
        }
        int[] strides = ints(n.intsAttr("strides"), 1, 1);
        Attrs.Pool p = new Attrs.Pool(k, strides, autoPads(n, x.shape(), k, strides, dil),
                n.intAttr("count_include_pad", 0) != 0);
        if (n.intAttr("ceil_mode", 0) != 0) {
            for (int d = 0; d < 2; d++) {
                int span = x.shape().dim(2 + d) + p.pads()[d] + p.pads()[d + 2] - k[d];
                if (span % p.strides()[d] != 0) {
                    throw new UnsupportedOperationException("ceil_mode=1 changes the output size here and is not supported");
                }
            }
        }
        return n.opType().equals("MaxPool") ? Ops.maxPool(x, p) : Ops.avgPool(x, p);
    }

    private Object flatten(GraphNode n, Object v) {
        Shape s = v instanceof Tensor t ? t.shape() : ((HostValue) v).shape();
        int axis = (int) n.intAttr("axis", 1);
        if (axis < 0) {
            axis += s.rank();
        }
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= s.dim(d);
        }
        Shape out = Shape.of(outer, s.elementCount() / Math.max(1, outer));
        return v instanceof HostValue h ? h.withShape(out) : Ops.reshape((Tensor) v, out);
    }

    private Object reshape(GraphNode n, Object v, HostValue target) {
        Shape s = v instanceof Tensor t ? t.shape() : ((HostValue) v).shape();
        long[] d = target.longs();
        boolean allowZero = n.intAttr("allowzero", 0) != 0;
        int infer = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == 0 && !allowZero) {
                d[i] = s.dim(i);
            }
            if (d[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape target " + target + " has two -1 entries");
                }
                infer = i;
            } else {
                known *= d[i];
            }
        }
        if (infer >= 0) {
            d[infer] = known == 0 ? 0 : s.elementCount() / known;
        }
        Shape out = Shape.of(d);
        return v instanceof HostValue h ? h.withShape(out) : Ops.reshape((Tensor) v, out);
    }

    private static Tensor transpose(GraphNode n, Tensor x) {
        int[] perm = ints(n.intsAttr("perm"));
        if (n.intsAttr("perm") == null) {
            perm = new int[x.shape().rank()];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = perm.length - 1 - i;
            }
        }
        return Ops.transpose(x, perm);
    }

    private Object concat(GraphNode n, Object[] in) {
        int axis = (int) n.intAttr("axis", 0);
        boolean allHost = Arrays.stream(in).allMatch(v -> v instanceof HostValue);
        if (allHost && Arrays.stream(in).allMatch(v -> ((HostValue) v).shape().rank() == 1)) {
            HostValue first = (HostValue) in[0];
            List<Double> d = new ArrayList<>();
            List<Long> l = new ArrayList<>();
            for (Object v : in) {
                HostValue h = (HostValue) v;
                for (int i = 0; i < h.elementCount(); i++) {
                    l.add(h.longAt(i));
                    d.add(h.doubleAt(i));
                }
            }
            Shape s = Shape.of(l.size());
            return first.isInt() ? HostValue.ofLongs(s, l.stream().mapToLong(Long::longValue).toArray())
                    : HostValue.ofDoubles(first.dtype(), s, d.stream().mapToDouble(Double::doubleValue).toArray());
        }
        DType t = Arrays.stream(in).filter(v -> v instanceof Tensor).map(v -> ((Tensor) v).dtype()).findFirst().orElse(null);
        Tensor[] xs = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            xs[i] = dev(in[i], t);
        }
        return Ops.concat(axis, xs);
    }

    private Object slice(GraphNode n, Object[] in) {
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (opset < 10) {
            starts = n.intsAttr("starts");
            ends = n.intsAttr("ends");
            axes = n.intsAttr("axes");
        } else {
            starts = host(n, in, 1).longs();
            ends = host(n, in, 2).longs();
            axes = n.hasInput(3) ? host(n, in, 3).longs() : null;
            steps = n.hasInput(4) ? host(n, in, 4).longs() : null;
        }
        if (axes == null) {
            axes = new long[starts.length];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        // ONNX uses huge values for "to the end"; clamp before narrowing.
        for (int i = 0; i < ends.length; i++) {
            ends[i] = Math.clamp(ends[i], Integer.MIN_VALUE, Integer.MAX_VALUE);
            starts[i] = Math.clamp(starts[i], Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (in[0] instanceof HostValue h && h.shape().rank() == 1) {
            try (var _ = dev.genbench.engine.TensorScope.open()) {
                // Slicing a shape vector: run the same kernel on a temporary and read it back.
                Tensor t = Ops.slice(h.toTensor(backend, h.isInt() ? DType.INT64 : DType.FP64), starts, ends, ints(axes), steps);
                return h.isInt() ? HostValue.ofLongs(t.shape(), t.toLongs()) : HostValue.ofDoubles(h.dtype(), t.shape(), t.toDoubles());
            }
        }
        return Ops.slice(dev(in[0], null), starts, ends, ints(axes), steps);
    }

    private Object gather(GraphNode n, Object data, Object indices) {
        int axis = (int) n.intAttr("axis", 0);
        if (data instanceof HostValue h && indices instanceof HostValue idx && h.shape().rank() == 1) {
            long[] out = new long[Math.toIntExact(idx.elementCount())];
            double[] outD = new double[out.length];
            for (int i = 0; i < out.length; i++) {
                long k = idx.longAt(i);
                int j = Math.toIntExact(k < 0 ? k + h.elementCount() : k);
                out[i] = h.longAt(j);
                outD[i] = h.doubleAt(j);
            }
            return h.isInt() ? HostValue.ofLongs(idx.shape(), out) : HostValue.ofDoubles(h.dtype(), idx.shape(), outD);
        }
        Tensor x = dev(data, null);
        Tensor idx = indices instanceof HostValue hv ? hv.cast(DType.INT64).toTensor(backend, DType.INT64) : (Tensor) indices;
        return Ops.gather(x, idx, axis);
    }

    private long[] axesOf(GraphNode n, Object[] in) {
        long[] axes = n.intsAttr("axes");
        if (axes == null && n.hasInput(1)) {
            axes = host(n, in, 1).longs();
        }
        return axes;
    }

    private Object unsqueeze(GraphNode n, Object[] in) {
        long[] axes = axesOf(n, in);
        Shape s = in[0] instanceof Tensor t ? t.shape() : ((HostValue) in[0]).shape();
        int rank = s.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            inserted[(int) (a < 0 ? a + rank : a)] = true;
        }
        int[] d = new int[rank];
        int src = 0;
        for (int i = 0; i < rank; i++) {
            d[i] = inserted[i] ? 1 : s.dim(src++);
        }
        return in[0] instanceof HostValue h ? h.withShape(Shape.of(d)) : Ops.reshape((Tensor) in[0], Shape.of(d));
    }

    private Object squeeze(GraphNode n, Object[] in) {
        long[] axes = axesOf(n, in);
        Shape s = in[0] instanceof Tensor t ? t.shape() : ((HostValue) in[0]).shape();
        boolean[] drop = new boolean[s.rank()];
        if (axes == null) {
            for (int i = 0; i < s.rank(); i++) {
                drop[i] = s.dim(i) == 1;
            }
        } else {
            for (long a : axes) {
                int ax = s.normaliseAxis((int) a);
                if (s.dim(ax) != 1) {
                    throw new IllegalArgumentException("cannot squeeze axis " + a + " of " + s);
                }
                drop[ax] = true;
            }
        }
        List<Integer> d = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            if (!drop[i]) {
                d.add(s.dim(i));
            }
        }
        Shape out = Shape.of(d.stream().mapToInt(Integer::intValue).toArray());
        return in[0] instanceof HostValue h ? h.withShape(out) : Ops.reshape((Tensor) in[0], out);
    }

    /** Closes the parameters and buffers (and their gradients). */
    @Override
    public void close() {
        parameters.values().forEach(Tensor::close);
        buffers.values().forEach(Tensor::close);
    }
}
