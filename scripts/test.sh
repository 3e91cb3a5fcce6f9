#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up, format check, then build and run every
# test twice: an optimized build and an AddressSanitizer + UndefinedBehaviorSanitizer build.
# Then the executor's tests under ThreadSanitizer (scripts/tsan.sh) and 60 s of fuzzing per
# parser (scripts/fuzz.sh).
# Usage: bash scripts/test.sh            (DRF_SKIP_ASAN=1 to run only the first build;
#                                          DRF_SKIP_TSAN=1, DRF_SKIP_FUZZ=1 to skip those)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/check-format.sh

jobs=$(nproc)
run_suite() {  # build dir, build type, compiler
  local dir=$1 type=$2 cxx=$3
  echo "=== build $type ($cxx) in $dir"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
  ninja -C "$dir" -j "$jobs"
  echo "=== tests $type"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600)
}

run_suite build/release RelWithDebInfo g++
if [ "${DRF_SKIP_ASAN:-0}" != 1 ]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build/asan Asan g++
fi
# ThreadSanitizer over the executor and plan (scripts/tsan.sh), then every libFuzzer target
# for a bounded time with ASan+UBSan (scripts/fuzz.sh; DRF_FUZZ_SECONDS per target).
if [ "${DRF_SKIP_TSAN:-0}" != 1 ]; then
  bash scripts/tsan.sh
fi
if [ "${DRF_SKIP_FUZZ:-0}" != 1 ]; then
  bash scripts/fuzz.sh "${DRF_FUZZ_SECONDS:-60}"
fi
echo "=== all tests passed"
