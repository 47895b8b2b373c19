#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cross-check parser/registry.def against this Python's http.HTTPStatus.

Usage: registry_vs_python.py [path/to/registry.def]

Every code in either table is compared: presence, name, phrase, description;
and every Python name (aliases included) must be one of our names, and every
Python phrase one of our phrases or phrase aliases (ASCII case-insensitive).
Each difference is printed. A difference must be listed in INTENDED below,
with its reason, or the script exits 1. So must every listed difference still
occur, unless it is marked as gone from a Python version this one has
reached: a stale entry also exits 1, so the list stays honest.

Python 3.9 or newer (3.9 added 103, 418 and 425).
"""

import re
import sys
from collections import namedtuple
from http import HTTPStatus
from pathlib import Path

ABSENT = "<absent>"

# code, field, python value(s) we differ from, our value, reason, and the
# Python version from which the difference is known to be gone (None: not
# expected to go). field is presence, name, phrase or description.
Intended = namedtuple("Intended", "code field python ours reason gone_in")

RFC9110_RENAME = "RFC 9110 renamed it; Python took the new name in 3.13"
RESERVED = "reserved \"(Unused)\" since RFC 9110 15.5.19; IM_A_TEAPOT is a name alias"
NO_DESC = "Python had no description before 3.14; ours is 3.14's"

INTENDED = [
    Intended(104, "presence", ABSENT, "present",
             "temporary registration (draft-ietf-httpbis-resumable-upload-05), "
             "not in Python", None),
    Intended(306, "presence", ABSENT, "present",
             "reserved \"(Unused)\" (RFC 9110 15.4.7); Python lists no reserved "
             "code", None),
    Intended(413, "name", "REQUEST_ENTITY_TOO_LARGE", "CONTENT_TOO_LARGE",
             RFC9110_RENAME, (3, 13)),
    Intended(414, "name", "REQUEST_URI_TOO_LONG", "URI_TOO_LONG",
             RFC9110_RENAME, (3, 13)),
    Intended(416, "name", "REQUESTED_RANGE_NOT_SATISFIABLE",
             "RANGE_NOT_SATISFIABLE", RFC9110_RENAME, (3, 13)),
    Intended(422, "name", "UNPROCESSABLE_ENTITY", "UNPROCESSABLE_CONTENT",
             RFC9110_RENAME, (3, 13)),
    Intended(418, "name", "IM_A_TEAPOT", "UNUSED_418", RESERVED, None),
    Intended(413, "phrase", "Request Entity Too Large", "Content Too Large",
             "RFC 9110 15.5.14 phrase; the old one is an alias", (3, 13)),
    Intended(414, "phrase", "Request-URI Too Long", "URI Too Long",
             "RFC 9110 15.5.15 phrase; the old one is an alias", (3, 13)),
    Intended(416, "phrase", "Requested Range Not Satisfiable",
             "Range Not Satisfiable",
             "RFC 9110 15.5.17 phrase; the old one is an alias", (3, 13)),
    Intended(422, "phrase", "Unprocessable Entity", "Unprocessable Content",
             "RFC 9110 15.5.21 phrase; the old one is an alias", (3, 13)),
    Intended(418, "phrase", "I'm a Teapot", "(Unused)",
             "the registry phrase of a reserved code (RFC 9110 15.5.19)", None),
    Intended(413, "description", "Entity is too large", "Content is too large",
             "RFC 9110 says content, not entity; Python 3.13's words", (3, 13)),
    Intended(418, "description",
             ("Server refuses to brew coffee because it is a teapot.",
              "Server refuses to brew coffee because it is a teapot"),
             "Reserved: deployed as a joke (RFC 2324) too widely to be reused",
             "418 is reserved, not a teapot (RFC 9110 15.5.19)", None),
]
for _code, _desc in [
        (102, "Server is processing the request"),
        (103, "Headers sent to prepare for the response"),
        (207, "Response contains multiple statuses in the body"),
        (208, "Operation has already been reported"),
        (226, "Request completed using instance manipulations"),
        (422, "Server is not able to process the contained instructions"),
        (423, "Resource of a method is locked"),
        (424, "Dependent action of the request failed"),
        (425, "Server refuses to process a request that might be replayed"),
        (426, "Server refuses to perform the request using the current protocol"),
        (506, "Server has an internal configuration error"),
        (507, "Server is not able to store the representation"),
        (508, "Server encountered an infinite loop while processing a request"),
        (510, "Request does not meet the resource access policy")]:
    INTENDED.append(Intended(_code, "description", "", _desc, NO_DESC, (3, 14)))

Entry = namedtuple(
    "Entry",
    "code name phrase description reference state expires aliases name_aliases")

_TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<number>\d+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[(),])
''', re.VERBOSE)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'",
            "?": "?"}


class DefError(Exception):
    pass


def _unescape(literal):
    body = literal[1:-1]
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "x":
            m = re.match(r"[0-9A-Fa-f]+", body[i + 2:])
            out.append(chr(int(m.group(0), 16)))
            i += 2 + len(m.group(0))
        else:
            raise DefError("unsupported escape in %s" % literal)
    return "".join(out)


def _tokens(text, where):
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise DefError("%s: cannot read %r" % (where, text[pos:pos + 20]))
        pos = m.end()
        if m.lastgroup != "ws":
            yield m.lastgroup, m.group(0)


def _parse_args(tokens, where):
    """The arguments of one call: lists of tokens, split at top-level commas."""
    args, cur, depth = [], [], 0
    for kind, val in tokens:
        if val == "(":
            depth += 1
            if depth == 1:
                continue
        elif val == ")":
            depth -= 1
            if depth == 0:
                args.append(cur)
                return args
        elif val == "," and depth == 1:
            args.append(cur)
            cur = []
            continue
        cur.append((kind, val))
    raise DefError("%s: unbalanced parentheses" % where)


def _string(arg, where):
    if not arg or any(kind != "string" for kind, _ in arg):
        raise DefError("%s: expected a string literal, got %r" % (where, arg))
    return "".join(_unescape(val) for _, val in arg)  # adjacent literals join


def _list(arg, macro, where):
    if arg == [("ident", "RESPCHECK_NONE")]:
        return []
    if not arg or arg[0] != ("ident", macro):
        raise DefError("%s: expected RESPCHECK_NONE or %s(...)" % (where, macro))
    items = _parse_args(iter(arg[1:]), where)
    if arg[-1] != ("punct", ")") or not items:
        raise DefError("%s: malformed %s" % (where, macro))
    return [_string(item, where) for item in items]


def parse_def(path):
    text = Path(path).read_text(encoding="ascii")
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"),
                  text, flags=re.S)
    entries = []
    for lineno, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = "%s:%d" % (path, lineno)
        toks = list(_tokens(line, where))
        if toks[0] != ("ident", "RESPCHECK_STATUS"):
            raise DefError("%s: not a RESPCHECK_STATUS line" % where)
        it = iter(toks[1:])
        args = _parse_args(it, where)
        if next(it, None) is not None:
            raise DefError("%s: text after the entry" % where)
        if len(args) != 9:
            raise DefError("%s: %d arguments, expected 9" % (where, len(args)))
        code, name, state, expires = args[0], args[1], args[5], args[6]
        if len(code) != 1 or code[0][0] != "number":
            raise DefError("%s: code is not a number" % where)
        if len(name) != 1 or name[0][0] != "ident":
            raise DefError("%s: name is not an identifier" % where)
        if len(state) != 1 or state[0][0] != "ident":
            raise DefError("%s: state is not an identifier" % where)
        entries.append(Entry(
            code=int(code[0][1]),
            name=name[0][1],
            phrase=_string(args[2], where),
            description=_string(args[3], where),
            reference=_string(args[4], where),
            state=state[0][1],
            expires=None if expires == [("ident", "NULL")]
            else _string(expires, where),
            aliases=_list(args[7], "RESPCHECK_ALIASES", where),
            name_aliases=_list(args[8], "RESPCHECK_NAME_ALIASES", where)))
    if not entries:
        raise DefError("%s: no entries" % path)
    return entries


def python_table():
    table = {}
    for member in HTTPStatus:  # canonical members only
        table[int(member)] = member
    names = {}
    for name, member in HTTPStatus.__members__.items():  # aliases too
        names.setdefault(int(member), set()).add(name)
    return table, names


def differences(ours, py, py_names):
    """(code, field, python value, our value) for every difference."""
    diffs = []
    for code in sorted(set(ours) | set(py)):
        if code not in py:
            diffs.append((code, "presence", ABSENT, "present"))
            continue
        if code not in ours:
            diffs.append((code, "presence", "present", ABSENT))
            continue
        e, m = ours[code], py[code]
        for field, pv, ov in (("name", m.name, e.name),
                              ("phrase", m.phrase, e.phrase),
                              ("description", m.description, e.description)):
            if pv != ov:
                diffs.append((code, field, pv, ov))
        known = {e.name, *e.name_aliases}
        for name in sorted(py_names.get(code, ())):
            if name not in known:
                diffs.append((code, "name known", name, ABSENT))
        phrases = {p.lower() for p in [e.phrase, *e.aliases]}
        if m.phrase.lower() not in phrases:
            diffs.append((code, "phrase known", m.phrase, ABSENT))
    return diffs


def _intended_for(diff):
    code, field, pv, ov = diff
    for entry in INTENDED:
        values = entry.python if isinstance(entry.python, tuple) \
            else (entry.python,)
        if (entry.code, entry.field, entry.ours) == (code, field, ov) \
                and pv in values:
            return entry
    return None


def main(argv):
    if sys.version_info < (3, 9):
        print("registry_vs_python: needs Python 3.9 or newer", file=sys.stderr)
        return 2
    default = Path(__file__).resolve().parent.parent / "parser" / "registry.def"
    path = argv[1] if len(argv) > 1 else str(default)
    try:
        entries = parse_def(path)
    except (OSError, DefError, UnicodeDecodeError) as exc:
        print("registry_vs_python: %s" % exc, file=sys.stderr)
        return 2
    ours = {e.code: e for e in entries}
    if len(ours) != len(entries):
        print("registry_vs_python: a code appears twice in %s" % path,
              file=sys.stderr)
        return 2
    py, py_names = python_table()

    print("%s (%d codes) against Python %s http.HTTPStatus (%d codes)"
          % (path, len(ours), sys.version.split()[0], len(py)))
    used, unexpected = set(), 0
    for diff in differences(ours, py, py_names):
        code, field, pv, ov = diff
        entry = _intended_for(diff)
        text = "%d %s: ours %r, Python %r" % (code, field, ov, pv)
        if entry is None:
            unexpected += 1
            print("  UNEXPECTED " + text)
        else:
            used.add(INTENDED.index(entry))
            print("  intended   %s -- %s" % (text, entry.reason))

    stale = 0
    for i, entry in enumerate(INTENDED):
        if i in used:
            continue
        gone = entry.gone_in is not None and sys.version_info >= entry.gone_in
        text = "%d %s: ours %r, Python %r" % (entry.code, entry.field,
                                              entry.ours, entry.python)
        if gone:
            print("  gone       %s (as expected from Python %d.%d)"
                  % ((text,) + entry.gone_in))
        else:
            stale += 1
            print("  STALE      %s -- listed as intended but does not occur"
                  % text)

    print("%d codes compared, %d intended differences"
          % (len(set(ours) | set(py)), len(used)))
    if unexpected or stale:
        print("FAILED: %d unexpected differences, %d stale intended differences"
              " (edit INTENDED in %s or the table)"
              % (unexpected, stale, Path(__file__).name))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
