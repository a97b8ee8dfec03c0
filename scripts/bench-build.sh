#!/usr/bin/env bash
# Benchmark (issue 3): wall time of `dnnc build` on an ONNX model through NVRTC for sm_80 and sm_90,
# cold (an empty compile cache) and warm (the cache filled by the previous build). It times the
# whole command a user runs, .NET start-up included. Prints one line per run and the medians.
#   scripts/bench-build.sh [MODEL.onnx] [RUNS]
#   DNNC_BUILD_FLAGS="--precision fp16" scripts/bench-build.sh ...   # the same with build options
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-../shared/onnx/light/light_resnet50.onnx}"
runs="${2:-5}"
read -r -a flags <<< "${DNNC_BUILD_FLAGS:-}"
dotnet build compiler/DnnC.Cli -c Release --nologo -v quiet >/dev/null
dnnc=(dotnet compiler/DnnC.Cli/bin/Release/net10.0/dnnc.dll)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

time_build() {   # $1 = cache dir; prints seconds
  local start end
  start=$(date +%s%N)
  DNNC_CACHE_DIR="$1" "${dnnc[@]}" build "$model" --target sm_80 --target sm_90 "${flags[@]}" -o "$work/out" >/dev/null
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.2f\n", ns / 1e9 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

"${dnnc[@]}" build "$model" -o "$work/out" >/dev/null   # page the runtime and the model in once
cold=(); warm=()
for i in $(seq "$runs"); do
  cache="$work/cache-$i"
  cold+=("$(time_build "$cache")")
  warm+=("$(time_build "$cache")")
  echo "run $i: cold ${cold[-1]} s, warm ${warm[-1]} s"
done
echo "model: $model"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "median cold: $(printf '%s\n' "${cold[@]}" | median) s"
echo "median warm: $(printf '%s\n' "${warm[@]}" | median) s"
