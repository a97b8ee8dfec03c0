#!/usr/bin/env bash
# Installs what DnnC needs and is missing: Debian's NVRTC (non-free) and the NuGet packages.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! ldconfig -p 2>/dev/null | grep -q 'libnvrtc\.so\.\(11\.2\|12\|13\)'; then
  echo "== installing libnvrtc11.2 from Debian non-free"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    as_root sed -i -E '/^Components:/ { /non-free( |$)/! s/$/ non-free/ }' /etc/apt/sources.list.d/debian.sources
  elif [ -f /etc/apt/sources.list ]; then
    as_root sed -i -E '/^deb /{ / non-free( |$)/! s/$/ non-free/ }' /etc/apt/sources.list
  fi
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libnvrtc11.2
fi

# Headless Chromium renders the simulator's report.html in a test (a screenshot proves the charts drew).
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium (for the report rendering test)"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi

echo "== dotnet restore"
dotnet restore DnnC.sln --nologo -v quiet

# ONNX Runtime for the real-model comparisons (tests/ort). ONNXRUNTIME_NODE_INSTALL=skip keeps its
# install step from downloading GPU binaries; the CPU library ships inside the package.
if [ ! -d tests/ort/node_modules/onnxruntime-node ]; then
  echo "== npm install (tests/ort: onnxruntime-node)"
  (cd tests/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error)
fi
