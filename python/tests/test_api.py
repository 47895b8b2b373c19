# SPDX-License-Identifier: MIT
"""The package's API: check(), check_file(), Parser, Response, Finding,
exceptions with offsets, argument checking, text decoding, the GIL."""

import ast
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import unittest

import respcheck
from support import ROOT, command_env, need_command

NGINX_ERRORS = os.path.join(ROOT, "examples", "captures", "nginx-errors.http")
OK = b"HTTP/1.1 200 OK\r\nDate: Tue, 15 Jul 2025 08:12:31 GMT\r\nContent-Length: 2\r\n\r\nok"
NO_ALLOW = b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"


def read(path):
    with open(path, "rb") as f:
        return f.read()


class CheckTest(unittest.TestCase):
    def test_records(self):
        rs = respcheck.check(read(NGINX_ERRORS))
        self.assertEqual([r.status for r in rs], [401, 405, 206, 418, 204])
        r = rs[1]
        self.assertIsInstance(r, respcheck.Response)
        self.assertEqual((r.file, r.index, r.offset, r.end_offset),
                         ("-", 1, 385, 699))
        self.assertEqual((r.version, r.reason, r.effective_status),
                         ("1.1", "Not Allowed", 405))
        self.assertIs(r.registered, True)
        self.assertIs(r.complete, True)
        self.assertEqual(r.verdict, "reject")
        self.assertEqual(r.headers[0], ("Server", "nginx/1.22.1"))
        self.assertIs(r.headers, r.headers)  # made once
        self.assertEqual(r.findings_dropped, 0)
        self.assertEqual(r.request, {"method": "GET", "target": None,
                                     "version": "1.1"})
        self.assertEqual(r.source, {"kind": "stream"})
        with self.assertRaises(TypeError):  # read-only
            r.request["method"] = "changed"
        d = r.to_dict()
        d["request"]["method"] = "changed"  # to_dict() copies
        self.assertEqual(r.request["method"], "GET")
        rules = [f.rule for f in r.findings]
        # nginx's "Not Allowed" names no other code or class: only
        # reason-phrase-nonstandard, off by default.
        self.assertEqual(rules, ["allow-missing"])
        f = r.findings[0]
        self.assertIsInstance(f, respcheck.Finding)
        self.assertEqual((f.severity, f.offset, f.line, f.column),
                         ("error", 394, 16, 10))
        self.assertEqual(f.message, "405 response without Allow")
        self.assertEqual(f.reference, "RFC 9110 15.5.6")
        self.assertEqual(f.to_dict(), {
            "rule": "allow-missing", "severity": "error", "offset": 394,
            "line": 16, "column": 10, "message": "405 response without Allow",
            "reference": "RFC 9110 15.5.6"})
        self.assertIn("allow-missing", repr(f))
        self.assertIn("405", repr(r))
        d = r.to_dict()
        self.assertEqual(json.loads(json.dumps(d)), d)
        self.assertNotIn("findings_dropped", d)

    def test_buffers(self):
        want = [r.to_dict() for r in respcheck.check(NO_ALLOW)]
        for data in (bytearray(NO_ALLOW), memoryview(NO_ALLOW)):
            self.assertEqual([r.to_dict() for r in respcheck.check(data)], want)
        self.assertRaises(TypeError, respcheck.check, NO_ALLOW.decode())
        self.assertEqual(respcheck.check(b""), [])

    def test_no_head(self):
        [r] = respcheck.check(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab")
        self.assertEqual([f.rule for f in r.findings], ["date-missing",
                                                         "message-truncated"])
        self.assertIs(r.complete, False)
        [r] = respcheck.check(b"garbage\r\n\r\n")
        self.assertEqual((r.version, r.status, r.reason, r.effective_status,
                          r.headers), (None, None, None, None, ()))
        self.assertEqual(r.findings[0].rule, "parse-error")
        self.assertEqual(r.verdict, "reject")

    def test_options(self):
        [r] = respcheck.check(NO_ALLOW, rules={"allow-missing": "warning",
                                               "date-missing": "off"})
        self.assertEqual([(f.rule, f.severity) for f in r.findings],
                         [("allow-missing", "warning")])
        self.assertEqual(r.verdict, "accept")
        [r] = respcheck.check(NO_ALLOW, limits={"max_reason_length": 3})
        self.assertIn("reason-phrase-too-long", [f.rule for f in r.findings])
        head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
        [r] = respcheck.check(head, method="HEAD")
        self.assertIs(r.complete, True)
        self.assertEqual(r.request["method"], "HEAD")
        rs = respcheck.check(b"HTTP/1.1 100 Continue\r\n\r\n" + OK,
                             request_version="1.0")
        self.assertEqual(rs[0].findings[0].rule, "status-1xx-http10")
        # Methods without special framing are read as GET, like the command;
        # the record names the method as given.
        [r] = respcheck.check(OK, method="PROPFIND", request_version="1.0")
        self.assertEqual(r.request, {"method": "PROPFIND", "target": None,
                                     "version": "1.0"})
        self.assertIs(r.complete, True)
        [r] = respcheck.check(OK, file="capture.http")
        self.assertEqual(r.file, "capture.http")

    def test_bad_arguments(self):
        bad = [
            (TypeError, dict(nope=1)),
            (ValueError, dict(method="GE T")),
            (ValueError, dict(method="")),
            (TypeError, dict(method=b"GET")),
            (ValueError, dict(request_version="2")),
            (ValueError, dict(rules={"no-such-rule": "off"})),
            (ValueError, dict(rules={"date-missing": "loud"})),
            (TypeError, dict(rules=["date-missing=off"])),
            (ValueError, dict(limits={"max_nothing": 3})),
            (ValueError, dict(limits={"max_headers": 0})),
            (ValueError, dict(limits={"max_headers": -1})),
            (TypeError, dict(limits={"max_headers": True})),
            (TypeError, dict(limits={"max_headers": "3"})),
            (ValueError, dict(limits={"max_header_bytes": 10})),
            (ValueError, dict(limits={"max_header_bytes": 2 ** 62})),
            (TypeError, dict(file=3)),
        ]
        for exc, kwargs in bad:
            with self.subTest(kwargs=kwargs):
                self.assertRaises(exc, respcheck.check, OK, **kwargs)
                if "file" not in kwargs:
                    self.assertRaises(exc, respcheck.Parser, **kwargs)
        self.assertRaises(TypeError, respcheck.check)
        self.assertRaises(TypeError, respcheck.check, OK, OK)

    def test_text_as_the_command_shows_it(self):
        """Reason and fields: well-formed UTF-8 as text, any other byte as
        the code point of its value (what the command's JSON reads back as)."""
        cases = [
            (b"caf\xc3\xa9", "caf\u00e9"),
            (b"\xff\xfe", "\u00ff\u00fe"),
            (b"\xed\xa0\x80", "\u00ed\u00a0\u0080"),   # a surrogate
            (b"\xc0\xaf", "\u00c0\u00af"),             # overlong
            (b"\xe2\x82", "\u00e2\u0082"),             # cut short
            (b"\xf0\x9f\x98\x80", "\U0001F600"),
        ]
        for raw, text in cases:
            with self.subTest(raw=raw):
                [r] = respcheck.check(b"HTTP/1.1 200 " + raw +
                                      b"\r\nX-A: " + raw +
                                      b"\r\nContent-Length: 0\r\n\r\n")
                self.assertEqual(r.reason, text)
                self.assertEqual(r.headers[0], ("X-A", text))

    def test_rules_catalogue(self):
        out = subprocess.run([need_command(), "--list-rules", "--format=json"],
                             stdout=subprocess.PIPE, env=command_env(),
                             check=True).stdout
        want = [json.loads(line) for line in out.decode().splitlines()]
        self.assertEqual(respcheck.rules(), want)

    def test_version(self):
        self.assertRegex(respcheck.__version__, r"^\d+\.\d+\.\d+$")
        self.assertTrue(respcheck.version().startswith(respcheck.__version__))


class CheckFileTest(unittest.TestCase):
    def test_paths(self):
        want = [r.to_dict() for r in respcheck.check_file(NGINX_ERRORS)]
        self.assertEqual(want[0]["file"], NGINX_ERRORS)
        got = respcheck.check_file(pathlib.Path(NGINX_ERRORS))
        self.assertEqual([r.to_dict() for r in got], want)
        got = respcheck.check_file(os.fsencode(NGINX_ERRORS))
        self.assertEqual([r.to_dict() for r in got], want)
        self.assertEqual(respcheck.detect_kind(NGINX_ERRORS), "raw")
        self.assertIn("raw", respcheck.input_kinds())
        for kind, path in (
                ("pcap", "examples/captures/nginx-loopback.pcap"),
                ("warc", "warc/tests/fixtures/wget-like.warc"),
                ("warc", "warc/tests/fixtures/wget-like.warc.gz"),
                ("har", "har/tests/fixtures/chrome.har")):
            path = os.path.join(ROOT, path)
            self.assertEqual(respcheck.detect_kind(path), kind, path)
            # Told by content, never by name.
            with tempfile.TemporaryDirectory() as tmp:
                other = os.path.join(tmp, "renamed.http")
                with open(path, "rb") as f, open(other, "wb") as g:
                    g.write(f.read())
                self.assertEqual(respcheck.detect_kind(other), kind)
                def records(p, **kw):
                    return [dict(r.to_dict(), file=None)
                            for r in respcheck.check_file(p, **kw)]
                self.assertEqual(records(other), records(path, kind=kind))

    def test_errors(self):
        with self.assertRaises(FileNotFoundError) as cm:
            respcheck.check_file("/nonexistent/capture.http")
        self.assertEqual(cm.exception.filename, "/nonexistent/capture.http")
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(IsADirectoryError):
                respcheck.check_file(tmp)
        self.assertRaises(ValueError, respcheck.check_file, NGINX_ERRORS,
                          kind="tape")
        self.assertRaises(TypeError, respcheck.check_file, 3.5)


class ParserTest(unittest.TestCase):
    def test_callback_and_iterator(self):
        data = read(NGINX_ERRORS)
        want = [r.to_dict() for r in respcheck.check(data)]
        got = []
        p = respcheck.Parser(on_response=got.append)
        for i in range(0, len(data), 100):
            p.feed(data[i:i + 100])
        p.finish()
        self.assertEqual([r.to_dict() for r in got], want)

        p = respcheck.Parser()
        seen = []
        for i in range(0, len(data), 333):
            p.feed(data[i:i + 333])
            seen.extend(p)   # what is complete so far
        self.assertEqual(len(seen), 5)  # a 204 needs no end of stream
        p.finish()
        self.assertEqual(p.pending, 0)
        self.assertEqual([r.to_dict() for r in seen], want)
        self.assertEqual(list(p), [])
        self.assertIs(p.finished, True)
        self.assertEqual(p.offset, len(data))
        self.assertEqual(p.response_count, 5)

    def test_pipelined_requests(self):
        """Each record names the request it answers; a 1xx that of the final
        response after it; with none left, the Parser's own."""
        p = respcheck.Parser(request_version="1.0")
        p.push_request("GET", target="/a")
        p.push_request("HEAD", "1.1", target="http://b.example/b")
        p.push_request("GET", version="1.0")
        p.feed(b"HTTP/1.1 100 Continue\r\n\r\n" + OK +
               b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n" + OK + OK)
        p.finish()
        rs = list(p)
        self.assertEqual([r.status for r in rs], [100, 200, 200, 200, 200])
        self.assertEqual([r.request for r in rs], [
            {"method": "GET", "target": "/a", "version": "1.1"},
            {"method": "GET", "target": "/a", "version": "1.1"},
            {"method": "HEAD", "target": "http://b.example/b",
             "version": "1.1"},
            {"method": "GET", "target": None, "version": "1.0"},
            {"method": "GET", "target": None, "version": "1.0"}])
        self.assertTrue(all(r.complete for r in rs))
        self.assertRaises(TypeError, p.push_request, "GET", "1.1", 3)

    def test_request_queue_full(self):
        p = respcheck.Parser(limits={"max_pending_requests": 2})
        p.push_request("GET")
        p.push_request("GET")
        with self.assertRaises(respcheck.Error) as cm:
            p.push_request("GET")
        self.assertEqual(cm.exception.name, "FULL")
        self.assertEqual(cm.exception.offset, 0)
        self.assertRaises(ValueError, p.push_request, "GET", "3.0")
        self.assertRaises(TypeError, p.push_request, None)

    def test_stream_error_has_the_offset(self):
        got = []
        p = respcheck.Parser(on_response=got.append)
        bad = OK + b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"
        with self.assertRaises(respcheck.StreamError) as cm:
            p.feed(bad)
        e = cm.exception
        self.assertIsInstance(e, respcheck.Error)
        self.assertEqual(e.name, "PARSE")
        self.assertEqual(e.code, 1)
        self.assertGreater(e.offset, len(OK))
        self.assertLessEqual(e.offset, len(bad))
        self.assertTrue(e.reason)
        self.assertIs(p.error, e)
        # The responses up to it were delivered first, the one with the
        # parse error included.
        self.assertEqual(len(got), 2)
        self.assertIn("parse-error", [f.rule for f in got[1].findings])
        self.assertEqual(got[1].findings[-1].offset, e.offset)
        with self.assertRaises(respcheck.StreamError) as again:
            p.feed(OK)
        self.assertIs(again.exception, e)
        p.finish()
        self.assertEqual(len(got), 2)

    def test_finish_twice_and_feed_after(self):
        p = respcheck.Parser()
        p.feed(OK)
        p.finish()
        with self.assertRaises(respcheck.Error) as cm:
            p.feed(OK)
        self.assertEqual((cm.exception.name, cm.exception.offset),
                         ("FINISHED", len(OK)))
        self.assertRaises(respcheck.Error, p.finish)
        p.reset()
        p.feed(OK)
        p.finish()
        self.assertEqual(len(list(p)), 1)

    def test_callback_raises(self):
        """The exception leaves feed(); the responses after the one it was
        raised for are delivered by the next call, none lost."""
        calls = []

        def cb(r):
            calls.append(r.index)
            if len(calls) == 1:
                raise KeyError("stop")
        p = respcheck.Parser(on_response=cb)
        self.assertRaises(KeyError, p.feed, OK * 3)
        self.assertEqual(calls, [0])
        self.assertEqual(p.pending, 2)
        p.feed(OK)
        self.assertEqual(calls, [0, 1, 2, 3])
        p.finish()

    def test_reentrant_call(self):
        p = None
        errors = []

        def cb(r):
            try:
                p.feed(OK)
            except RuntimeError as e:
                errors.append(e)
        p = respcheck.Parser(on_response=cb)
        p.feed(OK)
        self.assertEqual(len(errors), 1)

    def test_tunnel(self):
        p = respcheck.Parser()
        p.feed(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n"
               b"Connection: Upgrade\r\n\r\n\x00\x01binary")
        p.feed(b"more tunnel bytes")
        p.finish()
        self.assertIs(p.in_tunnel, True)
        [r] = list(p)
        self.assertEqual(r.status, 101)

    def test_uninitialised(self):
        p = respcheck.Parser.__new__(respcheck.Parser)
        self.assertRaises(RuntimeError, p.feed, OK)


class ThreadsTest(unittest.TestCase):
    def big_input(self):
        # About 40,000 responses: long enough that the parse is seen.
        return (OK + NO_ALLOW) * 20000

    def runs_other_threads(self, call):
        """True when another thread ran Python code while call() ran.

        The switch interval is made huge, so that the interpreter never takes
        the GIL from this thread by itself: the waiting thread can only run
        when this thread releases the GIL, in a blocking call or in C code
        that lets go of it."""
        phase = ["before"]
        seen = []
        go = threading.Event()

        def watcher():
            go.wait()
            seen.append(phase[0])
        t = threading.Thread(target=watcher)
        t.start()
        old = sys.getswitchinterval()
        sys.setswitchinterval(1000.0)
        try:
            phase[0] = "during"
            go.set()
            call()
            phase[0] = "after"
        finally:
            sys.setswitchinterval(old)
        t.join(60)
        self.assertFalse(t.is_alive())
        return seen == ["during"]

    def test_gil_released(self):
        data = self.big_input()
        self.assertTrue(self.runs_other_threads(lambda: respcheck.check(data)))
        p = respcheck.Parser(on_response=lambda r: None)
        self.assertTrue(self.runs_other_threads(lambda: p.feed(data)))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "big.http")
            with open(path, "wb") as f:
                f.write(data)
            self.assertTrue(self.runs_other_threads(
                lambda: respcheck.check_file(path)))

    def test_the_probe_can_fail(self):
        """The probe above says False for C code that keeps the GIL."""
        data = self.big_input()
        self.assertFalse(self.runs_other_threads(lambda: data.count(b"\r\n")
                                                 + data.count(b"HTTP")))

    def test_threads_agree(self):
        data = read(NGINX_ERRORS) * 50
        want = [r.to_dict() for r in respcheck.check(data)]
        results = [None] * 4

        def work(i):
            out = None
            for _ in range(20):
                out = [r.to_dict() for r in respcheck.check(data)]
            results[i] = out
        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(results, [want] * 4)


class ReadmeTest(unittest.TestCase):
    def test_examples_run(self):
        """The Python examples of README.md's Python section and of
        python/README.md run (from the top of the tree)."""
        import contextlib
        import io
        import re
        ran = 0
        for name, start in (("README.md", "## Python"),
                            ("python/README.md", "## Checking bytes")):
            with open(os.path.join(ROOT, name), encoding="utf-8") as f:
                text = f.read()
            section = text[text.index(start):]
            section = section[:section.index("\n## ", 4)]
            for block in re.findall(r"```python\n(.*?)```", section, re.S):
                cwd = os.getcwd()
                os.chdir(ROOT)
                try:
                    with contextlib.redirect_stdout(io.StringIO()) as out:
                        exec(compile(block, name, "exec"), {})
                finally:
                    os.chdir(cwd)
                self.assertIn("405", out.getvalue())
                ran += 1
        self.assertEqual(ran, 2)


class StubsTest(unittest.TestCase):
    """The .pyi stubs name what the module has, no more and no less."""

    def stub(self, name):
        path = os.path.join(os.path.dirname(respcheck.__file__), name)
        with open(path) as f:
            return ast.parse(f.read())

    def test_c_module(self):
        tree = self.stub("_respcheck.pyi")
        module = respcheck._respcheck
        declared = {}
        top = set()
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                declared[node.name] = {n.name for n in node.body
                                       if isinstance(n, ast.FunctionDef)} | \
                    {n.target.id for n in node.body
                     if isinstance(n, ast.AnnAssign)}
                top.add(node.name)
            elif isinstance(node, ast.FunctionDef):
                top.add(node.name)
            elif isinstance(node, ast.AnnAssign):
                top.add(node.target.id)
        public = {n for n in dir(module) if not n.startswith("__")}
        self.assertEqual(public, top)
        for cls, names in declared.items():
            obj = getattr(module, cls)
            if issubclass(obj, Exception):
                continue
            have = {n for n in vars(obj) if not n.startswith("_")}
            self.assertEqual(have, {n for n in names if not n.startswith("_")},
                             cls)

    def test_package(self):
        tree = self.stub("__init__.pyi")
        top = set()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                top.add(node.name)
            elif isinstance(node, ast.ImportFrom):
                top.update(a.asname for a in node.names if a.asname)
            elif isinstance(node, ast.AnnAssign):
                top.add(node.target.id)
        self.assertEqual(top, set(respcheck.__all__) | {"__version__"})


if __name__ == "__main__":
    unittest.main()
