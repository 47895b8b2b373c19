# SPDX-License-Identifier: MIT
"""Response.to_dict() equals the respcheck command's JSON record, key for
key: on every bundled capture, on a few hundred mutated ones, with options,
and whichever way the bytes reach the package (check, check_file, Parser
in any chunking)."""

import os
import random
import tempfile
import unittest

import respcheck
from support import (archives, captures, packet_captures, run_command,
                     write_mutants)


def parse_in_chunks(data, sizes, **options):
    """Records of data fed to a Parser in pieces of the given sizes (cycled)."""
    out = []
    p = respcheck.Parser(on_response=out.append, **options)
    at, i = 0, 0
    while at < len(data):
        n = sizes[i % len(sizes)]
        i += 1
        try:
            p.feed(data[at:at + n])
        except respcheck.StreamError:
            break
        at += n
    p.finish()
    return out


class RecordsTest(unittest.TestCase):
    maxDiff = None

    def compare(self, path, expected, method="GET", lines=None, **options):
        responses = respcheck.check_file(path, method=method, **options)
        got = [r.to_dict() for r in responses]
        self.assertEqual(got, expected, path)
        if lines is not None:
            # to_json() is the command's line, byte for byte.
            self.assertEqual([r.to_json() for r in responses], lines, path)
        with open(path, "rb") as f:
            data = f.read()
        via_bytes = [r.to_dict() for r in
                     respcheck.check(data, method=method, file=path, **options)]
        self.assertEqual(via_bytes, expected, path)
        return data

    def test_bundled_captures(self):
        """Every capture in examples/captures and tests/cli/captures."""
        for path, method in captures():
            with self.subTest(path=os.path.relpath(path)):
                records, _, lines = run_command([path], "--method=" + method)
                expected = records.get(path, [])
                data = self.compare(path, expected, method=method,
                                    lines=lines.get(path, []))
                for sizes in ([1], [7, 1, 64], [4096]):
                    got = [r.to_dict() for r in parse_in_chunks(
                        data, sizes, method=method, file=path)]
                    self.assertEqual(got, expected, (path, sizes))

    def test_packet_captures_and_archives(self):
        """Every bundled pcap, pcapng, WARC and HAR file: each connection's
        or record's or entry's responses with the requests they answer,
        "source" saying where each came from. Bad input (a capture cut
        short, corrupt gzip, JSON that is not a HAR) gives the records read
        before with InputError, as the command writes them before it
        reports the file."""
        paths = packet_captures() + archives()
        # The command reads these kinds, so the package built beside it
        # does.
        self.assertEqual(set(respcheck.input_kinds()),
                         {"raw", "pcap", "warc", "har"})
        self.assertGreater(len(paths), 60)
        seen = set()
        for path in paths:
            with self.subTest(path=os.path.relpath(path)):
                records, _, lines = run_command([path], statuses=(0, 1, 2))
                try:
                    responses = respcheck.check_file(path)
                except respcheck.InputError as e:
                    self.assertEqual(e.filename, path)
                    responses = e.responses
                    seen.add("cut")
                self.assertEqual([r.to_dict() for r in responses],
                                 records.get(path, []))
                self.assertEqual([r.to_json() for r in responses],
                                 lines.get(path, []))
                for r in responses:
                    seen.add(r.source["kind"])
                    seen.add("request" if r.request else "no request")
                    seen.update(f.rule for f in r.findings
                                if f.rule.startswith("capture-"))
        self.assertTrue({"pcap", "warc", "har", "request", "no request",
                         "capture-gap", "cut"} <= seen, seen)

    def test_captures_have_records(self):
        """The comparison above is not vacuous: the captures give records,
        findings, non-ASCII text and unplaced offsets are compared too."""
        total = findings = 0
        for path, method in captures():
            for r in respcheck.check_file(path, method=method):
                total += 1
                findings += len(r.findings)
        self.assertGreater(total, 40)
        self.assertGreater(findings, 30)

    def test_mutated_captures(self):
        """Random damage (fixed seed) to the captures: the corners of
        grouping findings into records (parse errors, responses without a
        head, truncation) must match too."""
        with tempfile.TemporaryDirectory() as tmp:
            paths = write_mutants(tmp, 300)
            records, _, lines = run_command(paths)
            rng = random.Random(7)
            for path in paths:
                expected = records.get(path, [])
                data = self.compare(path, expected, lines=lines.get(path, []))
                sizes = [rng.randint(1, 300) for _ in range(5)]
                got = [r.to_dict() for r in parse_in_chunks(data, sizes,
                                                            file=path)]
                self.assertEqual(got, expected, (path, sizes))

    def test_options(self):
        """Rules, limits and the request context, as the command's options."""
        variants = [
            (["--rule=date-missing=off", "--rule=reason-phrase-mismatch=error"],
             dict(rules={"date-missing": "off",
                         "reason-phrase-mismatch": "error"})),
            (["--max-header-bytes=200", "--max-headers=3",
              "--max-line-length=40", "--max-reason-length=5"],
             dict(limits={"max_header_bytes": 200, "max_headers": 3,
                          "max_line_length": 40, "max_reason_length": 5})),
            (["--request-version=1.0"], dict(request_version="1.0")),
            (["--method=HEAD"], dict(method="HEAD")),
            (["--method=CONNECT"], dict(method="CONNECT")),
        ]
        paths = [p for p, m in captures() if m == "GET"]
        for args, kwargs in variants:
            with self.subTest(args=args):
                records, _, lines = run_command(paths, *args)
                method = kwargs.pop("method", "GET")
                for path in paths:
                    self.compare(path, records.get(path, []), method=method,
                                 lines=lines.get(path, []), **kwargs)

    def test_large_stream(self):
        """A stream of several reads (the line map's window and pins)."""
        one = (b"HTTP/1.1 200 OK\r\nDate: Tue, 15 Jul 2025 08:12:31 GMT\r\n"
               b"Content-Length: 2\r\n\r\nok"
               b"HTTP/1.1 405 Not Allowed\r\nContent-Length: 0\r\n\r\n")
        body = b"x" * 300000
        data = (one * 200 + b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n"
                % len(body) + body + b"\r\n\r\n\r\nHTTP/1.1 404 Nope\r\nContent-Length: 0\r\n\r\n"
                + one * 50 + b"\r\n" * 20000 + one)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "large.http")
            with open(path, "wb") as f:
                f.write(data)
            records, _, lines = run_command([path])
            expected = records[path]
            self.assertGreater(len(expected), 500)
            self.compare(path, expected, lines=lines[path])
            got = [r.to_dict() for r in parse_in_chunks(data, [70000, 1460],
                                                        file=path)]
            self.assertEqual(got, expected)


if __name__ == "__main__":
    unittest.main()
