# The demo's output, sourced by scripts/demo.sh and scripts/demo-failover.sh: section
# headers, and checks that pass or fail (the failures are collected in `failures`).
if [ -t 1 ]; then bold=$'\033[1m' red=$'\033[31m' green=$'\033[32m' reset=$'\033[0m'
else bold='' red='' green='' reset=''; fi
section() { printf '\n%s==> %s%s\n' "$bold" "$*" "$reset"; }
failures=()
fail() { failures+=("$*"); printf '%sFAILED: %s%s\n' "$red" "$*" "$reset"; }
pass() { printf '%sok: %s%s\n' "$green" "$*" "$reset"; }
