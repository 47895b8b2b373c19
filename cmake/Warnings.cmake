# SPDX-License-Identifier: MIT
# A curated warning set (after curl's PickyWarnings), -Werror behind RESPCHECK_WERROR.
function(respcheck_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
      -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition
      -Wpointer-arith -Wcast-qual -Wwrite-strings -Wundef -Wvla
      -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations)
    if(RESPCHECK_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

# For tests, tools and harnesses: the same, minus the conversion warnings that
# test tables would drown in.
function(respcheck_warnings_relaxed target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wformat=2 -Wvla)
    if(RESPCHECK_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
