#!/usr/bin/env bash
# The main job, end to end, on this machine: fail over the emulated pilot-light DR region
# (tools/emulator: moto behind a realism proxy, seeded like the reference deployment) with
# the original Lambda's configuration, check the result with boto3, and show that a second
# run changes nothing. Nothing leaves 127.0.0.1; the developer's AWS config is not read.
#
# Usage: bash scripts/demo.sh
#   DRF_DEMO_PROMOTION_SECONDS  (3)  how long the RDS promotion takes in the emulator
#   DRF_DEMO_INSTANCE_SECONDS   (2)  ASG instance start-up (Pending -> InService)
#   DRF_DEMO_TASK_SECONDS       (1)  ECS task start-up (PENDING -> RUNNING)
#   DRF_DEMO_JOBS          (nproc)  build parallelism
#   DRF_DEMO_BIN                     use this drfailover binary instead of building one
# Writes out/plan.json, out/report.json, out/report-rerun.json and out/emulator.log.
# Exit status: 0 when every check passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

build_dir=build/release  # the same build scripts/test.sh makes
out_dir=$repo/out
drfailover=${DRF_DEMO_BIN:-$repo/$build_dir/drfailover}

if [ -t 1 ]; then bold=$'\033[1m' red=$'\033[31m' green=$'\033[32m' reset=$'\033[0m'
else bold='' red='' green='' reset=''; fi
section() { printf '\n%s==> %s%s\n' "$bold" "$*" "$reset"; }
failures=()
fail() { failures+=("$*"); printf '%sFAILED: %s%s\n' "$red" "$*" "$reset"; }
pass() { printf '%sok: %s%s\n' "$green" "$*" "$reset"; }

section "Set-up and build ($build_dir)"
bash scripts/setup.sh
if [ -z "${DRF_DEMO_BIN:-}" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$build_dir" -j "${DRF_DEMO_JOBS:-$(nproc)}" drfailover
else
  echo "using $drfailover (DRF_DEMO_BIN)"
fi
mkdir -p "$out_dir"
rm -f "$out_dir"/plan.json "$out_dir"/report.json "$out_dir"/report-rerun.json

section "Starting the emulated DR region (seed: reference)"
# The emulator serves until its stdin reaches EOF: a coprocess keeps that pipe open, and
# the EXIT trap closes it and stops the process whatever way this script ends.
coproc EMULATOR {
  exec python3 tools/emulator/emulator.py --seed reference \
    --promotion-seconds "${DRF_DEMO_PROMOTION_SECONDS:-3}" \
    --instance-start-seconds "${DRF_DEMO_INSTANCE_SECONDS:-2}" \
    --task-start-seconds "${DRF_DEMO_TASK_SECONDS:-1}" 2>"$out_dir/emulator.log"
}
emulator_pid=$EMULATOR_PID
emulator_out=${EMULATOR[0]}
exec {emulator_in}>&"${EMULATOR[1]}"  # a copy that outlives the coproc variables
stop_emulator() {
  exec {emulator_in}>&- 2>/dev/null || true
  if kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
}
trap stop_emulator EXIT

ready=''
while IFS= read -r -t 120 line <&"$emulator_out"; do
  case $line in "EMULATOR READY "*) ready=${line#EMULATOR READY }; break ;; esac
done
if [ -z "$ready" ]; then
  echo "the emulator did not become ready within 120 s; its log ($out_dir/emulator.log):" >&2
  tail -n 30 "$out_dir/emulator.log" >&2
  exit 1
fi

# The original function's environment (DB_INSTANCE_IDENTIFIER, JENKINS_ASG_NAME, ...) for
# the seeded deployment, and where the emulator listens.
eval "$(python3 - "$ready" <<'PY'
import json, shlex, sys
ready = json.loads(sys.argv[1])
print(f"endpoint={shlex.quote(ready['endpoint'])}")
for key, value in ready["resources"]["env"].items():
    print(f"export {key}={shlex.quote(value)}")
PY
)"
echo "endpoint: $endpoint   (emulator log: $out_dir/emulator.log)"

# An AWS account that exists only here: dummy credentials, every call to the emulator, and
# none of the developer's profiles, credential files or instance metadata.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI DRF_PLAN_FILE
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_ENDPOINT_URL=$endpoint
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true

echo
echo "The original Lambda's configuration:"
for var in DB_INSTANCE_IDENTIFIER JENKINS_ASG_NAME MONITORING_ASG_NAME ECS_CLUSTER_NAME ECS_SERVICES; do
  printf '  %-23s %s\n' "$var" "${!var}"
done
python3 - <<'PY'
import json, os
groups = json.loads(os.environ["TARGET_GROUPS"])
print(f"  TARGET_GROUPS           {len(groups)} target groups:")
for arn, source in groups.items():
    name = arn.split(":")[-1]
    print(f"    {name:<58} <- {source.get('source_asg') or source.get('source_ecs')}")
PY

# Emulator stats: the calls the emulator received, counted by operation.
emulator_stats() { curl -fsS "$endpoint/_emulator/stats"; }
reset_emulator_stats() { curl -fsS -X POST "$endpoint/_emulator/reset-stats" >/dev/null; }
# report_field FILE PYTHON-EXPRESSION(r)
report_field() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"; }

section "Who am I (the emulated account)"
"$drfailover" whoami || fail "drfailover whoami exited $?"

section "drfailover plan: what a failover would change (nothing is changed)"
reset_emulator_stats
plan_rc=0
"$drfailover" plan --report "$out_dir/plan.json" || plan_rc=$?
plan_mutating=$(emulator_stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["mutating"])')
if [ "$plan_rc" -eq 0 ] && [ "$plan_mutating" -eq 0 ]; then
  pass "plan exited 0; the emulator received 0 mutating calls"
else
  fail "plan exited $plan_rc; the emulator received $plan_mutating mutating calls"
fi

section "drfailover run: the failover (logs and progress on stderr, summary on stdout)"
run_rc=0
"$drfailover" run --report "$out_dir/report.json" || run_rc=$?
echo
echo "report: $out_dir/report.json"
if [ "$run_rc" -eq 0 ]; then
  pass "run exited 0 (status $(report_field "$out_dir/report.json" 'r["status"]'))"
else
  fail "run exited $run_rc (see $out_dir/report.json)"
fi
if [ -f "$out_dir/report.json" ]; then
  report_field "$out_dir/report.json" '"\n".join([
      "duration %.1f s; critical path %s (%.1f s)" % (r["duration_ms"] / 1000,
          " -> ".join(r["critical_path"]), r["critical_path_ms"] / 1000),
      "API calls: %d, mutating %d, retries %d" % (r["api_calls"]["totals"]["calls"],
          r["api_calls"]["totals"]["mutating"], r["api_calls"]["totals"]["retries"])])'
fi

section "Checking the DR region with boto3 (check_state.py --expect reference-failover)"
if python3 tools/emulator/check_state.py --endpoint "$endpoint" --expect reference-failover; then
  pass "the DR region is in the documented failed-over state"
else
  fail "the DR region is not in the documented failed-over state"
fi

section "drfailover run, again: a failover that already happened changes nothing"
reset_emulator_stats
rerun_rc=0
"$drfailover" run --no-progress --report "$out_dir/report-rerun.json" || rerun_rc=$?
echo
echo "report: $out_dir/report-rerun.json"
if [ -f "$out_dir/report-rerun.json" ]; then
  read -r rerun_mutating rerun_changed < <(report_field "$out_dir/report-rerun.json" \
    'r["api_calls"]["totals"]["mutating"], sum(s["status"] != "unchanged" for s in r["steps"])')
else
  rerun_mutating='?' rerun_changed='?'
fi
emulator_mutating=$(emulator_stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["mutating"])')
if [ "$rerun_rc" -eq 0 ] && [ "$rerun_mutating" = 0 ] && [ "$rerun_changed" = 0 ] &&
  [ "$emulator_mutating" -eq 0 ]; then
  pass "second run: exit 0, every step unchanged, 0 mutating calls (report and emulator agree)"
else
  fail "second run: exit $rerun_rc, $rerun_changed steps not unchanged, mutating calls:" \
    "$rerun_mutating in the report, $emulator_mutating at the emulator"
fi

section "Result"
if ((${#failures[@]})); then
  printf '%sDEMO FAILED (%d problems):%s\n' "$red" "${#failures[@]}" "$reset"
  printf '  - %s\n' "${failures[@]}"
  exit 1
fi
printf '%sDEMO PASSED: the pilot-light region was failed over, verified, and a second run changed nothing.%s\n' \
  "$green" "$reset"
echo "Reports: $out_dir/plan.json, $out_dir/report.json, $out_dir/report-rerun.json"
