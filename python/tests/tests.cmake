# SPDX-License-Identifier: MIT
# The Python package's tests (unittest), one CTest test per module; included
# from python/CMakeLists.txt. They import the package from the build tree.

set(_env
  "PYTHONPATH=${CMAKE_CURRENT_BINARY_DIR}"
  "PYTHONPYCACHEPREFIX=${CMAKE_CURRENT_BINARY_DIR}/pycache"
  "PYTHONUNBUFFERED=1")
if(TARGET respcheck)
  list(APPEND _env "RESPCHECK_COMMAND=$<TARGET_FILE:respcheck>")
endif()

# Under the sanitizers the module needs the sanitizer runtime loaded before
# Python starts (it is a shared object in a program built without it), and
# Python's own allocator is set aside so that ASan sees the objects' memory.
# Python keeps some memory until exit on purpose: no leak report.
if(RESPCHECK_SANITIZE)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    set(_rt libclang_rt.asan-${CMAKE_SYSTEM_PROCESSOR}.so)
  else()
    set(_rt libasan.so)
  endif()
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${_rt}
                  OUTPUT_VARIABLE _asan_rt OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT EXISTS "${_asan_rt}")
    message(FATAL_ERROR "respcheck: the sanitizer runtime ${_rt} was not found "
                        "(${CMAKE_C_COMPILER} -print-file-name gave '${_asan_rt}')")
  endif()
  set(_sanitizer_env "LD_PRELOAD=${_asan_rt}" "PYTHONMALLOC=malloc"
      "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"
      "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  list(APPEND _env ${_sanitizer_env})
endif()

set(_modules api records registry)
if(NOT RESPCHECK_SANITIZE)
  # A memory bound measured under a sanitizer's allocator is not a bound;
  # the Dask tests check the orchestration in Python (their C is the same
  # as the other tests'), and under the sanitizers every worker process
  # would load the runtime: they run in the plain build only.
  list(APPEND _modules memory dask)
endif()
foreach(_m ${_modules})
  add_test(NAME python-${_m}
           COMMAND ${Python3_EXECUTABLE} -m unittest -v test_${_m}
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/tests)
  set_tests_properties(python-${_m} PROPERTIES
    ENVIRONMENT "${_env}" LABELS python TIMEOUT 300)
endforeach()
if(NOT TARGET respcheck)
  # These compare with the command.
  foreach(_m records api dask)
    if(TEST python-${_m})
      set_tests_properties(python-${_m} PROPERTIES DISABLED ON)
    endif()
  endforeach()
endif()

# pip-free installation: cmake --install, then import from the prefix.
add_test(NAME python-install
         COMMAND ${CMAKE_COMMAND} -DBUILD=${PROJECT_BINARY_DIR}
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/install-test
                 -DPYTHON=${Python3_EXECUTABLE}
                 -DPYDIR=${RESPCHECK_PYTHON_INSTALL_DIR}
                 "-DPYENV=${_sanitizer_env}"
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/tests/install.cmake)
# cmake itself must not run with the sanitizer runtime preloaded: Python
# gets it from PYENV.
set_tests_properties(python-install PROPERTIES LABELS python TIMEOUT 300)
