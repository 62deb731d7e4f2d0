# The running locator's /metrics (promtool) and /healthz, and a clean stop
# on SIGINT, through `e911 demo --follow`.
add_test(NAME locator_metrics_and_health
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/locator_metrics_test.sh $<TARGET_FILE:e911>
                 ${PROJECT_SOURCE_DIR}/ops/demo/registry.yaml)
set_tests_properties(locator_metrics_and_health PROPERTIES LABELS "integration;locator" TIMEOUT 300)
