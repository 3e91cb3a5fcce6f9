# report: a full failover by the CLI against the emulated region, its JSON report rendered by
# `drfailover report --html` and checked as a file (well-formed XML, nothing external) and in
# headless Chromium (no script errors, bar widths proportional to durations as laid out, fits
# A4); the screenshot is kept under $DRF_ARTEFACTS (default out/artefacts).
add_test(NAME system_html_report
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/report/test_html_report.py)
set_tests_properties(system_html_report PROPERTIES TIMEOUT 300 LABELS "system;once" COST 20
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
