# Script tests of the Kafka runtime with a third-party client (kcat).

# `e911 broker` serves kcat: bootstrap line, topics, produce, consume, SIGTERM.
add_test(NAME kafka_broker_kcat
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/broker_kcat_test.sh $<TARGET_FILE:e911>)
set_tests_properties(kafka_broker_kcat PROPERTIES LABELS "integration;kafka" TIMEOUT 180)

# `e911 broker --help` explains itself; a bad option is a usage error.
add_test(NAME kafka_broker_help COMMAND $<TARGET_FILE:e911> broker --help)
set_tests_properties(kafka_broker_help PROPERTIES LABELS "integration;kafka"
                     PASS_REGULAR_EXPRESSION "bootstrap\\.servers=127\\.0\\.0\\.1:PORT")
add_test(NAME kafka_broker_bad_option
         COMMAND sh -c "\"$0\" broker --partitions zero; test $? -eq 2" $<TARGET_FILE:e911>)
set_tests_properties(kafka_broker_bad_option PROPERTIES LABELS "integration;kafka")
