#!/usr/bin/env bash
# The benchmarks in one command: builds build/release/drfailover if it is missing, then runs
# every scenario (bench/run.py) and writes bench/results/<date>.json plus a table.
#   bash bench/run.sh [run.py options, e.g. --scenarios standard --repeats 5]
# DRF_CLI=/path/to/drfailover benchmarks another build.
set -euo pipefail
cd "$(dirname "$0")/.."

cli="${DRF_CLI:-build/release/drfailover}"
if [[ ! -x "$cli" ]]; then
  echo "bench: building $cli" >&2
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C build/release drfailover
fi
python3 -c 'import boto3, moto' 2>/dev/null || {
  echo "bench: python3 needs boto3 and moto (bash scripts/setup.sh installs them)" >&2
  exit 2
}
exec python3 bench/run.py --cli "$cli" "$@"
