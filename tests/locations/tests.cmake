# The location service's page in headless Chromium against the real
# service, broker and locator: register, be refused, correct, confirm; the
# next emergency call resolves to the new address.
add_test(NAME locations_page_in_chromium
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/page_browser_test.py $<TARGET_FILE:e911>
                 ${PROJECT_SOURCE_DIR}/ops/demo/registry.yaml)
set_tests_properties(locations_page_in_chromium PROPERTIES LABELS "browser;integration;locations" TIMEOUT 300)
