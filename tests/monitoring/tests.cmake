# The shipped Prometheus rules (ops/monitoring/rules.yaml): valid for
# Prometheus, and each alert firing on its failure and resolving after it
# (promtool's rule unit tests, tests/monitoring/rules_test.yaml).
add_test(NAME monitoring_rules_check
         COMMAND promtool check rules ${PROJECT_SOURCE_DIR}/ops/monitoring/rules.yaml)
add_test(NAME monitoring_rules_test
         COMMAND promtool test rules rules_test.yaml
         WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
# The ready configurations in ops/monitoring: Prometheus for the demo (with
# the rules), and the example Alertmanager routing.
add_test(NAME monitoring_prometheus_config
         COMMAND promtool check config ${PROJECT_SOURCE_DIR}/ops/monitoring/prometheus-demo.yml)
add_test(NAME monitoring_alertmanager_config
         COMMAND amtool check-config ${PROJECT_SOURCE_DIR}/ops/monitoring/alertmanager.yml)
set_tests_properties(monitoring_rules_check monitoring_rules_test monitoring_prometheus_config
                     monitoring_alertmanager_config PROPERTIES LABELS "monitoring" TIMEOUT 120)

# The rules and the dashboard on real series: a real Prometheus scraping
# `e911 demo --follow`.
add_test(NAME monitoring_rules_on_the_demo
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/prometheus_rules_test.sh $<TARGET_FILE:e911>
                 ${PROJECT_SOURCE_DIR}/ops/demo/registry.yaml ${PROJECT_SOURCE_DIR}/ops/monitoring/rules.yaml
                 ${PROJECT_SOURCE_DIR}/ops/monitoring/grafana-dashboard.json)
set_tests_properties(monitoring_rules_on_the_demo PROPERTIES LABELS "integration;monitoring" TIMEOUT 300)

# Paging end to end: the pipeline as separate processes, Prometheus with the
# rules (windows scaled to seconds), Alertmanager with the shipped routing,
# a webhook receiver; the SMTP relay stopped and restarted. The shipped
# windows: ops/monitoring-e2e.sh --real-windows (about 10 minutes).
add_test(NAME monitoring_alert_reaches_the_pager_and_resolves
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/alertmanager_e2e_test.sh $<TARGET_FILE:e911>
                 ${PROJECT_SOURCE_DIR}/ops/demo/registry.yaml ${PROJECT_SOURCE_DIR}/ops/monitoring/rules.yaml
                 ${PROJECT_SOURCE_DIR}/ops/monitoring/alertmanager.yml
                 ${PROJECT_SOURCE_DIR}/tests/notifier/peers/smtp_server.py)
set_tests_properties(monitoring_alert_reaches_the_pager_and_resolves PROPERTIES LABELS "integration;monitoring" TIMEOUT 600)
