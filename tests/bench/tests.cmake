# bench: the scale curve (bench/plot_scale.py) drawn from a made-up results file and looked at
# as a reader would: four panels drawn, the RSS and wall lines rising where the numbers rise,
# the critical path flat; a results file without a curve refused with its reason.
add_test(NAME bench_scale_curve_plot
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/bench/test_plot_scale.py)
set_tests_properties(bench_scale_curve_plot PROPERTIES TIMEOUT 120 LABELS "system")
