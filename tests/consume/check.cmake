# SPDX-License-Identifier: MIT
# Installs the build into WORK/prefix, then builds a consumer against it with
# find_package and with pkg-config, each both ways: by default (the shared
# library, for both) and static (respcheck::static; pkg-config --static
# between -Wl,-Bstatic and -Wl,-Bdynamic). readelf tells which library each
# program took: the shared ones need librespcheck.so.0, the static ones
# must not.
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "install failed")
endif()

# check_program(PATH SHARED ENV...): PATH runs (with ENV) and prints the
# version; it needs librespcheck.so.0 exactly when SHARED.
function(check_program path shared)
  execute_process(COMMAND env ${ARGN} ${path} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
  if(rc OR NOT out MATCHES "[0-9]+\\.[0-9]+\\.[0-9]+")
    message(FATAL_ERROR "${path} did not run: ${rc} ${out}")
  endif()
  execute_process(COMMAND readelf -d ${path} RESULT_VARIABLE rc OUTPUT_VARIABLE dyn)
  if(rc)
    message(FATAL_ERROR "readelf -d ${path} failed (binutils)")
  endif()
  if(dyn MATCHES "NEEDED[^\n]*librespcheck\\.so\\.0")
    set(needs TRUE)
  else()
    set(needs FALSE)
  endif()
  if(shared AND NOT needs)
    message(FATAL_ERROR "${path} should link the shared library, and does not")
  elseif(NOT shared AND needs)
    message(FATAL_ERROR "${path} should link the static library, and needs librespcheck.so.0")
  endif()
endfunction()

execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE}/tests/consume -B ${WORK}/b
                -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_C_COMPILER=${CC}
                "-DCMAKE_C_FLAGS=${FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${FLAGS}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "find_package(respcheck) failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/b RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "building the consumer failed")
endif()
# CMake gives the build-tree programs an rpath to the imported library.
check_program(${WORK}/b/consume TRUE)
check_program(${WORK}/b/consume_static FALSE)

file(GLOB pcdir ${WORK}/prefix/lib*/pkgconfig ${WORK}/prefix/lib/*/pkgconfig)
get_filename_component(libdir ${pcdir} DIRECTORY)
separate_arguments(extra UNIX_COMMAND "${FLAGS}")
foreach(kind shared static)
  if(kind STREQUAL "static")
    set(pcargs --cflags --libs --static)
  else()
    set(pcargs --cflags --libs)
  endif()
  execute_process(COMMAND env PKG_CONFIG_PATH=${pcdir} pkg-config ${pcargs} respcheck
                  RESULT_VARIABLE rc OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(rc)
    message(FATAL_ERROR "pkg-config ${pcargs} respcheck failed")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  if(kind STREQUAL "static")
    set(flags -Wl,-Bstatic ${flags} -Wl,-Bdynamic)
  endif()
  execute_process(COMMAND ${CC} ${extra} ${SOURCE}/tests/consume/main.c ${flags}
                          -o ${WORK}/consume-pc-${kind}
                  RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "building with pkg-config flags (${kind}) failed")
  endif()
endforeach()
check_program(${WORK}/consume-pc-shared TRUE LD_LIBRARY_PATH=${libdir})
check_program(${WORK}/consume-pc-static FALSE)
message(STATUS "install, find_package and pkg-config, shared and static: ok")
