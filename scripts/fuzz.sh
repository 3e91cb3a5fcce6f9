#!/usr/bin/env bash
# Fuzzes every libFuzzer target (src/<module>/<name>_fuzz.cc) for a bounded time each and
# fails on any crash, leak, timeout, out-of-memory or sanitizer report.
# Usage: bash scripts/fuzz.sh [seconds-per-target]      (default 60)
#   DRF_JOBS=N    build jobs and fuzzers run at once (default: nproc)
#   DRF_FUZZ_ONLY="plan_file_fuzz event_fuzz"   run only these targets
#   DRF_FUZZ_BUILD=DIR build directory (default build/asan: the sanitized test build, which
#                      scripts/test.sh configures the same way, so only the fuzz programs
#                      are linked there)
# Builds with clang++, -DCMAKE_BUILD_TYPE=Asan -DDRF_FUZZ=ON. Each target starts from a
# temporary copy of fuzz/corpus/<name>/ (so the repository is never modified). A failing
# target's log and reproducer are kept in <build>/failures/<target>/; replay with
#   build/asan/<target> build/asan/failures/<target>/<crash-file>
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
jobs=${DRF_JOBS:-$(nproc)}
build=${DRF_FUZZ_BUILD:-build/asan}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [seconds-per-target]" >&2
  exit 2
fi

mapfile -t targets < <(for f in src/*/*_fuzz.cc; do basename "$f" .cc; done)
if [ -n "${DRF_FUZZ_ONLY:-}" ]; then read -r -a targets <<<"$DRF_FUZZ_ONLY"; fi
((${#targets[@]})) || { echo "fuzz: no targets" >&2; exit 1; }

echo "=== fuzz: build ${targets[*]} in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Asan -DCMAKE_CXX_COMPILER=clang++ \
  -DDRF_FUZZ=ON >/dev/null
ninja -C "$build" -j "$jobs" "${targets[@]}"

rm -rf "$build/failures"  # only this run's failures are kept
work=$(mktemp -d /tmp/drf-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0

run_target() {  # target; writes $work/<target>.{log,summary}
  local target=$1 name=${1%_fuzz}
  local dir=$work/$target
  mkdir -p "$dir/corpus" "$dir/artifacts"
  if [ -d "fuzz/corpus/$name" ]; then cp -r "fuzz/corpus/$name/." "$dir/corpus/"; fi
  local seeds rc=0
  seeds=$(find "$dir/corpus" -type f | wc -l)
  "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
    >"$dir/log" 2>&1 || rc=$?
  local runs corpus
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$dir/log" | grep -oE '[0-9]+$' ||
    echo "?")
  corpus=$(find "$dir/corpus" -type f | wc -l)
  local artifacts
  artifacts=$(find "$dir/artifacts" -type f | wc -l)
  if [ "$rc" = 0 ] && [ "$artifacts" = 0 ]; then
    echo "fuzz: $target: ok: $runs runs in ${seconds}s, corpus $seeds -> $corpus inputs" \
      >"$dir/summary"
  else
    local kept=$build/failures/$target
    rm -rf "$kept" && mkdir -p "$kept"
    cp "$dir/log" "$kept/log"
    cp -r "$dir/artifacts/." "$kept/" 2>/dev/null || true
    local what
    what=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z -]+|runtime error: .*|promise broken: .*' \
      "$dir/log" || echo "exit code $rc")
    echo "fuzz: $target: FAILED ($what) after $runs runs; log and reproducer in $kept" \
      >"$dir/summary"
  fi
}

echo "=== fuzz: ${#targets[@]} targets, ${seconds}s each, $jobs at a time"
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  run_target "$target" &
done
wait

failed=0
for target in "${targets[@]}"; do
  summary=$(cat "$work/$target/summary" 2>/dev/null || echo "fuzz: $target: FAILED (no result)")
  echo "$summary"
  if [[ $summary == *FAILED* ]]; then
    failed=1
    tail -n 40 "$work/$target/log" 2>/dev/null | sed "s/^/  $target| /"
  fi
done
if ((failed)); then
  echo "=== fuzz: FAILED" >&2
  exit 1
fi
echo "=== fuzz: all ${#targets[@]} targets passed"
