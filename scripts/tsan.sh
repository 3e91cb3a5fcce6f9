#!/usr/bin/env bash
# Runs the plan module's tests (the executor's worker threads, the plan, the run record)
# under ThreadSanitizer and fails on any report.
# Usage: bash scripts/tsan.sh          (DRF_JOBS=N build jobs, default: nproc)
# Builds only unit_plan (the plan module and what it depends on; `ninja unit_plan`) in
# build/tsan with clang++ and -DCMAKE_BUILD_TYPE=Tsan.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${DRF_JOBS:-$(nproc)}
build=build/tsan
echo "=== tsan: build unit_plan in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Tsan -DCMAKE_CXX_COMPILER=clang++ >/dev/null
ninja -C "$build" -j "$jobs" unit_plan

echo "=== tsan: run unit_plan"
log=$(mktemp /tmp/drf-tsan.XXXXXX)
trap 'rm -f "$log"' EXIT
rc=0
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
  "$build/unit_plan" --gtest_brief=1 >"$log" 2>&1 || rc=$?
if [ "$rc" != 0 ] || grep -q "WARNING: ThreadSanitizer" "$log"; then
  cat "$log"
  echo "=== tsan: FAILED (exit code $rc)" >&2
  exit 1
fi
tail -n 3 "$log"
echo "=== tsan: unit_plan passed with no ThreadSanitizer report"
