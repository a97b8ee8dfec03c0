// Times ONNX Runtime (CPU) inference on one model and input: one session, WARMUP untimed runs, then
// RUNS timed session.run calls. Prints one JSON line: {"runsMs":[...], "medianMs":..., "threads":...}.
//
//   node tests/ort/bench_model.mjs MODEL.onnx INPUT_0.pb [RUNS=10] [WARMUP=2]
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { parseTensor } from './tensor_proto.mjs';

function fail(message) {
  console.error(`bench_model: ${message}`);
  process.exit(1);
}

async function main() {
  const [modelPath, inputPath, runsText = '10', warmupText = '2'] = process.argv.slice(2);
  if (!modelPath || !inputPath) fail('usage: node bench_model.mjs MODEL.onnx INPUT_0.pb [RUNS] [WARMUP]');
  const runs = Number.parseInt(runsText, 10), warmup = Number.parseInt(warmupText, 10);
  if (!(runs > 0) || !(warmup >= 0)) fail('RUNS must be positive and WARMUP not negative');
  // ONNX Runtime's defaults: intra-op threads = physical cores, all graph optimizations.
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'], logSeverityLevel: 3 });
  const { type, dims, data } = parseTensor(readFileSync(inputPath), inputPath);
  const feeds = { [session.inputNames[0]]: new ort.Tensor(type, data, dims) };
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  console.log(JSON.stringify({ runsMs: times, medianMs: median }));
}

main().catch((e) => fail(e.message ?? String(e)));
