# database: promote_db_cluster on moto (an Aurora cross-region replica cluster; the
# emulator's proxy models the promotion's duration and AWS's answers).
add_test(NAME system_promote_db_cluster
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/database/test_promote_db_cluster.py)
set_tests_properties(system_promote_db_cluster PROPERTIES TIMEOUT 300 LABELS "system;once" COST 20
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
# failover_global_db on moto (an Aurora global database; the emulator's proxy answers the
# switchover and failover calls moto lacks).
add_test(NAME system_failover_global_db
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/database/test_failover_global_db.py)
set_tests_properties(system_failover_global_db PROPERTIES TIMEOUT 300 LABELS "system;once" COST 20
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
