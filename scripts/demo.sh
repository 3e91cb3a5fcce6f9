#!/usr/bin/env bash
# The main job, end to end, on this machine: fail over the emulated pilot-light DR region
# (tools/emulator: moto behind a realism proxy, seeded like the reference deployment) with
# the original Lambda's configuration, check the result with boto3, show that a second
# run changes nothing, fail back to standby, and write the drill report of the run. Nothing leaves 127.0.0.1; the developer's AWS config is not read.
#
# Usage: bash scripts/demo.sh
#   DRF_DEMO_PROMOTION_SECONDS  (3)  how long the RDS promotion takes in the emulator
#   DRF_DEMO_INSTANCE_SECONDS   (2)  ASG instance start-up (Pending -> InService)
#   DRF_DEMO_TASK_SECONDS       (1)  ECS task start-up (PENDING -> RUNNING)
#   DRF_DEMO_JOBS          (nproc)  build parallelism
#   DRF_DEMO_BIN                     use this drfailover binary instead of building one
# Writes out/check.json, out/plan.json, out/report.json, out/report-rerun.json,
# out/failback.json, out/emulator.log and, last, the drill report out/drill-report.html
# (its path is the last line printed).
# Exit status: 0 when every check passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

build_dir=build/release  # the same build scripts/test.sh makes
out_dir=$repo/out
drfailover=${DRF_DEMO_BIN:-$repo/$build_dir/drfailover}

source scripts/demo-output.sh

section "Set-up and build ($build_dir)"
bash scripts/setup.sh
if [ -z "${DRF_DEMO_BIN:-}" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$build_dir" -j "${DRF_DEMO_JOBS:-$(nproc)}" drfailover
else
  echo "using $drfailover (DRF_DEMO_BIN)"
fi
mkdir -p "$out_dir"
rm -f "$out_dir"/check.json "$out_dir"/plan.json "$out_dir"/report.json "$out_dir"/report-rerun.json \
  "$out_dir"/failback.json "$out_dir"/drill-report.html

section "Starting the emulated DR region (seed: reference)"
# The launcher starts the emulator, waits for it to be ready, runs the failover and its
# checks (scripts/demo-failover.sh) with every AWS call going to the emulator, and stops
# the emulator whatever way they end. Its exit status is theirs (not ready: 125).
python3 tools/emulator/launcher.py --log "$out_dir/emulator.log" --ready-timeout 120 \
  --seed reference \
  --promotion-seconds "${DRF_DEMO_PROMOTION_SECONDS:-3}" \
  --instance-start-seconds "${DRF_DEMO_INSTANCE_SECONDS:-2}" \
  --task-start-seconds "${DRF_DEMO_TASK_SECONDS:-1}" \
  -- bash scripts/demo-failover.sh "$drfailover" "$out_dir" || exit 1
