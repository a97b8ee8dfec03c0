#!/usr/bin/env bash
# README's first command: install what is missing, then build an example model.
set -euo pipefail
cd "$(dirname "$0")/.."
example="${1:-resnet_block}"
scripts/setup.sh
dotnet build compiler/DnnC.Cli --nologo -v quiet -c Release
dotnet run --project compiler/DnnC.Cli -c Release --no-build -- build "examples/$example/$example.dnn" -o "out/$example"
ls -l "out/$example"
