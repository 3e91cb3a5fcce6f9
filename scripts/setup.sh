#!/usr/bin/env bash
# Installs what drfailover's build and tests need, and nothing else.
# Idempotent: installs only missing Debian packages (running `apt-get update` once, only
# when something is missing) and checks that the AWS emulator (moto) and boto3/botocore
# are importable by python3. Safe to run on every build.
set -euo pipefail

debian_packages=(
  build-essential cmake ninja-build pkg-config
  libcurl4-openssl-dev libssl-dev          # HTTP transport and TLS, SHA-256/HMAC for SigV4
  libpugixml-dev                           # query / EC2 / rest-xml response parsing
  nlohmann-json3-dev                       # JSON 1.1 protocol, reports, Lambda events
  libyaml-cpp-dev                          # plan files
  libfmt-dev                               # formatting (used header-only: nothing extra to ship)
  libcli11-dev                             # command line
  libgtest-dev libgmock-dev                # tests
  clang libclang-rt-14-dev clang-format    # sanitizer and fuzzer builds, formatting check
  zip unzip binutils                       # Lambda package and its symbol check
  chromium                                 # the drill report, rendered headless (tests/report)
  python3-matplotlib                       # the benchmarks' scale curve (bench/plot_scale.py, tests/bench)
  ca-certificates curl
)

missing=()
for pkg in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The emulated AWS region: moto in server mode, with boto3/botocore as the oracle.
python_modules_ok() {
  python3 - <<'PY' 2>/dev/null
import boto3, botocore, moto, moto.server  # noqa: F401
import flask, yaml  # noqa: F401  (moto server's own dependencies)
import cfnlint  # noqa: F401  (the lint test of deploy/template.yaml)
PY
}
if ! python_modules_ok; then
  echo "setup: moto/boto3/botocore missing for $(command -v python3 || echo 'no python3'); trying pip"
  if ! python3 -m pip install --quiet 'moto[server]' boto3 botocore cfn-lint 2>/dev/null || ! python_modules_ok; then
    echo "setup: ERROR: python3 cannot import moto (server mode), boto3 and botocore, and pip" >&2
    echo "setup: could not install them (no package index reachable?). Install them into" >&2
    echo "setup: the python3 on PATH (pip install 'moto[server]' boto3 botocore) and rerun." >&2
    exit 1
  fi
fi
echo "setup: ok (moto $(python3 -c 'import moto; print(moto.__version__)'), botocore $(python3 -c 'import botocore; print(botocore.__version__)'))"
