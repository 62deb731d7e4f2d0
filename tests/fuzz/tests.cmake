# The fuzz targets (docs/reliability.md, "Fuzzing"), time-bounded here:
# built once with clang (fuzz_build), then the SIP parsers for 20 s and
# every other decoder for 40 s, one after the other (one core each, about
# a minute of wall time together). ops/fuzz.sh runs them for as long as asked, outside
# CI. They are always built with AddressSanitizer and
# UndefinedBehaviorSanitizer, so the sanitizer pass of .ci/run leaves them
# out (ops/test.sh: -LE fuzz).
set(E911_FUZZ_OUT ${PROJECT_BINARY_DIR}/fuzz)
add_test(NAME fuzz_build COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh --build ${E911_FUZZ_OUT})
set_tests_properties(fuzz_build PROPERTIES LABELS "fuzz" TIMEOUT 1200 FIXTURES_SETUP e911_fuzz_build
                     RESOURCE_LOCK e911_fuzz)
add_test(NAME ingest_sip_fuzz COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh sip 20 ${E911_FUZZ_OUT})
set_tests_properties(ingest_sip_fuzz PROPERTIES LABELS "fuzz;ingest" TIMEOUT 300 FIXTURES_REQUIRED e911_fuzz_build
                     RESOURCE_LOCK e911_fuzz)
add_test(NAME decoders_fuzz COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh decoders 40 ${E911_FUZZ_OUT})
set_tests_properties(decoders_fuzz PROPERTIES LABELS "fuzz" TIMEOUT 300 FIXTURES_REQUIRED e911_fuzz_build
                     RESOURCE_LOCK e911_fuzz)
