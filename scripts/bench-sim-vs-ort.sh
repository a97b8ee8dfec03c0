#!/usr/bin/env bash
# Simulator vs ONNX Runtime (CPU, NuGet Microsoft.ML.OnnxRuntime in process), side by side in one run on this
# machine (issue 4: sim ≤ 3× ORT): light_resnet50 (../shared/onnx/light) with seeded random weights at 1x3x224x224.
#   1. inference latency: each engine loads the model once, runs WARMUP untimed inferences, then times RUNS;
#   2. load to first output, in the same process: sim import, lowering and one inference vs ORT session creation
#      and one inference, PROCESS_RUNS times each;
#   3. end to end: `dnnc run --backend sim` as a whole process (start-up, load, lowering, one inference), PROCESS_RUNS times.
# Prints the medians of each. Usage: scripts/bench-sim-vs-ort.sh [RUNS=15] [PROCESS_RUNS=3] [SEED=42] [WARMUP=5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
process_runs=${2:-3}
seed=${3:-42}
warmup=${4:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet build DnnC.sln -c Release --nologo -v quiet -m:1 > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 3; }

echo "== inference latency and load to first output (in process)"
dotnet run --project tests/DnnC.Conformance -c Release --no-build -- bench-sim-vs-ort --runs "$runs" --warmup "$warmup" \
  --loads "$process_runs" --seed "$seed" --keep "$work/model"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
time_ms() { local start end; start=$(date +%s%N); "$@" > /dev/null; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }

model="$work/model/light_resnet50_random.onnx"
input="$work/model/input_0.pb"
dnnc="compiler/DnnC.Cli/bin/Release/net10.0/dnnc"
echo "== end to end (whole process, $process_runs runs)"
sim=$(for _ in $(seq "$process_runs"); do time_ms "$dnnc" run "$model" --input "$input" --backend sim --output-dir "$work/sim-out"; done | median)
echo "dnnc run --backend sim:  median $sim ms"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
