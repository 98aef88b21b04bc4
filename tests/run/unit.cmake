# In-process unit tests of the runtime's services (test_run.c).
add_executable(test_run ${CMAKE_CURRENT_SOURCE_DIR}/test_run.c)
target_link_libraries(test_run PRIVATE board_host)
foreach(t log telem)
  add_test(NAME run.unit.${t} COMMAND test_run ${t})
endforeach()
