# The running locator's /metrics (promtool) and /healthz, and a clean stop
# on SIGINT, through `e911 demo --follow`.
add_test(NAME locator_metrics_and_health
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/locator_metrics_test.sh $<TARGET_FILE:e911>
                 ${PROJECT_SOURCE_DIR}/ops/demo/registry.yaml)
set_tests_properties(locator_metrics_and_health PROPERTIES LABELS "integration;locator" TIMEOUT 300)

# ELIN assignments through Kafka with real processes: a restart reads them
# back, two locators assign from one pool (also at once: claims), `e911 elin
# lookup` and the lookup endpoint answer, the auditor journals the lookups.
add_test(NAME locator_elin_assignments_shared_through_kafka
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/elin_assignments_test.sh $<TARGET_FILE:e911>
                 ${PROJECT_SOURCE_DIR}/ops/demo/registry.yaml)
set_tests_properties(locator_elin_assignments_shared_through_kafka PROPERTIES LABELS "integration;locator" TIMEOUT 300)
