#!/usr/bin/env python3
"""The calls-versus-latency trade-off of poll schedules, computed (not measured): for a
wait that converges T seconds after it starts, when a Poller with a given schedule sees it
and how many polls that took. Mirrors src/steps/poller.cc: an immediate first poll, then
sleep `first`, each next sleep `growth` times longer, at most `max`; each poll costs one
round trip (`--rtt`, default 25 ms: the benches' 20 ms latency plus the emulator).

  python3 bench/poll_model.py [--rtt 0.025]

Columns: seen at T = 1, 2, 3 s (polls); the worst seen/T for T in [2.5 s, 3.5 s] (the
promotion of the standard scenario, whatever its phase against the polls); polls made by
T = 60, 300, 600 s (a real promotion takes minutes)."""

import argparse

CANDIDATES = [  # (name, first s, growth, max s)
    ("1 s x1.5 (before)", 1.0, 1.5, 10.0),
    ("500 ms x1.2", 0.5, 1.2, 10.0),
    ("250 ms x1.1", 0.25, 1.1, 10.0),
    ("200 ms x1.1", 0.2, 1.1, 10.0),
    ("150 ms x1.05 (earlier)", 0.15, 1.05, 10.0),
    ("100 ms x1.05", 0.1, 1.05, 10.0),
    ("100 ms x1.03 (promotion)", 0.1, 1.03, 10.0),
]


def seen(T, first, growth, cap, rtt):
    """(time the convergence at T is seen, polls made)."""
    t, polls, sleep = 0.0, 0, first
    while True:
        t += rtt
        polls += 1
        if t >= T:
            return t, polls
        t += sleep
        sleep = min(sleep * growth, cap)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rtt", type=float, default=0.025)
    rtt = p.parse_args().rtt
    print(f"{'schedule':<26}{'T=1 s':>12}{'T=2 s':>12}{'T=3 s':>12}{'worst/T':>9}"
          f"{'polls@60s':>10}{'@300s':>7}{'@600s':>7}")
    for name, first, growth, cap in CANDIDATES:
        cells = []
        for T in (1, 2, 3):
            t, n = seen(T, first, growth, cap, rtt)
            cells.append(f"{t:.2f} ({n})")
        worst = max(seen(T / 1000, first, growth, cap, rtt)[0] / (T / 1000)
                    for T in range(2500, 3501, 5))
        polls = [seen(T, first, growth, cap, rtt)[1] for T in (60, 300, 600)]
        print(f"{name:<26}{cells[0]:>12}{cells[1]:>12}{cells[2]:>12}{worst:>9.3f}"
              f"{polls[0]:>10}{polls[1]:>7}{polls[2]:>7}")


if __name__ == "__main__":
    main()
