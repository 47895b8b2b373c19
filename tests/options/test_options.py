#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The options respcheck and respcheck-proxy share (tools/common/options.c):
the same values accepted, the same usage errors, the same help lines.

    test_options.py --respcheck PATH --proxy PATH

Each case runs both tools with the same arguments, none of which starts
anything: a bad value must exit 2 with the same message (but for the
program's name) from both; a good value must be accepted, shown by the
error of an unknown option placed after it. No network, no sleeps; every
process has a timeout.
"""
import argparse
import subprocess
import sys

TIMEOUT = 30
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def run(tool, args):
    p = subprocess.run([tool] + args, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=TIMEOUT)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


BAD = [
    (["--rule=no-such-rule=off"], "--rule: unknown rule 'no-such-rule'"),
    (["--rule=date-missing=loud"], "--rule: severity 'loud' is not off, info, warning or error"),
    (["--rule=date-missing"], "--rule: 'date-missing' is not ID=off|info|warning|error"),
    (["--rule=\x1b[2J=off"], "unknown rule '\\x1b[2J'"),
    (["--rule=date-missing=off,nope=info"], "--rule: unknown rule 'nope'"),
    (["--rule=date-missing=off,"], "--rule: '' is not ID=off|info|warning|error"),
    (["--rule=date-missing=off,allow-missing"], "--rule: 'allow-missing' is not ID=off|info|warning|error"),
    (["--max-headers=0"], "--max-headers: '0' is zero; it must be at least 1"),
    (["--max-headers=12x"], "--max-headers: '12x' is not a positive decimal number"),
    (["--max-header-bytes=-5"], "--max-header-bytes: '-5' is not a positive decimal number"),
    (["--max-header-bytes="], "--max-header-bytes: '' is empty"),
    (["--max-line-length=99999999999999999999999"], "--max-line-length: '99999999999999999999999' is too large"),
    (["--max-reason-length=1073741825"], "--max-reason-length: '1073741825' is too large (at most 1073741824)"),
    (["--max-headers=1048577"], "--max-headers: '1048577' is too large (at most 1048576)"),
    (["--max-chunk-extension"], "option '--max-chunk-extension' needs a value"),
    (["--frobnicate"], "unknown option '--frobnicate'"),
    (["-x"], "unknown option '-x'"),
    (["--help=yes"], "option '--help=yes' takes no value"),
]

GOOD = [
    ["--rule=date-missing=off"],
    ["--rule=date-missing=off,allow-missing=warning"],
    ["--rule", "date-missing=error"],
    ["--rule=reason-phrase-mismatch=warning", "--rule=date-missing=info"],
    ["--max-header-bytes=1073741824"],
    ["--max-headers", "1048576"],
    ["--max-line-length=1"],
    ["--max-reason-length=512"],
    ["--max-chunk-extension=4096"],
]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--respcheck", required=True)
    ap.add_argument("--proxy", required=True)
    a = ap.parse_args()
    tools = {"respcheck": a.respcheck, "respcheck-proxy": a.proxy}
    for args, needle in BAD:
        msgs = {}
        for name, path in tools.items():
            status, out, err = run(path, args)
            check(status == 2, f"{name} {args!r}: exit {status}, want 2")
            check(out == "", f"{name} {args!r}: stdout {out!r}")
            first = err.splitlines()[0] if err else ""
            check(first.startswith(name + ": ") and needle in first,
                  f"{name} {args!r}: stderr {err!r} lacks {needle!r}")
            check(f"Try '{name} --help' for more information." in err,
                  f"{name} {args!r}: no hint in {err!r}")
            check("\x1b" not in err, f"{name} {args!r}: raw escape on stderr")
            msgs[name] = first[len(name):]
        check(len(set(msgs.values())) == 1,
              f"{args!r}: the tools' messages differ: {msgs!r}")
    for args in GOOD:
        for name, path in tools.items():
            status, _, err = run(path, args + ["--no-such-option"])
            check(status == 2 and "unknown option '--no-such-option'" in err,
                  f"{name} {args!r} not accepted: {status} {err!r}")
    # One help text for the shared options.
    helps = {}
    for name, path in tools.items():
        status, out, _ = run(path, ["--help"])
        check(status == 0, f"{name} --help exits {status}")
        lines = out.splitlines()
        start = [i for i, l in enumerate(lines) if l.lstrip().startswith("--rule=")]
        check(len(start) == 1, f"{name} --help: one --rule line")
        if start:
            helps[name] = lines[start[0]:start[0] + 6]
    check(len(helps) == 2 and helps["respcheck"] == helps["respcheck-proxy"] and
          helps["respcheck"][-1].lstrip().startswith("--max-chunk-extension"),
          f"the shared options' help differs: {helps!r}")
    print(f"{len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
