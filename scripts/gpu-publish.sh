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
# Everything in the folder travels, not just the executable.
size=$(du -sb "$out" | cut -f1)
if [ "$size" -gt $((60 * 1024 * 1024)) ]; then
  echo "gpu-publish: $out holds $size bytes, too close to the 64 MiB that travels to the GPU machine" >&2
  exit 1
fi
echo "published $out/dnnc ($(du -sh "$out" | cut -f1) in $out: $(ls "$out" | tr '\n' ' '))"
