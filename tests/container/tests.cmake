# The container image with real podman (tests/container/image_test.sh). Not
# in the sanitizer build: the image carries the runtime libraries only, not
# the sanitizers' (and its binary is the plain build's).
if(NOT E911_SANITIZE)
  add_test(NAME container_image_builds_and_runs_the_pipeline
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/image_test.sh $<TARGET_FILE:e911>)
  set_tests_properties(container_image_builds_and_runs_the_pipeline PROPERTIES LABELS "container" TIMEOUT 900)
endif()
