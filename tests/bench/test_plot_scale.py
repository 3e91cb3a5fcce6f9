#!/usr/bin/env python3
"""The scale curve (bench/plot_scale.py), looked at as its reader would. A made-up results
file whose numbers are known is drawn, and the PNG is read back as pixels: the four panels
are drawn; in the peak-RSS panel the line goes up from 50 to 2,000 services as the numbers
do; in the wall-time panel the wall line goes up while the critical path (black, dashed)
stays flat. A results file without a scale curve is refused with the reason.

Why: the curve is how bench/README.md shows whether drfailover scales; a plot that drew an
empty panel, swapped two series or lost one would mislead without anyone noticing.

Needs matplotlib (Debian's python3-matplotlib, which scripts/setup.sh installs; plot_scale.py
re-runs itself with /usr/bin/python3 when the python3 on PATH lacks it). Its absence fails
the test: a skipped check would look like a passed one.

Usage: python3 tests/bench/test_plot_scale.py [-v]
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PLOT = os.path.join(REPO, "bench", "plot_scale.py")
DEBIAN_PYTHON = "/usr/bin/python3"  # has python3-matplotlib (and numpy) from scripts/setup.sh

# matplotlib's default colours: the first series of a panel, and the black of "k--".
BLUE = (0x1F, 0x77, 0xB4)
BLACK = (0, 0, 0)


def curve_row(services, wall_s, rss_mib):
    return {"services": services, "asgs": services // 10, "target_groups": services // 5,
            "wall_s": wall_s, "critical_path_s": 3.0, "wall_over_critical_path": wall_s / 3.0,
            "calls": services * 4, "minimum": services * 6, "batched_minimum": services * 3,
            "drfailover_cpu_s": services / 500, "emulator_cpu_s": services / 50,
            "busiest_emulator_cpu_s": services / 80, "busiest_emulator_process": "ecs",
            "peak_rss_mib": rss_mib, "shards": "services"}


# Reads the PNG with Debian's python (matplotlib, numpy): for each quadrant of the figure,
# the rows and columns of the pixels of each colour asked for, and the share of non-white
# pixels. Printed as JSON.
PIXELS = r"""
import json, sys
import matplotlib.image as mpimg
import numpy as np
img = (mpimg.imread(sys.argv[1])[:, :, :3] * 255).round().astype(int)
h, w, _ = img.shape
colours = json.loads(sys.argv[2])
out = {"size": [w, h], "quadrants": {}}
for name, (r0, r1, c0, c1) in {"top_left": (0, h // 2, 0, w // 2),
                               "top_right": (0, h // 2, w // 2, w),
                               "bottom_left": (h // 2, h, 0, w // 2),
                               "bottom_right": (h // 2, h, w // 2, w)}.items():
    part = img[r0:r1, c0:c1]
    q = {"inked": float((part.sum(axis=2) < 3 * 250).mean())}
    for cname, rgb in colours.items():
        ys, xs = np.nonzero((np.abs(part - np.array(rgb)).sum(axis=2) <= 12))
        q[cname] = {"rows": ys.tolist(), "cols": xs.tolist()}
    out["quadrants"][name] = q
print(json.dumps(out))
"""


def pixels(png):
    proc = subprocess.run([DEBIAN_PYTHON, "-c", PIXELS, png,
                           json.dumps({"blue": BLUE, "black": BLACK})],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError(f"could not read the PNG back: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def rows_between(points, col_from, col_to):
    """Pixel rows of the points whose column is in [col_from, col_to) (rows grow downwards:
    a smaller row is higher on the page)."""
    rows = [r for r, c in zip(points["rows"], points["cols"]) if col_from <= c < col_to]
    if not rows:
        raise AssertionError(f"no line pixels between columns {col_from} and {col_to}")
    return rows


def assert_rises(test, points, what):
    """The line's lowest pixel in the left third of its width is well below its highest in
    the right third. (Extremes, not means: the legend's sample of the line sits in a top
    corner of the panel.)"""
    left, right = min(points["cols"]), max(points["cols"])
    third = (right - left) // 3
    lowest_left = max(rows_between(points, left, left + third))
    highest_right = min(rows_between(points, right - third, right + 1))
    test.assertLess(highest_right, lowest_left - 100, f"the {what} line does not rise")
    return highest_right


class ScaleCurvePlotTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def plot(self, doc):
        results = os.path.join(self.tmp.name, "results.json")
        with open(results, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        png = os.path.join(self.tmp.name, "curve.png")
        proc = subprocess.run([sys.executable, PLOT, results, "--out", png],
                              capture_output=True, text=True, timeout=90)
        return proc, png

    def test_the_curve_shows_the_numbers_it_was_given(self):
        doc = {"machine": {"cpus": 2},
               "scale_curve": [curve_row(50, 4.0, 16.0), curve_row(500, 9.0, 20.0),
                               curve_row(2000, 35.0, 32.0)]}
        proc, png = self.plot(doc)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        seen = pixels(png)
        self.assertEqual(seen["size"], [1210, 880])  # 11 x 8 inches at 110 dpi
        quads = seen["quadrants"]
        for name, q in quads.items():
            self.assertGreater(q["inked"], 0.05, f"the {name} panel looks empty")
            self.assertGreater(len(q["blue"]["rows"]), 200, f"no drfailover line in {name}")

        # Peak RSS (bottom right): 16 -> 20 -> 32 MiB.
        assert_rises(self, quads["bottom_right"]["blue"], "peak RSS")

        # Wall time (top left): 4 -> 9 -> 35 s, while the critical path (3 s everywhere) is a
        # flat black dashed line, below the wall line's end.
        wall = quads["top_left"]["blue"]
        wall_end = assert_rises(self, wall, "wall time")
        left, right = min(wall["cols"]), max(wall["cols"])
        width = right - left
        per_row = {}
        for r, c in zip(quads["top_left"]["black"]["rows"], quads["top_left"]["black"]["cols"]):
            if left <= c <= right:
                per_row[r] = per_row.get(r, 0) + 1
        # The axes' frame is black and solid (rows covered end to end); a dashed line covers
        # about half of its row; text and the legend's sample much less.
        dashed_rows = [r for r, n in per_row.items() if 0.35 * width <= n < 0.9 * width]
        self.assertTrue(dashed_rows, "no flat critical-path line across the panel")
        self.assertLessEqual(max(dashed_rows) - min(dashed_rows), 2,
                             "more than one flat dashed line")
        self.assertGreater(min(dashed_rows), wall_end + 100,
                           "the critical path is not drawn well below the wall time's end")

    def test_a_results_file_without_a_curve_is_refused_with_the_reason(self):
        proc, png = self.plot({"machine": {"cpus": 2}, "runs": []})
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("no scale_curve", proc.stderr)
        self.assertFalse(os.path.exists(png))


if __name__ == "__main__":
    unittest.main()
