#!/usr/bin/env bash
# The benchmarks in one command: builds build/release/drfailover if it is missing, then runs
# every scenario (bench/run.py) and writes bench/results/<date>.json plus the tables, and
# the scale curve as bench/results/scale-curve.png (bench/plot_scale.py, matplotlib).
#   bash bench/run.sh [run.py options, e.g. --scenarios standard --repeats 5]
#   bash bench/run.sh --scenarios lambda_init   # Lambda cold start (needs the zip or a bootstrap)
# DRF_CLI=/path/to/drfailover benchmarks another build.
set -euo pipefail
cd "$(dirname "$0")/.."

cli="${DRF_CLI:-build/release/drfailover}"
if [[ ! -x "$cli" ]]; then
  echo "bench: building $cli" >&2
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C build/release drfailover
fi
# The lambda_init scenario (in the default set) measures dist/drfailover-lambda.zip: build it
# from build/release when it is missing (without it the scenario is reported as skipped).
scenarios=""
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --scenarios) j=$((i + 1)); scenarios="${!j:-}" ;;
    --scenarios=*) scenarios="${!i#--scenarios=}" ;;
  esac
done
if [[ (-z $scenarios || ,$scenarios, == *,lambda_init,*) && ! -f dist/drfailover-lambda.zip \
      && -z "${DRF_CLI:-}" ]]; then
  echo "bench: building dist/drfailover-lambda.zip (ninja -C build/release lambda_zip)" >&2
  ninja -C build/release lambda_zip >&2 || echo "bench: no Lambda zip: lambda_init skips drfailover" >&2
fi
python3 -c 'import boto3, moto' 2>/dev/null || {
  echo "bench: python3 needs boto3 and moto (bash scripts/setup.sh installs them)" >&2
  exit 2
}
exec python3 bench/run.py --cli "$cli" "$@"
