#!/usr/bin/env bash
# Publishes dnnc as one self-contained Linux executable into .gpu/dnnc (git-ignored), for the GPU
# machine, which has no .NET. scripts/gpu-check.sh runs it from there. Prints the size at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.gpu/dnnc
rm -rf "$out"
dotnet publish compiler/DnnC.Cli -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:InvariantGlobalization=true -o "$out" --nologo -v quiet
# The .pdb files are not needed to run and would only add to what travels.
rm -f "$out"/*.pdb
"$out/dnnc" --help >/dev/null
echo "published $out/dnnc ($(du -sh "$out" | cut -f1) in $out: $(ls "$out" | tr '\n' ' '))"
