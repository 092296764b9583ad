# tests that need the whole system: a fixture starts PostgreSQL, the broker
# and the four services (fresh, with the demo data) before them and stops
# everything after them
set(CARELINK_TEST_PORT 18080 CACHE STRING "gateway port of the test system (others follow it)")
set(CL_TEST_VAR ${CMAKE_BINARY_DIR}/var)
# background passes of the test system run every few seconds instead of
# every few minutes, so that tests of reminders see them quickly; the
# services read these at start, the tests read them to size their waits
set(CL_TEST_INTERVALS
  CARELINK_VACANCY_FRESHNESS__INTERVAL__S=2
  CARELINK_VACANCY_EXPIRY__INTERVAL__S=2
  CARELINK_RECORDS_REMINDER__INTERVAL__S=3
  CARELINK_NOTIFY_ALERT__ESCALATION__INTERVAL__S=2
  CARELINK_NOTIFY_RETENTION__INTERVAL__S=2)
set(CL_TEST_ENV
  ${CL_TEST_INTERVALS}
  CARELINK_VAR=${CL_TEST_VAR}
  CARELINK_HOME=${CARELINK_SOURCE_DIR}
  CARELINK_BUILD=${CMAKE_BINARY_DIR})

add_test(NAME system.up
  COMMAND ${CARELINK_SOURCE_DIR}/scripts/system.sh start ${CL_TEST_VAR}
          ${CARELINK_TEST_PORT} ${CMAKE_BINARY_DIR} --demo --fresh)
set_tests_properties(system.up PROPERTIES FIXTURES_SETUP system LABELS system TIMEOUT 300
  ENVIRONMENT "${CL_TEST_INTERVALS}")
add_test(NAME system.down
  COMMAND ${CARELINK_SOURCE_DIR}/scripts/system.sh stop ${CL_TEST_VAR})
set_tests_properties(system.down PROPERTIES FIXTURES_CLEANUP system LABELS system TIMEOUT 120)

file(GLOB CL_INTEGRATION_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_*.py)
foreach(src ${CL_INTEGRATION_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME integration.${name} COMMAND /usr/bin/python3 ${src})
  set_tests_properties(integration.${name} PROPERTIES
    FIXTURES_REQUIRED system LABELS integration RUN_SERIAL TRUE TIMEOUT 300
    ENVIRONMENT "${CL_TEST_ENV}")
endforeach()

file(GLOB CL_BROWSER_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/browser/*.test.mjs)
foreach(src ${CL_BROWSER_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME browser.${name}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/browser/run.sh ${src})
  set_tests_properties(browser.${name} PROPERTIES
    FIXTURES_REQUIRED system LABELS browser RUN_SERIAL TRUE TIMEOUT 300
    ENVIRONMENT "${CL_TEST_ENV}")
endforeach()

# C tests of the library against the test system's PostgreSQL and broker
file(GLOB CL_LIVE_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/live/test_*.c)
foreach(src ${CL_LIVE_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE carelink PkgConfig::CMOCKA)
  target_compile_definitions(${name} PRIVATE CL_SOURCE_DIR="${CARELINK_SOURCE_DIR}")
  add_test(NAME live.${name} COMMAND ${name})
  set_tests_properties(live.${name} PROPERTIES
    FIXTURES_REQUIRED system LABELS integration RUN_SERIAL TRUE TIMEOUT 300
    ENVIRONMENT "${CL_TEST_ENV}")
endforeach()
