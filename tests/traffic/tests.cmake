# traffic: switch_dns end to end on moto (simple and weighted records to the DR alias,
# Route 53 propagation modelled by the emulator's proxy, idempotence, a missing zone).
add_test(NAME system_switch_dns
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/traffic/test_switch_dns.py)
set_tests_properties(system_switch_dns PROPERTIES TIMEOUT 300 LABELS "system;once" COST 20
  ENVIRONMENT "DRF_CLI=$<TARGET_FILE:drfailover>")
