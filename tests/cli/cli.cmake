# SPDX-License-Identifier: MIT
# Tests of the respcheck command. Included from tests/CMakeLists.txt:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/cli/cli.cmake)
# The command's target is defined in tools/, which the top level adds before
# tests/ when RESPCHECK_BUILD_TOOLS is on.
if(NOT RESPCHECK_BUILD_TOOLS)
  message(STATUS "respcheck: CLI tests skipped (the command is not built)")
  return()
endif()
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(FATAL_ERROR "python3 is needed by the CLI tests (scripts/deps.sh installs it)")
endif()

# Reports a child's peak RSS (see the file's comment).
add_executable(respcheck_rss_probe ${CMAKE_CURRENT_LIST_DIR}/rss_probe.c)
respcheck_warnings_relaxed(respcheck_rss_probe)

set(_rc_cli_script ${CMAKE_CURRENT_LIST_DIR}/run_cli_tests.py)
foreach(_rc_group golden json sarif cli inputs source config baseline rss)
  add_test(NAME cli-${_rc_group}
           COMMAND ${Python3_EXECUTABLE} ${_rc_cli_script}
                   --respcheck $<TARGET_FILE:respcheck>
                   --rss-probe $<TARGET_FILE:respcheck_rss_probe>
                   --group ${_rc_group})
  set_tests_properties(cli-${_rc_group} PROPERTIES TIMEOUT 300 LABELS cli)
endforeach()
if(RESPCHECK_SANITIZE)
  # A memory bound measured under a sanitizer is not a bound: its shadow
  # memory and quarantine count in the RSS (gcc's AddressSanitizer takes
  # the 20 MiB run to about 10 MiB). The test is shown as skipped, with why.
  set_tests_properties(cli-rss PROPERTIES
    ENVIRONMENT "RESPCHECK_RSS_SKIP=built with RESPCHECK_SANITIZE: a memory bound measured under a sanitizer is not a bound"
    SKIP_REGULAR_EXPRESSION "rss: skipped")
endif()
# Captures (pcap, pcapng): the output contract, text, SARIF, the command
# line, and the equivalence with raw streams (tests/cli/run_capture_tests.py).
foreach(_rc_group json text sarif cli equivalence)
  add_test(NAME cli-capture-${_rc_group}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_capture_tests.py
                   --respcheck $<TARGET_FILE:respcheck>
                   --capture-dump $<TARGET_FILE:capture_dump>
                   --group ${_rc_group})
  set_tests_properties(cli-capture-${_rc_group} PROPERTIES TIMEOUT 300 LABELS cli)
endforeach()
unset(_rc_group)
unset(_rc_cli_script)
