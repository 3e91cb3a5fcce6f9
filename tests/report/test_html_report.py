#!/usr/bin/env python3
"""The drill report end to end: a full failover by the real CLI against the emulated region,
its JSON report rendered by `drfailover report REPORT.json --html OUT.html`, and the page
checked the way people will use it: as a file (well-formed, nothing fetched from anywhere)
and in a browser (headless Chromium: no script errors, one timeline bar per started step,
bar widths proportional to the steps' durations as laid out, nothing wider than an A4 page).
A screenshot is kept as an artefact: $DRF_ARTEFACTS (default out/artefacts)/drill-report.png.

Why: the drill report is what an auditor keeps and what people print after a DR drill; it
must open anywhere, offline, years later, and its timeline must not mislead about which step
took how long.

Needs Chromium (/usr/bin/chromium, scripts/setup.sh installs it; DRF_CHROMIUM to use
another). Its absence fails the test: a skipped check would look like a passed one.

Usage: DRF_CLI=build/release/drfailover python3 tests/report/test_html_report.py [-v]
"""

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, os.path.join(REPO, "tools", "emulator"))

from harness import run_against, run_cli  # noqa: E402
from launcher import Emulator  # noqa: E402

EXIT_SUCCEEDED = 0  # src/app/exit_codes.h
CHROMIUM = os.environ.get("DRF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_TIMEOUT_SECONDS = 120
# Root, no network, no display: no sandbox, no GPU, and nothing that phones home.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
# An A4 page at 96 px per inch: the report must fit its width without scrolling sideways.
A4_WINDOW = "794,1123"

# Test-only, added to a copy of the page (the product has no script): records script errors,
# then each timeline bar's laid-out width and the page's width into <pre> elements that
# --dump-dom prints.
MEASURE = """<pre id="errors"></pre>
<script>
window.onerror = function (message, source, line) {
  document.getElementById('errors').textContent += message + ' (line ' + line + ')\\n';
};
</script>
<pre id="measure"></pre>
<script>
var bars = Array.prototype.map.call(document.querySelectorAll('rect.bar'), function (r) {
  return {step: r.dataset.step, ms: +r.dataset.ms, width: r.getBoundingClientRect().width,
          critical: r.classList.contains('critical')};
});
var main = document.querySelector('main');
document.getElementById('measure').textContent = JSON.stringify({
  bars: bars,
  main_width: main ? main.getBoundingClientRect().width : -1,
  scroll_width: document.documentElement.scrollWidth,
  window_width: window.innerWidth
});
</script>
"""


def artefacts_dir():
    path = os.environ.get("DRF_ARTEFACTS") or os.path.join(REPO, "out", "artefacts")
    os.makedirs(path, exist_ok=True)
    return path


def chromium(args, user_data_dir, timeout=CHROMIUM_TIMEOUT_SECONDS):
    """Runs headless Chromium with `args` in its own session, so a hung browser and its helper
    processes are killed together; returns (exit code, stdout, stderr)."""
    if not os.access(CHROMIUM, os.X_OK):
        raise AssertionError(f"chromium not installed: run scripts/setup.sh ({CHROMIUM} "
                             "not found)")
    proc = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, errors="replace", start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(f"chromium did not finish within {timeout} s; stderr:\n{err[-3000:]}")
    return proc.returncode, out, err


def started_steps(report):
    """The ids of the steps that started (non-null start offset), in plan order."""
    return [s["id"] for s in report["steps"]
            if (s.get("timings") or {}).get("start_offset_ms") is not None]


class HtmlReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="drf-html-")
        cls.report_path = os.path.join(cls.tmp.name, "report.json")
        cls.html_path = os.path.join(cls.tmp.name, "report.html")
        # A full failover of the reference deployment, with the original's variables.
        with Emulator(seed="reference", promotion_seconds=1, instance_start_seconds=0.5,
                      task_start_seconds=0.3) as emu:
            cls.failover = run_against(emu, "--report", cls.report_path, timeout=300)
            cls.render = run_cli(["report", cls.report_path, "--html", cls.html_path],
                                 emu.env(), timeout=60)
        cls.report = None
        if os.path.exists(cls.report_path):
            with open(cls.report_path, encoding="utf-8") as f:
                cls.report = json.load(f)
        cls.page = None
        if os.path.exists(cls.html_path):
            with open(cls.html_path, encoding="utf-8") as f:
                cls.page = f.read()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        self.assertEqual(self.failover.returncode, EXIT_SUCCEEDED, self.failover.describe())
        self.assertIsNotNone(self.report, "the run wrote no --report")
        self.assertEqual(self.render.returncode, 0, self.render.describe())
        self.assertIsNotNone(self.page, "`drfailover report` wrote no HTML")

    def test_the_run_had_steps_to_draw(self):
        self.assertEqual(self.report["status"], "SUCCEEDED")
        self.assertGreater(len(started_steps(self.report)), 3)
        self.assertIn(self.html_path, self.render.stderr)

    def test_well_formed_and_self_contained(self):
        root = ET.fromstring(self.page)  # raises on anything that is not well-formed XML
        self.assertEqual(root.tag, XHTML + "html")
        self.assertTrue(self.page.startswith("<!DOCTYPE html>"), self.page[:80])
        external = re.compile(r"""\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*"""
                              r"""(?:https?:|//|file:)""", re.IGNORECASE)
        self.assertIsNone(external.search(self.page), "a reference to an external resource")
        for needle in ("url(", "@import", "<link", "<img", "<iframe", "<script"):
            self.assertNotIn(needle, self.page.lower(), "the page must not load anything")
        for element in root.iter():
            for name, value in element.attrib.items():
                if name.rsplit("}", 1)[-1] in ("src", "href"):
                    self.fail(f"<{element.tag} {name}={value!r}>: the page links out")
        # The markup agrees with the report: one bar per started step, in plan order.
        bars = [r.get("data-step") for r in root.iter(SVG + "rect")
                if "bar" in (r.get("class") or "").split()]
        self.assertEqual(bars, started_steps(self.report))
        title = root.find(f"{XHTML}head/{XHTML}title").text
        self.assertEqual(title, "drfailover failover report")

    def test_in_chromium_bars_are_proportional_and_nothing_errs(self):
        with tempfile.TemporaryDirectory(prefix="drf-chromium-") as tmp:
            measured = os.path.join(tmp, "measured.html")
            self.assertEqual(self.page.count("</body>"), 1)
            with open(measured, "w", encoding="utf-8") as f:
                f.write(self.page.replace("</body>", MEASURE + "</body>"))
            code, dom, err = chromium(["--enable-logging=stderr", "--v=0", "--dump-dom",
                                       f"--window-size={A4_WINDOW}", f"file://{measured}"],
                                      os.path.join(tmp, "profile"))
        self.assertEqual(code, 0, err[-3000:])
        console = [line for line in err.splitlines() if "CONSOLE" in line or "Uncaught" in line]
        self.assertEqual(console, [], "the page logged to the console")
        errors = re.search(r'<pre id="errors">(.*?)</pre>', dom, re.DOTALL)
        self.assertIsNotNone(errors, dom[-2000:])
        self.assertEqual(html.unescape(errors.group(1)).strip(), "", "script errors")
        found = re.search(r'<pre id="measure">(.*?)</pre>', dom, re.DOTALL)
        self.assertIsNotNone(found, dom[-2000:])
        measure = json.loads(html.unescape(found.group(1)))
        bars = measure["bars"]

        self.assertEqual([b["step"] for b in bars], started_steps(self.report),
                         "one bar per started step, in plan order")
        critical = set(self.report["critical_path"])
        for bar in bars:
            self.assertEqual(bar["critical"], bar["step"] in critical, bar)
        # Widths as laid out: one px-per-ms for every bar with a duration.
        timed = [b for b in bars if b["ms"] > 0]
        self.assertTrue(timed, bars)
        longest = max(timed, key=lambda b: b["ms"])
        self.assertGreater(longest["width"], 50, "the longest bar is drawn at a readable size")
        px_per_ms = longest["width"] / longest["ms"]
        for bar in timed:
            expected = bar["ms"] * px_per_ms
            self.assertLessEqual(abs(bar["width"] - expected), max(0.02 * expected, 1.5),
                                 f"{bar['step']}: {bar['width']:.2f} px for {bar['ms']} ms, "
                                 f"expected {expected:.2f} px")
        # The data-ms values are the report's durations.
        durations = {s["id"]: s["timings"]["end_offset_ms"] - s["timings"]["start_offset_ms"]
                     for s in self.report["steps"]
                     if s["timings"]["start_offset_ms"] is not None}
        for bar in bars:
            self.assertEqual(bar["ms"], durations[bar["step"]], bar)
        # It fits an A4 page's width: no sideways scrolling, the column within 180 mm.
        self.assertLessEqual(measure["scroll_width"], measure["window_width"], measure)
        self.assertLessEqual(measure["main_width"], 180 * 96 / 25.4 + 1, measure)

    def test_screenshot(self):
        path = os.path.join(artefacts_dir(), "drill-report.png")
        if os.path.exists(path):
            os.unlink(path)
        with tempfile.TemporaryDirectory(prefix="drf-chromium-") as tmp:
            page = os.path.join(tmp, "drill-report.html")
            shutil.copyfile(self.html_path, page)
            code, _, err = chromium([f"--screenshot={path}", "--window-size=1200,1600",
                                     f"file://{page}"], os.path.join(tmp, "profile"))
        self.assertEqual(code, 0, err[-3000:])
        print(f"\ndrill report screenshot: {path}", file=sys.stderr)
        self.assertTrue(os.path.exists(path), err[-3000:])
        with open(path, "rb") as f:
            png = f.read()
        self.assertEqual(png[:8], PNG_SIGNATURE)
        self.assertGreater(len(png), 10 * 1024, "a screenshot that small shows nothing")
        shutil.copyfile(self.html_path, os.path.join(artefacts_dir(), "drill-report.html"))


if __name__ == "__main__":
    unittest.main()
