# The emulated region's raw/realistic views of ECS, stuck and warm services. Python alone,
# so it runs once (label `once`), not again for the sanitized build.
add_test(NAME emulator_ecs_fidelity
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/fidelity/test_ecs_fidelity.py)
set_tests_properties(emulator_ecs_fidelity PROPERTIES TIMEOUT 300 LABELS "system;once")
# IAM SimulatePrincipalPolicy, which the emulator answers itself (moto lacks it): decisions,
# errors and the caller's own permission, with IAM authentication on. Python alone: `once`.
add_test(NAME emulator_iam_simulate
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/fidelity/test_iam_simulate.py)
set_tests_properties(emulator_iam_simulate PROPERTIES TIMEOUT 120 LABELS "system;once")
# The sharded emulated region the benchmark runs on (--shards services): a failover through
# it, and /_emulator/* for the whole region. Python alone, and the drfailover binary: `once`.
add_test(NAME emulator_sharded_region
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/fidelity/test_sharded_region.py)
set_tests_properties(emulator_sharded_region PROPERTIES TIMEOUT 300 LABELS "system;once"
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
