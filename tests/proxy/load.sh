#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Load test of respcheck-proxy (not run by CTest): now bench/proxy/bench.sh,
# which runs wrk against nginx directly, through nginx, HAProxy and
# respcheck-proxy in one run. This name is kept for the commands that use
# it; the same arguments and environment (DURATION, CONNECTIONS, THREADS,
# SIZES, TARGETS) apply.
#
#   tests/proxy/load.sh [PROXY_BINARY]
set -euo pipefail
exec "$(cd "$(dirname "$0")/../../bench/proxy" && pwd)/bench.sh" "$@"
