# Script tests of the observability endpoint against the real tools:
# promtool's linter and a real Prometheus server scraping it.

# The scrape target: sample metrics of every kind on an ephemeral port.
add_executable(e911_metrics_fixture ${CMAKE_CURRENT_LIST_DIR}/metrics_fixture.cpp)
target_link_libraries(e911_metrics_fixture PRIVATE e911_observability e911_kafka)

# `promtool check metrics` finds no problem in what /metrics serves.
add_test(NAME observability_promtool_check_metrics
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/promtool_check_test.sh $<TARGET_FILE:e911_metrics_fixture>)

# A real Prometheus scrapes the fixture: the target is up and the fixture's
# series can be queried through its HTTP API.
add_test(NAME observability_prometheus_scrape
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/prometheus_scrape_test.sh $<TARGET_FILE:e911_metrics_fixture>)

set_tests_properties(observability_promtool_check_metrics observability_prometheus_scrape
                     PROPERTIES LABELS "integration;observability" TIMEOUT 180)
