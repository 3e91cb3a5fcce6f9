"""Runs one benchmarked program and prints its measurements as one JSON line on stdout:

  python3 -S -E bench/launch.py STDOUT_FILE STDERR_FILE PROGRAM [ARGS...]

{"t_spawn": monotonic s just before the spawn, "t_exit": just after the wait, "exit_code",
 "maxrss_kib", "utime_s", "stime_s"} (rusage from wait4).

Why a launcher: Linux carries a process's peak RSS across exec, and a spawned child starts
with its parent's memory (vfork/fork), so wait4 in bench/run.py (a Python process holding
boto3, 40-60 MiB) would report the runner's size, not the program's. This launcher imports
nothing but the standard basics (-S: no site packages) and stays near 8 MiB, below any
measured program (drfailover's shared libraries alone take about 13 MiB)."""

import json
import os
import sys
import time


def main(argv):
    out_path, err_path, program = argv[0], argv[1], argv[2:]
    out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    actions = [(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2),
               (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0)]
    t_spawn = time.monotonic()
    pid = os.posix_spawn(program[0], program, os.environ, file_actions=actions)
    _, status, ru = os.wait4(pid, 0)
    t_exit = time.monotonic()
    print(json.dumps({"t_spawn": t_spawn, "t_exit": t_exit,
                      "exit_code": os.waitstatus_to_exitcode(status),
                      "maxrss_kib": ru.ru_maxrss, "utime_s": ru.ru_utime,
                      "stime_s": ru.ru_stime}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
