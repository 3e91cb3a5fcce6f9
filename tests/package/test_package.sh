#!/usr/bin/env bash
# End-to-end test of the Lambda package (deploy/package.sh), as Lambda would run it:
#
#   1. builds the zip from the given executables and unzips it into an empty directory;
#   2. checks that every ELF file in it resolves against the bundled loader and libraries,
#      and needs no symbol version the bundle does not define (check_elf_versions.py);
#   3. runs its `bootstrap` under `env -i` with only the variables Lambda sets (plus
#      AWS_ENDPOINT_URL and the original function's configuration) against a fake Runtime
#      API (fake_runtime_api.py) and the emulated DR region (tools/emulator/emulator.py):
#      - `{}` is a full failover: response {"statusCode": 200, "body": "\"DR failover
#        completed successfully\""}, and the region is failed over (check_state.py);
#      - a bad event is answered by an invocation error with a valid error type;
#      - an invalid configuration (TARGET_GROUPS='{bad') is reported to /runtime/init/error,
#        and bootstrap exits on its own with exit code 2 (invalid configuration).
#
# Loopback only. Usage: test_package.sh BOOTSTRAP [CLI]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bootstrap_bin=${1:?usage: test_package.sh BOOTSTRAP [CLI]}
cli_bin=${2:-}

work=$(mktemp -d)
pids=()  # background processes to stop at exit
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for log in "$work"/*.log; do
    [[ -s $log ]] && { echo "--- $(basename "$log") (last 40 lines)"; tail -n 40 "$log"; } >&2
  done
  exit 1
}
step() { echo "=== $*"; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_for() {
  local seconds=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || fail "timed out after ${seconds}s waiting for $what"
    sleep 0.1
  done
}

# Write ends of the servers' stdin FIFOs that this script holds (see start_server).
held_fds=()
# run_detached COMMAND...: (run with &) execs COMMAND without the held FIFO ends, so that
# closing one in this script is the only thing that gives its server EOF.
run_detached() {
  local fd
  for fd in "${held_fds[@]}"; do exec {fd}>&-; done
  exec "$@"
}

# start_server NAME COMMAND...: runs a server whose stdin is a FIFO held open by this
# script (closing it stops the server); sets server_pid and server_stdin (an fd).
start_server() {
  local name=$1
  shift
  mkfifo "$work/$name.stdin"
  run_detached "$@" <"$work/$name.stdin" >"$work/$name.out" 2>"$work/$name.log" &
  server_pid=$!
  pids+=("$server_pid")
  exec {server_stdin}>"$work/$name.stdin"
  held_fds+=("$server_stdin")
}

# ready_line FILE PREFIX: the rest of FILE's line starting with PREFIX (empty until it exists).
ready_line() { sed -n "s/^$2 //p" "$1"; }
has_ready_line() { [[ -n $(ready_line "$1" "$2") ]]; }
lines_in() { [[ -f $1 ]] && (($(wc -l <"$1") >= $2)); }
not_running() { ! kill -0 "$1" 2>/dev/null; }
lines_or_exit() { lines_in "$1" "$2" || not_running "$3"; }  # FILE N PID

# ---------------------------------------------------------------------------------------
step "package"
package_args=(--bootstrap "$bootstrap_bin" --output "$work/drfailover-lambda.zip")
[[ -z $cli_bin ]] || package_args+=(--cli "$cli_bin")
bash "$repo/deploy/package.sh" "${package_args[@]}"
task="$work/task"
mkdir "$task"
unzip -q "$work/drfailover-lambda.zip" -d "$task"
[[ -x $task/bootstrap && -x $task/bin/bootstrap ]] || fail "the zip has no executable bootstrap and bin/bootstrap"
[[ -z $cli_bin || (-x $task/drfailover && -x $task/bin/drfailover) ]] || fail "the zip has no drfailover CLI"
loader=$(cd "$task/lib" && ls ld-linux-*)
[[ -x $task/lib/$loader ]] || fail "the zip has no executable loader in lib/"
echo "zip: $(du -k "$work/drfailover-lambda.zip" | cut -f1) KiB, $(unzip -Z1 "$work/drfailover-lambda.zip" | wc -l) files"

step "every ELF file resolves against the bundle"
while IFS= read -r -d '' elf; do
  [[ $(head -c 4 "$elf") == $'\x7fELF' ]] || continue
  [[ $(basename "$elf") != "$loader" ]] || continue
  listing=$("$task/lib/$loader" --library-path "$task/lib" --list "$elf" 2>&1) || fail "$elf: $listing"
  ! grep -Eq 'not found|No such file' <<<"$listing" || fail "$elf does not resolve:"$'\n'"$listing"
  # Everything except the vDSO must come from the package.
  outside=$(grep '=>' <<<"$listing" | grep -v "=> $task/lib/" || true)
  [[ -z $outside ]] || fail "$elf loads libraries from outside the package:"$'\n'"$outside"
done < <(find "$task/bin" "$task/lib" -type f -print0)
python3 "$here/check_elf_versions.py" "$task" || fail "symbol versions not satisfied by the bundle"
if [[ -n $cli_bin ]]; then
  env -i PATH=/usr/bin:/bin "$task/drfailover" --help >"$work/cli-help.log" 2>&1 ||
    fail "the packaged CLI does not start: $(cat "$work/cli-help.log")"
  echo "ok: the packaged drfailover CLI starts from the unzipped package"
fi

# ---------------------------------------------------------------------------------------
step "start the emulated DR region"
start_server emulator python3 "$repo/tools/emulator/emulator.py" --seed reference \
  --promotion-seconds 1 --instance-start-seconds 1 --task-start-seconds 1
emulator_pid=$server_pid emulator_stdin=$server_stdin
wait_for 180 "the emulator to be ready" has_ready_line "$work/emulator.out" "EMULATOR READY"
ready=$(ready_line "$work/emulator.out" "EMULATOR READY")
endpoint=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["endpoint"])' "$ready")
[[ $endpoint == http://127.0.0.1:* ]] || fail "emulator endpoint is not on loopback: $endpoint"
# The original function's configuration for this deployment: KEY=VALUE, NUL-separated.
mapfile -d '' function_config < <(python3 -c '
import json, sys
for key, value in json.loads(sys.argv[1])["resources"]["env"].items():
    sys.stdout.write(f"{key}={value}\0")' "$ready")
echo "emulator at $endpoint; configuration: ${function_config[*]%%=*}"

# run_bootstrap NAME EVENTS_JSON [KEY=VALUE...]: starts the fake Runtime API with the events,
# then the packaged bootstrap under `env -i` with Lambda's variables, the function's
# configuration and the given overrides. Sets bootstrap_pid, api_pid, api_stdin.
run_bootstrap() {
  local name=$1 events=$2
  shift 2
  echo "$events" >"$work/$name.events.json"
  start_server "$name-api" python3 "$here/fake_runtime_api.py" \
    --events "$work/$name.events.json" --record "$work/$name.records.jsonl" --deadline-seconds 300
  api_pid=$server_pid api_stdin=$server_stdin
  wait_for 30 "the fake Runtime API" has_ready_line "$work/$name-api.out" "FAKE RUNTIME API READY"
  local port
  port=$(ready_line "$work/$name-api.out" "FAKE RUNTIME API READY")
  # What Lambda sets for a provided.al2023 function (aws-wire.md §6), LD_LIBRARY_PATH included.
  # shellcheck disable=SC2016  # '$LATEST' is Lambda's literal version name
  local lambda_env=(
    AWS_LAMBDA_RUNTIME_API="127.0.0.1:$port"
    LAMBDA_TASK_ROOT="$task"
    LAMBDA_RUNTIME_DIR=/var/runtime
    _HANDLER=bootstrap
    AWS_REGION=us-east-1
    AWS_DEFAULT_REGION=us-east-1
    AWS_ACCESS_KEY_ID=ASIAEXAMPLEPACKAGETEST
    AWS_SECRET_ACCESS_KEY=package-test-secret
    AWS_SESSION_TOKEN=package-test-session-token
    AWS_LAMBDA_FUNCTION_NAME=dr-dr-failover
    AWS_LAMBDA_FUNCTION_VERSION='$LATEST'
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256
    AWS_LAMBDA_INITIALIZATION_TYPE=on-demand
    AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/dr-dr-failover
    AWS_LAMBDA_LOG_STREAM_NAME='2024/01/01/[$LATEST]0123456789abcdef'
    TZ=:UTC
    LANG=en_US.UTF-8
    PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin
    LD_LIBRARY_PATH="/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:$task:$task/lib:/opt/lib"
    AWS_ENDPOINT_URL="$endpoint"
  )
  # Sanitizer builds: pass their options through (not a Lambda variable; harmless otherwise).
  local name_var
  for name_var in ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS LSAN_OPTIONS; do
    [[ -z ${!name_var:-} ]] || lambda_env+=("$name_var=${!name_var}")
  done
  (cd "$task" && run_detached env -i "${lambda_env[@]}" "${function_config[@]}" "$@" ./bootstrap) \
    </dev/null >"$work/$name-bootstrap.log" 2>&1 &
  bootstrap_pid=$!
  pids+=("$bootstrap_pid")
}

# record FILE LINE EXPRESSION: evaluates a Python expression on record number LINE (from 1)
# of FILE, bound to `r` (with `body` = the parsed JSON body), and prints the result.
record() {
  python3 - "$@" <<'PY'
import json, re, sys
path, line, expression = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path) as f:
    r = json.loads(f.readlines()[line - 1])
headers = {k.lower(): v for k, v in r["headers"].items()}
body = json.loads(r["body"]) if r["body"] else None
print(eval(expression, {"re": re, "json": json}, {"r": r, "headers": headers, "body": body}))
PY
}
expect_record() {  # FILE LINE EXPRESSION DESCRIPTION: fails unless EXPRESSION is True
  local got
  got=$(record "$1" "$2" "$3") || fail "cannot read record $2 of $1"
  [[ $got == True ]] || fail "$4 (record $2: $(sed -n "$2p" "$1"))"
  echo "ok: $4"
}
error_type_ok='re.fullmatch(r"(Runtime|Function)\.[A-Z][a-zA-Z]+", headers.get("lambda-runtime-function-error-type", "")) is not None'

# ---------------------------------------------------------------------------------------
step "invocations: {} then a bad event"
run_bootstrap invoke '[{}, {"no_such_key": true}]'
records="$work/invoke.records.jsonl"
# Bounded, and cut short if bootstrap dies before answering both.
wait_for 300 "two invocation results" lines_or_exit "$records" 2 "$bootstrap_pid"
lines_in "$records" 2 || fail "bootstrap exited before answering both invocations"
expect_record "$records" 1 'r["kind"] == "response"' "{} is answered by a response"
expect_record "$records" 1 'body["statusCode"] == 200' "... with statusCode 200"
expect_record "$records" 1 'body["body"] == json.dumps("DR failover completed successfully")' \
  '... and body "\"DR failover completed successfully\""'
expect_record "$records" 2 'r["kind"] == "error"' "the bad event is answered by an invocation error"
expect_record "$records" 2 "$error_type_ok" "... whose Lambda-Runtime-Function-Error-Type is valid"
expect_record "$records" 2 'bool(body["errorMessage"]) and body["errorType"] == headers["lambda-runtime-function-error-type"]' \
  "... with errorMessage and the same errorType in the body"
kill -0 "$bootstrap_pid" 2>/dev/null || fail "bootstrap exited instead of waiting for the next event"
# The launcher turned glibc's per-thread malloc caches off (src/posix/malloc_settings.h); with
# no GLIBC_TUNABLES of Lambda's to keep, the program is told there was none ("-").
started_with=$(tr '\0' '\n' <"/proc/$bootstrap_pid/environ")
grep -qx 'GLIBC_TUNABLES=glibc.malloc.tcache_count=0' <<<"$started_with" ||
  fail "the packaged bootstrap runs with glibc's per-thread malloc caches"
grep -qx 'DRF_MALLOC_RESTART=-' <<<"$started_with" ||
  fail "the launcher did not tell bootstrap that Lambda set no GLIBC_TUNABLES"
echo "ok: the packaged bootstrap runs without glibc's per-thread malloc caches"
grep -q 'Received event' "$work/invoke-bootstrap.log" || fail "bootstrap did not log 'Received event'"
echo "ok: bootstrap is waiting for the next invocation (stopping it)"
kill "$bootstrap_pid"
wait "$bootstrap_pid" 2>/dev/null || true
exec {api_stdin}>&-
wait_for 30 "the fake Runtime API to stop" not_running "$api_pid"
python3 "$repo/tools/emulator/check_state.py" --endpoint "$endpoint" --expect reference-failover \
  >"$work/check_state.log" 2>&1 || fail "the region is not failed over (check_state.py)"
echo "ok: the emulated region is failed over (check_state.py --expect reference-failover)"

# ---------------------------------------------------------------------------------------
step "invalid configuration: TARGET_GROUPS='{bad'"
run_bootstrap init '[{}]' "TARGET_GROUPS={bad"
records="$work/init.records.jsonl"
wait_for 60 "bootstrap to exit" not_running "$bootstrap_pid"
status=0
wait "$bootstrap_pid" || status=$?
[[ $status == 2 ]] || fail "bootstrap exited with $status, expected 2 (invalid configuration)"
echo "ok: bootstrap exited by itself with exit code 2"
lines_in "$records" 1 || fail "nothing was posted to the Runtime API"
(($(wc -l <"$records") == 1)) || fail "expected exactly one post: $(cat "$records")"
expect_record "$records" 1 'r["kind"] == "init_error"' "the init error is posted to /runtime/init/error"
expect_record "$records" 1 "$error_type_ok" "... whose Lambda-Runtime-Function-Error-Type is valid"
expect_record "$records" 1 '"TARGET_GROUPS" in body["errorMessage"]' "... and whose message names TARGET_GROUPS"
exec {api_stdin}>&-
wait_for 30 "the fake Runtime API to stop" not_running "$api_pid"

step "stop the emulator"
exec {emulator_stdin}>&-
wait_for 30 "the emulator to stop" not_running "$emulator_pid"

echo "PASS: lambda package ($(du -k "$work/drfailover-lambda.zip" | cut -f1) KiB zip): bundle resolves," \
  "full failover, invocation error and init error all behave as on Lambda"
