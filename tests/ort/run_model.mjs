// Runs an ONNX model with ONNX Runtime (CPU) on TensorProto .pb inputs and writes each output
// as OUT_DIR/output_<i>.pb, so DnnC can be compared with an engine nobody on the project wrote.
//
//   node tests/ort/run_model.mjs MODEL.onnx OUT_DIR INPUT_0.pb [INPUT_1.pb ...]
//
// Input i feeds the model input named in its TensorProto, or the model's i-th input when the
// name is empty.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { parseTensor, serializeTensor } from './tensor_proto.mjs';

function fail(message) {
  console.error(`run_model: ${message}`);
  process.exit(1);
}

async function main() {
  const [modelPath, outDir, ...inputPaths] = process.argv.slice(2);
  if (!modelPath || !outDir) fail('usage: node run_model.mjs MODEL.onnx OUT_DIR INPUT_0.pb [INPUT_1.pb ...]');
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'], logSeverityLevel: 3 });
  const feeds = {};
  inputPaths.forEach((path, i) => {
    const { name, type, dims, data } = parseTensor(readFileSync(path), path);
    const tensor = new ort.Tensor(type, data, dims);
    const inputName = session.inputNames.includes(name) ? name : session.inputNames[i];
    if (inputName === undefined) fail(`${path}: the model has only ${session.inputNames.length} inputs`);
    feeds[inputName] = tensor;
  });
  const results = await session.run(feeds);
  mkdirSync(outDir, { recursive: true });
  session.outputNames.forEach((name, i) => {
    writeFileSync(join(outDir, `output_${i}.pb`), serializeTensor(name, results[name]));
  });
}

main().catch((e) => fail(e.message ?? String(e)));
