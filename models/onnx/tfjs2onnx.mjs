#!/usr/bin/env node
// TF.js → ONNX converter for the models genbench can obtain offline: the upscalerjs ESRGAN
// generators (Keras layers models: RDN and RRDN) and the nsfwjs backbones (Keras layers models
// MobileNetV2 1.0 and InceptionV3, and the TF-Hub graph model MobileNetV2 1.4).
//
// Usage:
//   node tfjs2onnx.mjs --model DIR --out FILE.onnx [--modules NODE_MODULES_DIR]
//                      [--input-scale S] [--early LAYER,LAYER,...]
//
// DIR holds either model.json plus .bin shards (upscalerjs) or model.min.js plus
// group1-shard*.min.js (nsfwjs, weights as base64 strings in UMD bundles).
// --modules     folder whose node_modules holds onnx-proto@8.0.1 (default: resolve normally).
// --input-scale multiply the input by S before the network. The ESRGAN RRDN models (esrgan-thick,
//               esrgan-legacy/gans) expect 0-1 input; genbench feeds every generator 0-255, so they are
//               converted with --input-scale 0.00392156862745098 and their output is scaled back by 255.
//               This keeps the range contract in the ONNX file instead of in every caller.
// --early       also output "early": per layer, the spatial mean and mean of squares of its activation,
//               concatenated (the frozen early-block readout of the mini benchmark's probe).
//
// Graph conventions: the ONNX input is "input", NHWC float32, because every source model is NHWC;
// the graph transposes once to NCHW and works in NCHW. Image-to-image models output "output" (NHWC);
// classifiers output "features" (the penultimate vector) and "probs".
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

function parseArgs(argv) {
  const args = { inputScale: 1, early: [] };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (value === undefined) fail(`option ${key} needs a value`);
    switch (key) {
      case '--model': args.model = value; break;
      case '--out': args.out = value; break;
      case '--modules': args.modules = value; break;
      case '--input-scale': args.inputScale = Number(value); break;
      case '--early': args.early = value.split(',').filter(Boolean); break;
      default: fail(`unknown option ${key}`);
    }
    i++;
  }
  if (!args.model || !args.out) fail('usage: node tfjs2onnx.mjs --model DIR --out FILE.onnx [--modules DIR] [--input-scale S] [--early L1,L2]');
  return args;
}

function fail(message) {
  process.stderr.write(`tfjs2onnx: ${message}\n`);
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2));
const require = createRequire(args.modules ? path.join(path.resolve(args.modules), 'noop.js') : import.meta.url);
const { onnx } = require('onnx-proto');

// ---------------------------------------------------------------- model files
function loadModel(dir) {
  const json = path.join(dir, 'model.json');
  if (fs.existsSync(json)) {
    const model = JSON.parse(fs.readFileSync(json, 'utf8'));
    const files = model.weightsManifest.flatMap((g) => g.paths);
    return { model, weightBytes: Buffer.concat(files.map((f) => fs.readFileSync(path.join(dir, f)))) };
  }
  const bundle = path.join(dir, 'model.min.js');
  if (!fs.existsSync(bundle)) fail(`${dir} holds neither model.json nor model.min.js`);
  // nsfwjs ships the topology and the base64 weight shards as UMD modules; require() evaluates them.
  const model = require(path.resolve(bundle));
  const shardNumber = (f) => Number(/shard(\d+)of/.exec(f)[1]);
  const shards = fs.readdirSync(dir).filter((f) => /^group1-shard\d+of\d+\.min\.js$/.test(f))
    .sort((a, b) => shardNumber(a) - shardNumber(b));
  const weightBytes = Buffer.concat(shards.map((f) => Buffer.from(require(path.resolve(dir, f)), 'base64')));
  return { model, weightBytes };
}

// Weights are stored back to back in manifest order, as float32 or uint8-quantised (w = min + scale·q).
function decodeWeights(manifest, bytes) {
  const weights = new Map();
  let offset = 0;
  for (const group of manifest) {
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(count);
      const q = spec.quantization;
      if (q && q.dtype === 'uint8') {
        for (let i = 0; i < count; i++) values[i] = q.min + q.scale * bytes[offset + i];
        offset += count;
      } else if (!q && (spec.dtype === 'float32' || spec.dtype === undefined)) {
        for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(offset + 4 * i);
        offset += 4 * count;
      } else {
        fail(`weight ${spec.name} has an encoding this converter does not know: ${JSON.stringify(q || spec.dtype)}`);
      }
      weights.set(spec.name, { shape: spec.shape, values });
    }
  }
  if (offset !== bytes.length) fail(`weights use ${offset} bytes but the shards hold ${bytes.length}`);
  return weights;
}

// ---------------------------------------------------------------- ONNX graph builder
class GraphBuilder {
  constructor() {
    this.nodes = [];
    this.initializers = [];
    this.counter = 0;
  }

  fresh(hint) {
    return `${hint.replace(/[^A-Za-z0-9_.-]/g, '_')}_${this.counter++}`;
  }

  constant(hint, dims, values) {
    const name = this.fresh(hint);
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    this.initializers.push(onnx.TensorProto.create({
      name, dims, dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    }));
    return name;
  }

  constantInt64(hint, values) {
    const name = this.fresh(hint);
    const raw = Buffer.alloc(8 * values.length);
    values.forEach((v, i) => raw.writeBigInt64LE(BigInt(v), 8 * i));
    this.initializers.push(onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: raw }));
    return name;
  }

  // attrs: {name: value}; numbers listed in floatAttrs are FLOAT, other integers INT, arrays INTS, strings STRING.
  op(type, inputs, attrs = {}, output = undefined) {
    const out = output || this.fresh(type);
    const attribute = Object.entries(attrs).map(([name, v]) => {
      const A = onnx.AttributeProto;
      if (Array.isArray(v)) return A.create({ name, type: A.AttributeType.INTS, ints: v });
      if (typeof v === 'string') return A.create({ name, type: A.AttributeType.STRING, s: Buffer.from(v) });
      if (FLOAT_ATTRIBUTES.has(name)) return A.create({ name, type: A.AttributeType.FLOAT, f: v });
      return A.create({ name, type: A.AttributeType.INT, i: v });
    });
    this.nodes.push(onnx.NodeProto.create({ opType: type, input: inputs, output: [out], name: out, attribute }));
    return out;
  }
}
const FLOAT_ATTRIBUTES = new Set(['epsilon', 'alpha', 'beta']);

// Keras kernel HWIO → ONNX OIHW.
function convKernel(w) {
  const [kh, kw, ci, co] = w.shape;
  const out = new Float32Array(w.values.length);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) {
    out[((o * ci + i) * kh + y) * kw + x] = w.values[((y * kw + x) * ci + i) * co + o];
  }
  return { dims: [co, ci, kh, kw], values: out };
}

// Keras depthwise kernel H W C M → ONNX grouped conv (C·M) 1 H W.
function depthwiseKernel(w) {
  const [kh, kw, c, m] = w.shape;
  const out = new Float32Array(w.values.length);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < c; i++) for (let j = 0; j < m; j++) {
    out[((i * m + j) * kh + y) * kw + x] = w.values[((y * kw + x) * c + i) * m + j];
  }
  return { dims: [c * m, 1, kh, kw], values: out };
}

function need(weights, name) {
  const w = weights.get(name);
  if (!w) fail(`weight ${name} is missing from the weight manifest`);
  return w;
}

// ---------------------------------------------------------------- Keras layers models
function convertLayersModel(g, topology, weights, opts) {
  const config = topology.model_config.config;
  const tensors = new Map(); // Keras layer name → ONNX value name
  const samePadding = (p) => (p === 'same' ? { auto_pad: 'SAME_UPPER' } : {});
  const relu6 = (x) => g.op('Clip', [x, g.constant('zero', [], [0]), g.constant('six', [], [6])]);
  const activation = (x, name) => {
    switch (name) {
      case undefined: case 'linear': return x;
      case 'relu': return g.op('Relu', [x]);
      case 'softmax': return g.op('Softmax', [x], { axis: -1 });
      default: return fail(`activation ${name} is not supported`);
    }
  };
  let side = null;
  for (const layer of config.layers) {
    const c = layer.config;
    const inputs = (layer.inbound_nodes[0] || []).map((ref) => tensors.get(ref[0]));
    let y;
    switch (layer.class_name) {
      case 'InputLayer': {
        side = c.batch_input_shape[1];
        let x = 'input';
        if (opts.inputScale !== 1) x = g.op('Mul', [x, g.constant('input_scale', [], [opts.inputScale])]);
        y = g.op('Transpose', [x], { perm: [0, 3, 1, 2] });
        break;
      }
      case 'Conv2D': case 'DepthwiseConv2D': {
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        const raw = need(weights, `${c.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
        const k = depthwise ? depthwiseKernel(raw) : convKernel(raw);
        const attrs = { kernel_shape: c.kernel_size, strides: c.strides, dilations: c.dilation_rate, ...samePadding(c.padding) };
        if (depthwise) attrs.group = raw.shape[2];
        const ins = [inputs[0], g.constant(`${c.name}_w`, k.dims, k.values)];
        if (c.use_bias) {
          const b = need(weights, `${c.name}/bias`);
          ins.push(g.constant(`${c.name}_b`, b.shape, b.values));
        }
        y = activation(g.op('Conv', ins, attrs), c.activation);
        break;
      }
      case 'BatchNormalization': {
        const mean = need(weights, `${c.name}/moving_mean`);
        const n = mean.shape[0];
        const gamma = c.scale ? need(weights, `${c.name}/gamma`).values : new Float32Array(n).fill(1);
        const beta = c.center ? need(weights, `${c.name}/beta`).values : new Float32Array(n);
        y = g.op('BatchNormalization', [inputs[0], g.constant('gamma', [n], gamma), g.constant('beta', [n], beta),
          g.constant('mean', [n], mean.values), g.constant('var', [n], need(weights, `${c.name}/moving_variance`).values)],
        { epsilon: c.epsilon });
        break;
      }
      case 'ReLU': y = c.max_value === 6 ? relu6(inputs[0]) : g.op('Relu', [inputs[0]]); break;
      case 'Activation': y = activation(inputs[0], c.activation); break;
      case 'Add': y = inputs.slice(1).reduce((acc, x) => g.op('Add', [acc, x]), inputs[0]); break;
      case 'Concatenate':
        if (c.axis !== -1 && c.axis !== 3) fail(`Concatenate ${c.name} on axis ${c.axis}: only the channel axis is supported`);
        y = g.op('Concat', inputs, { axis: 1 });
        break;
      case 'ZeroPadding2D': {
        const [[top, bottom], [left, right]] = c.padding;
        y = g.op('Pad', [inputs[0], g.constantInt64('pads', [0, 0, top, left, 0, 0, bottom, right])]);
        break;
      }
      case 'UpSampling2D':
        if (c.interpolation && c.interpolation !== 'nearest') fail(`UpSampling2D ${c.name} uses ${c.interpolation}; only nearest is supported`);
        y = g.op('Resize', [inputs[0], '', g.constant('scales', [4], [1, 1, c.size[0], c.size[1]])],
          { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
        break;
      case 'MaxPooling2D':
        y = g.op('MaxPool', [inputs[0]], { kernel_shape: c.pool_size, strides: c.strides, ...samePadding(c.padding) });
        break;
      case 'AveragePooling2D':
        // Keras averages over the valid pixels only at borders: count_include_pad 0.
        y = g.op('AveragePool', [inputs[0]], { kernel_shape: c.pool_size, strides: c.strides, count_include_pad: 0, ...samePadding(c.padding) });
        break;
      case 'GlobalAveragePooling2D': y = g.op('Flatten', [g.op('GlobalAveragePool', [inputs[0]])]); break;
      case 'Flatten':
        // Keras flattens NHWC; go back to that order so a following Dense sees its weights' layout.
        y = g.op('Flatten', [g.op('Transpose', [inputs[0]], { perm: [0, 2, 3, 1] })], {}, 'features');
        break;
      case 'Dense': {
        const k = need(weights, `${c.name}/kernel`);
        const ins = [inputs[0], g.constant(`${c.name}_w`, k.shape, k.values)];
        if (c.use_bias) {
          const b = need(weights, `${c.name}/bias`);
          ins.push(g.constant(`${c.name}_b`, b.shape, b.values));
        }
        y = activation(g.op('Gemm', ins), c.activation);
        break;
      }
      case 'Dropout': y = inputs[0]; break;
      // upscalerjs RRDN custom layers: residual scaling by beta, and sub-pixel convolution.
      case 'MultiplyBeta': y = g.op('Mul', [inputs[0], g.constant('beta', [], [c.beta ?? 0.2])]); break;
      default: {
        const shuffle = /^PixelShuffle(\d+)x$/.exec(layer.class_name);
        if (!shuffle) fail(`layer type ${layer.class_name} (${c.name}) is not supported`);
        // TF's depth_to_space on NHWC orders channels as (block row, block col, channel): ONNX mode DCR.
        y = g.op('DepthToSpace', [inputs[0]], { blocksize: Number(shuffle[1]), mode: 'DCR' });
      }
    }
    tensors.set(c.name, y);
  }
  const last = tensors.get(config.output_layers[0][0]);
  const outputs = [];
  if (tensors.has('features') || g.nodes.some((n) => n.output[0] === 'features')) {
    g.op('Identity', [last], {}, 'probs');
    outputs.push(['features', ['N', 'F']], ['probs', ['N', 'K']]);
  } else {
    let out = last;
    if (opts.inputScale !== 1) out = g.op('Mul', [out, g.constant('output_scale', [], [1 / opts.inputScale])]);
    g.op('Transpose', [out], { perm: [0, 2, 3, 1] }, 'output');
    outputs.push(['output', ['N', 'H_out', 'W_out', 3]]);
  }
  if (opts.early.length > 0) {
    const parts = [];
    for (const name of opts.early) {
      const x = tensors.get(name);
      if (!x) fail(`--early layer ${name} is not in the model`);
      parts.push(g.op('Flatten', [g.op('GlobalAveragePool', [x])]));
      parts.push(g.op('Flatten', [g.op('GlobalAveragePool', [g.op('Mul', [x, x])])]));
    }
    g.op('Concat', parts, { axis: 1 }, 'early');
    outputs.push(['early', ['N', 'E']]);
  }
  const inputShape = side ? ['N', side, side, 3] : ['N', 'H', 'W', 3];
  return { inputShape, outputs };
}

// ---------------------------------------------------------------- TF graph models (nsfwjs MobileNetV2 1.4)
function convertGraphModel(g, topology, weights, opts) {
  const nodes = topology.node;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const tensors = new Map();
  const text = (b64) => Buffer.from(b64, 'base64').toString();
  const scalar = (name) => {
    if (weights.has(name)) return weights.get(name);
    const t = byName.get(name)?.attr?.value?.tensor;
    if (t?.floatVal) return { shape: [], values: Float32Array.from(t.floatVal) };
    return fail(`constant ${name} has no value`);
  };
  let side = null;
  let features = null;
  let probs = null;
  for (const n of nodes) {
    const ins = (n.input || []).map((s) => s.split(':')[0]);
    const a = n.attr || {};
    switch (n.op) {
      case 'Placeholder': {
        side = Number(a.shape.shape.dim[1].size);
        let x = 'input';
        if (opts.inputScale !== 1) x = g.op('Mul', [x, g.constant('input_scale', [], [opts.inputScale])]);
        tensors.set(n.name, g.op('Transpose', [x], { perm: [0, 3, 1, 2] }));
        break;
      }
      case 'Const': case 'Identity': break;
      case 'Mul': case 'Sub': {
        const constName = ins.find((i) => byName.get(i)?.op === 'Const');
        const other = ins.find((i) => i !== constName);
        const k = scalar(constName);
        const kName = g.constant('k', k.shape.length === 0 ? [] : k.shape, k.values);
        tensors.set(n.name, g.op(n.op, ins[0] === constName ? [kName, tensors.get(other)] : [tensors.get(other), kName]));
        break;
      }
      case '_FusedConv2D': case 'FusedDepthwiseConv2dNative': {
        const depthwise = n.op !== '_FusedConv2D';
        const raw = need(weights, ins[1]);
        const k = depthwise ? depthwiseKernel(raw) : convKernel(raw);
        const bias = need(weights, ins[2]);
        const attrs = {
          kernel_shape: k.dims.slice(2),
          strides: a.strides.list.i.map(Number).slice(1, 3),
          dilations: a.dilations ? a.dilations.list.i.map(Number).slice(1, 3) : [1, 1],
        };
        if (text(a.padding.s) === 'SAME') attrs.auto_pad = 'SAME_UPPER';
        if (depthwise) attrs.group = raw.shape[2];
        let y = g.op('Conv', [tensors.get(ins[0]), g.constant('w', k.dims, k.values), g.constant('b', bias.shape, bias.values)], attrs);
        const fused = a.fused_ops.list.s.map(text);
        if (fused.includes('Relu6')) y = g.op('Clip', [y, g.constant('zero', [], [0]), g.constant('six', [], [6])]);
        else if (fused.includes('Relu')) y = g.op('Relu', [y]);
        tensors.set(n.name, y);
        break;
      }
      case 'AddV2': case 'Add': tensors.set(n.name, g.op('Add', [tensors.get(ins[0]), tensors.get(ins[1])])); break;
      case 'AvgPool': tensors.set(n.name, g.op('GlobalAveragePool', [tensors.get(ins[0])])); break;
      case 'Squeeze': features = g.op('Flatten', [tensors.get(ins[0])], {}, 'features'); tensors.set(n.name, features); break;
      case '_FusedMatMul': {
        const w = need(weights, ins[1]);
        const b = need(weights, ins[2]);
        tensors.set(n.name, g.op('Gemm', [tensors.get(ins[0]), g.constant('w', w.shape, w.values), g.constant('b', b.shape, b.values)]));
        break;
      }
      case 'Softmax': probs = g.op('Softmax', [tensors.get(ins[0])], { axis: -1 }, 'probs'); tensors.set(n.name, probs); break;
      default: fail(`graph op ${n.op} (${n.name}) is not supported`);
    }
  }
  if (!features || !probs) fail('the graph model has no Squeeze feature vector or no Softmax');
  if (opts.early.length > 0) fail('--early is only supported for Keras layers models');
  return { inputShape: ['N', side, side, 3], outputs: [['features', ['N', 'F']], ['probs', ['N', 'K']]] };
}

// ---------------------------------------------------------------- main
const { model, weightBytes } = loadModel(args.model);
const weights = decodeWeights(model.weightsManifest, weightBytes);
const g = new GraphBuilder();
const graphModel = model.format === 'graph-model';
const io = graphModel
  ? convertGraphModel(g, model.modelTopology, weights, args)
  : convertLayersModel(g, model.modelTopology, weights, args);

const valueInfo = (name, shape) => onnx.ValueInfoProto.create({
  name,
  type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});
const graph = onnx.GraphProto.create({
  name: path.basename(path.resolve(args.model)),
  node: g.nodes,
  initializer: g.initializers,
  input: [valueInfo('input', io.inputShape)],
  output: io.outputs.map(([name, shape]) => valueInfo(name, shape)),
});
const onnxModel = onnx.ModelProto.create({
  irVersion: 7,
  producerName: 'genbench-tfjs2onnx',
  opsetImport: [{ domain: '', version: 13 }],
  graph,
  metadataProps: [
    { key: 'source_format', value: graphModel ? 'tfjs graph-model' : 'tfjs layers-model' },
    { key: 'input_scale', value: String(args.inputScale) },
  ],
});
fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
const tmp = `${args.out}.tmp`;
fs.writeFileSync(tmp, onnx.ModelProto.encode(onnxModel).finish());
fs.renameSync(tmp, args.out);
process.stdout.write(`tfjs2onnx: wrote ${args.out} (${g.nodes.length} nodes, ${g.initializers.length} initializers)\n`);
