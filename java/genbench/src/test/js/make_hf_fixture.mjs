// Writes small datasets in the exact on-disk layout of Hugging Face `save_to_disk`
// (dataset_dict.json; per split dataset_info.json, state.json and data-0000N-of-0000M.arrow
// shards in Arrow IPC *stream* format), using the JavaScript Arrow implementation, so the
// Java reader is tested against a writer that shares no code with it.
//
// Needs node, the npm package apache-arrow (21.x) installed anywhere, and cjpeg
// (Debian libjpeg-turbo-progs) for the JPEG images. From the repository root:
//
//   APACHE_ARROW_MODULE=<node_modules>/apache-arrow/Arrow.node.mjs \
//     node java/genbench/src/test/js/make_hf_fixture.mjs java/genbench/src/test/resources/dev/genbench/data
//
// The output folders are committed; the tests do not run this script.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const arrow = await import(process.env.APACHE_ARROW_MODULE || 'apache-arrow');
const out = process.argv[2];
if (!out) {
  console.error('usage: node make_hf_fixture.mjs <output folder>');
  process.exit(2);
}

// ---- tiny real images -------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function rgbPixels(width, height, seed) {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      px[i] = (x * 16 + seed * 37) & 0xff;
      px[i + 1] = (y * 16 + seed * 71) & 0xff;
      px[i + 2] = (seed * 29 + x * y) & 0xff;
    }
  }
  return px;
}
function png(width, height, seed) {
  const px = rgbPixels(width, height, seed);
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    px.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
function jpeg(width, height, seed) {
  const ppm = Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`, 'ascii'), rgbPixels(width, height, seed)]);
  return execFileSync('cjpeg', ['-quality', '85'], { input: ppm });
}

// ---- rows -----------------------------------------------------------------------
// Fake rows first, then real rows, as the real dataset stores each split (SPEC 1.1).
function rows(split, blocks, realCount) {
  const list = [];
  let n = 0;
  const add = (generator) => {
    const width = 8 + (n % 3) * 8;
    const height = 8 + (n % 2) * 4;
    const isPng = n % 2 === 1;
    const origin = generator === '' ? 'COCO2017_train' : 'Synthetic';
    list.push({
      image: {
        bytes: isPng ? png(width, height, n) : jpeg(width, height, n),
        path: n % 5 === 4 ? null : `${split}_${n}.${isPng ? 'png' : 'jpg'}`,
      },
      height,
      width,
      label: generator === '' ? 0n : 1n,
      generator,
      file_id: generator === '' ? `COCO2017_train/${split}${1000 + n}` : `Synthetic/${generator}/${split}${n}`,
      description: generator === '' ? 'a photo' : '',
      positive_prompt: generator === '' ? '' : `prompt ${n}`,
      negative_prompt: '',
      conditioning: generator === '' ? '' : 'noise',
      origin_dataset: origin,
      paired_real_images: generator === '' || n % 3 ? [] : [`COCO2017_train/${split}${1000 + n}`],
    });
    n++;
  };
  for (const [generator, count] of blocks) for (let i = 0; i < count; i++) add(generator);
  for (let i = 0; i < realCount; i++) add('');
  return list;
}

// ---- schema ---------------------------------------------------------------------
const F = (name, type) => new arrow.Field(name, type, true);
function imageType(large) {
  return large
    ? new arrow.Struct([F('bytes', new arrow.LargeBinary()), F('path', new arrow.LargeUtf8())])
    : new arrow.Struct([F('bytes', new arrow.Binary()), F('path', new arrow.Utf8())]);
}
function features(large, columns) {
  const all = {
    image: { _type: large ? 'LargeImage' : 'Image' },
    height: { dtype: 'uint32', _type: 'Value' },
    width: { dtype: 'uint32', _type: 'Value' },
    label: { names: ['real', 'fake'], _type: 'ClassLabel' },
    generator: { dtype: 'large_string', _type: 'Value' },
    file_id: { dtype: 'large_string', _type: 'Value' },
    description: { dtype: 'large_string', _type: 'Value' },
    positive_prompt: { dtype: 'large_string', _type: 'Value' },
    negative_prompt: { dtype: 'large_string', _type: 'Value' },
    conditioning: { dtype: 'large_string', _type: 'Value' },
    origin_dataset: { dtype: 'large_string', _type: 'Value' },
    paired_real_images: { feature: { dtype: 'large_string', _type: 'Value' }, _type: 'LargeList' },
  };
  return Object.fromEntries(columns.map((c) => [c, all[c]]));
}
const ALL_COLUMNS = ['image', 'height', 'width', 'label', 'generator', 'file_id', 'description',
  'positive_prompt', 'negative_prompt', 'conditioning', 'origin_dataset', 'paired_real_images'];
function columnType(name, large) {
  switch (name) {
    case 'image': return imageType(large);
    case 'height': case 'width': return new arrow.Uint32();
    case 'label': return new arrow.Int64();
    case 'paired_real_images': return new arrow.LargeList(F('item', new arrow.LargeUtf8()));
    default: return new arrow.LargeUtf8();
  }
}

function writeSplit(dir, split, list, { large, shards, batchRows, columns = ALL_COLUMNS }) {
  const splitDir = join(dir, split);
  mkdirSync(splitDir, { recursive: true });
  const feats = features(large, columns);
  const meta = new Map([['huggingface', JSON.stringify({ info: { features: feats } })]]);
  const schema = new arrow.Schema(columns.map((c) => F(c, columnType(c, large))), meta);
  const files = [];
  const perShard = Math.ceil(list.length / shards);
  for (let s = 0; s < shards; s++) {
    const shardRows = list.slice(s * perShard, (s + 1) * perShard);
    const batches = [];
    for (let b = 0; b < shardRows.length; b += batchRows) {
      const chunk = shardRows.slice(b, b + batchRows);
      const children = schema.fields.map((f) =>
        arrow.vectorFromArray(chunk.map((r) => r[f.name]), f.type).data[0]);
      const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: chunk.length, nullCount: 0, children });
      batches.push(new arrow.RecordBatch(schema, data));
    }
    const name = `data-${String(s).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.arrow`;
    const writer = new arrow.RecordBatchStreamWriter();
    writer.reset(undefined, schema);
    for (const batch of batches) writer.write(batch);
    writeFileSync(join(splitDir, name), writer.toUint8Array(true));
    files.push({ filename: name });
  }
  writeFileSync(join(splitDir, 'dataset_info.json'), JSON.stringify({
    citation: '', description: '', features: feats, homepage: '', license: '',
  }, null, 2) + '\n');
  writeFileSync(join(splitDir, 'state.json'), JSON.stringify({
    _data_files: files,
    _fingerprint: `fixture-${split}`,
    _format_columns: null,
    _format_kwargs: {},
    _format_type: null,
    _output_all_columns: false,
    _split: null,
  }, null, 2) + '\n');
}

function dataset(name, splits, catalogue) {
  const dir = join(out, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'dataset_dict.json'), JSON.stringify({ splits: Object.keys(splits) }) + '\n');
  for (const [split, [list, options]] of Object.entries(splits)) writeSplit(dir, split, list, options);
  if (catalogue) writeFileSync(join(dir, 'generators.csv'), catalogue);
  return dir;
}

const CATALOGUE = 'name,release_date\nGenA,2020-01-01\nGenB,2020-06-01\nGenC,2021-01-01\nGenD,2021-06-01\n';
const GENS = (n) => [['GenA', n], ['GenB', n], ['GenC', n], ['GenD', n]];

// Several shards and several record batches per shard; train with 32-bit offsets (Image),
// validation with 64-bit offsets (LargeImage); a generator outside the catalogue (Wukong).
dataset('hf-small', {
  train: [rows('train', [...GENS(3), ['Wukong', 2]], 14), { large: false, shards: 3, batchRows: 4 }],
  validation: [rows('validation', [...GENS(2), ['Wukong', 1]], 8), { large: true, shards: 2, batchRows: 5 }],
}, CATALOGUE);

// No validation split (the loader falls back to train).
dataset('hf-train-only', {
  train: [rows('train', GENS(1), 4), { large: true, shards: 1, batchRows: 3 }],
}, CATALOGUE);

// A shard without the label column.
dataset('hf-missing-label', {
  train: [rows('train', GENS(1), 4), { large: false, shards: 1, batchRows: 8,
    columns: ALL_COLUMNS.filter((c) => c !== 'label') }],
}, CATALOGUE);

console.log('wrote hf-small, hf-train-only, hf-missing-label under', out);
