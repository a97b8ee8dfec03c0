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

# The models the check runs besides the examples: the device machine has no ../shared, so they travel
# in .gpu/models (the light architectures, PaddleOCR v2 cls, and the PaddleOCR v4 detector).
models=.gpu/models
rm -rf "$models"
mkdir -p "$models"
shared=${DNNC_SHARED:-../shared}
cp "$shared"/onnx/light/*.onnx "$shared"/models/*.onnx "$models"/
scripts/fetch-models.sh
cp "${DNNC_MODELS_DIR:-$HOME/.cache/dnnc/models}/ch_PP-OCRv4_det_infer.onnx" "$models"/

# Everything in .gpu travels (carry [".gpu"]), so everything counts.
size=$(du -sb .gpu | cut -f1)
if [ "$size" -gt $((60 * 1024 * 1024)) ]; then
  echo "gpu-publish: .gpu holds $size bytes, too close to the 64 MiB that travels to the GPU machine" >&2
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
echo "published .gpu ($(du -sh .gpu | cut -f1)): $(ls "$out" | tr '\n' ' ')+ $(ls "$models" | wc -l) models in $models"
