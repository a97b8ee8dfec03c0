#!/usr/bin/env bash
# Publishes dnnc as one self-contained Linux executable into .gpu/dnnc (git-ignored), for the GPU
# machine, which has no .NET. scripts/gpu-check.sh runs it from there. Prints the size at the end.
# The bundle is compressed (about half the size, a little slower to start) because what travels to
# the GPU machine is limited to 64 MiB, and the uncompressed executable is over 70 MB. For the same
# reason ONNX Runtime's native libraries (29 MB; scripts/gpu-check.sh does not use ORT) are left
# out: see DnnCLeaveOutOnnxRuntime in compiler/DnnC.Cli/DnnC.Cli.csproj.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.gpu/dnnc
rm -rf "$out"
dotnet publish compiler/DnnC.Cli -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:InvariantGlobalization=true -p:EnableCompressionInSingleFile=true \
  -p:DebugType=none -p:DnnCLeaveOutOnnxRuntime=true -o "$out" --nologo -v quiet
# The .pdb files are not needed to run and would only add to what travels.
rm -f "$out"/*.pdb
"$out/dnnc" --help >/dev/null

# The GPU tests (tests/DnnC.Gpu.Tests): xunit.v3 makes them a self-executing program, published
# self-contained and trimmed, framework only (TrimMode=partial keeps DnnC's, xunit's and the
# packages' assemblies whole, which is why trim warnings about them are not errors here), as one
# archive that gpu-check.sh unpacks: about 12 MB instead of a second 40 MB single file.
gpu_tests=$(mktemp -d)
dotnet publish tests/DnnC.Gpu.Tests -c Release -r linux-x64 --self-contained -p:DnnCGpuPublish=true -p:PublishTrimmed=true -p:TrimMode=partial \
  -p:SuppressTrimAnalysisWarnings=true -p:InvariantGlobalization=true -p:DebugType=none -o "$gpu_tests" --nologo -v quiet
tar -czf .gpu/gpu-tests.tgz -C "$gpu_tests" .

# The models the check runs besides the examples: the device machine has no ../shared, so they travel
# in .gpu/models (the light architectures, PaddleOCR v2 cls, and the PaddleOCR v4 detector).
models=.gpu/models
rm -rf "$models"
mkdir -p "$models"
shared=${DNNC_SHARED:-../shared}
cp "$shared"/onnx/light/*.onnx "$shared"/models/*.onnx "$models"/
scripts/fetch-models.sh
cp "${DNNC_MODELS_DIR:-$HOME/.cache/dnnc/models}/ch_PP-OCRv4_det_infer.onnx" "$models"/

# What travels is the working tree (tracked and untracked files git does not ignore) and .gpu
# (carry [".gpu"]): together at most 64 MiB. Keep 2 MiB of room.
gpu_bytes=$(du -sb .gpu | cut -f1)
tree_bytes=$(git ls-files -z -co --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -n1 | cut -f1)
size=$((gpu_bytes + tree_bytes))
if [ "$size" -gt $((62 * 1024 * 1024)) ]; then
  echo "gpu-publish: .gpu ($gpu_bytes bytes) and the working tree ($tree_bytes) make $size bytes, too close to the 64 MiB that travels" >&2
  exit 1
fi

# Smoke test of the published single file here, so its NVRTC, library resolver, hashing and ONNX paths
# have run once before they reach the GPU machine: info, a build through NVRTC, a run on the simulator.
smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
"$out/dnnc" info > "$smoke/info.log" 2>&1 || { cat "$smoke/info.log"; echo "gpu-publish: the published dnnc fails 'info'" >&2; exit 1; }
grep -q '^nvrtc: [0-9]' "$smoke/info.log" || { cat "$smoke/info.log"; echo "gpu-publish: the published dnnc finds no NVRTC here" >&2; exit 1; }
DNNC_CACHE_DIR="$smoke/cache" "$out/dnnc" build examples/mlp/mlp.dnn -o "$smoke/mlp" --target sm_90 > "$smoke/build.log" 2>&1 \
  && [ -f "$smoke/mlp/kernels.sm_90.cubin" ] || { cat "$smoke/build.log"; echo "gpu-publish: the published dnnc fails to build examples/mlp" >&2; exit 1; }
"$out/dnnc" run "$models/light_squeezenet.onnx" --backend sim --seed 1 --output-dir "$smoke/run" > "$smoke/run.log" 2>&1 \
  && [ -f "$smoke/run/output_0.pb" ] || { cat "$smoke/run.log"; echo "gpu-publish: the published dnnc fails to run light_squeezenet on sim" >&2; exit 1; }
echo "smoke test of $out/dnnc: info, build (NVRTC), run (sim): ok"
# The GPU test program runs here too: every test must be reported skipped, with the reason.
"$gpu_tests/DnnC.Gpu.Tests" > "$smoke/gpu-tests.log" 2>&1
grep -a -q 'Failed: 0, Skipped: [1-9]' "$smoke/gpu-tests.log" && grep -a -q 'needs a CUDA GPU' "$smoke/gpu-tests.log" \
  || { cat "$smoke/gpu-tests.log"; echo "gpu-publish: the published GPU test program did not run here" >&2; exit 1; }
echo "smoke test of the GPU test program: $(grep -a -o 'Total: [0-9]*, Errors: [0-9]*, Failed: [0-9]*, Skipped: [0-9]*' "$smoke/gpu-tests.log" | tail -n1)"
rm -rf "$gpu_tests"
echo "published .gpu ($(du -sh .gpu | cut -f1)): $(ls "$out" | tr '\n' ' ')+ $(ls "$models" | wc -l) models in $models + gpu-tests.tgz; with the working tree $((size / 1024 / 1024)) MiB of the 64 that travel"
