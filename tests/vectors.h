/*
 * Test vectors: one table, used by the Criterion tests (every vector fed
 * whole, byte by byte and split in two at every offset) and exported as the
 * fuzzers' seed corpus (tests/dump_vectors.c).
 *
 * expect:    every warning and error finding, in order, as "rule" or
 *            "rule@offset", space-separated ("" for none);
 * info:      info findings that must be among them;
 * absent:    rules that must not fire at all (the near misses);
 * responses: one entry per message end: "status>effective:A|R", with
 *            ">effective" optional, "-" for a message without a head.
 */
#ifndef RESPCHECK_TEST_VECTORS_H
#define RESPCHECK_TEST_VECTORS_H

#include <stddef.h>

#include "respcheck.h"

typedef struct rc_limits {
  size_t header_bytes, headers, line, reason, chunk_ext;
} rc_limits_t;

typedef struct rc_vector {
  const char *name;
  const char *data;
  size_t len;
  respcheck_method_t method; /* 0: GET */
  int request_10;            /* the request was HTTP/1.0 */
  rc_limits_t limits;        /* 0: default */
  const char *expect;
  const char *info;
  const char *absent;
  const char *responses;
} rc_vector_t;

#define S(s) s, sizeof(s) - 1
#define OK200 "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
#define CL0 "Content-Length: 0\r\n"
#define DATE "Date: Thu, 26 Nov 2026 10:00:00 GMT\r\n"
#define NOLIM {0, 0, 0, 0, 0}

/* clang-format off */
static const rc_vector_t rc_vectors[] = {
  /* --- valid streams --- */
  {"ok-content-length", S("HTTP/1.1 200 OK\r\n" DATE "Content-Length: 5\r\n\r\nhello"),
   0, 0, NOLIM, "", "", "date-missing reason-phrase-mismatch bare-lf framing-conflict status-code-syntax", "200>200:A"},
  {"ok-keep-alive-two", S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
   0, 0, NOLIM, "", "", "empty-line-before-status", "200:A 404:A"},
  {"ok-chunked", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" OK200),
   0, 0, NOLIM, "", "", "transfer-encoding-invalid", "200:A 200:A"},
  {"ok-chunked-upper-case", S("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n1\r\na\r\n0\r\n\r\n" OK200),
   0, 0, NOLIM, "", "", "transfer-encoding-invalid", "200:A 200:A"},
  {"ok-gzip-chunked", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\na\r\n0\r\n\r\n" OK200),
   0, 0, NOLIM, "", "", "transfer-encoding-invalid", "200:A 200:A"},
  {"ok-gzip-close-delimited", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzzzHTTP/1.1 200 OK\r\n"),
   0, 0, NOLIM, "", "", "transfer-encoding-invalid data-after-close", "200:A"},
  {"ok-100-continue", S("HTTP/1.1 100 Continue\r\n\r\n" OK200),
   0, 0, NOLIM, "", "", "status-1xx-http10", "100:A 200:A"},
  {"ok-103-then-200", S("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n" OK200),
   0, 0, NOLIM, "", "", "status-temporary", "103:A 200:A"},
  {"ok-close-delimited", S("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody bytes\r\nHTTP/1.1 200 OK\r\n"),
   0, 0, NOLIM, "", "", "data-after-close message-truncated", "200:A"},
  {"ok-http10-keep-alive", S("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nokHTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n"),
   0, 0, NOLIM, "", "", "", "200:A 204:A"},
  {"ok-empty-reason-with-space", S("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"),
   0, 0, NOLIM, "", "", "status-line-syntax reason-phrase-mismatch", "200:A"},
  {"ok-obs-text-reason", S("HTTP/1.1 200 D\xc3\xa9j\xc3\xa0 vu\r\nContent-Length: 0\r\n\r\n"),
   0, 0, NOLIM, "", "reason-phrase-mismatch", "reason-phrase-invalid", "200:A"},
  {"ok-field-value-tab-obs-text", S("HTTP/1.1 200 OK\r\nX-A: a\tb\r\nX-B: caf\xc3\xa9\r\nX-C_d.e~f!: v\r\nContent-Length: 0\r\n\r\n"),
   0, 0, NOLIM, "", "", "header-value-invalid header-name-invalid", "200:A"},
  {"ok-content-length-ows", S("HTTP/1.1 200 OK\r\nContent-Length:   2  \r\n\r\nok" OK200),
   0, 0, NOLIM, "", "", "content-length-invalid", "200:A 200:A"},
  {"ok-trailer-allowed", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-Checksum: abc\r\n\r\n" OK200),
   0, 0, NOLIM, "", "", "trailer-field-forbidden", "200:A 200:A"},
  {"ok-trailing-crlf-after-close", S("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok\r\n"),
   0, 0, NOLIM, "", "", "data-after-close", "200:A"},

  /* --- status codes and the boundaries of their classes --- */
  {"code-099", S("HTTP/1.1 099 X\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-class-invalid@9", "", "", "99>500:R"},
  {"code-100", S("HTTP/1.1 100 Continue\r\n\r\n" OK200), 0, 0, NOLIM, "", "", "status-class-invalid status-unregistered", "100>100:A 200:A"},
  {"code-199", S("HTTP/1.1 199 X\r\n\r\n" OK200), 0, 0, NOLIM, "status-unregistered@9", "", "status-class-invalid", "199>100:A 200:A"},
  {"code-200", S(OK200), 0, 0, NOLIM, "", "", "status-class-invalid status-unregistered", "200>200:A"},
  {"code-299", S("HTTP/1.1 299 X\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-unregistered@9", "", "", "299>200:A"},
  {"code-300", S("HTTP/1.1 300 Multiple Choices\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "status-unregistered location-missing", "300>300:A"},
  {"code-399-is-300", S("HTTP/1.1 399 X\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-unregistered@9", "", "location-missing", "399>300:A"},
  {"code-400", S("HTTP/1.1 400 Bad Request\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "status-unregistered", "400>400:A"},
  {"code-499", S("HTTP/1.1 499 X\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-unregistered@9", "", "", "499>400:A"},
  {"code-500", S("HTTP/1.1 500 Internal Server Error\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "status-unregistered date-missing", "500>500:A"},
  {"code-599", S("HTTP/1.1 599 X\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-unregistered@9", "", "status-class-invalid", "599>500:A"},
  {"code-600", S("HTTP/1.1 600 X\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-class-invalid@9", "", "status-unregistered", "600>500:R"},
  {"code-999", S("HTTP/1.1 999 X\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-class-invalid@9", "", "", "999>500:R"},
  {"code-000", S("HTTP/1.1 000 X\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-class-invalid@9", "", "", "0>500:R"},
  {"code-four-digits", S("HTTP/1.1 0200 OK\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-code-syntax@9", "", "", "200>200:R"},
  {"code-two-digits", S("HTTP/1.1 20 OK\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-code-syntax@9 status-class-invalid@9", "", "", "20>500:R"},
  {"code-306-reserved", S("HTTP/1.1 306 Switch Proxy\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-reserved@9", "", "status-unregistered location-missing", "306>300:A"},
  {"code-418-reserved", S("HTTP/1.1 418 I'm a teapot\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-reserved@9", "", "status-unregistered", "418>400:A"},
  {"code-417-near-418", S("HTTP/1.1 417 Expectation Failed\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "status-reserved", "417>417:A"},
  {"code-305-deprecated", S("HTTP/1.1 305 Use Proxy\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "status-deprecated", "location-missing status-reserved", "305>305:A"},
  {"code-510-obsoleted", S("HTTP/1.1 510 Not Extended\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "status-obsoleted", "", "510>510:A"},
  {"code-104-temporary", S("HTTP/1.1 104 Upload Resumption Supported\r\n\r\n" OK200), 0, 0, NOLIM, "", "status-temporary", "status-unregistered", "104>104:A 200:A"},

  /* --- status line --- */
  {"status-line-no-sp-after-code", S("HTTP/1.1 200\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-line-syntax@12", "", "", "200:R"},
  {"status-line-two-spaces", S("HTTP/1.1  200 OK\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-line-syntax@8", "", "status-class-invalid", "0>500:R"},
  {"reason-control-byte", S("HTTP/1.1 200 O\x01K\r\n" CL0 "\r\n"), 0, 0, NOLIM, "reason-phrase-invalid@14", "", "", "200:R"},
  {"reason-nul", S("HTTP/1.1 200 O\x00K\r\n" CL0 "\r\n"), 0, 0, NOLIM, "reason-phrase-invalid@14", "", "", "200:R"},
  {"reason-mismatch", S("HTTP/1.1 200 Fine\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "reason-phrase-mismatch", "", "200:A"},
  {"reason-old-phrase-alias", S("HTTP/1.1 413 Payload Too Large\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "reason-phrase-mismatch", "413:A"},
  {"reason-case-insensitive", S("HTTP/1.1 404 not found\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "reason-phrase-mismatch", "404:A"},
  {"reason-too-long", S("HTTP/1.1 200 0123456789abcdef\r\n" CL0 "\r\n"), 0, 0, {0, 0, 0, 8, 0}, "reason-phrase-too-long@21", "", "", "200:R"},
  {"reason-at-limit", S("HTTP/1.1 200 01234567\r\n" CL0 "\r\n"), 0, 0, {0, 0, 0, 8, 0}, "", "", "reason-phrase-too-long", "200:A"},
  {"not-http", S("XTTP/1.1 200 OK\r\n\r\n"), 0, 0, NOLIM, "parse-error@0", "", "", "-:R"},

  /* --- versions --- */
  {"version-2.0", S("HTTP/2.0 200 OK\r\n" CL0 "\r\n"), 0, 0, NOLIM, "version-invalid@5", "", "", "200:R"},
  {"version-0.9", S("HTTP/0.9 200 OK\r\n" CL0 "\r\n"), 0, 0, NOLIM, "version-invalid@5", "", "", "200:R"},
  {"version-1.2", S("HTTP/1.2 200 OK\r\n" CL0 "\r\n"), 0, 0, NOLIM, "version-minor-unknown@7 parse-error", "", "version-invalid", "-:R"},
  {"version-1.0", S("HTTP/1.0 200 OK\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "version-invalid version-minor-unknown", "200:A"},

  /* --- 1xx and HTTP/1.0 (RFC 1945 9.1, RFC 9110 15.2) --- */
  {"1xx-in-http10", S("HTTP/1.0 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n" CL0 "\r\n"), 0, 0, NOLIM, "status-1xx-http10@9", "", "", "100:R 200:A"},
  {"1xx-to-http10-request", S("HTTP/1.1 103 Early Hints\r\n\r\n" OK200), 0, 1, NOLIM, "status-1xx-http10@9", "", "", "103:R 200:A"},
  {"1xx-near-http11", S("HTTP/1.1 102 Processing\r\n\r\n" OK200), 0, 0, NOLIM, "", "", "status-1xx-http10", "102:A 200:A"},
  {"200-http10-near-1xx", S("HTTP/1.0 200 OK\r\n" CL0 "\r\n"), 0, 1, NOLIM, "", "", "status-1xx-http10", "200:A"},
  {"1xx-connection-close-then-final", S("HTTP/1.1 100 Continue\r\nConnection: close\r\n\r\n" OK200), 0, 0, NOLIM, "", "", "data-after-close", "100:A 200:A"},

  /* --- framing (RFC 9110 8.6, RFC 9112 6) --- */
  {"cl-in-204", S("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n" OK200), 0, 0, NOLIM, "content-length-forbidden@25", "", "", "204:R 200:A"},
  {"cl-in-1xx", S("HTTP/1.1 100 Continue\r\ncontent-length: 0\r\n\r\n" OK200), 0, 0, NOLIM, "content-length-forbidden@23", "", "", "100:R 200:A"},
  {"cl-in-304-allowed", S("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n" OK200), 0, 0, NOLIM, "", "", "content-length-forbidden", "304:A 200:A"},
  {"cl-in-head-response", S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" OK200), RESPCHECK_METHOD_HEAD, 0, NOLIM, "", "", "content-length-forbidden", "200:A 200:A"},
  {"te-in-204", S("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n" OK200), 0, 0, NOLIM, "transfer-encoding-forbidden@25", "", "content-length-forbidden", "204:R 200:A"},
  {"te-in-1xx", S("HTTP/1.1 100 Continue\r\nTransfer-Encoding: chunked\r\n\r\n" OK200), 0, 0, NOLIM, "transfer-encoding-forbidden@23", "", "", "100:R 200:A"},
  {"te-in-http10", S("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"), 0, 0, NOLIM, "transfer-encoding-http10@17", "", "", "200:R"},
  {"te-in-http11-near", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"), 0, 0, NOLIM, "", "", "transfer-encoding-http10 framing-conflict", "200:A"},
  {"cl-and-te", S("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"), 0, 0, NOLIM, "framing-conflict@36 parse-error", "", "", "-:R"},
  {"cl-and-te-lower-case", S("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 1\r\n\r\n1\r\na\r\n0\r\n\r\n"), 0, 0, NOLIM, "framing-conflict@45 parse-error", "", "", "-:R"},
  {"cl-not-a-number", S("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n"), 0, 0, NOLIM, "content-length-invalid@17 parse-error", "", "", "-:R"},
  {"cl-different-values", S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"), 0, 0, NOLIM, "content-length-invalid@36 parse-error", "", "", "-:R"},
  {"cl-list", S("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello"), 0, 0, NOLIM, "content-length-invalid@17 parse-error", "", "", "-:R"},
  {"cl-negative", S("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), 0, 0, NOLIM, "content-length-invalid@17 parse-error", "", "", "-:R"},
  {"cl-overflow", S("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n"), 0, 0, NOLIM, "content-length-invalid@17 parse-error", "", "", "-:R"},
  {"cl-identical-duplicate", S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello"), 0, 0, NOLIM, "parse-error", "", "content-length-invalid", "-:R"},
  {"te-chunked-twice", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"), 0, 0, NOLIM, "transfer-encoding-invalid@17", "", "", "200:R"},
  {"te-chunked-trailing-comma", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked,\r\n\r\n1\r\na\r\n0\r\n\r\n"), 0, 0, NOLIM, "transfer-encoding-invalid@17", "", "", "200:R"},
  {"te-chunked-params", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked;q=1\r\n\r\n1\r\na\r\n0\r\n\r\n"), 0, 0, NOLIM, "transfer-encoding-invalid@17 transfer-encoding-invalid@17", "", "", "200:R"},
  {"te-empty", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\nContent-Length: 0\r\n\r\n"), 0, 0, NOLIM, "transfer-encoding-invalid@17 framing-conflict@38", "", "", "200:R"},
  {"te-folded-chunked", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,\r\n chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"), 0, 0, NOLIM, "obs-fold@43 transfer-encoding-invalid@17", "", "", "200:R"},
  {"205-with-content", S("HTTP/1.1 205 Reset Content\r\nContent-Length: 2\r\n\r\nok"), 0, 0, NOLIM, "content-forbidden@9", "", "", "205:R"},
  {"205-empty-near", S("HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\n"), 0, 0, NOLIM, "", "", "content-forbidden", "205:A"},

  /* --- status-specific fields --- */
  {"301-no-location", S("HTTP/1.1 301 Moved Permanently\r\n" CL0 "\r\n"), 0, 0, NOLIM, "location-missing@9", "", "", "301:A"},
  {"302-no-location", S("HTTP/1.1 302 Found\r\n" CL0 "\r\n"), 0, 0, NOLIM, "location-missing@9", "", "", "302:A"},
  {"303-no-location", S("HTTP/1.1 303 See Other\r\n" CL0 "\r\n"), 0, 0, NOLIM, "location-missing@9", "", "", "303:A"},
  {"307-no-location", S("HTTP/1.1 307 Temporary Redirect\r\n" CL0 "\r\n"), 0, 0, NOLIM, "location-missing@9", "", "", "307:A"},
  {"308-no-location", S("HTTP/1.1 308 Permanent Redirect\r\n" CL0 "\r\n"), 0, 0, NOLIM, "location-missing@9", "", "", "308:A"},
  {"301-location-lower-case", S("HTTP/1.1 301 Moved Permanently\r\nlocation: /x\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "location-missing", "301:A"},
  {"304-no-location-near", S("HTTP/1.1 304 Not Modified\r\n\r\n"), 0, 0, NOLIM, "", "", "location-missing status-deprecated", "304:A"},
  {"401-no-www-authenticate", S("HTTP/1.1 401 Unauthorized\r\n" CL0 "\r\n"), 0, 0, NOLIM, "www-authenticate-missing@9", "", "", "401:R"},
  {"401-www-authenticate-mixed-case", S("HTTP/1.1 401 Unauthorized\r\nwWw-AuThEnTiCaTe: Basic realm=\"x\"\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "www-authenticate-missing", "401:A"},
  {"403-near-401", S("HTTP/1.1 403 Forbidden\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "www-authenticate-missing", "403:A"},
  {"407-no-proxy-authenticate", S("HTTP/1.1 407 Proxy Authentication Required\r\n" CL0 "\r\n"), 0, 0, NOLIM, "proxy-authenticate-missing@9", "", "", "407:R"},
  {"407-proxy-authenticate", S("HTTP/1.1 407 Proxy Authentication Required\r\nPROXY-AUTHENTICATE: Basic\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "proxy-authenticate-missing", "407:A"},
  {"401-proxy-authenticate-near", S("HTTP/1.1 401 Unauthorized\r\nProxy-Authenticate: Basic\r\n" CL0 "\r\n"), 0, 0, NOLIM, "www-authenticate-missing@9", "", "proxy-authenticate-missing", "401:R"},
  {"405-no-allow", S("HTTP/1.1 405 Method Not Allowed\r\n" CL0 "\r\n"), 0, 0, NOLIM, "allow-missing@9", "", "", "405:R"},
  {"405-allow-empty-value", S("HTTP/1.1 405 Method Not Allowed\r\nallow: \r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "allow-missing", "405:A"},
  {"206-no-content-range", S("HTTP/1.1 206 Partial Content\r\nContent-Type: text/plain\r\n" CL0 "\r\n"), 0, 0, NOLIM, "content-range-missing@9", "", "", "206:R"},
  {"206-content-range", S("HTTP/1.1 206 Partial Content\r\ncontent-range: bytes 0-0/1\r\nContent-Length: 1\r\n\r\na"), 0, 0, NOLIM, "", "", "content-range-missing", "206:A"},
  {"206-multipart-byteranges", S("HTTP/1.1 206 Partial Content\r\nContent-Type: Multipart/ByteRanges; boundary=x\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "content-range-missing", "206:A"},
  {"206-multipart-mixed-near", S("HTTP/1.1 206 Partial Content\r\nContent-Type: multipart/byterangesX\r\n" CL0 "\r\n"), 0, 0, NOLIM, "content-range-missing@9", "", "", "206:R"},
  {"101-no-upgrade", S("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n\r\n\x00\x01 not http"), 0, 0, NOLIM, "upgrade-missing@9", "", "parse-error", "101:R"},
  {"101-upgrade", S("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nConnection: Upgrade\r\n\r\nHTTP/1.1 999 not parsed\r\n\r\n"), 0, 0, NOLIM, "", "", "upgrade-missing status-class-invalid", "101:A"},
  {"426-no-upgrade", S("HTTP/1.1 426 Upgrade Required\r\n" CL0 "\r\n"), 0, 0, NOLIM, "upgrade-missing@9", "", "", "426:R"},
  {"426-upgrade", S("HTTP/1.1 426 Upgrade Required\r\nUpgrade: HTTP/3.0\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "upgrade-missing", "426:A"},
  {"date-present", S("HTTP/1.1 200 OK\r\ndate: Thu, 26 Nov 2026 10:00:00 GMT\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "date-missing", "200:A"},
  {"date-missing-404", S("HTTP/1.1 404 Not Found\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "date-missing", "", "404:A"},

  /* --- field syntax (RFC 9110 5, RFC 9112 2.2, 5) --- */
  {"name-with-space", S("HTTP/1.1 200 OK\r\nContent Length: 5\r\n\r\nhello"), 0, 0, NOLIM, "header-name-invalid@24 parse-error", "", "", "-:R"},
  {"name-space-before-colon", S("HTTP/1.1 200 OK\r\nX-A : b\r\n" CL0 "\r\n"), 0, 0, NOLIM, "header-name-invalid@20 parse-error", "", "", "-:R"},
  {"name-empty", S("HTTP/1.1 200 OK\r\n: b\r\n" CL0 "\r\n"), 0, 0, NOLIM, "header-name-invalid@17", "", "", "200:R"},
  {"name-no-colon", S("HTTP/1.1 200 OK\r\nNoColon\r\n" CL0 "\r\n"), 0, 0, NOLIM, "header-name-invalid@17 parse-error", "", "", "-:R"},
  {"value-control-byte", S("HTTP/1.1 200 OK\r\nX: a\x01" "b\r\n" CL0 "\r\n"), 0, 0, NOLIM, "header-value-invalid@21 parse-error@21", "", "", "-:R"},
  {"value-del", S("HTTP/1.1 200 OK\r\nX: a\x7f" "b\r\n" CL0 "\r\n"), 0, 0, NOLIM, "header-value-invalid@21 parse-error@21", "", "", "-:R"},
  {"value-nul", S("HTTP/1.1 200 OK\r\nX: a\x00" "b\r\n" CL0 "\r\n"), 0, 0, NOLIM, "header-value-invalid@21 parse-error", "", "", "-:R"},
  {"obs-fold", S("HTTP/1.1 200 OK\r\nX-Long: a\r\n \tb\r\n" CL0 "\r\n"), 0, 0, NOLIM, "obs-fold@28", "", "whitespace-before-field", "200:R"},
  {"whitespace-before-first-field", S("HTTP/1.1 200 OK\r\n X: y\r\n" CL0 "\r\n"), 0, 0, NOLIM, "whitespace-before-field@17 parse-error", "", "obs-fold", "-:R"},
  {"bare-cr-in-field", S("HTTP/1.1 200 OK\r\nX: a\rContent-Length: 5\r\n\r\nhello"), 0, 0, NOLIM, "bare-cr@21 parse-error", "", "", "-:R"},
  {"bare-cr-in-reason", S("HTTP/1.1 200 O\rK\r\n" CL0 "\r\n"), 0, 0, NOLIM, "bare-cr@14 parse-error", "", "reason-phrase-invalid", "-:R"},
  {"bare-lf-204", S("HTTP/1.1 204 No Content\n\n"), 0, 0, NOLIM, "bare-lf@23", "", "bare-cr", "204:A"},
  {"bare-lf-after-field", S("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n"), 0, 0, NOLIM, "bare-lf@34 parse-error@34", "", "bare-cr", "-:R"},
  {"empty-line-before-status", S("\r\n" OK200), 0, 0, NOLIM, "empty-line-before-status@0", "", "", "200:A"},
  {"empty-line-between", S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n" OK200), 0, 0, NOLIM, "empty-line-before-status@40", "", "", "200:A 200:A"},

  /* --- trailers (RFC 9110 6.5.1) --- */
  {"trailer-content-length", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nContent-Length: 5\r\n\r\n" OK200), 0, 0, NOLIM, "trailer-field-forbidden@56", "", "", "200:R"},
  {"trailer-transfer-encoding", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\ntransfer-encoding: chunked\r\n\r\n"), 0, 0, NOLIM, "trailer-field-forbidden@50", "", "", "200:R"},

  /* --- connection and stream end (RFC 9112 8, 9) --- */
  {"data-after-close", S("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok" OK200), 0, 0, NOLIM, "data-after-close@59", "", "", "200:A -:R"},
  {"data-after-http10", S("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok" OK200), 0, 0, NOLIM, "data-after-close@40", "", "", "200:A -:R"},
  {"truncated-content", S("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), 0, 0, NOLIM, "message-truncated@42", "", "", "200:R"},
  {"truncated-head", S("HTTP/1.1 200 OK\r\nX: y"), 0, 0, NOLIM, "message-truncated@21", "", "", "-:R"},
  {"truncated-chunked", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"), 0, 0, NOLIM, "message-truncated@53", "", "", "200:R"},
  {"head-request-no-body", S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\n"), RESPCHECK_METHOD_HEAD, 0, NOLIM, "", "", "parse-error", "200:A 404:A"},
  {"connect-tunnel", S("HTTP/1.1 200 Connection Established\r\n\r\n\x16\x03\x01 TLS bytes"), RESPCHECK_METHOD_CONNECT, 0, NOLIM, "", "", "parse-error", "200:A"},
  {"connect-refused-has-body", S("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 2\r\n\r\nnoHTTP/1.1 200 Connection Established\r\n\r\nraw"), RESPCHECK_METHOD_CONNECT, 0, NOLIM, "", "", "content-length-forbidden", "407:A 200:A"},

  /* --- limits --- */
  {"too-many-headers", S("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"), 0, 0, {0, 2, 0, 0, 0}, "too-many-headers@29", "", "", "-:R"},
  {"headers-at-limit", S("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n"), 0, 0, {0, 2, 0, 0, 0}, "", "", "too-many-headers", NULL},
  {"line-too-long", S("HTTP/1.1 200 OK\r\nX: 0123456789abcdef\r\n\r\n"), 0, 0, {0, 0, 16, 0, 0}, "line-too-long@33", "", "", "-:R"},
  {"line-at-limit", S("HTTP/1.1 200 OK\r\nX: 0123456789abc\r\n\r\n"), 0, 0, {0, 0, 16, 0, 0}, "", "", "line-too-long", NULL},
  {"header-section-too-large", S("HTTP/1.1 200 OK\r\nX: 0123456789\r\n\r\n"), 0, 0, {32, 0, 0, 0, 0}, "header-section-too-large@32", "", "", "-:R"},
  {"header-section-at-limit", S("HTTP/1.1 200 OK\r\nX: 0123456789\r\n\r\n"), 0, 0, {35, 0, 0, 0, 0}, "", "", "header-section-too-large", NULL},
  {"chunk-extension-too-long", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;name=valuevalue\r\na\r\n0\r\n\r\n"), 0, 0, {0, 0, 0, 0, 8}, "chunk-extension-too-long@58", "", "", "200:R"},
  {"chunk-extension-at-limit", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;ab=cdef\r\na\r\n0\r\n\r\n"), 0, 0, {0, 0, 0, 0, 8}, "", "", "chunk-extension-too-long", "200:A"},
  {"trailer-section-too-large", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: 0123456789012345678901234567890123456789\r\n\r\n"), 0, 0, {48, 0, 0, 0, 0}, "header-section-too-large", "", "", "200:R"},
  {"code-511-near-510", S("HTTP/1.1 511 Network Authentication Required\r\n" CL0 "\r\n"), 0, 0, NOLIM, "", "", "status-obsoleted", "511>511:A"},
  {"te-in-304-allowed", S("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n" OK200), 0, 0, NOLIM, "", "", "transfer-encoding-forbidden", "304:A 200:A"},
  {"te-chunked-tab", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\t\r\n\r\n1\r\na\r\n0\r\n\r\n"), 0, 0, NOLIM, "transfer-encoding-invalid@17", "", "", "200:R"},
  {"101-with-content-length", S("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nContent-Length: 5\r\n\r\nABCDEFGH"), 0, 0, NOLIM, "content-length-forbidden@46", "", "", "101:R"},
  {"trailer-connection-close", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nConnection: close\r\n\r\n" OK200), 0, 0, NOLIM, "trailer-field-forbidden@50", "", "data-after-close", "200:R 200:A"},
  {"too-many-trailers", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"), 0, 0, {0, 2, 0, 0, 0}, "too-many-headers@62", "", "", "200:R"},
  {"te-folded-gzip-near", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,\r\n deflate\r\nConnection: close\r\n\r\nxyz"), 0, 0, NOLIM, "obs-fold@43", "", "transfer-encoding-invalid", "200:R"},
  {"cl-in-connect-2xx", S("HTTP/1.1 200 Connection Established\r\nContent-Length: 0\r\n\r\ntunnel"), RESPCHECK_METHOD_CONNECT, 0, NOLIM, "content-length-forbidden@37", "", "", "200:R"},
  {"te-in-connect-2xx", S("HTTP/1.1 200 Connection Established\r\nTransfer-Encoding: chunked\r\n\r\ntunnel"), RESPCHECK_METHOD_CONNECT, 0, NOLIM, "transfer-encoding-forbidden@37", "", "", "200:R"},
  {"te-to-http10-request", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 0, 1, NOLIM, "transfer-encoding-http10@17", "", "", "200:R"},
  {"cl-to-http10-request-near", S("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 0, 1, NOLIM, "", "", "transfer-encoding-http10", "200:A"},
  {"not-http-no-empty-line", S("SSH-2.0-OpenSSH_9.2\r\n"), 0, 0, NOLIM, "parse-error@0", "", "message-truncated", "-:R"},
  {"not-http-after-response", S(OK200 "HTTX/1.1 200 OK\r\n"), 0, 0, NOLIM, "parse-error@41", "", "message-truncated", "200:A -:R"},
  {"interim-then-end-of-stream", S("HTTP/1.1 100 Continue\r\n\r\n"), 0, 0, NOLIM, "message-truncated@25", "", "", "100:A -:R"},
  {"final-then-end-of-stream-near", S("HTTP/1.1 100 Continue\r\n\r\n" OK200), 0, 0, NOLIM, "", "", "message-truncated", "100:A 200:A"},
  {"empty-lines-over-limit", S("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n" OK200), 0, 0, {16, 0, 0, 0, 0}, "empty-line-before-status@0 header-section-too-large@16", "", "", "-:R"},
  {"empty-lines-at-limit", S("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n" OK200), 0, 0, {64, 0, 0, 0, 0}, "empty-line-before-status@0", "", "header-section-too-large", "200:A"},
  {"te-desync-stops-the-stream", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked,\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nNF"), 0, 0, NOLIM, "transfer-encoding-invalid@17", "", "parse-error", "200:R"},
};
/* clang-format on */

#define RC_VECTOR_COUNT (sizeof(rc_vectors) / sizeof(rc_vectors[0]))

#endif
