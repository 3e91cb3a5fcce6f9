# database: promote_db_cluster on moto (an Aurora cross-region replica cluster; the
# emulator's proxy models the promotion's duration and AWS's answers).
add_test(NAME system_promote_db_cluster
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/database/test_promote_db_cluster.py)
set_tests_properties(system_promote_db_cluster PROPERTIES TIMEOUT 300 LABELS system COST 20
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
