#!/usr/bin/env bash
# The demo's failover and its checks, in the emulated DR region: scripts/demo.sh runs this
# through tools/emulator/launcher.py, which has started the emulator (READY document in
# EMULATOR_READY) and set an AWS environment that reaches only it (dummy credentials,
# AWS_ENDPOINT_URL, no profiles, credential files or instance metadata).
#
# Usage: bash scripts/demo-failover.sh DRFAILOVER OUT_DIR
# Exit status: 0 when every check passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${EMULATOR_READY:?run by scripts/demo.sh, inside tools/emulator/launcher.py}"
drfailover=$1
out_dir=$2

source scripts/demo-output.sh

# The original function's environment (DB_INSTANCE_IDENTIFIER, JENKINS_ASG_NAME, ...) for
# the seeded deployment, and where the emulator listens.
eval "$(python3 - <<'PY'
import json, os, shlex
ready = json.loads(os.environ["EMULATOR_READY"])
print(f"endpoint={shlex.quote(ready['endpoint'])}")
for key, value in ready["resources"]["env"].items():
    print(f"export {key}={shlex.quote(value)}")
PY
)"
echo "endpoint: $endpoint   (emulator log: $out_dir/emulator.log)"

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

section "drfailover check: would a failover work now? (read-only)"
# The emulated region has no ReplicaLag metric, no lease table and moto's default identity
# (which IAM's simulator cannot evaluate): ready with those warnings, exit 4.
reset_emulator_stats
check_rc=0
"$drfailover" check --report "$out_dir/check.json" || check_rc=$?
check_mutating=$(emulator_stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["mutating"])')
if { [ "$check_rc" -eq 0 ] || [ "$check_rc" -eq 4 ]; } && [ "$check_mutating" -eq 0 ]; then
  pass "check exited $check_rc ($(report_field "$out_dir/check.json" 'r["verdict"]')); the emulator received 0 mutating calls"
else
  fail "check exited $check_rc; the emulator received $check_mutating mutating calls"
fi

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

section "drfailover failback: back to standby (the failover's records, read back)"
failback_rc=0
"$drfailover" failback --no-progress --report "$out_dir/failback.json" || failback_rc=$?
echo
if [ "$failback_rc" -eq 0 ] && python3 - "$endpoint" <<'PY'
import sys
import boto3
kw = dict(region_name="us-east-1", endpoint_url=sys.argv[1], aws_access_key_id="testing",
          aws_secret_access_key="testing")
asg, ecs, elb = (boto3.client(s, **kw) for s in ("autoscaling", "ecs", "elbv2"))
sizes = {(g["MinSize"], g["MaxSize"], g["DesiredCapacity"])
         for g in asg.describe_auto_scaling_groups()["AutoScalingGroups"]}
desired = {s["desiredCount"] for s in ecs.describe_services(
    cluster="dr", services=ecs.list_services(cluster="dr")["serviceArns"])["services"]}
targets = sum(len(elb.describe_target_health(TargetGroupArn=t["TargetGroupArn"])
                  ["TargetHealthDescriptions"])
              for t in elb.describe_target_groups()["TargetGroups"])
print(f"ASG sizes {sorted(sizes)}, ECS desired counts {sorted(desired)}, registered targets {targets}")
sys.exit(0 if sizes == {(0, 0, 0)} and desired == {0} and targets == 0 else 1)
PY
then
  pass "failback exited 0: every ASG and service at its standby size, the failover's targets deregistered"
else
  fail "failback exited $failback_rc or the region is not back at standby (see $out_dir/failback.json)"
fi

section "The drill report of this run (drfailover report --html)"
if "$drfailover" report "$out_dir/report.json" --html "$out_dir/drill-report.html"; then
  pass "drill report written: $out_dir/drill-report.html"
else
  fail "drfailover report could not write $out_dir/drill-report.html"
fi

section "Result"
if ((${#failures[@]})); then
  printf '%sDEMO FAILED (%d problems):%s\n' "$red" "${#failures[@]}" "$reset"
  printf '  - %s\n' "${failures[@]}"
  exit 1
fi
printf '%sDEMO PASSED: the pilot-light region was failed over, verified, a second run changed nothing, and it was failed back.%s\n' \
  "$green" "$reset"
echo "Reports: $out_dir/plan.json, $out_dir/report.json, $out_dir/report-rerun.json, $out_dir/failback.json"
echo "Drill report: $out_dir/drill-report.html"
