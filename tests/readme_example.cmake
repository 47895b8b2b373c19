# SPDX-License-Identifier: MIT
# Extracts the first C block of README.md, compiles it against the library
# and runs it: the README's embedding example stays true.
file(READ ${SOURCE}/README.md readme)
string(FIND "${readme}" "```c\n" start)
if(start EQUAL -1)
  message(FATAL_ERROR "README.md has no C example")
endif()
math(EXPR start "${start} + 5")
string(SUBSTRING "${readme}" ${start} -1 rest)
string(FIND "${rest}" "```" stop)
string(SUBSTRING "${rest}" 0 ${stop} code)
file(WRITE ${WORK}/readme_example.c "${code}")
separate_arguments(extra UNIX_COMMAND "${FLAGS}")
execute_process(COMMAND ${CC} -std=c11 -Wall -Wextra -Werror ${extra}
                -I${SOURCE}/include ${WORK}/readme_example.c ${LIB} -o ${WORK}/readme_example
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the README example does not compile")
endif()
execute_process(COMMAND ${WORK}/readme_example RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(rc OR NOT out MATCHES "status-unregistered" OR NOT out MATCHES "HTTP/1.1 399 \\(effective 300\\)")
  message(FATAL_ERROR "the README example did not print what it should")
endif()
# README.md's rule table is checked against the catalogue by the test
# readme-rules (tests/docs/readme_rules.py: ids, severities, references).
