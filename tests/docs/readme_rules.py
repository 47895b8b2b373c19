#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""README.md's rule table lists every rule of the catalogue, with the
catalogue's default severity and RFC reference, and no other rule.

Usage: readme_rules.py README.md RESPCHECK_BINARY
"""
import json
import re
import subprocess
import sys


def main():
    readme, binary = sys.argv[1], sys.argv[2]
    out = subprocess.run([binary, "--list-rules", "--format=json"], check=True,
                         capture_output=True, text=True).stdout
    catalogue = {}
    for line in out.splitlines():
        d = json.loads(line)
        catalogue[d["rule"]] = (d["default_severity"], d["reference"])
    text = open(readme, encoding="utf-8").read()
    start = text.index("\n## Rules")
    end = text.index("\n## ", start + 1)
    table = {}
    for m in re.finditer(r"^\| `([a-z0-9-]+)` \| ([a-z]+) \| ([^|]+) \|", text[start:end], re.M):
        table[m.group(1)] = (m.group(2), m.group(3).strip())
    bad = []
    for rule, (sev, ref) in sorted(catalogue.items()):
        if rule not in table:
            bad.append("%s: not in README.md's rule table" % rule)
        elif table[rule] != (sev, ref):
            bad.append("%s: README.md says %s, %s; the catalogue %s, %s"
                       % (rule, table[rule][0], table[rule][1], sev, ref))
    for rule in sorted(set(table) - set(catalogue)):
        bad.append("%s: in README.md's rule table, not in the catalogue" % rule)
    for b in bad:
        print("FAIL: " + b)
    print("%d rules in the catalogue, %d in README.md's table, %d problems"
          % (len(catalogue), len(table), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
