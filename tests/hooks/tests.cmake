# hooks: run_command steps run by the CLI against the emulated region (facts, a failed
# pre-hook stopping only its dependants, a timeout).
add_test(NAME system_hooks
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/hooks/test_hooks.py)
set_tests_properties(system_hooks PROPERTIES TIMEOUT 300 LABELS "system;once" COST 20
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
