# The fault campaign (docs/reliability.md, "Fault campaign"): the whole
# pipeline as real processes, faults from a seeded schedule, invariants at
# the end. CI runs a fixed set of seeds; ops/campaign.sh runs the long mode
# (100+ trials) outside CI. Two processors: a dozen processes of its own.
add_test(NAME fault_campaign
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/campaign.py $<TARGET_FILE:e911> --seeds 1,3,7 --seconds 40)
set_tests_properties(fault_campaign PROPERTIES LABELS "fault;campaign" TIMEOUT 1500 PROCESSORS 2)
