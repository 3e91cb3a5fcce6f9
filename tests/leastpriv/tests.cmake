# Least privilege: with moto's IAM authentication on, the Lambda role's policy from
# deploy/template.yaml runs a full failover, and each of its actions is needed. A question
# about the policy, not about memory safety: optimized build only (label `once`); the
# denial paths it takes run sanitized in system_error_messages below.
add_test(NAME system_least_privilege
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/leastpriv/test_least_privilege.py)
set_tests_properties(system_least_privilege PROPERTIES TIMEOUT 600 LABELS "system;once" COST 60
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")

# The same for the plan kinds' conditional policies (drfailover-dns, -aurora, -global-db,
# -hooks): a plan of switch_dns, promote_db_cluster, failover_global_db and invoke_lambda.
add_test(NAME system_least_privilege_plan_kinds
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/leastpriv/test_plan_kinds.py)
set_tests_properties(system_least_privilege_plan_kinds PROPERTIES TIMEOUT 600
  LABELS "system;once" COST 60 ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")

# AWS errors read like the aws CLI's: whoami with a wrong secret or an
# unknown key, and AccessDenied in plan and run, name the code and the operation.
add_test(NAME system_error_messages
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/leastpriv/test_error_messages.py)
set_tests_properties(system_error_messages PROPERTIES TIMEOUT 300 LABELS system
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
