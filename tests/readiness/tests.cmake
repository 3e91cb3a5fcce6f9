# Readiness: `drfailover check` against the emulated region with moto's IAM authentication
# on: ready on the reference deployment, each seeded fault its documented verdict, zero
# mutating calls (tests/readiness/test_check.py).
add_test(NAME system_check
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/readiness/test_check.py)
set_tests_properties(system_check PROPERTIES TIMEOUT 300 LABELS system COST 25
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")

# One failover at a time: two runs at once (one refused, naming the holder), a killed
# holder's lease expiring, the cooldown (tests/readiness/test_lease.py).
add_test(NAME system_lease
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/readiness/test_lease.py)
set_tests_properties(system_lease PROPERTIES TIMEOUT 300 LABELS system COST 30
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
