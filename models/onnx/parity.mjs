#!/usr/bin/env node
// Reference outputs of a TF.js model, for checking its ONNX conversion (tfjs2onnx.mjs) against the original.
//
// Usage:
//   node parity.mjs --model DIR --out FILE.json --modules NODE_MODULES_DIR --height H --width W
//                   [--unit-range] [--early L1,L2,...]
//
// Needs @tensorflow/tfjs@4.22.0 (pure JavaScript CPU backend; install with --ignore-scripts) in --modules.
// Feeds the model a deterministic pseudo-random image (0-255 values, or 0-1 with --unit-range, which is how
// the RRDN generators and the nsfwjs backbones take their input) and writes the input, the model's first
// output and, with --early, the spatial mean and mean of squares of the named layers, as JSON. The Java test
// ConverterParityTest runs the converted ONNX file on the same input and compares.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = { early: [] };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i];
  if (key === '--unit-range') { args.unitRange = true; i--; continue; }
  const value = process.argv[i + 1];
  if (key === '--model') args.model = value;
  else if (key === '--out') args.out = value;
  else if (key === '--modules') args.modules = value;
  else if (key === '--height') args.height = Number(value);
  else if (key === '--width') args.width = Number(value);
  else if (key === '--early') args.early = value.split(',').filter(Boolean);
  else { process.stderr.write(`parity: unknown option ${key}\n`); process.exit(2); }
}
const require = createRequire(path.join(path.resolve(args.modules), 'noop.js'));
const tf = require('@tensorflow/tfjs');

// upscalerjs's custom RRDN layers, re-declared from their documented behaviour.
class MultiplyBeta extends tf.layers.Layer {
  constructor(config) { super(config); this.beta = config.beta ?? 0.2; }
  call(inputs) { return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.beta)); }
  getConfig() { return { ...super.getConfig(), beta: this.beta }; }
  static get className() { return 'MultiplyBeta'; }
}
tf.serialization.registerClass(MultiplyBeta);
for (const s of [2, 3, 4, 8]) {
  const cls = class extends tf.layers.Layer {
    computeOutputShape(shape) { return [shape[0], shape[1] && shape[1] * s, shape[2] && shape[2] * s, shape[3] / (s * s)]; }
    call(inputs) { return tf.tidy(() => tf.depthToSpace(Array.isArray(inputs) ? inputs[0] : inputs, s, 'NHWC')); }
    static get className() { return `PixelShuffle${s}x`; }
  };
  tf.serialization.registerClass(cls);
}

function artifacts(dir) {
  const json = path.join(dir, 'model.json');
  if (fs.existsSync(json)) {
    const m = JSON.parse(fs.readFileSync(json, 'utf8'));
    const bytes = Buffer.concat(m.weightsManifest.flatMap((g) => g.paths).map((p) => fs.readFileSync(path.join(dir, p))));
    return { m, bytes };
  }
  const m = require(path.resolve(dir, 'model.min.js'));
  const n = (f) => Number(/shard(\d+)of/.exec(f)[1]);
  const shards = fs.readdirSync(dir).filter((f) => /^group1-shard\d+of\d+\.min\.js$/.test(f)).sort((a, b) => n(a) - n(b));
  const bytes = Buffer.concat(shards.map((f) => Buffer.from(require(path.resolve(dir, f)), 'base64')));
  return { m, bytes };
}

const { m, bytes } = artifacts(args.model);
const handler = tf.io.fromMemory({
  modelTopology: m.modelTopology,
  weightSpecs: m.weightsManifest.flatMap((g) => g.weights),
  weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  format: m.format,
});
const graph = m.format === 'graph-model';
const model = graph ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);

// Deterministic input: a 32-bit LCG, the same formula the Java side can reproduce if it wants to.
const count = args.height * args.width * 3;
const input = new Float32Array(count);
let state = 12345;
for (let i = 0; i < count; i++) {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  input[i] = Math.round((state / 4294967296) * 255);
}
const scale = args.unitRange ? 1 / 255 : 1;
const x = tf.tensor4d(input, [1, args.height, args.width, 3]).mul(scale);
const y = model.predict(x);
const first = Array.isArray(y) ? y[0] : y;
// Image outputs come back on the input's scale; the ONNX generators always speak 0-255.
const output = Array.from(first.dataSync()).map((v) => (first.rank === 4 ? v / scale : v));
const result = { model: args.model, height: args.height, width: args.width, unitRange: !!args.unitRange, input: Array.from(input), output };
if (args.early.length > 0) {
  const sub = tf.model({ inputs: model.inputs, outputs: args.early.map((l) => model.getLayer(l).output) });
  const acts = sub.predict(x);
  const early = [];
  for (const a of (Array.isArray(acts) ? acts : [acts])) {
    early.push(...a.mean([1, 2]).dataSync(), ...a.square().mean([1, 2]).dataSync());
  }
  result.early = early;
}
fs.writeFileSync(args.out, JSON.stringify(result));
process.stdout.write(`parity: wrote ${args.out} (${output.length} outputs)\n`);
