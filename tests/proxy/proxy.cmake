# SPDX-License-Identifier: MIT
# Integration tests of respcheck-proxy: test_proxy.py starts upstream.py (a
# crafted upstream on raw sockets), nginx, the proxy and curl, all on
# 127.0.0.1 with ports from port 0, each process stopped at the end, each
# wait bounded. Needs the Debian packages nginx, curl
# and python3; a missing one fails the test with the package to install.
# Included from tests/CMakeLists.txt:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/proxy/proxy.cmake)
if(NOT TARGET respcheck-proxy)
  message(STATUS "respcheck: proxy tests skipped (respcheck-proxy is not built)")
  return()
endif()
find_package(Python3 COMPONENTS Interpreter)
foreach(_rc_group crafted nginx shutdown)
  if(Python3_Interpreter_FOUND)
    add_test(NAME proxy-${_rc_group}
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_proxy.py
                     --proxy $<TARGET_FILE:respcheck-proxy> --group ${_rc_group})
  else()
    add_test(NAME proxy-${_rc_group}
             COMMAND sh -c "echo 'python3 not found: apt-get install python3' >&2; exit 1")
  endif()
  set_tests_properties(proxy-${_rc_group} PROPERTIES TIMEOUT 60 LABELS proxy)
endforeach()
unset(_rc_group)

# The proxy under attack (issue 12): test_attack.py, one test per group.
# Slowloris runs 500 connections for about 10 s.
foreach(_rc_group slowloris deadlines limits reset unsolicited logflood)
  if(Python3_Interpreter_FOUND)
    add_test(NAME proxy-attack-${_rc_group}
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_attack.py
                     --proxy $<TARGET_FILE:respcheck-proxy> --group ${_rc_group})
  else()
    add_test(NAME proxy-attack-${_rc_group}
             COMMAND sh -c "echo 'python3 not found: apt-get install python3' >&2; exit 1")
  endif()
  set_tests_properties(proxy-attack-${_rc_group} PROPERTIES TIMEOUT 90 LABELS proxy)
endforeach()
unset(_rc_group)
