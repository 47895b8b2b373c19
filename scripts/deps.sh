#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what a command of this repository needs, from Debian's packages,
# when it is missing. Sourced by the other scripts; safe to run again.
#
#   scripts/deps.sh [build|all]     (default: all)
#
# build: what building the library and the respcheck command needs
#        (scripts/lint-samples.sh); all: everything the tests, the proxy,
#        the sanitizer builds and the fuzzers need (scripts/test.sh).
#
# Environment (for tests of this script): RESPCHECK_APT_GET, the apt-get
# to run (default apt-get, which needs root); RESPCHECK_POLICY_RC_D, the
# invoke-rc.d policy file written while installing (default
# /usr/sbin/policy-rc.d).
set -euo pipefail

# The packages building the library and the respcheck command needs (the
# build set); a check below for each. Add a package here too when the build
# (not only the tests) needs it.
RESPCHECK_BUILD_PACKAGES="node-llhttp cmake gcc make libc6-dev libpcap-dev zlib1g-dev libyajl-dev"

# Prints the packages of SET (build or all) that are missing, one a line.
respcheck_need_packages() {
  local set=${1:-all} missing=() p
  case "$set" in
    build | all) ;;
    *)
      echo "deps.sh: unknown set '$set' (build or all)" >&2
      return 2
      ;;
  esac
  [ -f /usr/share/llhttp/llhttp.c ] || missing+=(node-llhttp)
  [ -f /usr/include/criterion/criterion.h ] || missing+=(libcriterion-dev)
  command -v cmake >/dev/null || missing+=(cmake)
  command -v gcc >/dev/null || missing+=(gcc)
  command -v make >/dev/null || missing+=(make)
  # gcc only recommends the C library's headers.
  [ -f /usr/include/stdio.h ] || missing+=(libc6-dev)
  command -v clang >/dev/null || missing+=(clang)
  command -v clang-format >/dev/null || missing+=(clang-format)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  command -v python3 >/dev/null || missing+=(python3)
  [ -f /usr/include/pcap/pcap.h ] || missing+=(libpcap-dev)
  command -v readelf >/dev/null || missing+=(binutils)
  ls /usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.asan-x86_64.a >/dev/null 2>&1 \
    || missing+=(libclang-rt-14-dev)
  ls /usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 \
    || missing+=(libclang-rt-14-dev)
  command -v llvm-cov-14 >/dev/null || command -v llvm-cov >/dev/null || missing+=(llvm-14)
  # The proxy (libuv) and its integration tests (a real nginx, curl).
  pkg-config --exists libuv 2>/dev/null || missing+=(libuv1-dev)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v curl >/dev/null || missing+=(curl)
  # bench/proxy/bench.sh: nginx and HAProxy beside the proxy, wrk.
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  command -v wrk >/dev/null || missing+=(wrk)
  # The WARC reader (zlib) and the HAR reader (yajl).
  [ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
  [ -f /usr/include/yajl/yajl_parse.h ] || missing+=(libyajl-dev)
  # The Python package (python/), built for and tested with Debian's
  # /usr/bin/python3: its headers, Dask distributed, matplotlib.
  ls /usr/include/python3*/Python.h >/dev/null 2>&1 || missing+=(python3-dev)
  /usr/bin/python3 -c 'import distributed' 2>/dev/null || missing+=(python3-distributed)
  /usr/bin/python3 -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
  # The differential test's third client.
  command -v node >/dev/null || missing+=(nodejs)
  for p in "${missing[@]}"; do
    if [ "$set" = all ] || [[ " $RESPCHECK_BUILD_PACKAGES " == *" $p "* ]]; then
      echo "$p"
    fi
  done | sort -u
}

# Installs the packages of SET that are missing.
respcheck_install_deps() {
  local pkgs apt_get=${RESPCHECK_APT_GET:-apt-get}
  local policy=${RESPCHECK_POLICY_RC_D:-/usr/sbin/policy-rc.d} own_policy=0 status=0
  pkgs=$(respcheck_need_packages "${1:-all}")
  [ -n "$pkgs" ] || return 0
  if [ -z "${RESPCHECK_APT_GET:-}" ] && [ "$(id -u)" -ne 0 ]; then
    echo "missing packages:" $pkgs "(run as root, or install them)" >&2
    return 1
  fi
  echo "installing:" $pkgs
  export DEBIAN_FRONTEND=noninteractive
  "$apt_get" update -qq
  # Packages must not start services (nginx would take port 80): the tests
  # start their own, on free loopback ports. A policy already there (every
  # Docker image has one) is left as it is.
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    own_policy=1
  fi
  # shellcheck disable=SC2086
  "$apt_get" install -y -qq --no-install-recommends $pkgs >/dev/null || status=$?
  if [ "$own_policy" = 1 ]; then
    rm -f "$policy"
  fi
  if [ "$status" -ne 0 ]; then
    echo "deps.sh: apt-get install failed (status $status)" >&2
    return 1
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  respcheck_install_deps "${1:-all}"
fi
