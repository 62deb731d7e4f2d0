# The Helm chart with a real helm: lint, render and check every documented
# combination of values (tests/charts/values), and the refusals.
add_test(NAME chart_helm_lint_and_template
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/chart_test.sh ${PROJECT_SOURCE_DIR}/charts/e911
                 ${CMAKE_CURRENT_LIST_DIR}/values)
set_tests_properties(chart_helm_lint_and_template PROPERTIES LABELS "chart" TIMEOUT 300)
