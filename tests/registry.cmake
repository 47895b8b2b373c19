# SPDX-License-Identifier: MIT
# The status registry's tests; include()d from tests/CMakeLists.txt.

find_library(CRITERION_LIB criterion REQUIRED)
find_path(CRITERION_INCLUDE criterion/criterion.h)
# find_library's REQUIRED needs CMake 3.18; older ones take it as a path.
if(NOT CRITERION_LIB OR NOT CRITERION_INCLUDE)
  message(FATAL_ERROR "Criterion not found (libcriterion-dev)")
endif()

add_executable(test_registry ${CMAKE_CURRENT_LIST_DIR}/test_registry.c)
target_include_directories(test_registry PRIVATE ${CRITERION_INCLUDE})
target_link_libraries(test_registry PRIVATE respcheck::static ${CRITERION_LIB})
respcheck_warnings_relaxed(test_registry)
add_test(NAME registry COMMAND test_registry)

# registry.def against this machine's http.HTTPStatus.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME registry_vs_python
           COMMAND ${Python3_EXECUTABLE}
                   ${CMAKE_CURRENT_LIST_DIR}/registry_vs_python.py
                   ${PROJECT_SOURCE_DIR}/parser/registry.def)
else()
  message(WARNING "python3 not found: test registry_vs_python not added")
endif()
