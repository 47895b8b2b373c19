# SPDX-License-Identifier: MIT
"""Writes a large HAR to standard output, for bench/archives.sh's memory
measure: Chrome-shaped entries with base64 bodies, as devtools exports
with "Save all as HAR with content".

    python3 bench/har_gen.py MEGABYTES | respcheck --quiet -

Each entry carries a body of 256 KiB to 4 MiB (a fixed seed), so a 500 MB
file has a few hundred entries; the output stops once MEGABYTES are
written (the last entry and the JSON close it).
"""
import base64
import json
import random
import sys


def main():
    total = int(sys.argv[1]) * 1024 * 1024 if len(sys.argv) > 1 else 500 << 20
    rng = random.Random(7)
    chunk = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(3 * 4096)))
    out = sys.stdout.buffer
    head = b'{"log":{"version":"1.2","creator":{"name":"WebInspector",' \
           b'"version":"537.36"},"pages":[],"entries":['
    out.write(head)
    written = len(head)
    i = 0
    while written < total:
        size = rng.randint(64, 1024) * 4096
        meta = {
            "startedDateTime": "2024-03-01T12:00:00.000Z", "time": 12,
            "request": {"method": "GET",
                        "url": "http://example.test/blob/%d" % i,
                        "httpVersion": "http/1.1", "headers": [],
                        "queryString": [], "cookies": [], "headersSize": -1,
                        "bodySize": 0},
            "response": {"status": 200, "statusText": "OK",
                         "httpVersion": "http/1.1",
                         "headers": [{"name": "Date",
                                      "value": "Fri, 01 Mar 2024 12:00:00 GMT"},
                                     {"name": "Content-Length",
                                      "value": str(size * 3 // 4)}],
                         "cookies": [], "redirectURL": "", "headersSize": -1,
                         "bodySize": -1},
        }
        text = json.dumps(meta, separators=(",", ":"))
        # The body goes last in "content", written in pieces.
        pre = (("," if i else "") + text[:-2] +
               ',"content":{"size":%d,"mimeType":"application/octet-stream",'
               '"encoding":"base64","text":"' % (size * 3 // 4)).encode()
        out.write(pre)
        left = size
        while left > 0:
            piece = chunk[:left] if left < len(chunk) else chunk
            out.write(piece)
            left -= len(piece)
        out.write(b'"}}}')
        written += len(pre) + size + 4
        i += 1
    out.write(b"]}}\n")


if __name__ == "__main__":
    main()
