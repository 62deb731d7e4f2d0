# JSON Schema tests: the message schemas in schemas/ against their examples,
# the shared fixtures, and what the C++ code emits. validate.py runs on
# Debian's /usr/bin/python3 (python3-jsonschema 4.10), never a pyenv python.

set(E911_SCHEMA_PYTHON /usr/bin/python3)
set(E911_SCHEMA_VALIDATE ${CMAKE_CURRENT_LIST_DIR}/validate.py)
set(E911_SCHEMA_SHARED_DIR ${PROJECT_SOURCE_DIR}/../shared)

# Schemas are valid 2020-12 with offline $refs, every example validates, and
# every deliberately invalid case (validate.py INVALID_CASES) is rejected.
add_test(NAME schemas_examples
         COMMAND ${E911_SCHEMA_PYTHON} ${E911_SCHEMA_VALIDATE} examples)

# Every line of fixtures/events.jsonl validates; bad-events.jsonl lines are rejected.
add_test(NAME schemas_fixtures
         COMMAND ${E911_SCHEMA_PYTHON} ${E911_SCHEMA_VALIDATE} fixtures --shared ${E911_SCHEMA_SHARED_DIR})

# The decoder (through `e911 resolve`) accepts what the schemas accept and
# rejects what they reject.
add_test(NAME schemas_decoder_agreement
         COMMAND ${E911_SCHEMA_PYTHON} ${E911_SCHEMA_VALIDATE} agreement
                 --e911 $<TARGET_FILE:e911> --shared ${E911_SCHEMA_SHARED_DIR})

# Every `e911 resolve` output line is a valid emergency call, and every line of
# every *.jsonl under $E911_EMITTED_DIR (where other tests drop the dead
# letters and notifications they make) is valid by its "schema" field.
#
# The default dir is passed on the command line rather than through the
# ENVIRONMENT property, which would override an E911_EMITTED_DIR set by whoever
# runs ctest (and the C++ tests writing there would then disagree with us).
# C++ tests should use the same rule: $E911_EMITTED_DIR, else
# <dir of E911_BINARY>/emitted (E911_BINARY is ${PROJECT_BINARY_DIR}/e911).
#
# It should run after the tests that write there. DEPENDS orders it after the
# other schema tests; tests that write emitted files can declare
# FIXTURES_SETUP e911_emitted, and ctest then runs them first (and adds them
# to `ctest -R schemas_emitted`). With no such test the fixture is a no-op.
add_test(NAME schemas_emitted
         COMMAND ${E911_SCHEMA_PYTHON} ${E911_SCHEMA_VALIDATE} emitted
                 --e911 $<TARGET_FILE:e911> --shared ${E911_SCHEMA_SHARED_DIR}
                 --default-emitted-dir ${PROJECT_BINARY_DIR}/emitted)
set_tests_properties(schemas_emitted PROPERTIES
  DEPENDS "schemas_examples;schemas_fixtures;schemas_decoder_agreement"
  FIXTURES_REQUIRED e911_emitted)

set_tests_properties(schemas_examples schemas_fixtures schemas_decoder_agreement schemas_emitted
                     PROPERTIES LABELS "integration;schemas" TIMEOUT 300)
