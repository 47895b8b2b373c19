/* SPDX-License-Identifier: MIT */
/*
 * One test per capture case (fixtures made by make_fixtures.py): what the
 * reader and the pairing layer make of each, record by record. Every run
 * also checks the promises of records.c (events tile each stream, records
 * in order, every finding's record comes).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

#ifndef FIXTURES
#error "FIXTURES must name capture/tests/fixtures"
#endif

static tr_run_t run;

static const tr_run_t *lint_with(const char *name,
                                 const respcheck_capture_options_t *co) {
  char path[1024];
  char *text;
  snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
  tr_free(&run);
  tr_run_file(&run, path, NULL, co);
  text = tr_dump(&run);
  cr_log_info("%s:\n%s", name, text ? text : "");
  free(text);
  cr_assert_str_empty(run.problem, "%s: %s", name, run.problem);
  return &run;
}

static const tr_run_t *lint(const char *name) { return lint_with(name, NULL); }

static void fini(void) { tr_free(&run); }

/* A record: flow, index, status (-1 none), method ("" for no request),
 * target, and whether it was read to its end. */
static const tr_record_t *expect(const tr_run_t *r, uint64_t flow,
                                 uint64_t index, int status, const char *method,
                                 const char *target, int complete) {
  const tr_record_t *rec = tr_get(r, flow, index);
  cr_assert_not_null(rec, "no record %llu of flow %llu",
                     (unsigned long long)index, (unsigned long long)flow);
  cr_expect_eq(rec->status, status, "flow %llu #%llu: status %d, not %d",
               (unsigned long long)flow, (unsigned long long)index, rec->status,
               status);
  if (method[0] == '\0') {
    cr_expect_eq(rec->has_request, 0, "flow %llu #%llu: has a request",
                 (unsigned long long)flow, (unsigned long long)index);
  } else {
    cr_expect_eq(rec->has_request, 1, "flow %llu #%llu: no request",
                 (unsigned long long)flow, (unsigned long long)index);
    cr_expect_str_eq(rec->method, method);
    cr_expect_str_eq(rec->target, target);
  }
  cr_expect_eq((rec->flags & RESPCHECK_END_COMPLETE) != 0, complete != 0,
               "flow %llu #%llu: complete is %d", (unsigned long long)flow,
               (unsigned long long)index,
               (rec->flags & RESPCHECK_END_COMPLETE) != 0);
  return rec;
}

static void no_findings(const tr_record_t *rec) {
  cr_expect_str_empty(rec->findings, "findings: %s", rec->findings);
}

TestSuite(capture, .fini = fini);

Test(capture, basic_ethernet) {
  const tr_run_t *r = lint("basic.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->rc, 0);
  cr_assert_eq(r->n, 1);
  rec = expect(r, 0, 0, 200, "GET", "/", 1);
  no_findings(rec);
  cr_expect_eq(rec->frame, 5); /* SYN, SYN-ACK, ACK, GET, then the 200 */
  cr_expect_str_eq(rec->client, "10.0.0.1:41234");
  cr_expect_str_eq(rec->server, "10.0.0.2:80");
  cr_expect_eq(rec->req_major, 1);
  cr_expect_eq(rec->req_minor, 1);
  cr_expect_eq(rec->offset, 0);
  cr_expect_eq(rec->end_offset, 80);
}

Test(capture, reordered_segments) {
  /* The request in three segments and the response in three, sent out of
   * order; the status line's segment is the 7th packet. */
  const tr_run_t *r = lint("reordered.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 1);
  rec = expect(r, 0, 0, 200, "GET", "/big", 1);
  /* Its reason "Okay" is the server's own wording: reason-phrase-nonstandard,
   * off by default. */
  cr_expect_str_eq(rec->findings, "");
  cr_expect_eq(rec->frame, 7);
  cr_expect_eq(rec->end_offset, 3080);
}

Test(capture, duplicates_are_silent) {
  const tr_run_t *r = lint("duplicated.pcap");
  cr_assert_eq(r->n, 1);
  no_findings(expect(r, 0, 0, 200, "GET", "/", 1));
}

Test(capture, conflicting_retransmission_first_copy_wins) {
  const tr_run_t *r = lint("conflict.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 2);
  /* Flow 0: the differing copy arrives after the first was read. */
  rec = expect(r, 0, 0, 200, "GET", "/a", 1);
  cr_expect_str_eq(rec->findings, "capture-overlap-conflict@9");
  cr_expect(strstr(rec->messages, "bytes 9-11") != NULL, "%s", rec->messages);
  cr_expect_eq(rec->reject, 0); /* a capture finding never rejects */
  /* Flow 1: both copies arrive while the response waits for its request. */
  rec = expect(r, 1, 0, 200, "GET", "/b", 1);
  cr_expect_str_eq(rec->findings, "capture-overlap-conflict@9");
}

Test(capture, gap_in_a_head_stops_the_connection) {
  const tr_run_t *r = lint("gap-head.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 2);
  no_findings(expect(r, 0, 0, 200, "GET", "/1", 1));
  rec = expect(r, 0, 1, -1, "GET", "/2", 0);
  cr_expect_str_eq(rec->findings, "capture-gap@118");
  cr_expect(strstr(rec->messages, "not read further") != NULL, "%s",
            rec->messages);
  cr_expect_eq(rec->offset, 78);
  cr_expect_eq(rec->end_offset, 118);
}

Test(capture, gap_in_content_is_skipped) {
  const tr_run_t *r = lint("gap-content.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 2);
  rec = expect(r, 0, 0, 200, "GET", "/1", 1);
  cr_expect_str_eq(rec->findings, "capture-gap@1078");
  cr_expect(strstr(rec->messages, "bytes 1078-2077") != NULL, "%s",
            rec->messages);
  cr_expect(strstr(rec->messages, "read on") != NULL, "%s", rec->messages);
  rec = expect(r, 0, 1, 401, "GET", "/2", 1);
  cr_expect_str_eq(rec->findings, "www-authenticate-missing@3087");
}

Test(capture, midstream_starts_at_a_status_line) {
  const tr_run_t *r = lint("midstream.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 2);
  /* The 204 answers a request sent before the capture started. */
  rec = expect(r, 0, 0, 204, "", "", 1);
  cr_expect_str_eq(rec->findings, "capture-midstream@25");
  cr_expect_eq(rec->offset, 25);
  cr_expect_eq(rec->frame, 2);
  /* Offsets are the server stream's, not the parser's. */
  rec = expect(r, 0, 1, 301, "GET", "/b", 1);
  cr_expect_str_eq(rec->findings, "location-missing@98");
}

Test(capture, reused_four_tuple_is_a_new_connection) {
  const tr_run_t *r = lint("reused-tuple.pcap");
  cr_assert_eq(r->n, 2);
  no_findings(expect(r, 0, 0, 200, "GET", "/first", 1));
  no_findings(expect(r, 1, 0, 201, "GET", "/second", 1));
  cr_expect_eq(tr_get(r, 1, 0)->frame, 14);
  cr_expect_eq(r->stats.flows, 2);
}

Test(capture, sequence_numbers_wrap) {
  const tr_run_t *r = lint("wraparound.pcap");
  cr_assert_eq(r->n, 1);
  no_findings(expect(r, 0, 0, 200, "GET", "/wrap", 1));
  cr_expect_eq(tr_get(r, 0, 0)->end_offset, 2078);
}

Test(capture, ipv6) {
  const tr_run_t *r = lint("ipv6.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 1);
  rec = expect(r, 0, 0, 200, "GET", "/six", 1);
  cr_expect_str_eq(rec->client, "[2001:db8::1]:40000");
  cr_expect_str_eq(rec->server, "[2001:db8::2]:8080");
}

Test(capture, vlan_and_qinq) {
  const tr_run_t *r = lint("vlan.pcap");
  cr_assert_eq(r->n, 1);
  no_findings(expect(r, 0, 0, 200, "GET", "/", 1));
  r = lint("qinq.pcap");
  cr_assert_eq(r->n, 1);
  no_findings(expect(r, 0, 0, 200, "GET", "/", 1));
}

static void two_families(const char *name) {
  const tr_run_t *r = lint(name);
  cr_assert_eq(r->rc, 0, "%s: %s", name, r->err);
  cr_assert_eq(r->n, 2, "%s", name);
  no_findings(expect(r, 0, 0, 200, "GET", "/", 1));
  no_findings(expect(r, 1, 0, 200, "GET", "/six", 1));
  cr_expect_str_eq(tr_get(r, 1, 0)->client, "[2001:db8::1]:40000");
  cr_expect_eq(r->stats.skipped, 0, "%s: %llu packets skipped", name,
               (unsigned long long)r->stats.skipped);
}

Test(capture, linux_cooked_v1) { two_families("sll.pcap"); }
Test(capture, linux_cooked_v2) { two_families("sll2.pcap"); }
Test(capture, bsd_null_little_endian) { two_families("null.pcap"); }
Test(capture, bsd_loop_big_endian) { two_families("loop.pcap"); }
Test(capture, raw_ip) { two_families("raw.pcap"); }

Test(capture, pcapng) {
  const tr_run_t *r = lint("basic.pcapng");
  cr_assert_eq(r->rc, 0, "%s", r->err);
  cr_assert_eq(r->n, 1);
  cr_expect_eq(expect(r, 0, 0, 200, "GET", "/", 1)->frame, 5);
}

Test(capture, pcapng_with_mixed_link_types_is_an_error) {
  const tr_run_t *r = lint("mixed-link.pcapng");
  cr_expect_eq(r->rc, -1);
  cr_expect(strstr(r->err, "different from the type of the first interface") !=
                NULL,
            "%s", r->err);
  cr_expect_eq(r->err_offset, 48); /* the second interface's block */
}

Test(capture, ip_fragments) {
  const tr_run_t *r = lint("fragments.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 3);
  /* IPv4, three fragments out of order: the datagram completes in frame 7.
   */
  rec = expect(r, 0, 0, 200, "GET", "/frag", 1);
  no_findings(rec);
  cr_expect_eq(rec->frame, 7);
  /* A fragment never came: its bytes are a gap, never misread. */
  rec = expect(r, 1, 0, 200, "GET", "/lost", 1);
  cr_expect_str_eq(rec->findings, "capture-gap@78");
  cr_expect_eq(r->stats.fragments_dropped, 1);
  /* IPv6 fragments, last first. */
  no_findings(expect(r, 2, 0, 200, "GET", "/frag6", 1));
}

Test(capture, connect_tunnel) {
  const tr_run_t *r = lint("connect.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 1);
  rec = expect(r, 0, 0, 200, "CONNECT", "example.com:443", 1);
  /* The tunnel's bytes are not read: no parse error. */
  cr_expect(!tr_has(rec, "parse-error"), "%s", rec->findings);
  cr_expect_str_eq(rec->findings, "date-missing@9");
}

Test(capture, switching_protocols) {
  const tr_run_t *r = lint("upgrade-101.pcap");
  cr_assert_eq(r->n, 1);
  no_findings(expect(r, 0, 0, 101, "GET", "/chat", 1));
}

Test(capture, pipelined_head) {
  /* HEAD, GET, GET in one segment; the 200 to HEAD has Content-Length:
   * 1000 and no content. */
  const tr_run_t *r = lint("pipelined-head.pcap");
  cr_assert_eq(r->n, 3);
  no_findings(expect(r, 0, 0, 200, "HEAD", "/", 1));
  no_findings(expect(r, 0, 1, 200, "GET", "/", 1));
  no_findings(expect(r, 0, 2, 200, "GET", "/x", 1));
  cr_expect_eq(tr_get(r, 0, 1)->offset, 78);
}

Test(capture, http10_request_with_1xx) {
  const tr_run_t *r = lint("http10-1xx.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 2);
  rec = expect(r, 0, 0, 100, "GET", "/", 1);
  cr_expect_eq(rec->req_minor, 0);
  cr_expect_str_eq(rec->findings, "status-1xx-http10@9");
  cr_expect_eq(rec->reject, 1);
  no_findings(expect(r, 0, 1, 200, "GET", "/", 1));
}

Test(capture, http10_request_with_chunked) {
  const tr_run_t *r = lint("http10-chunked.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 1);
  rec = expect(r, 0, 0, 200, "GET", "/", 1);
  cr_expect(tr_has(rec, "transfer-encoding-http10"), "%s", rec->findings);
  cr_expect_eq(rec->reject, 1);
}

Test(capture, truncated_file) {
  /* Cut inside the 14th packet record: what came before is reported, then
   * the error names the record's offset. */
  const tr_run_t *r = lint("truncated.pcap");
  cr_expect_eq(r->rc, -1);
  cr_expect(strstr(r->err, "truncated") != NULL, "%s", r->err);
  cr_expect_eq(r->err_offset, 1088);
  cr_expect(strstr(r->err, "byte 1088") != NULL, "%s", r->err);
  cr_assert_eq(r->n, 1);
  no_findings(expect(r, 0, 0, 200, "GET", "/whole", 1));
  cr_expect_eq(r->stats.frames, 13);
}

Test(capture, snap_length) {
  const tr_run_t *r = lint("snaplen.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 2);
  rec = expect(r, 0, 0, 200, "GET", "/big", 1);
  cr_expect_str_eq(rec->findings,
                   "capture-gap@246 capture-gap@1246 capture-gap@2246");
  cr_expect(strstr(rec->messages, "snap length") != NULL, "%s", rec->messages);
  rec = expect(r, 0, 1, 399, "GET", "/after", 1);
  cr_expect_str_eq(rec->findings, "status-unregistered@3087");
}

Test(capture, acknowledged_bytes_missing_at_the_end) {
  const tr_run_t *r = lint("acked-missing.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 1);
  rec = expect(r, 0, 0, 200, "GET", "/", 1);
  cr_expect_str_eq(rec->findings, "capture-gap@2000");
  cr_expect(strstr(rec->messages, "acknowledged") != NULL, "%s", rec->messages);
  cr_expect(strstr(rec->messages, "bytes 2000-2077") != NULL, "%s",
            rec->messages);
}

Test(capture, acknowledged_bytes_and_fin_missing_at_the_end) {
  /* The client's last acknowledgement counts the uncaptured FIN too: the
   * gap is one byte longer than what the content lacks. */
  const tr_run_t *r = lint("acked-missing-fin.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->n, 1);
  rec = expect(r, 0, 0, 200, "GET", "/", 1);
  cr_expect_str_eq(rec->findings, "capture-gap@2000");
  cr_expect(strstr(rec->messages, "read on") != NULL, "%s", rec->messages);
}

Test(capture, interleaved_connections) {
  const tr_run_t *r = lint("interleaved.pcap");
  cr_assert_eq(r->n, 3);
  no_findings(expect(r, 0, 0, 200, "GET", "/0", 1));
  no_findings(expect(r, 1, 0, 200, "GET", "/1", 1));
  no_findings(expect(r, 2, 0, 200, "GET", "/2", 1));
  cr_expect_eq(tr_get(r, 2, 0)->frame, 15);
}

Test(capture, not_http_is_skipped) {
  const tr_run_t *r = lint("not-http.pcap");
  cr_expect_eq(r->rc, 0);
  cr_expect_eq(r->n, 0);
  cr_expect_eq(r->stats.flows, 2);
}

Test(capture, limit_on_open_connections) {
  /* With one connection open at a time, each new one evicts the last. */
  respcheck_capture_options_t co;
  const tr_run_t *r;
  const tr_record_t *rec;
  respcheck_capture_options_init(&co);
  co.max_connections = 1;
  r = lint_with("interleaved.pcap", &co);
  cr_expect_eq(r->stats.evicted, 2);
  /* Flows 0 and 1 were evicted before their requests: a record says so;
   * their later packets are dropped. Flow 2 is read. */
  rec = expect(r, 0, 0, -1, "", "", 0);
  cr_expect_str_eq(rec->findings, "capture-limit@0");
  cr_expect(strstr(rec->messages, "max_connections") != NULL, "%s",
            rec->messages);
  cr_expect_eq(tr_count(r, 0), 1);
  cr_expect_str_eq(expect(r, 1, 0, -1, "", "", 0)->findings, "capture-limit@0");
  no_findings(expect(r, 2, 0, 200, "GET", "/2", 1));
}

Test(capture, limit_on_held_bytes) {
  /* 100 KiB after a hole: under 64 KiB held, the hole is skipped early. */
  respcheck_capture_options_t co;
  const tr_run_t *r;
  const tr_record_t *rec;
  respcheck_capture_options_init(&co);
  co.max_held_bytes = 65536;
  r = lint_with("big-hole.pcap", &co);
  cr_assert_eq(r->n, 1);
  rec = expect(r, 0, 0, 200, "GET", "/hole", 1);
  cr_expect_str_eq(rec->findings, "capture-limit@1400");
  cr_expect(r->stats.peak_held_bytes <= 65536, "%llu held",
            (unsigned long long)r->stats.peak_held_bytes);
  /* With the default, the whole body waits for the end of the capture. */
  r = lint("big-hole.pcap");
  rec = expect(r, 0, 0, 200, "GET", "/hole", 1);
  cr_expect_str_eq(rec->findings, "capture-gap@1400");
  cr_expect(r->stats.peak_held_bytes > 65536);
}

Test(capture, severities_apply) {
  respcheck_capture_options_t co;
  const tr_run_t *r;
  respcheck_capture_options_init(&co);
  cr_assert_eq(
      respcheck_capture_options_set_severity(
          &co, RESPCHECK_CAPTURE_RULE_MIDSTREAM, RESPCHECK_SEVERITY_OFF),
      RESPCHECK_E_OK);
  r = lint_with("midstream.pcap", &co);
  cr_assert_eq(r->n, 2);
  no_findings(expect(r, 0, 0, 204, "", "", 1));
  cr_expect_str_eq(tr_get(r, 0, 1)->findings, "location-missing@98");
  cr_expect_eq(respcheck_capture_options_set_severity(
                   &co, RESPCHECK_RULE_BARE_CR, RESPCHECK_SEVERITY_OFF),
               RESPCHECK_E_INVAL);
}

Test(capture, rule_catalogue) {
  int gap = respcheck_capture_rule_from_id("capture-gap", 11);
  cr_expect_eq(gap, RESPCHECK_CAPTURE_RULE_GAP);
  cr_expect_str_eq(respcheck_capture_rule_id(RESPCHECK_CAPTURE_RULE_LIMIT),
                   "capture-limit");
  cr_expect_eq(
      respcheck_capture_rule_default_severity(RESPCHECK_CAPTURE_RULE_MIDSTREAM),
      RESPCHECK_SEVERITY_INFO);
  cr_expect_eq(respcheck_capture_rule_default_severity(
                   RESPCHECK_CAPTURE_RULE_OVERLAP_CONFLICT),
               RESPCHECK_SEVERITY_WARNING);
  cr_expect_null(respcheck_capture_rule_id(RESPCHECK_RULE_COUNT));
  cr_expect_eq(respcheck_capture_rule_from_id("capture-nope", 12), -1);
  /* Outside the library's catalogue. */
  cr_expect_null(respcheck_rule_id((respcheck_rule_t)gap));
}

Test(capture, magic_numbers) {
  static const unsigned char pcap_le[] = {0xd4, 0xc3, 0xb2, 0xa1};
  static const unsigned char pcap_ns[] = {0xa1, 0xb2, 0x3c, 0x4d};
  static const unsigned char ng[] = {0x0a, 0x0d, 0x0d, 0x0a};
  cr_expect(respcheck_capture_is_capture(pcap_le, 4));
  cr_expect(respcheck_capture_is_capture(pcap_ns, 4));
  cr_expect(respcheck_capture_is_capture(ng, 4));
  cr_expect(!respcheck_capture_is_capture("HTTP", 4));
  cr_expect(!respcheck_capture_is_capture(ng, 3));
}

Test(capture, not_a_capture) {
  static const char text[] = "HTTP/1.1 200 OK\r\n\r\n";
  tr_free(&run);
  tr_run_memory(&run, text, sizeof text - 1, NULL, NULL);
  cr_expect_eq(run.rc, -1);
  cr_expect(strstr(run.err, "not a readable pcap or pcapng file") != NULL, "%s",
            run.err);
  tr_run_memory(&run, "", 0, NULL, NULL);
  cr_expect_eq(run.rc, -1);
}

Test(capture, invalid_options) {
  respcheck_capture_options_t co;
  respcheck_capture_options_init(&co);
  co.max_held_bytes = 100;
  cr_expect_null(respcheck_capture_new(&co, NULL, NULL));
  respcheck_capture_options_init(&co);
  co.max_connections = 0;
  cr_expect_null(respcheck_capture_http_new(NULL, &co, NULL, NULL));
}

/* ------------------------------------------------------------------------ */
/* Real captures (record-captures.sh): tcpdump on loopback. */

static const tr_run_t *lint_real(const char *name) {
  char rel[256];
  snprintf(rel, sizeof rel, "../real/%s", name);
  return lint(rel);
}

static size_t count_rule(const tr_run_t *r, const char *id) {
  size_t i, n = 0;
  for (i = 0; i < r->n; i++) {
    const char *s = r->recs[i].findings;
    size_t len = strlen(id);
    while ((s = strstr(s, id)) != NULL) {
      if ((s == r->recs[i].findings || s[-1] == ' ') && s[len] == '@')
        n++;
      s += len;
    }
  }
  return n;
}

Test(capture, real_nginx_pipelined_head) {
  /* HEAD, GET, GET pipelined (tshark 4.0 loses the third response), then
   * keep-alive requests, a 300 kB body, and curl. */
  const tr_run_t *r = lint_real("nginx-pipelined-head.pcap");
  cr_assert_eq(r->rc, 0, "%s", r->err);
  cr_assert_eq(r->n, 8);
  no_findings(expect(r, 0, 0, 200, "HEAD", "/", 1));
  no_findings(expect(r, 0, 1, 200, "GET", "/docs/notes.txt", 1));
  no_findings(expect(r, 0, 2, 404, "GET", "/missing", 1));
  no_findings(expect(r, 1, 0, 200, "GET", "/", 1));
  no_findings(expect(r, 1, 1, 200, "GET", "/index.html", 1));
  no_findings(expect(r, 1, 2, 301, "GET", "/old", 1));
  cr_expect_eq(expect(r, 2, 0, 200, "GET", "/big.txt", 1)->end_offset, 300239);
  no_findings(expect(r, 3, 0, 200, "GET", "/docs/notes.txt", 1));
}

Test(capture, real_python_http_server_on_any) {
  /* tcpdump -i any: Linux cooked v2. */
  const tr_run_t *r = lint_real("python-any.pcap");
  const tr_record_t *rec;
  cr_assert_eq(r->rc, 0, "%s", r->err);
  cr_assert_eq(r->n, 6);
  rec = expect(r, 0, 0, 200, "GET", "/index.html", 1);
  cr_expect_eq(rec->req_minor, 0);
  no_findings(rec);
  no_findings(expect(r, 1, 0, 200, "GET", "/docs/", 1));
  no_findings(expect(r, 1, 1, 301, "GET", "/docs", 1));
  no_findings(expect(r, 1, 2, 200, "HEAD", "/index.html", 1));
  /* http.server's own reasons ("File not found", "Unsupported method")
   * are reason-phrase-nonstandard, off by default. */
  cr_expect_str_eq(expect(r, 1, 3, 404, "GET", "/missing", 1)->findings, "");
  cr_expect_str_eq(expect(r, 2, 0, 501, "POST", "/", 1)->findings, "");
}

Test(capture, real_proxy_tests_pcapng) {
  /* respcheck-proxy's crafted tests: both sides of the proxy. */
  const tr_run_t *r = lint_real("proxy-tests.pcapng");
  size_t i, unpaired = 0;
  cr_assert_eq(r->rc, 0, "%s", r->err);
  cr_assert_eq(r->n, 182);
  for (i = 0; i < r->n; i++)
    unpaired += !r->recs[i].has_request && r->recs[i].status >= 0;
  /* Three responses answer no readable request: two 400s of the proxy to
   * "G@T / HTTP/1.1" (llhttp refuses the method), and the second response
   * a smuggling upstream sends to one request. */
  cr_expect_eq(unpaired, 3, "%zu responses without their request", unpaired);
  expect(r, 64, 0, 400, "", "", 1);
  expect(r, 57, 1, 200, "", "", 1);
  cr_expect_eq(count_rule(r, "www-authenticate-missing"), 9);
  cr_expect_eq(count_rule(r, "status-1xx-http10"), 6);
  /* The crafted upstream answers HEAD /401 with its 6 bytes of content:
   * head-content (then the stream reads on), no longer a parse-error. The
   * four flows that send Content-Length with Transfer-Encoding have
   * framing-conflict alone: read on as the Transfer-Encoding frames it
   * (RFC 9112 6.3). */
  cr_expect_eq(count_rule(r, "parse-error"), 14);
  cr_expect_eq(count_rule(r, "head-content"), 2);
  cr_expect_eq(count_rule(r, "framing-conflict"), 4);
  cr_expect_eq(count_rule(r, "header-section-too-large"), 4);
  cr_expect_eq(count_rule(r, "capture-gap"), 0);
}
