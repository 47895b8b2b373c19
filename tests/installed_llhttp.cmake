# SPDX-License-Identifier: MIT
# The build uses an installed llhttp when one is found: make one (llhttp's
# sources compiled as a distribution would, loose mode, with a pkg-config
# file) in a scratch prefix, configure respcheck against it, build it, and
# run the test vectors (in their loose-mode form) on that build.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/prefix/lib/pkgconfig ${WORK}/prefix/include ${WORK}/obj)
foreach(src api http llhttp)
  execute_process(COMMAND ${CC} -O2 -fPIC -w -I${LLHTTP_INC} -c ${LLHTTP_SRC}/${src}.c
                          -o ${WORK}/obj/${src}.o RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "compiling llhttp's ${src}.c failed")
  endif()
endforeach()
execute_process(COMMAND ar rcs ${WORK}/prefix/lib/libllhttp.a ${WORK}/obj/api.o
                        ${WORK}/obj/http.o ${WORK}/obj/llhttp.o RESULT_VARIABLE rc)
file(COPY ${LLHTTP_INC}/llhttp.h DESTINATION ${WORK}/prefix/include)
file(WRITE ${WORK}/prefix/lib/pkgconfig/libllhttp.pc
"prefix=${WORK}/prefix
Name: libllhttp
Description: llhttp
Version: 8.1.0
Libs: -L\${prefix}/lib -lllhttp
Cflags: -I\${prefix}/include
")
execute_process(COMMAND env PKG_CONFIG_PATH=${WORK}/prefix/lib/pkgconfig
                        ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK}/build -DCMAKE_C_COMPILER=${CC}
                        -DRESPCHECK_LLHTTP_SOURCE_DIR=${WORK}/none -DRESPCHECK_BUILD_TOOLS=OFF
                        -DRESPCHECK_BUILD_PROXY=OFF
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc OR NOT out MATCHES "llhttp from pkg-config")
  message(FATAL_ERROR "configuring against the installed llhttp failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/build --target test_vectors test_api
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "building against the installed llhttp failed")
endif()
foreach(t test_vectors test_api)
  execute_process(COMMAND env RESPCHECK_TEST_VECTORS=${SOURCE}/tests/vectors
                          ${WORK}/build/tests/${t} --jobs 1 RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "${t} against the installed llhttp failed:\n${out}${err}")
  endif()
endforeach()
message(STATUS "installed llhttp (pkg-config): configured, built, vectors pass")
