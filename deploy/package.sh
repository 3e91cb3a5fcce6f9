#!/usr/bin/env bash
# Builds the Lambda deployment package dist/drfailover-lambda.zip for the provided.al2023
# runtime, in the spirit of aws-lambda-cpp's packaging/packager:
#
#   bootstrap            shell script Lambda runs: starts the bundled loader on bin/bootstrap
#   drfailover           the same for the operators' CLI (when --cli is given or built here)
#   bin/bootstrap        drfailover's Lambda runtime (src/lambda_main.cc), debug info stripped
#   bin/drfailover       the CLI (src/cli_main.cc)
#   lib/                 every shared library ldd resolves for them, glibc and its loader included
#
# The programs never use AL2023's own glibc or libstdc++ (older than the build host's), so a
# Debian 12 build runs there unchanged. docs/lambda-package.md explains the choice.
#
# Usage:
#   bash deploy/package.sh                      # configure + build build-pkg/, then package
#   bash deploy/package.sh --bootstrap PATH [--cli PATH] [--output ZIP]
#
# Options:
#   --bootstrap PATH   package this bootstrap executable (skips the build)
#   --cli PATH         also package this drfailover CLI executable
#   --output ZIP       where to write the zip (default: dist/drfailover-lambda.zip)
#   --build-dir DIR    build directory when building (default: build-pkg)
# Environment: JOBS (ninja -j when building; default: nproc), BUILD_TYPE (default RelWithDebInfo:
# the optimisation level the test suite runs; the debug info is stripped from the package).
#
# Needs: bash, ldd, readelf, strip (binutils), zip. Run it on the architecture you deploy:
# x86_64 gives an x86_64 package, an arm64 host (or container) an arm64 one.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bootstrap_bin=""
cli_bin=""
output="$repo/dist/drfailover-lambda.zip"
build_dir="$repo/build-pkg"

die() { echo "package.sh: error: $*" >&2; exit 1; }
log() { echo "package.sh: $*"; }

while (($#)); do
  case $1 in
    --bootstrap) bootstrap_bin=${2:?--bootstrap needs a path}; shift 2 ;;
    --cli) cli_bin=${2:?--cli needs a path}; shift 2 ;;
    --output) output=${2:?--output needs a path}; shift 2 ;;
    --build-dir) build_dir=${2:?--build-dir needs a path}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
for tool in ldd readelf strip zip; do
  command -v "$tool" >/dev/null || die "'$tool' is missing (apt-get install binutils zip)"
done

# 1. The executables: build them unless given.
if [[ -z $bootstrap_bin ]]; then
  log "building bootstrap and drfailover in $build_dir"
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  ninja -C "$build_dir" -j "${JOBS:-$(nproc)}" bootstrap drfailover
  bootstrap_bin="$build_dir/bootstrap"
  cli_bin="$build_dir/drfailover"
fi
[[ -x $bootstrap_bin ]] || die "no executable at '$bootstrap_bin'"
[[ -z $cli_bin || -x $cli_bin ]] || die "no executable at '$cli_bin'"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/bin" "$stage/lib"

# 2. bin/: the programs, without debug info (symbols stay, for readable crash reports).
programs=(bootstrap)
strip --strip-debug -o "$stage/bin/bootstrap" "$bootstrap_bin"
if [[ -n $cli_bin ]]; then
  strip --strip-debug -o "$stage/bin/drfailover" "$cli_bin"
  programs+=(drfailover)
fi

# 3. lib/: the loader named in the program header (ld-linux-x86-64.so.2 on x86_64,
#    ld-linux-aarch64.so.1 on arm64), then every library ldd resolves, under its soname.
interpreter=$(readelf -l "$stage/bin/bootstrap" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
[[ -n $interpreter ]] || die "bin/bootstrap has no program interpreter: is it a static executable?"
loader=$(basename "$interpreter")
cp -L "$interpreter" "$stage/lib/$loader"

for program in "${programs[@]}"; do
  # ldd lines: "libfoo.so.1 => /path/libfoo.so.1 (0x...)", "linux-vdso.so.1 (0x...)",
  # "/lib64/ld-linux-x86-64.so.2 (0x...)" or "libfoo.so.1 => not found".
  while read -r soname arrow path _; do
    [[ $arrow == "=>" ]] || continue  # the vDSO and the loader (bundled above)
    [[ $path != not ]] || die "$program needs $soname, which is not installed"
    [[ -e $stage/lib/$soname ]] || cp -L "$path" "$stage/lib/$soname"
  done < <(ldd "$stage/bin/$program")
done

# 4. The entry points. Lambda runs /var/task/bootstrap with LD_LIBRARY_PATH starting with the
#    system's /lib64, so the shell uses AL2023's libraries and only our programs use lib/.
#    --library-path makes the bundled loader search lib/ first (before LD_LIBRARY_PATH).
write_launcher() {  # file, program, how the script finds the package root
  cat >"$1" <<EOF
#!/bin/bash
# Runs bin/$2 with the glibc, loader and libraries bundled in lib/ (deploy/package.sh).
set -euo pipefail
root=$3
# glibc's per-thread malloc caches off, as the program does for itself when it is not
# started through the loader (src/posix/malloc_settings.h): DRF_MALLOC_RESTART carries the
# caller's GLIBC_TUNABLES ("-": none), which the program puts back for what it runs.
if [[ \${GLIBC_TUNABLES-} != *glibc.malloc.tcache* && -z \${DRF_MALLOC_RESTART+set} ]]; then
  if [[ -n \${GLIBC_TUNABLES+set} ]]; then
    export DRF_MALLOC_RESTART="=\$GLIBC_TUNABLES"
    export GLIBC_TUNABLES="\${GLIBC_TUNABLES:+\$GLIBC_TUNABLES:}glibc.malloc.tcache_count=0"
  else
    export DRF_MALLOC_RESTART=- GLIBC_TUNABLES=glibc.malloc.tcache_count=0
  fi
fi
exec "\$root/lib/$loader" --library-path "\$root/lib" "\$root/bin/$2" "\$@"
EOF
  chmod 0755 "$1"
}
# shellcheck disable=SC2016  # written into the scripts literally, expanded when they run
script_dir='$(cd "$(dirname "$(readlink -f "$0")")" && pwd)'
write_launcher "$stage/bootstrap" bootstrap "\${LAMBDA_TASK_ROOT:-$script_dir}"
# Operators run the CLI from the unzipped package anywhere: its root is the script's folder.
[[ -z $cli_bin ]] || write_launcher "$stage/drfailover" drfailover "$script_dir"
chmod 0755 "$stage"/bin/* "$stage/lib/$loader"
find "$stage/lib" -type f ! -name "$loader" -exec chmod 0644 {} +

# 5. Refuse a package whose programs do not resolve against the bundle alone.
for program in "${programs[@]}"; do
  if ! listing=$("$stage/lib/$loader" --library-path "$stage/lib" --list "$stage/bin/$program" 2>&1) ||
     grep -Eq 'not found|No such file' <<<"$listing"; then
    die "bin/$program does not resolve against lib/:"$'\n'"$listing"
  fi
done

# 6. Zip, reproducibly: sorted entries, fixed times, no extra attributes. zip keeps modes.
find "$stage" -exec touch -h -d '2000-01-01T00:00:00Z' {} +
mkdir -p "$(dirname "$output")"
output=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")
rm -f "$output"
(cd "$stage" && find . -mindepth 1 ! -type d -printf '%P\n' | LC_ALL=C sort | zip -q -X --symlinks "$output" -@)
log "wrote $output ($(du -k "$output" | cut -f1) KiB; $(find "$stage/lib" -type f | wc -l) libraries, loader $loader)"
