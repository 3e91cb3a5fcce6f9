# failback: failover -> failback -> failover on the emulated region (standby records, the
# failover's targets, DNS back, reprotect_db, crash and resume), boto3 as the oracle.
add_test(NAME system_failback
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/failback/test_failback.py)
set_tests_properties(system_failback PROPERTIES TIMEOUT 600 LABELS "system;once" COST 40
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
