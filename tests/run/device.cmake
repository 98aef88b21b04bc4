# `cockpit device` as a process on a pty, with `cockpit monitor`, `cockpit
# blackbox` and `cockpit flash` against it (device.sh): hostile guests, the
# watchdog, the blackbox across restarts, notifications, the bootloader,
# telemetry, the status display. Each case is its own test, so they run in parallel.
foreach(c hostile watchdog blackbox notify bootloader telemetry oled)
  add_test(NAME run.device.${c} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/device.sh ${c}
                                        $<TARGET_FILE:cockpit> ${COCKPIT_ROOT})
  set_tests_properties(run.device.${c} PROPERTIES TIMEOUT 120)
endforeach()
