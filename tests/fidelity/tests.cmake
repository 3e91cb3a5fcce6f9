# The emulated region's raw/realistic views of ECS, stuck and warm services. Python alone,
# so it runs once (label `once`), not again for the sanitized build.
add_test(NAME emulator_ecs_fidelity
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/fidelity/test_ecs_fidelity.py)
set_tests_properties(emulator_ecs_fidelity PROPERTIES TIMEOUT 300 LABELS "system;once")
