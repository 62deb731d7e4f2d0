# The location service's page in headless Chromium against the real
# service, broker, locator, notifier and auditor, with e-mail through
# aiosmtpd: register, be refused, correct, confirm; the next emergency call
# resolves to the new address and its alert and audit entries say so; a
# stale registration's reminder e-mail carries a link that opens the page.
add_test(NAME locations_page_browser
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/page_browser_test.py $<TARGET_FILE:e911>
                 ${PROJECT_SOURCE_DIR}/ops/demo/registry.yaml)
set_tests_properties(locations_page_browser PROPERTIES LABELS "browser;integration;locations" TIMEOUT 300)
