# The emulator's fault layer, and drfailover converging under it.
# Label `once`: run against the optimized build only (scripts/test.sh). The fault layer is
# Python alone; the seeded chaos runs exercise retry paths that the sanitized build covers
# through FaultyHttp in the C++ tests, and cost two minutes a build.
add_test(NAME chaos_fault_layer COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/chaos/test_faults.py)
add_test(NAME system_chaos COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/chaos/test_chaos.py)
set_tests_properties(chaos_fault_layer PROPERTIES TIMEOUT 300 LABELS "system;once")
set_tests_properties(system_chaos PROPERTIES TIMEOUT 900 LABELS "system;once" COST 120
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>;DRF_BOOTSTRAP=$<TARGET_FILE:bootstrap>")
# switch_dns, promote_db_cluster and failover_global_db under crashes and chaos.
add_test(NAME system_chaos_new_kinds
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/chaos/test_new_kinds.py)
set_tests_properties(system_chaos_new_kinds PROPERTIES TIMEOUT 600 LABELS "system;once" COST 60
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
