# notify: a run tells an SNS topic when it starts, when a step fails and when it ends (read
# back through an SQS subscriber in moto); a failed publish never fails the run.
add_test(NAME system_notify
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/notify/test_notify.py)
set_tests_properties(system_notify PROPERTIES TIMEOUT 300 LABELS system COST 20
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
