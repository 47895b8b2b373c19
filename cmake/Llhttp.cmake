# SPDX-License-Identifier: MIT
# Finds llhttp. Order: an installed llhttp (CMake package, then pkg-config),
# unless RESPCHECK_PREFER_LLHTTP_SOURCES; else the C sources Debian's
# node-llhttp installs (RESPCHECK_LLHTTP_SOURCE_DIR), compiled here in strict
# mode. Produces the interface target respcheck_llhttp and the function
# respcheck_link_llhttp().
set(RESPCHECK_LLHTTP_FROM "")
set(RESPCHECK_LLHTTP_INSTALL_TARGETS "")

if(NOT RESPCHECK_PREFER_LLHTTP_SOURCES
   OR NOT EXISTS ${RESPCHECK_LLHTTP_SOURCE_DIR}/llhttp.c)
  find_package(llhttp QUIET CONFIG)
  if(TARGET llhttp::llhttp_static)
    set(RESPCHECK_LLHTTP_FROM "CMake package (llhttp ${llhttp_VERSION})")
    add_library(respcheck_llhttp INTERFACE)
    target_link_libraries(respcheck_llhttp INTERFACE llhttp::llhttp_static)
  elseif(TARGET llhttp::llhttp)
    set(RESPCHECK_LLHTTP_FROM "CMake package (llhttp ${llhttp_VERSION})")
    add_library(respcheck_llhttp INTERFACE)
    target_link_libraries(respcheck_llhttp INTERFACE llhttp::llhttp)
  else()
    find_package(PkgConfig QUIET)
    if(PKG_CONFIG_FOUND)
      pkg_check_modules(LLHTTP QUIET IMPORTED_TARGET libllhttp)
      if(NOT LLHTTP_FOUND)
        pkg_check_modules(LLHTTP QUIET IMPORTED_TARGET llhttp)
      endif()
      if(LLHTTP_FOUND)
        set(RESPCHECK_LLHTTP_FROM "pkg-config (llhttp ${LLHTTP_VERSION})")
        add_library(respcheck_llhttp INTERFACE)
        target_link_libraries(respcheck_llhttp INTERFACE PkgConfig::LLHTTP)
      endif()
    endif()
  endif()
endif()

if(RESPCHECK_LLHTTP_FROM STREQUAL "")
  if(NOT EXISTS ${RESPCHECK_LLHTTP_SOURCE_DIR}/llhttp.c
     OR NOT EXISTS ${RESPCHECK_LLHTTP_INCLUDE_DIR}/llhttp.h)
    message(FATAL_ERROR
      "llhttp not found. Install Debian's package 'node-llhttp' "
      "(apt-get install node-llhttp), which ships llhttp's C sources in "
      "/usr/share/llhttp, or point RESPCHECK_LLHTTP_SOURCE_DIR and "
      "RESPCHECK_LLHTTP_INCLUDE_DIR at a copy of them.")
  endif()
  add_library(respcheck_llhttp_sources OBJECT
    ${RESPCHECK_LLHTTP_SOURCE_DIR}/api.c
    ${RESPCHECK_LLHTTP_SOURCE_DIR}/http.c
    ${RESPCHECK_LLHTTP_SOURCE_DIR}/llhttp.c)
  target_include_directories(respcheck_llhttp_sources PUBLIC ${RESPCHECK_LLHTTP_INCLUDE_DIR})
  set_target_properties(respcheck_llhttp_sources PROPERTIES
    POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
  if(RESPCHECK_LLHTTP_STRICT)
    target_compile_definitions(respcheck_llhttp_sources PRIVATE LLHTTP_STRICT_MODE=1)
  endif()
  # llhttp's generated code is not ours to warn about.
  target_compile_options(respcheck_llhttp_sources PRIVATE -w)
  add_library(respcheck_llhttp INTERFACE)
  target_include_directories(respcheck_llhttp INTERFACE $<BUILD_INTERFACE:${RESPCHECK_LLHTTP_INCLUDE_DIR}>)
  set(RESPCHECK_LLHTTP_FROM "sources in ${RESPCHECK_LLHTTP_SOURCE_DIR} (strict=${RESPCHECK_LLHTTP_STRICT})")
  set(RESPCHECK_LLHTTP_EMBEDDED ON)
endif()
message(STATUS "respcheck: llhttp from ${RESPCHECK_LLHTTP_FROM}")

# The compiled sources go inside our libraries (their symbols stay hidden);
# an installed llhttp is linked.
function(respcheck_link_llhttp)
  foreach(t ${ARGN})
    if(RESPCHECK_LLHTTP_EMBEDDED)
      target_sources(${t} PRIVATE $<TARGET_OBJECTS:respcheck_llhttp_sources>)
    else()
      target_link_libraries(${t} PRIVATE $<BUILD_INTERFACE:respcheck_llhttp>)
      get_target_property(_libs respcheck_llhttp INTERFACE_LINK_LIBRARIES)
      target_link_libraries(${t} INTERFACE $<INSTALL_INTERFACE:${_libs}>)
    endif()
  endforeach()
endfunction()
