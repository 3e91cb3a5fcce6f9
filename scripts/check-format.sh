#!/usr/bin/env bash
# Fails when a C++ file is not formatted as .clang-format says (clang-format -i fixes it).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.h' '*.cc')
((${#files[@]})) || exit 0
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/drf-format.log; then
  echo "check-format: these files need clang-format -i:" >&2
  grep -oE '^[^:]+\.(h|cc)' /tmp/drf-format.log | sort -u >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
