#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up, format check, then build and test twice:
# an optimized build with g++ (every test) and an AddressSanitizer + UndefinedBehaviorSanitizer
# build with clang++ (every test that runs our code: CTest label `once` marks the few that run
# only against the optimized build, see tests/*/tests.cmake), so both compilers' warnings
# hold. Then the executor's tests under ThreadSanitizer (scripts/tsan.sh) and a bounded time
# of fuzzing per parser (scripts/fuzz.sh, whose programs link the sanitized build's
# libraries: -DDRF_FUZZ=ON compiles them with coverage instrumentation). Each build
# also links every module's unit_<module> program, which is what keeps the declared module
# dependencies (DRF_DEPS_* in CMakeLists.txt) true. Ends with the time each stage took.
# Usage: bash scripts/test.sh            (DRF_SKIP_ASAN=1 to run only the first build;
#                                          DRF_SKIP_TSAN=1, DRF_SKIP_FUZZ=1 to skip those;
#                                          DRF_FUZZ_SECONDS per fuzz target, default 30;
#                                          DRF_TEST_JOBS tests at once, default 2 x cores)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
# Tests at twice the cores: most of an end-to-end test's time is the emulated region's timing
# (a promotion takes seconds), not CPU.
test_jobs=${DRF_TEST_JOBS:-$((jobs * 2))}
stage_report=()
stage() {  # name command...: runs a stage and records how long it took
  local name=$1 started=$SECONDS
  shift
  "$@"
  stage_report+=("$(printf '  %-22s %5d s' "$name" $((SECONDS - started)))")
}
print_stages() {
  echo "=== time per stage"
  printf '%s\n' "${stage_report[@]}"
  printf '  %-22s %5d s\n' total "$SECONDS"
}
trap print_stages EXIT

build() {  # build dir, build type, compiler, cmake options...
  echo "=== build $2 ($3) in $1"
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE="$2" -DCMAKE_CXX_COMPILER="$3" "${@:4}" >/dev/null
  ninja -C "$1" -j "$jobs"
}
run_tests() {  # build dir, ctest arguments...
  local dir=$1
  shift
  echo "=== tests in $dir"
  (cd "$dir" && ctest --output-on-failure -j "$test_jobs" --timeout 600 "$@")
}

stage setup bash scripts/setup.sh
stage format bash scripts/check-format.sh
stage "release build" build build/release RelWithDebInfo g++
stage "release tests" run_tests build/release
if [ "${DRF_SKIP_ASAN:-0}" != 1 ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  stage "asan build" build build/asan Asan clang++ -DDRF_FUZZ=ON
  stage "asan tests" run_tests build/asan -LE once
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi
if [ "${DRF_SKIP_TSAN:-0}" != 1 ]; then
  stage tsan bash scripts/tsan.sh
fi
if [ "${DRF_SKIP_FUZZ:-0}" != 1 ]; then
  stage fuzz bash scripts/fuzz.sh "${DRF_FUZZ_SECONDS:-30}"
fi
echo "=== all tests passed"
