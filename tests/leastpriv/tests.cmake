# Least privilege (issue 5, item 5): with moto's IAM authentication on, the Lambda role's
# policy from deploy/template.yaml runs a full failover, and each of its actions is needed.
add_test(NAME system_least_privilege
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/leastpriv/test_least_privilege.py)
set_tests_properties(system_least_privilege PROPERTIES TIMEOUT 600 LABELS system
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
