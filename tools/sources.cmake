# SPDX-License-Identifier: MIT
# The sources of the command's output writers and of what both tools share,
# named once: tools/CMakeLists.txt builds them, and fuzz/CMakeLists.txt
# compiles them into the fuzz_output harness with its own instrumentation.
set(RESPCHECK_TOOLS_COMMON_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/common/json.c
  ${CMAKE_CURRENT_LIST_DIR}/common/paths.c
  ${CMAKE_CURRENT_LIST_DIR}/common/record.c)
set(RESPCHECK_OUTPUT_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/cli/output.c
  ${CMAKE_CURRENT_LIST_DIR}/cli/linemap.c
  ${RESPCHECK_TOOLS_COMMON_SOURCES})
set(RESPCHECK_OUTPUT_INCLUDE_DIRS
  ${CMAKE_CURRENT_LIST_DIR}/cli
  ${CMAKE_CURRENT_LIST_DIR}/common
  ${PROJECT_SOURCE_DIR}/parser)
