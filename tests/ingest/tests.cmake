# The ingest's fuzz target (libFuzzer, clang, ASan + UBSan), time-bounded
# here; ops/fuzz.sh runs it for as long as asked, outside CI.
add_test(NAME ingest_sip_fuzz
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/fuzz/run.sh 20 ${PROJECT_BINARY_DIR}/fuzz)
set_tests_properties(ingest_sip_fuzz PROPERTIES LABELS "fuzz;ingest" TIMEOUT 300)
