#!/usr/bin/env bash
# Installs what the build and the tests need, from Debian's packages, when
# it is missing. Sourced by the other scripts; safe to run again.
set -euo pipefail

respcheck_need_packages() {
  local missing=()
  [ -f /usr/share/llhttp/llhttp.c ] || missing+=(node-llhttp)
  [ -f /usr/include/criterion/criterion.h ] || missing+=(libcriterion-dev)
  command -v cmake >/dev/null || missing+=(cmake)
  command -v gcc >/dev/null || missing+=(gcc)
  command -v make >/dev/null || missing+=(make)
  command -v clang >/dev/null || missing+=(clang)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  command -v python3 >/dev/null || missing+=(python3)
  ls /usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.asan-x86_64.a >/dev/null 2>&1 \
    || missing+=(libclang-rt-14-dev)
  ls /usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 \
    || missing+=(libclang-rt-14-dev)
  command -v llvm-cov-14 >/dev/null || command -v llvm-cov >/dev/null || missing+=(llvm-14)
  # The proxy (libuv) and its integration tests (a real nginx, curl).
  pkg-config --exists libuv 2>/dev/null || missing+=(libuv1-dev)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v curl >/dev/null || missing+=(curl)
  # The Python package (python/), built for and tested with Debian's
  # /usr/bin/python3: its headers, Dask distributed, matplotlib.
  ls /usr/include/python3*/Python.h >/dev/null 2>&1 || missing+=(python3-dev)
  /usr/bin/python3 -c 'import distributed' 2>/dev/null || missing+=(python3-distributed)
  /usr/bin/python3 -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
  # The differential test's third client.
  command -v node >/dev/null || missing+=(nodejs)
  printf '%s\n' "${missing[@]}" | sort -u | grep -v '^$' || true
}

respcheck_install_deps() {
  local pkgs
  pkgs=$(respcheck_need_packages)
  if [ -n "$pkgs" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "missing packages: $pkgs (run as root, or install them)" >&2
      return 1
    fi
    echo "installing: $pkgs"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Packages must not start services (nginx would take port 80): the
    # tests start their own, on free loopback ports.
    local policy=/usr/sbin/policy-rc.d own_policy=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy"
      chmod +x "$policy"
      own_policy=1
    fi
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $pkgs >/dev/null || {
      [ "$own_policy" = 1 ] && rm -f "$policy"
      return 1
    }
    [ "$own_policy" = 1 ] && rm -f "$policy"
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  respcheck_install_deps
fi
