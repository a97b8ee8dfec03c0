#!/usr/bin/env bash
# Installs what DnnC needs and is missing: Debian's NVRTC (non-free) and the NuGet packages (ONNX Runtime,
# the tests' oracle, among them). What only the tests need, scripts/test.sh installs.
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

echo "== dotnet restore"
dotnet restore DnnC.sln --nologo -v quiet

