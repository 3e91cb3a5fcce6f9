#!/usr/bin/env python3
"""Checks that every ELF file of an unzipped Lambda package is satisfied by the package alone.

For each ELF file under ROOT/bin and ROOT/lib, reads its needed libraries and its symbol
version references (`objdump -p`), and checks that each needed library is bundled in
ROOT/lib and defines each version referenced (GLIBC_2.x, GLIBCXX_3.4.x, CXXABI_*, GCC_*,
OPENSSL_*, ...): exactly what the dynamic loader verifies before it runs a program.

Also prints the newest GLIBC_ and GLIBCXX_ versions the package needs, next to what the
bundle provides and what AL2023 provides (glibc 2.34, GLIBCXX_3.4.29), for information: the
bundle is what the programs use.

Usage: check_elf_versions.py ROOT        exit 0 when satisfied, 1 otherwise
"""

import os
import re
import subprocess
import sys

AL2023 = {"GLIBC": (2, 34), "GLIBCXX": (3, 4, 29)}
# glibc's own files: checked like the others, and left out of "what the programs need".
GLIBC_FILES = re.compile(r"^(ld-linux.*|libc|libm|libresolv|libpthread|libdl|librt|libutil|libanl)\.so")


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def read_versions(path):
    """(needed sonames, defined versions, {soname: referenced versions}) of one ELF file."""
    out = subprocess.run(["objdump", "-p", path], check=True, capture_output=True, text=True).stdout
    needed, defined, refs = [], set(), {}
    section, current = None, None
    for line in out.splitlines():
        if line.startswith("Dynamic Section:"):
            section = "dynamic"
        elif line.startswith("Version definitions:"):
            section = "defs"
        elif line.startswith("Version References:"):
            section = "refs"
        elif not line.strip():
            section = None if section in ("defs", "refs") else section
        elif section == "dynamic" and line.split()[0] == "NEEDED":
            needed.append(line.split()[1])
        elif section == "defs":
            fields = line.split()
            if len(fields) >= 4 and fields[0].isdigit():
                defined.add(fields[3])
        elif section == "refs":
            match = re.match(r"\s*required from (\S+):", line)
            if match:
                current = match.group(1)
                refs.setdefault(current, set())
            elif current:
                refs[current].add(line.split()[-1])
    return needed, defined, refs


def version_key(name):
    family, _, number = name.partition("_")
    return family, tuple(int(part) for part in number.split(".") if part.isdigit())


def newest(versions, family):
    found = [version_key(v)[1] for v in versions if version_key(v)[0] == family]
    return max(found) if found else None


def show(version):
    return ".".join(map(str, version)) if version else "none"


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    lib = os.path.join(root, "lib")
    files = {}
    for folder in ("bin", "lib"):
        for name in sorted(os.listdir(os.path.join(root, folder))):
            path = os.path.join(root, folder, name)
            if os.path.isfile(path) and is_elf(path):
                files[f"{folder}/{name}"] = read_versions(path)

    errors = []
    needed_by_programs = set()  # versions bin/* and the non-glibc libraries reference
    for rel, (needed, _, refs) in files.items():
        for soname in needed:
            if f"lib/{soname}" not in files:
                errors.append(f"{rel} needs {soname}, which is not in lib/")
        for soname, versions in refs.items():
            if not GLIBC_FILES.match(os.path.basename(rel)):
                needed_by_programs |= versions
            provider = files.get(f"lib/{soname}")
            if provider is None:
                errors.append(f"{rel} references versions of {soname}, which is not in lib/")
                continue
            for version in sorted(versions - provider[1]):
                errors.append(f"{rel} needs {version} from {soname}, which lib/{soname} does not define")

    bundled_glibc = files.get("lib/libc.so.6", ([], set(), {}))[1]
    bundled_cxx = files.get("lib/libstdc++.so.6", ([], set(), {}))[1]
    for family, provided in (("GLIBC", bundled_glibc), ("GLIBCXX", bundled_cxx)):
        need = newest(needed_by_programs, family)
        print(f"{family}: programs and libraries need up to {show(need)}; bundled: "
              f"{show(newest(provided, family))}; AL2023 has {show(AL2023[family])}"
              f"{' (so the bundle is required)' if need and need > AL2023[family] else ''}")
    print(f"checked {len(files)} ELF files under {root}")
    for error in errors:
        print(f"FAIL: {error}")
    if errors:
        return 1
    print("OK: every needed library and symbol version is provided by lib/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
