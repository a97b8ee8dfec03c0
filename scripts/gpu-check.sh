#!/usr/bin/env bash
# The GPU check, in one device call (docs/gpu-check.md). Here, with .NET:
#
#   scripts/gpu-publish.sh          # writes .gpu/: the self-contained dnnc and the models it checks
#
# there, on the lent machine (carry [".gpu"], no .NET, nothing from ../shared):
#
#   scripts/gpu-check.sh [OUTDIR]   # default $OUT/gpu-check, else out/gpu-check
#
# Steps, each under a timeout, each recorded and the script going on after a failure:
#   1. device and toolchain (dnnc info, nvidia-smi);
#   2. a random-weight ResNet-50 exported from PyTorch: DnnC on cuda against PyTorch eager FP32
#      (scripts/gpu_check_resnet50.py), early, since it is the headline figure;
#   2b. FP16 tensor cores against PyTorch (scripts/gpu_check_fp16.py): a 4096^3 GEMM against torch.matmul
#      (cuBLAS), the same ResNet-50 at batch 1 and 32 against PyTorch eager FP16 channels-last;
#   3. every example and every model in .gpu/models, at fp32, then fp16, then tf32: build for the GPU's
#      architecture, run the build (plan.dnnpkg) on cuda (CUDA graph) and the model on the simulator with
#      the same seeded input, compare (relative L2 <= 1e-4; FP16 2e-3), time (CUDA events); a graph failure
#      is rerun with --no-graph, compared and timed;
#   4. the GPU tests: tests/DnnC.Gpu.Tests, a self-contained xunit.v3 program (.gpu/gpu-tests.tgz), the
#      tensor-core instruction probes (mma.sync, ldmatrix) against their CPU twin's expectations among them;
#   5. compute-sanitizer memcheck on one small example with --no-graph;
#   6. the 2:4 pass's single-tile mma.sp test (a TODO until the pass exists; the instruction probe runs in step 4).
# An overall deadline keeps time to package the results. Big files (builds, kernel cache, models,
# tensors) stay in a work folder under /tmp; OUTDIR receives at most 8 flat files:
#   summary.txt (what the console showed), summary.tsv (one row per model and precision), device.txt,
#   pytorch.json, fp16.json, steps.tsv (each step's status and seconds), logs.tgz (logs and crash files only).
#
# Environment:
#   DNNC_GPU_CHECK_DRY_RUN=1    no GPU needed: sim stands in for cuda, the reference executor for sim;
#                               PyTorch runs on the CPU, or is skipped without torch.
#   DNNC=PATH                   the dnnc executable (default .gpu/dnnc/dnnc)
#   DNNC_GPU_MODELS=DIR         the ONNX models to check besides the examples (default .gpu/models)
#   DNNC_GPU_TESTS=COMMAND      the GPU test program (default: unpacked from .gpu/gpu-tests.tgz)
#   DNNC_GPU_CHECK_WORK=DIR     the work folder (default a new folder under /tmp)
#   DNNC_GPU_CHECK_ITERS=N      timed iterations per model (default 50; 3 in a dry run)
#   DNNC_GPU_CHECK_ONLY=REGEX   only models whose path matches (for a quick re-run)
#   DNNC_GPU_CHECK_DEADLINE=S   seconds the whole check may take (default 480, for a 540 s call)
#   DNNC_GPU_CHECK_STEP_TIMEOUT=S  seconds one dnnc command may take (default 150)
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

dry_run=${DNNC_GPU_CHECK_DRY_RUN:-0}
out=${1:-${OUT:+$OUT/gpu-check}}
out=${out:-out/gpu-check}
dnnc=${DNNC:-.gpu/dnnc/dnnc}
models_dir=${DNNC_GPU_MODELS:-.gpu/models}
only=${DNNC_GPU_CHECK_ONLY:-}
deadline=$((started + ${DNNC_GPU_CHECK_DEADLINE:-480}))
step_timeout=${DNNC_GPU_CHECK_STEP_TIMEOUT:-150}
packaging_margin=25
tolerance=1e-4
seed=7
if [ "$dry_run" = 1 ]; then
  device_backend=sim; baseline_backend=reference; iters=${DNNC_GPU_CHECK_ITERS:-3}; warmup=1
else
  device_backend=cuda; baseline_backend=sim; iters=${DNNC_GPU_CHECK_ITERS:-50}; warmup=10
fi

# A copy that lost its executable bit on the way (an archive, a copy tool) is still usable.
if [ -f "$dnnc" ] && [ ! -x "$dnnc" ]; then
  chmod +x "$dnnc" 2>/dev/null || { tmp=$(mktemp -d /tmp/dnnc-exe.XXXXXX) && cp "$dnnc" "$tmp/dnnc" && chmod +x "$tmp/dnnc" && dnnc="$tmp/dnnc"; }
fi
if [ ! -x "$dnnc" ]; then
  echo "gpu-check: $dnnc not found or not executable; run scripts/gpu-publish.sh on a machine with .NET first" >&2
  exit 2
fi
dnnc=$(cd "$(dirname "$dnnc")" && pwd)/$(basename "$dnnc")

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=${DNNC_GPU_CHECK_WORK:-$(mktemp -d /tmp/dnnc-gpu-check.XXXXXX)}
mkdir -p "$work/logs"
work=$(cd "$work" && pwd)
# dnnc writes internal-error details to the temporary folder: keep them where logs.tgz finds them.
export TMPDIR="$work/logs"
# Compiled kernels are cached per run, so every build of this check really runs NVRTC once.
export DNNC_CACHE_DIR="$work/kernel-cache"
export PYTHONUNBUFFERED=1
# Everything the console shows also goes to summary.txt, line by line, so a killed call keeps it.
exec > >(tee "$out/summary.txt") 2>&1
tee_pid=$!

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
steps="$out/steps.tsv"
printf 'step\tstatus\tseconds\n' > "$steps"
step_start=0
begin_step() { step_start=$(date +%s); echo; echo "== $1"; }
end_step() { printf '%s\t%s\t%s\n' "$1" "$2" $(( $(date +%s) - step_start )) >> "$steps"; }
time_left() { echo $(( deadline - $(date +%s) )); }
# Runs a command under a timeout that also respects the deadline; output to a log file.
bounded() {
  local limit=$1 log=$2; shift 2
  local left=$(( $(time_left) - packaging_margin ))
  [ "$left" -lt "$limit" ] && limit=$left
  if [ "$limit" -le 0 ]; then echo "deadline reached; not run: $*" > "$log"; return 124; fi
  timeout --kill-after=10 "$limit" "$@" > "$log" 2>&1
}

# Packs the logs (no cubins, models or tensors) and says where everything is; runs on every exit.
package() {
  trap - EXIT
  (cd "$work" && find logs models resnet50 fp16 -type f \( -name '*.log' -o -name '*.txt' -o -name 'build-report.json' \) 2>/dev/null \
    | tar -czf "$out/logs.tgz" -T - 2>/dev/null) || echo "could not write logs.tgz"
  echo
  echo "total: $(( $(date +%s) - started )) s; work folder: $work; results: $(ls "$out" | tr '\n' ' ')"
  if [ "$failures" -eq 0 ]; then echo "gpu-check: all checks passed"; else echo "gpu-check: $failures failure(s)"; fi
  # summary.txt is complete only when tee has written its last line: close its input and wait for it.
  exec 1>&- 2>&-
  wait "$tee_pid" 2>/dev/null
}
trap package EXIT


# NVRTC: a CUDA toolkit does not put its lib directory on the loader path by itself, and pip's
# PyTorch wheels carry their own libnvrtc. Add the first directory that has one, unless the loader
# already finds it.
find_nvrtc_dir() {
  local d
  for d in /usr/local/cuda/lib64 /usr/local/cuda-*/lib64 /usr/local/cuda/targets/*/lib /usr/local/cuda-*/targets/*/lib; do
    compgen -G "$d/libnvrtc.so.1[23]*" >/dev/null && { echo "$d"; return; }
  done
  if command -v python3 >/dev/null; then
    python3 - <<'PY' 2>/dev/null
import glob, os, site
for base in site.getsitepackages() + [site.getusersitepackages()]:
    for lib in sorted(glob.glob(os.path.join(base, "nvidia", "*", "lib", "libnvrtc.so.1[23]*")), reverse=True):
        print(os.path.dirname(lib)); raise SystemExit
PY
  fi
}
if ! ldconfig -p 2>/dev/null | grep -qE 'libnvrtc\.so\.1[23]'; then
  nvrtc_dir=$(find_nvrtc_dir | head -n1)
  [ -n "$nvrtc_dir" ] && export LD_LIBRARY_PATH="$nvrtc_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

begin_step "1. device and toolchain"
# Not held to the deadline: without the device facts nothing else means anything.
timeout --kill-after=5 60 "$dnnc" info > "$work/logs/info.log" 2>&1
cp "$work/logs/info.log" "$out/device.txt"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader >> "$out/device.txt" 2>&1
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')" >> "$out/device.txt"
cat "$out/device.txt"
arch=$(sed -n 's/^compile-arch: //p' "$out/device.txt")
if [ -z "$arch" ]; then
  if [ "$dry_run" = 1 ]; then
    arch=sm_90
    echo "dry run: no GPU; lowering for $arch, $device_backend standing in for cuda, $baseline_backend for sim"
  else
    fail "dnnc info found no usable GPU (see device.txt)"
    end_step device FAIL
    exit 1
  fi
fi
if ! grep -q '^nvrtc: [0-9]' "$out/device.txt"; then fail "no NVRTC (see device.txt)"; end_step device FAIL; exit 1; fi
end_step device ok

begin_step "2. ResNet-50 (random weights): DnnC on $device_backend against PyTorch eager FP32"
if command -v python3 >/dev/null; then
  resnet_args=(--dnnc "$dnnc" --out "$work/resnet50" --json "$out/pytorch.json" --backend "$device_backend" --arch "$arch"
               --iters "$iters" --warmup "$warmup" --timeout "$step_timeout" --fallback-model "$models_dir/light_resnet50.onnx")
  [ "$dry_run" = 1 ] && resnet_args+=(--dry-run)
  limit=$(( $(time_left) - packaging_margin - 60 ))
  [ "$limit" -gt 300 ] && limit=300
  if [ "$limit" -le 0 ]; then
    echo "SKIP: deadline"; end_step resnet50 SKIP
  elif timeout --kill-after=10 "$limit" python3 -u scripts/gpu_check_resnet50.py "${resnet_args[@]}" 2>&1 | tee "$work/logs/resnet50.log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    end_step resnet50 ok
  else
    fail "resnet50 against PyTorch (see above and logs.tgz: logs/resnet50.log)"; end_step resnet50 FAIL
  fi
elif [ "$dry_run" = 1 ]; then
  echo "SKIP: no python3 (dry run)"; end_step resnet50 SKIP
else
  fail "resnet50: python3 not found"; end_step resnet50 FAIL
fi

begin_step "2b. FP16 tensor cores against PyTorch: GEMM 4096^3 against torch.matmul, ResNet-50 FP16 at batch 1 and 32 against eager FP16 channels-last"
if command -v python3 >/dev/null; then
  fp16_args=(--dnnc "$dnnc" --out "$work/fp16" --json "$out/fp16.json" --backend "$device_backend" --arch "$arch"
             --iters "$iters" --warmup "$warmup" --timeout "$step_timeout")
  [ "$dry_run" = 1 ] && fp16_args+=(--dry-run)
  mkdir -p "$work/fp16"
  limit=$(( $(time_left) - packaging_margin - 60 ))
  [ "$limit" -gt 240 ] && limit=240
  if [ "$limit" -le 0 ]; then
    echo "SKIP: deadline"; end_step fp16_vs_torch SKIP
  elif timeout --kill-after=10 "$limit" python3 -u scripts/gpu_check_fp16.py "${fp16_args[@]}" 2>&1 | tee "$work/logs/fp16.log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    end_step fp16_vs_torch ok
  else
    fail "FP16 against PyTorch (see above and logs.tgz: logs/fp16.log)"; end_step fp16_vs_torch FAIL
  fi
else
  echo "SKIP: no python3"; end_step fp16_vs_torch SKIP
fi

# Fixed shapes for models with dynamic inputs.
extra_args() {
  case "$(basename "$1")" in
    ppocr_mobile_v2_cls.onnx) echo "--input x=1x3x48x192" ;;
    ch_PP-OCRv4_det_infer.onnx) echo "--input x=1x3x320x320" ;;
  esac
}

# The largest KEY=value over the compare lines of a log; NaN wins, "-" when there is none.
largest() {
  awk -v key="$1=" '/^compare output/ {
    for (i = 1; i <= NF; i++) if (index($i, key) == 1) {
      v = substr($i, length(key) + 1)
      if (m == "" || v == "NaN" || (m != "NaN" && v + 0 > m + 0)) m = v
    }
  } END { print m == "" ? "-" : m }' "$2"
}
bench_value() { sed -n "s/^bench .*$1=\([^ ]*\).*/\1/p" "$2" | head -n1; }

# Runs one model's build (the plan.dnnpkg that `dnnc build` wrote: plan, encoded weights, cubins) on the
# device backend (graph, or --no-graph) with --bench, as an application runs a build; 0 when it ran.
# The seed draws the same inputs as for the model, so the baseline run of the model compares with it.
device_run() {
  local dir=$1 label=$2; shift 2
  bounded "$step_timeout" "$dir/$label.log" "$dnnc" run "$dir/build" --backend "$device_backend" --seed "$seed" "$@" \
    --output-dir "$dir/$label" --bench "$iters" --warmup "$warmup"
}

models=()
for m in examples/*/*.dnn "$models_dir"/*.onnx; do
  [ -f "$m" ] || continue
  if [ -n "$only" ] && ! [[ "$m" =~ $only ]]; then continue; fi
  models+=("$m")
done

begin_step "3. build for $arch at fp32, fp16 and tf32, run on $device_backend and $baseline_backend (seed $seed), compare, time ($iters iterations)"
rows="$out/summary.tsv"
printf 'model\tbuild\tgraph\tno_graph\toutputs\tmax_abs\tmax_rel_l2\tmedian_ms\tmin_ms\tresult\n' > "$rows"
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$rows"; }
models_failed=0
# Every model at FP32 first, then every model on FP16 and on TF32 tensor cores, so the deadline cuts the last ones.
# The simulator runs the same plan on the same FP16 (TF32) data: only FP32 summation order (and the FP16 roundings it
# flips) may differ, hence the looser FP16 bound.
for precision in fp32 fp16 tf32; do
# Against the reference executor (a dry run) FP16 and TF32 answer to the numerics contract, 1e-2, instead.
case $precision-$dry_run in fp16-0) tolerance=2e-3 ;; fp16-1|tf32-1) tolerance=1e-2 ;; *) tolerance=1e-4 ;; esac
for m in "${models[@]}"; do
  name=$(basename "${m%.*}")-$precision
  dir="$work/models/$name"
  mkdir -p "$dir"
  read -r -a extra <<< "$(extra_args "$m")"
  echo "-- $m"
  if [ $(( $(time_left) - packaging_margin )) -le 0 ]; then
    echo "   SKIP: deadline"; row "$name" - - - - - - - - SKIP; continue
  fi
  if ! bounded "$step_timeout" "$dir/build.log" "$dnnc" build "$m" -o "$dir/build" --target "$arch" --precision "$precision" "${extra[@]}"; then
    if grep -q 'DNN4002' "$dir/build.log"; then
      echo "   not supported yet: $(grep -m1 'DNN4002' "$dir/build.log")"
      row "$name" unsupported - - - - - - - SKIP
    else
      tail -n 5 "$dir/build.log" | sed 's/^/   /'
      fail "$name: build failed (logs/…/$name/build.log)"; models_failed=$((models_failed + 1))
      row "$name" FAIL - - - - - - - FAIL
    fi
    continue
  fi
  common=(--target "$arch" --precision "$precision" --seed "$seed" "${extra[@]}")
  graph=-; no_graph=-; timed=""
  if device_run "$dir" "$device_backend"; then
    graph=ok; timed="$dir/$device_backend"
  else
    graph=FAIL
    tail -n 5 "$dir/$device_backend.log" | sed 's/^/   /'
    if [ "$device_backend" = cuda ]; then
      # Kernels one at a time, each waited for: a fault then names its kernel and layers; the
      # figures still come from this run when it works.
      if device_run "$dir" cuda-no-graph --no-graph; then no_graph=ok; timed="$dir/cuda-no-graph"; else no_graph=FAIL; fi
      echo "   again with --no-graph: $no_graph"; tail -n 5 "$dir/cuda-no-graph.log" | sed 's/^/   /'
    fi
    fail "$name: run on $device_backend (CUDA graph) failed (logs/…/$name/$device_backend.log)"
  fi
  if [ -z "$timed" ]; then
    models_failed=$((models_failed + 1)); row "$name" ok "$graph" "$no_graph" - - - - - FAIL; continue
  fi
  median=$(bench_value median_ms "$timed.log"); min=$(bench_value min_ms "$timed.log")
  if ! bounded "$step_timeout" "$dir/$baseline_backend.log" "$dnnc" run "$m" --backend "$baseline_backend" "${common[@]}" --output-dir "$dir/$baseline_backend"; then
    tail -n 5 "$dir/$baseline_backend.log" | sed 's/^/   /'
    fail "$name: run on $baseline_backend failed"; models_failed=$((models_failed + 1))
    row "$name" ok "$graph" "$no_graph" - - - "${median:--}" "${min:--}" FAIL
    continue
  fi
  bounded 60 "$dir/compare.log" "$dnnc" compare "$timed" "$dir/$baseline_backend" --max-rel-l2 "$tolerance"
  compared=$?
  sed 's/^/   /' "$dir/compare.log"
  outputs=$(grep -c '^compare output' "$dir/compare.log")
  result=ok
  if [ "$compared" -ne 0 ]; then result=FAIL; fail "$name: $device_backend and $baseline_backend differ (logs/…/$name/compare.log)"; fi
  [ "$graph" = ok ] || result=FAIL
  [ "$result" = ok ] || models_failed=$((models_failed + 1))
  row "$name" ok "$graph" "$no_graph" "$outputs" "$(largest max_abs "$dir/compare.log")" "$(largest rel_l2 "$dir/compare.log")" \
    "${median:--}" "${min:--}" "$result"
done
done
echo
column -t -s $'\t' "$rows" 2>/dev/null || cat "$rows"
end_step models "$([ "$models_failed" -eq 0 ] && echo ok || echo "FAIL($models_failed)")"

begin_step "4. the GPU tests (tests/DnnC.Gpu.Tests, a self-contained xunit.v3 program)"
# DNNC_GPU_TESTS names the program (a command line; the dry-run test gives 'dotnet .../DnnC.Gpu.Tests.dll');
# by default it is unpacked from .gpu/gpu-tests.tgz, which scripts/gpu-publish.sh writes.
gpu_tests=${DNNC_GPU_TESTS:-}
if [ -z "$gpu_tests" ] && [ -f .gpu/gpu-tests.tgz ]; then
  mkdir -p "$work/gpu-tests" && tar -xzf .gpu/gpu-tests.tgz -C "$work/gpu-tests" && gpu_tests="$work/gpu-tests/DnnC.Gpu.Tests"
fi
if [ -z "$gpu_tests" ]; then
  if [ "$dry_run" = 1 ]; then echo "SKIP: no GPU test program (.gpu/gpu-tests.tgz)"; end_step gpu_tests SKIP
  else fail "the GPU test program is missing: run scripts/gpu-publish.sh"; end_step gpu_tests FAIL; fi
else
  read -r -a gpu_tests_command <<< "$gpu_tests"
  bounded 300 "$work/logs/gpu-tests.log" "${gpu_tests_command[@]}"
  tests_exit=$?
  # xunit.v3's summary: "Total: 5, Errors: 0, Failed: 0, Skipped: 5, Not Run: 0, Time: ..."
  totals=$(grep -a -o 'Total: [0-9]*, Errors: [0-9]*, Failed: [0-9]*, Skipped: [0-9]*' "$work/logs/gpu-tests.log" | tail -n1)
  grep -a -E '\[(FAIL|SKIP)\]|needs a CUDA GPU' "$work/logs/gpu-tests.log" | sed 's/\x1b\[[0-9;]*m//g' | head -n 20 | sed 's/^/   /'
  echo "   ${totals:-no summary line} (exit $tests_exit)"
  skipped=$(echo "$totals" | sed -n 's/.*Skipped: \([0-9]*\).*/\1/p'); total=$(echo "$totals" | sed -n 's/Total: \([0-9]*\).*/\1/p')
  if [ "$tests_exit" -ne 0 ] || [ -z "$totals" ]; then
    fail "GPU tests (logs/gpu-tests.log)"; end_step gpu_tests FAIL
  elif [ -n "$total" ] && [ "$skipped" = "$total" ] && [ "$dry_run" != 1 ]; then
    fail "GPU tests: all $total skipped on a GPU machine (logs/gpu-tests.log)"; end_step gpu_tests FAIL
  elif [ -n "$total" ] && [ "$skipped" = "$total" ]; then
    end_step gpu_tests "SKIP($skipped)"
  else
    end_step gpu_tests ok
  fi
fi

begin_step "5. compute-sanitizer memcheck (examples/mlp, --no-graph)"
sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null | head -n1)
if [ "$dry_run" = 1 ] || [ -z "$sanitizer" ]; then
  echo "SKIP: $([ "$dry_run" = 1 ] && echo "dry run" || echo "compute-sanitizer not found")"; end_step sanitizer SKIP
elif bounded 180 "$work/logs/sanitizer.log" "$sanitizer" --tool memcheck --error-exitcode 9 \
    "$dnnc" run examples/mlp/mlp.dnn --backend cuda --no-graph --seed "$seed" --output-dir "$work/sanitizer-out"; then
  tail -n 3 "$work/logs/sanitizer.log"; end_step sanitizer ok
else
  tail -n 20 "$work/logs/sanitizer.log"; fail "compute-sanitizer memcheck (logs/sanitizer.log)"; end_step sanitizer FAIL
fi

begin_step "6. 2:4 sparse tensor cores (REFERENCE.md §2)"
# The single-instruction mma.sp.sync.aligned.m16n8k32 probe (both sparsity selectors, metadata that differs per lane)
# runs with the other tensor-core probes among the GPU tests of step 4, against the same expectations as its CPU twin.
# TODO(2:4 pass, issue 13): a single-tile test of the pass's own kernel belongs here: compress one random 16x32 FP16
# tile with the 2:4 pass, run the generated mma.sp kernel, compare with the simulator's decode of the same bytes.
echo "SKIP: single-tile mma.sp test of the 2:4 pass's kernel: the pass does not exist yet (the instruction probe runs in step 4)"
end_step mma_sp SKIP

[ "$failures" -eq 0 ]
