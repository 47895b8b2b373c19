# SPDX-License-Identifier: MIT
"""No memory grows over a million calls: the resident set size after a
million check() calls (and many Parser streams, findings and to_dict()
conversions) is that of the first calls, within a small margin.

Not run in sanitizer builds (CTest leaves it out there): a memory bound
measured under AddressSanitizer's allocator is not a bound."""

import gc
import os
import unittest

import respcheck

CALLS = int(os.environ.get("RESPCHECK_MEMORY_CALLS", "1000000"))
# What growth is allowed between the warm-up and the end: allocator noise
# and caches, not a leak (a leak of even 8 bytes a call would be 8 MB).
MARGIN = 2 * 1024 * 1024

OK = b"HTTP/1.1 200 OK\r\nDate: Tue, 15 Jul 2025 08:12:31 GMT\r\nContent-Length: 2\r\n\r\nok"
BROKEN = (b"HTTP/1.1 405 Nope\r\nX-\xff: caf\xc3\xa9\r\n\r\n"
          b"HTTP/1.1 2000 OK\r\n\r\n")


def rss():
    """Resident set size in bytes, from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def work(n):
    """n calls of the kinds a harness makes, every object let go."""
    check = respcheck.check
    for i in range(n):
        rs = check(OK)
        if i % 16 == 0:
            for r in check(BROKEN, rules={"date-missing": "off"}):
                r.to_dict()
                r.headers
                repr(r)
        if i % 64 == 0:
            p = respcheck.Parser(on_response=lambda r: r.findings)
            p.push_request("HEAD")
            try:
                p.feed(OK + BROKEN)
            except respcheck.StreamError:
                pass
            p.finish()
        if i % 256 == 0:
            try:
                check(OK, method="GE T")
            except ValueError:
                pass
            respcheck.status(i % 1000).phrase
    return rs


class MemoryTest(unittest.TestCase):
    def test_a_million_calls(self):
        work(CALLS // 10)  # warm-up: pools, caches, the allocator's arenas
        gc.collect()
        before = rss()
        work(CALLS)
        gc.collect()
        after = rss()
        print("\nRSS %.1f MiB after %d calls of warm-up, %.1f MiB after %d "
              "more (%+d KiB)" % (before / 2**20, CALLS // 10, after / 2**20,
                                  CALLS, (after - before) // 1024))
        self.assertLess(after - before, MARGIN)

    def test_the_measure_sees_a_leak(self):
        """The same measure catches a leak of 100 bytes a call."""
        kept = []
        before = rss()
        for _ in range(CALLS // 20):
            kept.append(respcheck.check(OK))
        after = rss()
        self.assertGreater(after - before, MARGIN)
        del kept


if __name__ == "__main__":
    unittest.main()
