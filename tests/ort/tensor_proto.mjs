// Minimal ONNX TensorProto reading and writing: only the fields the ONNX test data uses
// (dims, data_type, name, raw_data and the typed data fields), so no protobuf library is needed.

// ONNX TensorProto.DataType codes and the ORT tensor type / typed array of each.
export const TYPES = {
  1: { ort: 'float32', array: Float32Array },
  2: { ort: 'uint8', array: Uint8Array },
  3: { ort: 'int8', array: Int8Array },
  6: { ort: 'int32', array: Int32Array },
  7: { ort: 'int64', array: BigInt64Array },
  9: { ort: 'bool', array: Uint8Array },
  11: { ort: 'float64', array: Float64Array },
};
export const CODE_OF_ORT_TYPE = Object.fromEntries(Object.entries(TYPES).map(([code, t]) => [t.ort, Number(code)]));

function fail(message) {
  throw new Error(message);
}

class Reader {
  constructor(bytes) { this.bytes = bytes; this.pos = 0; }
  get done() { return this.pos >= this.bytes.length; }
  varint() {
    let result = 0n, shift = 0n;
    for (;;) {
      if (this.done) fail('truncated varint');
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytesField() {
    const length = Number(this.varint());
    const slice = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }
  skip(wireType) {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytesField();
    else if (wireType === 5) this.pos += 4;
    else fail(`unsupported wire type ${wireType}`);
  }
}

const toSigned64 = (v) => BigInt.asIntN(64, v);

// Parses the fields of a TensorProto that hold its name, type, shape and data.
export function parseTensor(bytes, path) {
  const r = new Reader(bytes);
  const t = { dims: [], dataType: 0, name: '', raw: null, floats: [], int32s: [], int64s: [], doubles: [] };
  // A repeated scalar field arrives packed (wire type 2) or one value at a time.
  const repeated = (wireType, readOne, sink) => {
    if (wireType !== 2) { sink.push(readOne(r)); return; }
    const inner = new Reader(r.bytesField());
    while (!inner.done) sink.push(readOne(inner));
  };
  const f32 = (x) => { const v = new DataView(x.bytes.buffer, x.bytes.byteOffset + x.pos, 4).getFloat32(0, true); x.pos += 4; return v; };
  const f64 = (x) => { const v = new DataView(x.bytes.buffer, x.bytes.byteOffset + x.pos, 8).getFloat64(0, true); x.pos += 8; return v; };
  while (!r.done) {
    const key = Number(r.varint());
    const field = key >> 3, wire = key & 7;
    if (field === 1) repeated(wire, (x) => Number(toSigned64(x.varint())), t.dims);
    else if (field === 2) t.dataType = Number(r.varint());
    else if (field === 4) repeated(wire, f32, t.floats);
    else if (field === 5) repeated(wire, (x) => Number(BigInt.asIntN(32, x.varint())), t.int32s);
    else if (field === 7) repeated(wire, (x) => toSigned64(x.varint()), t.int64s);
    else if (field === 8) t.name = new TextDecoder().decode(r.bytesField());
    else if (field === 9) t.raw = r.bytesField();
    else if (field === 10) repeated(wire, f64, t.doubles);
    else r.skip(wire);
  }
  const type = TYPES[t.dataType] ?? fail(`${path}: data type ${t.dataType} is not supported`);
  const count = t.dims.reduce((a, b) => a * b, 1);
  let data;
  if (t.raw && t.raw.length > 0) {
    if (t.raw.length !== count * type.array.BYTES_PER_ELEMENT) fail(`${path}: raw_data has ${t.raw.length} bytes`);
    data = new type.array(new Uint8Array(t.raw).buffer); // a copy: the typed array needs its own aligned buffer
  } else {
    const typed = { 1: t.floats, 11: t.doubles, 7: t.int64s }[t.dataType] ?? t.int32s;
    if (typed.length !== count) fail(`${path}: ${count} elements expected, ${typed.length} found`);
    data = type.array.from(typed);
  }
  return { name: t.name, type: type.ort, dims: t.dims, data };
}

function writeVarint(out, value) {
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
}

function writeBytesField(out, field, bytes) {
  writeVarint(out, (field << 3) | 2);
  writeVarint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

// Serializes dims (packed), data_type, name and little-endian raw_data of { type, dims, data }.
export function serializeTensor(name, tensor) {
  const code = CODE_OF_ORT_TYPE[tensor.type] ?? fail(`output '${name}' has unsupported type ${tensor.type}`);
  const out = [];
  const dims = [];
  for (const d of tensor.dims) writeVarint(dims, d);
  writeBytesField(out, 1, dims);
  writeVarint(out, (2 << 3) | 0);
  writeVarint(out, code);
  writeBytesField(out, 8, new TextEncoder().encode(name));
  const data = tensor.data;
  writeBytesField(out, 9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return Uint8Array.from(out);
}

