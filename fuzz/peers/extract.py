#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Extracts other projects' own HTTP response test cases into cases.json.

The cases are used as data only: the bytes each test feeds its parser, and
what the test expects (accept or reject). No code of those projects is
copied. Three suites (docs/peer-suites.md):

  llhttp    test/response/*.md of a git snapshot (--llhttp-git): each test is
            a markdown heading with an ```http block (the bytes, in the
            escaping of llhttp's test/md-test.ts), a <!-- meta={...} -->
            comment and a ```log block of events, which ends in an error
            line when llhttp refuses the bytes.
  pico      picohttpparser's test.c of a git snapshot (--pico-git): the
            PARSE(bytes, last_len, expected, comment) calls in
            test_response(); expected 0 is the whole head read, -2
            incomplete (the bytes so far are not refused), -1 refused.
  cpython   CPython's Lib/test/test_httplib.py (--cpython-test), read with
            the ast module: the bytes given to FakeSocket (and its
            variants), evaluated from the constants, names, loops and
            string operations around them; an expected exception
            (assertRaises, a try whose else calls self.fail) after the
            socket is made and before the next one means a rejection.

Then each case needs a verdict per the RFCs, written by hand in cases.json
itself ("rfc", "why", "rfc_ref"): a new extraction keeps those fields of every
case whose id and bytes did not change, and leaves "rfc": null on new or
changed cases, which run.py refuses until they are reviewed. The review may
also correct what the extraction cannot know ("peer_override",
"method_override", with a "note" saying why).

Usage (none of the sources is on a CI machine; the output is committed):

  fuzz/peers/extract.py [--llhttp-git DIR] [--pico-git DIR]
                        [--cpython-test FILE] [--out fuzz/peers/cases.json]
  fuzz/peers/extract.py --list        # the extracted cases, one per line

Identical bytes with the same method, end of stream and peer verdict in one
suite are one case; the other test names are kept in "aliases".
"""
import argparse
import ast
import http.client
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from run import decode_data  # noqa: E402  (the reading of "data" is run.py's)
DEFAULT_OUT = os.path.join(HERE, "cases.json")
DEFAULTS = {
    "llhttp": "/work/.mirror/nodejs+llhttp/repo",
    "pico": "/work/.mirror/h2o+picohttpparser/repo",
    "cpython": "/root/.pyenv/versions/3.11.7/lib/python3.11/test/test_httplib.py",
}
# Fields of a case that the hand review owns (kept across extractions).
REVIEW_FIELDS = ("rfc", "why", "rfc_ref", "note", "peer_override", "method_override")


class ExtractError(Exception):
    pass


def git(gitdir, *args):
    p = subprocess.run(["git", "--git-dir", gitdir] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        raise ExtractError("git %s: %s" % (" ".join(args), p.stderr.decode(errors="replace")))
    return p.stdout


def git_dir(path):
    """A snapshot is a bare git directory (or a checkout's .git)."""
    if os.path.isdir(os.path.join(path, ".git")):
        return os.path.join(path, ".git")
    return path


# --------------------------------------------------------------------------
# llhttp: markdown, read the way mdgator (markdown-it) does for these files.

ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
META = re.compile(r"<!--\s+meta=(.*)\s+-->")


def md_tests(text):
    """Tests of one markdown file: dicts with path (headings), name, line,
    meta, and fences {info: [content, ...]}. A heading's depth is its level;
    fences belong to the innermost heading when it is not the top one, and
    a meta comment to the next fence (mdgator's rules)."""
    lines = text.split("\n")
    stack = []  # (depth, heading dict)
    headings = []
    meta = None
    para = None  # index of a paragraph line that a setext underline may take
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE_OPEN.match(line)
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            indent, marker, info = len(m.group(1)), m.group(2), m.group(3).strip()
            body = []
            i += 1
            close = re.compile(r"^ {0,3}" + re.escape(marker[0]) + "{%d,}[ \t]*$" % len(marker))
            while i < len(lines) and not close.match(lines[i]):
                ln = lines[i]
                strip = 0
                while strip < indent and strip < len(ln) and ln[strip] == " ":
                    strip += 1
                body.append(ln[strip:] + "\n")
                i += 1
            i += 1  # the closing fence
            para = None
            if len(stack) > 1:
                cur = stack[-1][1]
                cur["fences"].setdefault(info, []).append("".join(body))
                if meta is not None:
                    cur["meta"].setdefault(info, []).append(meta)
                    meta = None
            continue
        hm = ATX.match(line)
        sm = SETEXT.match(line)
        depth = name = None
        if hm:
            depth, name = len(hm.group(1)), (hm.group(2) or "").strip()
        elif sm and para is not None:
            depth, name = (1 if sm.group(1)[0] == "=" else 2), lines[para].strip()
        if depth is not None:
            while stack and stack[-1][0] >= depth:
                stack.pop()
            h = {"name": name, "line": (para if hm is None else i) + 1,
                 "path": [s[1]["name"] for s in stack], "fences": {}, "meta": {}}
            headings.append(h)
            stack.append((depth, h))
            meta = None
            para = None
            i += 1
            continue
        if line.lstrip().startswith("<!--") and "-->" not in line:
            # A comment over several lines: one HTML block, nothing in it
            # is read (mdgator takes meta comments on one line only).
            while i < len(lines) and "-->" not in lines[i]:
                i += 1
            i += 1
            para = None
            continue
        mm = META.search(line)
        if mm and line.lstrip().startswith("<!--") and stack:
            try:
                meta = json.loads(mm.group(1))
            except ValueError as e:
                raise ExtractError("bad meta JSON %r: %s" % (mm.group(1), e))
            para = None
        elif line.strip() == "":
            para = None
        elif para is None:
            para = i
        i += 1
    return [h for h in headings if h["fences"]]


def llhttp_input(raw):
    """The bytes llhttp's test/md-test.ts feeds for an ```http block."""
    s = re.sub(r"\n$", "", raw, count=1)
    s = re.sub(r"\\(\r\n|\r|\n)", "", s)
    s = re.sub(r"\r\n|\r|\n", "\r\n", s)
    s = s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").replace("\\f", "\f")
    s = re.sub(r"\\x([0-9a-fA-F]+)", lambda m: chr(int(m.group(1), 16) & 0xFFFF), s)
    s = re.sub(r"\\([0-7]{1,3})", lambda m: chr(int(m.group(1), 8)), s)
    if re.search(r"\$\{(.+?)\}", s):
        raise ExtractError("inline JavaScript (${...}) is not supported")
    return s.encode("utf-8")  # the fixture writes the JavaScript string as UTF-8


SPAN = re.compile(r'^off=(\d+) len=(\d+) span\[(\w+)\]="(.*)"$')


def check_spans(data, log):
    """Every span the log reports must be those bytes of the input: a check
    that the escaping above is llhttp's. Returns the mismatches."""
    bad = []
    for line in log:
        m = SPAN.match(line)
        if not m:
            continue
        off, ln, want = int(m.group(1)), int(m.group(2)), m.group(4)
        got = data[off:off + ln]
        # The fixture prints \r, \n and bytes outside 0x20-0x7e escaped.
        shown = "".join(
            {"\r": "\\r", "\n": "\\n", "\t": "\\t", "\f": "\\f", '"': '\\"', "\\": "\\\\"}.get(c, c)
            if (0x20 <= ord(c) < 0x7f or c in "\r\n\t\f") else "\\x%02x" % ord(c)
            for c in got.decode("latin-1"))
        if want not in (shown, got.decode("utf-8", "replace")) and len(got) == ln:
            bad.append("%s: bytes %r" % (line, got))
        elif len(got) != ln:
            bad.append("%s: only %d bytes" % (line, len(got)))
    return bad


def extract_llhttp(gitdir, warn):
    gd = git_dir(gitdir)
    rev = git(gd, "rev-parse", "HEAD").decode().strip()
    version = json.loads(git(gd, "show", "HEAD:package.json"))["version"]
    files = git(gd, "ls-tree", "--name-only", "HEAD", "test/response/").decode().split()
    cases = []
    for path in sorted(f for f in files if f.endswith(".md")):
        text = git(gd, "show", "HEAD:" + path).decode("utf-8")
        base = os.path.basename(path)
        for t in md_tests(text):
            if "http" not in t["fences"]:
                continue
            if len(t["fences"]["http"]) != 1 or len(t["fences"].get("log", [])) != 1:
                raise ExtractError("%s:%d: expected one http and one log block" % (path, t["line"]))
            meta = (t["meta"].get("http") or [{}])[0]
            ty = meta.get("type", "")
            if not ty.startswith("response"):
                continue
            data = llhttp_input(t["fences"]["http"][0])
            log = t["fences"]["log"][0].replace("\\t", "\t").replace("\\f", "\f").split("\n")[:-1]
            for b in check_spans(data, log):
                warn("llhttp %s:%d %s: span mismatch: %s" % (base, t["line"], t["name"], b))
            # code=22 (HPE_PAUSED_UPGRADE) is llhttp handing the connection
            # over after a 101 or an Upgrade: the bytes were accepted.
            errors = [ln for ln in log if re.match(r"^off=\S+ error code=", ln)
                      and not re.match(r"^off=\S+ error code=22 ", ln)]
            mode = ty[len("response"):].lstrip("-") or "strict"
            peer = "reject" if errors else "accept"
            detail = errors[0] if errors else (log[-1] if log else "")
            if not errors and "error code=22 " in detail:
                detail += " (llhttp stops at the upgrade: the rest is another protocol)"
            name = " > ".join(t["path"][1:] + [t["name"]])
            cases.append({
                "suite": "llhttp",
                "source": path,
                "name": name,
                "line": t["line"],
                "data": data,
                "method": "HEAD" if meta.get("skipBody") else "GET",
                # The fixture does not call llhttp_finish() unless the type is
                # response-finish: the stream is left open.
                "eof": ty == "response-finish",
                "peer": peer,
                "peer_detail": ("llhttp mode %s; " % mode if mode != "strict" else "") + detail,
            })
    return cases, {"llhttp": {"snapshot": rev, "version": version,
                              "files": "test/response/*.md"}}


# --------------------------------------------------------------------------
# picohttpparser: PARSE(...) calls in test_response() of test.c.

C_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<num>0[xX][0-9a-fA-F]+|\d+)'
                     r"|(?P<id>[A-Za-z_]\w*)|(?P<punct>[(),+\-*/;{}]))", re.S)
C_ESC = {"n": 10, "r": 13, "t": 9, "0": 0, "\\": 92, '"': 34, "'": 39, "a": 7, "b": 8,
         "f": 12, "v": 11, "?": 63}


def c_string(lit):
    """Bytes of one C string literal (quotes included)."""
    out = bytearray()
    s, i = lit[1:-1], 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        n = s[i + 1]
        if n == "x":
            m = re.match(r"[0-9a-fA-F]+", s[i + 2:])
            out.append(int(m.group(0), 16) & 0xFF)
            i += 2 + len(m.group(0))
        elif n in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(int(m.group(0), 8) & 0xFF)
            i += 1 + len(m.group(0))
        else:
            out.append(C_ESC[n])
            i += 2
    return bytes(out)


def c_tokens(src):
    pos, toks = 0, []
    while pos < len(src):
        m = C_TOKEN.match(src, pos)
        if not m or m.end() == pos:
            if src[pos:].strip() == "":
                break
            raise ExtractError("cannot read C near %r" % src[pos:pos + 40])
        pos = m.end()
        kind = m.lastgroup
        toks.append((kind, m.group(kind)))
    return toks


def c_eval(toks):
    """An argument: adjacent string literals, an integer, -N, or
    strlen("...") - N."""
    if all(k == "str" for k, _ in toks):
        return b"".join(c_string(v) for _, v in toks)
    if len(toks) == 1 and toks[0][0] == "num":
        return int(toks[0][1], 0)
    if len(toks) == 2 and toks[0] == ("punct", "-") and toks[1][0] == "num":
        return -int(toks[1][1], 0)
    if (len(toks) >= 4 and toks[0] == ("id", "strlen") and toks[1] == ("punct", "(")):
        depth, j = 0, 1
        for j in range(1, len(toks)):
            if toks[j] == ("punct", "("):
                depth += 1
            elif toks[j] == ("punct", ")"):
                depth -= 1
                if depth == 0:
                    break
        val = len(c_eval(toks[2:j]))
        rest = toks[j + 1:]
        if not rest:
            return val
        if len(rest) == 2 and rest[0] == ("punct", "-") and rest[1][0] == "num":
            return val - int(rest[1][1], 0)
    raise ExtractError("cannot evaluate C argument %r" % " ".join(v for _, v in toks))


def strip_c_comments(src):
    return re.sub(r'/\*.*?\*/|//[^\n]*|("(?:[^"\\\n]|\\.)*")',
                  lambda m: m.group(1) or " ", src, flags=re.S)


def extract_pico(gitdir, warn):
    gd = git_dir(gitdir)
    rev = git(gd, "rev-parse", "HEAD").decode().strip()
    src = git(gd, "show", "HEAD:test.c").decode("utf-8")
    start = src.index("static void test_response(void)")
    end = src.index("\n}\n", start)
    body = strip_c_comments(src[start:end])
    first_line = src[:start].count("\n") + 1
    # The macro's own definition (its lines end with a backslash).
    body = re.sub(r"#define PARSE(?:[^\n]*\\\n)*[^\n]*\n", "\n", body, count=1)
    body = re.sub(r"#undef PARSE", "", body)
    cases = []
    for m in re.finditer(r"\bPARSE\(", body):
        # Arguments up to the matching parenthesis.
        toks = c_tokens(body[m.end():body.index(";", m.end())])
        args, cur, depth = [], [], 0
        for t in toks:
            if t == ("punct", "(") :
                depth += 1
            elif t == ("punct", ")"):
                if depth == 0:
                    break
                depth -= 1
            if t == ("punct", ",") and depth == 0:
                args.append(cur)
                cur = []
            else:
                cur.append(t)
        args.append(cur)
        if len(args) != 4:
            raise ExtractError("PARSE with %d arguments" % len(args))
        data, last_len, exp, comment = (c_eval(a) for a in args)
        line = first_line + body[:m.start()].count("\n")
        peer = {0: "accept", -2: "accept", -1: "reject"}.get(exp)
        if peer is None:
            raise ExtractError("unknown expected value %r" % exp)
        detail = {0: "returns the head's length (%d)" % len(data),
                  -2: "returns -2 (incomplete: not refused so far)",
                  -1: "returns -1 (parse error)"}[exp]
        if last_len:
            detail += "; last_len=%d" % last_len
        cases.append({
            "suite": "pico",
            "source": "test.c",
            "name": comment.decode("utf-8"),
            "line": line,
            "data": data,
            "method": "GET",
            # phr_parse_response reads a head and nothing after it: the
            # connection is left open.
            "eof": False,
            "peer": peer,
            "peer_detail": "phr_parse_response " + detail,
        })
    return cases, {"pico": {"snapshot": rev, "files": "test.c, test_response()"}}


# --------------------------------------------------------------------------
# CPython: test_httplib.py through the ast module.

class Unknown(Exception):
    """An expression the evaluator does not know how to compute."""


UNKNOWN = object()
SOCKETS = ("FakeSocket", "EPipeSocket", "FakeSocketHTTPConnection")
READERS = ("HTTPResponse", "getresponse")
RAISES = ("assertRaises", "assertRaisesRegex")
MAX_ITER = 10000


def call_name(node):
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return None


class Scope:
    def __init__(self, module_env, classes, cls):
        self.module_env = module_env
        self.classes = classes
        self.cls = cls

    def class_attr(self, name):
        c = self.cls
        while c is not None:
            env, bases = self.classes[c]
            if name in env:
                return env[name]
            c = next((b for b in bases if b in self.classes), None)
        raise Unknown("self.%s" % name)

    def method(self, name):
        c = self.cls
        while c is not None:
            env, bases = self.classes[c]
            if ("def", name) in env:
                return env[("def", name)]
            c = next((b for b in bases if b in self.classes), None)
        return None


def ev(node, env, scope):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        for e in (env, scope.module_env):
            if node.id in e:
                if e[node.id] is UNKNOWN:
                    raise Unknown(node.id)
                return e[node.id]
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        raise Unknown(node.id)
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "self":
            v = scope.class_attr(node.attr)
            if v is UNKNOWN:
                raise Unknown("self." + node.attr)
            return v
        if isinstance(node.value, ast.Name) and node.value.id == "client":
            v = getattr(http.client, node.attr, None)
            if isinstance(v, (int, str, bytes)):
                return v
        raise Unknown(ast.dump(node))
    if isinstance(node, ast.BinOp):
        a, b = ev(node.left, env, scope), ev(node.right, env, scope)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Mod):
            return a % b
        if isinstance(node.op, ast.Sub):
            return a - b
        raise Unknown("operator")
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(ev(e, env, scope) for e in node.elts)
    if isinstance(node, ast.GeneratorExp) and len(node.generators) == 1:
        g = node.generators[0]
        if g.ifs or g.is_async:
            raise Unknown("generator")
        out = []
        for item in bounded(ev(g.iter, env, scope)):
            local = dict(env)
            bind(g.target, item, local)
            out.append(ev(node.elt, local, scope))
        return out
    if isinstance(node, ast.Call):
        name = call_name(node)
        args = [ev(a, env, scope) for a in node.args]
        if node.keywords:
            raise Unknown("keywords")
        if isinstance(node.func, ast.Attribute) and name in ("format", "encode", "join"):
            obj = ev(node.func.value, env, scope)
            if name == "format" and isinstance(obj, str):
                return obj.format(*args)
            if name == "encode" and isinstance(obj, str):
                return obj.encode(*args)
            if name == "join" and isinstance(obj, (str, bytes)) and len(args) == 1:
                return obj.join(args[0])
        if isinstance(node.func, ast.Name) and name in ("range", "bytes", "len"):
            return {"range": range, "bytes": bytes, "len": len}[name](*args)
        raise Unknown("call %s" % name)
    raise Unknown(type(node).__name__)


def bounded(it):
    if isinstance(it, (range, tuple, list)) and len(it) <= MAX_ITER:
        return it
    raise Unknown("iteration")


def bind(target, value, env):
    if isinstance(target, ast.Name):
        env[target.id] = value
    elif isinstance(target, (ast.Tuple, ast.List)):
        if value is UNKNOWN or not isinstance(value, (tuple, list)) or \
                len(value) != len(target.elts):
            for t in target.elts:
                bind(t, UNKNOWN, env)
        else:
            for t, v in zip(target.elts, value):
                bind(t, v, env)
    # attributes (self.x = ...) and subscripts are not tracked


def is_self_fail(node):
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr == "fail" for n in ast.walk(node))


class Walker:
    """Runs a test method's statements symbolically, in order, and records
    events: ("socket", text, lineno), ("read", method), ("request", method),
    ("raises", lineno)."""

    def __init__(self, scope):
        self.scope = scope
        self.events = []
        self.depth = 0

    def stmts(self, body, env):
        for s in body:
            self.stmt(s, env)

    def calls(self, node, env):
        """Calls in an expression, sockets first (they are made before
        the response is read)."""
        calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
        for c in calls:
            if call_name(c) in SOCKETS and c.args:
                try:
                    text = ev(c.args[0], env, self.scope)
                except Unknown:
                    text = UNKNOWN
                self.events.append(("socket", text, c.lineno, call_name(c)))
        # A reading method handed to assertRaises (resp.begin,
        # conn.getresponse) reads the response too.
        for n in ast.walk(node):
            if isinstance(n, ast.Call):
                for a in n.args:
                    if isinstance(a, ast.Attribute) and a.attr in ("getresponse", "begin"):
                        self.events.append(("read", None))
        for c in calls:
            name = call_name(c)
            if name == "set_tunnel":
                self.events.append(("tunnel", None))
            elif name == "HTTPResponse":
                method = "GET"
                for k in c.keywords:
                    if k.arg == "method":
                        try:
                            method = ev(k.value, env, self.scope)
                        except Unknown:
                            method = UNKNOWN
                self.events.append(("read", method))
            elif name == "getresponse":
                self.events.append(("read", None))
            elif name == "request" and isinstance(c.func, ast.Attribute):
                m = c.args[0] if c.args else next(
                    (k.value for k in c.keywords if k.arg == "method"), None)
                try:
                    self.events.append(("request", ev(m, env, self.scope)))
                except Unknown:
                    pass
            elif name in RAISES:
                self.events.append(("raises", c.lineno))
            elif (isinstance(c.func, ast.Attribute) and isinstance(c.func.value, ast.Name)
                  and c.func.value.id == "self" and self.depth < 3):
                m = self.scope.method(name)
                if m is not None and name not in RAISES:
                    # A helper method of the test class: run it with its
                    # parameters bound.
                    local = {}
                    params = [a.arg for a in m.args.args][1:]
                    for p, a in zip(params, c.args):
                        try:
                            local[p] = ev(a, env, self.scope)
                        except Unknown:
                            local[p] = UNKNOWN
                    self.depth += 1
                    self.stmts(m.body, local)
                    self.depth -= 1

    def stmt(self, s, env):
        if isinstance(s, ast.Assign):
            self.calls(s.value, env)
            try:
                v = ev(s.value, env, self.scope)
            except Unknown:
                v = UNKNOWN
            for t in s.targets:
                bind(t, v, env)
        elif isinstance(s, (ast.Expr, ast.Return, ast.AugAssign, ast.AnnAssign)):
            if s.value is not None:
                self.calls(s.value, env)
            if isinstance(s, ast.AugAssign):
                bind(s.target, UNKNOWN, env)
        elif isinstance(s, ast.For):
            try:
                items = bounded(ev(s.iter, env, self.scope))
            except Unknown:
                items = [UNKNOWN]
            for item in items:
                bind(s.target, item, env)
                self.stmts(s.body, env)
            self.stmts(s.orelse, env)
        elif isinstance(s, ast.While):
            self.stmts(s.body, env)
        elif isinstance(s, ast.With):
            raising = False
            for item in s.items:
                self.calls(item.context_expr, env)
                if isinstance(item.context_expr, ast.Call) and \
                        call_name(item.context_expr) in RAISES:
                    raising = True
                    self.events.pop()  # recorded after the body instead
                if item.optional_vars is not None:
                    bind(item.optional_vars, UNKNOWN, env)
            self.stmts(s.body, env)
            if raising:
                self.events.append(("raises", s.lineno))
        elif isinstance(s, ast.Try):
            self.stmts(s.body, env)
            # An exception expected by the test: the else branch fails.
            if s.handlers and any(is_self_fail(x) for x in s.orelse):
                self.events.append(("raises", s.lineno))
            for h in s.handlers:
                self.stmts(h.body, env)
            self.stmts(s.orelse, env)
            self.stmts(s.finalbody, env)
        elif isinstance(s, ast.If):
            self.calls(s.test, env)
            self.stmts(s.body, env)
            self.stmts(s.orelse, env)
        elif isinstance(s, ast.FunctionDef):
            # A nested function (a factory's closure): its sockets are made
            # with the values in scope here.
            self.stmts(s.body, dict(env))
        # class definitions, imports, pass, etc.: nothing to record


def extract_cpython(path, warn):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    tree = ast.parse(src, path)
    module_env = {}
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            try:
                v = ev(node.value, module_env, Scope(module_env, classes, None))
            except Unknown:
                v = UNKNOWN
            for t in node.targets:
                bind(t, v, module_env)
        elif isinstance(node, ast.ClassDef):
            env = {}
            bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
            classes[node.name] = (env, bases)
            for item in node.body:
                if isinstance(item, ast.Assign):
                    try:
                        v = ev(item.value, env, Scope(module_env, classes, node.name))
                    except Unknown:
                        v = UNKNOWN
                    for t in item.targets:
                        bind(t, v, env)
                elif isinstance(item, ast.FunctionDef):
                    env[("def", item.name)] = item
    version = re.search(r"(\d+\.\d+\.\d+)", path)
    cases = []
    for cname, (env, bases) in classes.items():
        scope = Scope(module_env, classes, cname)
        names = [k[1] for k in env if isinstance(k, tuple)]
        # An inherited setUp runs with this class's attributes.
        if "setUp" not in names and scope.method("setUp") is not None:
            names.insert(0, "setUp")
        for mname in names:
            if not (mname.startswith("test") or mname == "setUp"):
                continue
            fn = scope.method(mname)
            w = Walker(scope)
            w.stmts(fn.body, {})
            cases += cpython_cases(cname, mname, w.events, warn)
    return cases, {"cpython": {"version": version.group(1) if version else None,
                               "files": "Lib/test/test_httplib.py"}}


def cpython_cases(cname, mname, events, warn):
    out = []
    socks = [i for i, e in enumerate(events) if e[0] == "socket"]
    for n, i in enumerate(socks):
        _, text, lineno, _kind = events[i]
        region = events[i + 1:socks[n + 1] if n + 1 < len(socks) else len(events)]
        reads = [e for e in region if e[0] == "read"]
        where = "%s.%s line %d" % (cname, mname, lineno)
        if text is UNKNOWN:
            if reads:
                warn("cpython %s: the socket's bytes could not be evaluated" % where)
            continue
        if text is None or not isinstance(text, (str, bytes)):
            continue
        data = text.encode("ascii") if isinstance(text, str) else text
        # A response case: the bytes are read as a response, or look like one
        # (a factory hands the socket to a connection that reads it later).
        if not reads and not data.startswith(b"HTTP/"):
            continue
        method = "GET"
        requests = [e[1] for e in region if e[0] == "request"]
        for e in reads:
            if e[1] not in (None, UNKNOWN):
                method = e[1]
        if requests and not any(e[1] not in (None, UNKNOWN) for e in reads):
            method = requests[0]
        if any(e[0] == "tunnel" for e in region):
            method = "CONNECT"  # the first response answers the tunnel's CONNECT
        raises = [e for e in region if e[0] == "raises"]
        out.append({
            "suite": "cpython",
            "source": "Lib/test/test_httplib.py",
            "name": "%s.%s" % (cname, mname),
            "line": lineno,
            "data": data,
            "method": method,
            "eof": True,  # the fake socket's file ends after the bytes
            "peer": "reject" if raises else "accept",
            "peer_detail": ("exception expected (line %d)" % raises[0][1]) if raises
            else "read without an exception",
        })
    return out


# --------------------------------------------------------------------------
# Output.

def encode_data(data):
    """The bytes as JSON: a string (one character per byte, latin-1), or a
    list of strings and [string, count] runs when a piece repeats."""
    pieces, lit, i = [], [], 0
    while i < len(data):
        best = None
        for unit in range(1, 33):
            u = data[i:i + unit]
            if len(u) < unit:
                break
            n = 1
            while data[i + n * unit:i + (n + 1) * unit] == u:
                n += 1
            if n * unit >= 256 and (best is None or n * unit > best[1] * len(best[0])):
                best = (u, n)
        if best:
            if lit:
                pieces.append(bytes(lit).decode("latin-1"))
                lit = []
            pieces.append([best[0].decode("latin-1"), best[1]])
            i += len(best[0]) * best[1]
        else:
            lit.append(data[i])
            i += 1
    if lit:
        pieces.append(bytes(lit).decode("latin-1"))
    if not pieces:
        return ""
    if len(pieces) == 1 and isinstance(pieces[0], str):
        return pieces[0]
    return pieces


def case_id(c, taken):
    base = "%s:%s:%s" % (c["suite"], os.path.basename(c["source"]), c["name"])
    cid, k = base, 2
    while cid in taken:
        cid = "%s #%d" % (base, k)
        k += 1
    taken.add(cid)
    return cid


def merge(cases):
    """One case per suite, bytes, method, end of stream and peer verdict."""
    out, seen, taken = [], {}, set()
    for c in cases:
        key = (c["suite"], c["data"], c["method"], c["eof"], c["peer"])
        name = "%s:%s (line %d)" % (os.path.basename(c["source"]), c["name"], c["line"])
        if key in seen:
            seen[key]["aliases"].append(name)
            continue
        c = dict(c)
        c["id"] = case_id(c, taken)
        c["aliases"] = []
        seen[key] = c
        out.append(c)
    return out


def load_previous(path):
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return {c["id"]: c for c in doc["cases"]}


def write_cases(path, sources, cases, raw_counts):
    order = ("id", "suite", "source", "name", "line", "aliases", "method", "eof", "data",
             "peer", "peer_detail", "peer_override", "method_override", "rfc", "why",
             "rfc_ref", "note")
    lines = []
    for c in cases:
        d = {k: c[k] for k in order if k in c and c[k] is not None or k == "rfc"}
        d["data"] = encode_data(c["data"])
        lines.append(json.dumps(d, ensure_ascii=True))
    head = {
        "comment": ("Peer suites' own response test cases, as data: written by "
                    "fuzz/peers/extract.py, reviewed by hand (rfc, why, rfc_ref, note, "
                    "*_override). docs/peer-suites.md explains every field."),
        "sources": sources,
        "test_cases_read": raw_counts,
    }
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n")
        for k, v in head.items():
            f.write(" %s: %s,\n" % (json.dumps(k), json.dumps(v, sort_keys=True)))
        f.write(' "cases": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--llhttp-git", default=DEFAULTS["llhttp"])
    ap.add_argument("--pico-git", default=DEFAULTS["pico"])
    ap.add_argument("--cpython-test", default=DEFAULTS["cpython"])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--list", action="store_true", help="print the cases, do not write")
    args = ap.parse_args()

    warnings = []
    warn = warnings.append
    cases, sources, raw = [], {}, {}
    for name, fn, src in (("llhttp", extract_llhttp, args.llhttp_git),
                          ("pico", extract_pico, args.pico_git),
                          ("cpython", extract_cpython, args.cpython_test)):
        got, meta = fn(src, warn)
        sources.update(meta)
        raw[name] = len(got)
        cases += got
    cases = merge(cases)
    for w in warnings:
        print("warning: " + w, file=sys.stderr)

    prev = load_previous(args.out)
    unreviewed = 0
    for c in cases:
        p = prev.get(c["id"])
        if p is not None and decode_data(p["data"]) == c["data"] and \
                p.get("method") == c["method"] and p.get("eof") == c["eof"]:
            for k in REVIEW_FIELDS:
                if k in p:
                    c[k] = p[k]
        if c.get("rfc") is None:
            c["rfc"] = None
            unreviewed += 1
    if args.list:
        for c in cases:
            print("%-60s %-6s %-5s %s %r" % (c["id"][:60], c["peer"], c["method"],
                                            "eof " if c["eof"] else "open", c["data"][:160]))
        print("%d cases (%s test cases read)" % (len(cases), raw), file=sys.stderr)
        return 0
    write_cases(args.out, sources, cases, raw)
    gone = sorted(set(prev) - {c["id"] for c in cases})
    print("%d cases written to %s (%s test cases read); %d to review%s" % (
        len(cases), args.out, raw, unreviewed,
        "; no longer extracted: " + ", ".join(gone) if gone else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ExtractError as e:
        print("extract.py: " + str(e), file=sys.stderr)
        sys.exit(2)
