# In-process tests of the device runtime (src/run): a fake port (the link as
# byte queues, the watchdog a counter) on the simulated board's time and
# flash; one process per case, run.unit.<case>.
add_executable(test_run ${CMAKE_CURRENT_SOURCE_DIR}/test_run.c)
target_include_directories(test_run PRIVATE ${COCKPIT_ROOT}/tests/boot)
target_link_libraries(test_run PRIVATE cockpit_run board_hal cockpit_asm cvm1_host)
foreach(t step log telem sideband notify trial watchdog gap oled)
  add_test(NAME run.unit.${t} COMMAND test_run ${t})
endforeach()
