# The audit console in headless Chromium against `e911 audit serve` as a
# real process, over a journal e911_console_journal writes in a blink:
# sign in with a token, filter, open a call, export CSV (the API's CSV),
# the overview and integrity pages, site leads' limits and the refusals
# over real HTTP. Screenshots of every page are kept in
# console-screenshots/ of this build folder.
add_executable(e911_console_journal ${CMAKE_CURRENT_LIST_DIR}/console_journal_tool.cpp)
target_link_libraries(e911_console_journal PRIVATE e911_test_support e911_auditor e911_common GTest::gtest)
add_test(NAME auditor_console_browser
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/console_browser_test.py $<TARGET_FILE:e911>
                 $<TARGET_FILE:e911_console_journal> ${CMAKE_BINARY_DIR}/console-screenshots)
set_tests_properties(auditor_console_browser PROPERTIES LABELS "browser;integration;auditor" TIMEOUT 120)
