# Bad input: malformed environment variables, plan files, command lines,
# Lambda events and AWS replies, end to end through drfailover and bootstrap.
add_test(NAME system_bad_input COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/badinput/test_bad_input.py)
set_tests_properties(system_bad_input PROPERTIES TIMEOUT 600 LABELS system COST 40
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>;DRF_BOOTSTRAP=$<TARGET_FILE:bootstrap>")
