# SPDX-License-Identifier: MIT
# Extracts the C block of capture/README.md, compiles it against the
# capture component and runs it on a fixture: the example stays true.
file(READ ${SOURCE}/capture/README.md readme)
string(FIND "${readme}" "```c\n" start)
if(start EQUAL -1)
  message(FATAL_ERROR "capture/README.md has no C example")
endif()
math(EXPR start "${start} + 5")
string(SUBSTRING "${readme}" ${start} -1 rest)
string(FIND "${rest}" "```" stop)
string(SUBSTRING "${rest}" 0 ${stop} code)
file(WRITE ${WORK}/capture_readme_example.c "${code}")
separate_arguments(extra UNIX_COMMAND "${FLAGS}")
separate_arguments(libs UNIX_COMMAND "${LIBS}")
execute_process(COMMAND ${CC} -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter ${extra}
                -I${SOURCE}/include -I${SOURCE}/capture ${WORK}/capture_readme_example.c
                ${libs} -o ${WORK}/capture_readme_example
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the capture/README.md example does not compile")
endif()
execute_process(COMMAND ${WORK}/capture_readme_example
                        ${SOURCE}/capture/tests/fixtures/midstream.pcap
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(rc OR NOT out MATCHES "flow 0 frame 2: 204 to \\(unknown\\)"
   OR NOT out MATCHES "flow 0 frame 4: 301 to GET"
   OR NOT out MATCHES "flow 0: capture-midstream at 25")
  message(FATAL_ERROR "the capture/README.md example did not print what it should")
endif()
