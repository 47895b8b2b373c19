#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tests of scripts/deps.sh and of the package sets the README's two commands
# ask for, with a stub apt-get: nothing is installed, nothing outside a
# scratch folder is written.
#
#   tests/scripts/test_deps.sh
#
# The scripts run with PATH holding only a few tools, so that cmake, gcc,
# clang and the rest look missing and the install path is taken; the stub
# records its arguments and what the invoke-rc.d policy file looked like
# while it ran.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
  echo "FAIL: $*" >&2
  fails=$((fails + 1))
}

mkdir "$tmp/bin"
for t in bash dirname sort grep id ls chmod rm cat; do
  ln -s "$(command -v "$t")" "$tmp/bin/$t"
done
cat >"$tmp/bin/apt-get" <<'STUB'
#!/bin/bash
# Records its arguments and the policy file's state; exits FAKE_APT_STATUS
# for install.
echo "$*" >>"$FAKE_APT_LOG"
if [ "$1" = install ]; then
  if [ -x "$FAKE_POLICY" ]; then
    echo "policy: $(cat "$FAKE_POLICY" | tr '\n' ' ')" >>"$FAKE_APT_LOG"
  else
    echo "policy: none" >>"$FAKE_APT_LOG"
  fi
  exit "${FAKE_APT_STATUS:-0}"
fi
exit 0
STUB
chmod +x "$tmp/bin/apt-get"
ln -s "$(command -v tr)" "$tmp/bin/tr"

# run LOG POLICY SCRIPT ARGS...: the script with the stub; prints its exit
# status.
run() {
  local log=$1 policy=$2
  shift 2
  : >"$log"
  env -i PATH="$tmp/bin" HOME="$tmp" FAKE_APT_LOG="$log" FAKE_POLICY="$policy" \
    FAKE_APT_STATUS="${FAKE_APT_STATUS:-0}" RESPCHECK_APT_GET="$tmp/bin/apt-get" \
    RESPCHECK_POLICY_RC_D="$policy" RESPCHECK_BUILD="$tmp/build" \
    bash "$@" >"$log.out" 2>"$log.err"
  echo $?
}

installed() { grep '^install ' "$1" | head -n1; }

# 1. A policy file already there (every Docker image has one): the install
#    succeeds and the file is left as it was.
policy=$tmp/policy-rc.d
printf '#!/bin/sh\nexit 101 # theirs\n' >"$policy"
chmod +x "$policy"
s=$(run "$tmp/1.log" "$policy" "$root/scripts/deps.sh")
[ "$s" = 0 ] || fail "existing policy: deps.sh exits $s ($(cat "$tmp/1.log.err"))"
grep -q '^update' "$tmp/1.log" || fail "existing policy: no apt-get update"
installed "$tmp/1.log" | grep -q ' cmake' || fail "existing policy: cmake not installed"
grep -q 'policy: #!/bin/sh exit 101 # theirs' "$tmp/1.log" ||
  fail "existing policy: not in force during the install"
grep -q 'theirs' "$policy" || fail "existing policy: changed or removed"

# 2. No policy file: one is written for the install (services must not
#    start) and removed after.
rm -f "$policy"
s=$(run "$tmp/2.log" "$policy" "$root/scripts/deps.sh" all)
[ "$s" = 0 ] || fail "no policy: deps.sh exits $s ($(cat "$tmp/2.log.err"))"
grep -q 'policy: #!/bin/sh exit 101' "$tmp/2.log" ||
  fail "no policy: none in force during the install"
[ ! -e "$policy" ] || fail "no policy: the one written is left behind"

# 3. apt-get fails: deps.sh fails, says so, and still removes its policy.
s=$(FAKE_APT_STATUS=100 run "$tmp/3.log" "$policy" "$root/scripts/deps.sh" all)
[ "$s" != 0 ] || fail "apt-get failing: deps.sh exits 0"
grep -q 'apt-get install failed' "$tmp/3.log.err" || fail "apt-get failing: no message"
[ ! -e "$policy" ] || fail "apt-get failing: the policy is left behind"

# 4. An unknown set is a usage error.
s=$(run "$tmp/4.log" "$policy" "$root/scripts/deps.sh" everything)
[ "$s" = 2 ] || fail "unknown set: exit $s, want 2"
[ ! -s "$tmp/4.log" ] || fail "unknown set: apt-get was run"

# 5. The quick start asks for the build set only; the test suite for all.
#    (Both stop after the install here: cmake is not on PATH.)
run "$tmp/5.log" "$policy" "$root/scripts/lint-samples.sh" >/dev/null
pk=$(installed "$tmp/5.log")
for p in cmake gcc make; do
  [[ " $pk " == *" $p "* ]] || fail "lint-samples.sh: $p not asked for ($pk)"
done
for p in clang llvm-14 nginx nodejs libuv1-dev libcriterion-dev curl pkg-config python3; do
  [[ " $pk " != *" $p "* ]] || fail "lint-samples.sh asks for $p, which it does not need ($pk)"
done
run "$tmp/6.log" "$policy" "$root/scripts/test.sh" >/dev/null
pk=$(installed "$tmp/6.log")
for p in cmake gcc clang clang-format nodejs libuv1-dev curl pkg-config python3; do
  [[ " $pk " == *" $p "* ]] || fail "test.sh: $p not asked for ($pk)"
done

if [ "$fails" -gt 0 ]; then
  echo "$fails failed" >&2
  exit 1
fi
echo "deps.sh: all passed"
