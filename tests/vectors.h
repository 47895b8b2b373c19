/* SPDX-License-Identifier: MIT */
/*
 * The test vectors: reads the fixture files of tests/vectors/ (the format is
 * in tests/vectors/README.md) into a table, for the Criterion tests
 * (test_vectors.c), the fuzzers' seed writer (dump_vectors.c) and the
 * differential test (fuzz/diff/dump_vectors.c). A malformed fixture is an
 * error naming its file and line, never a case left out.
 */
#ifndef RESPCHECK_TEST_VECTORS_H
#define RESPCHECK_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "respcheck.h"

/* What a fixture may hold; more is a malformed fixture, not a cut. */
#define RC_NAME_MAX 64      /* a case's name, with its NUL */
#define RC_FILE_MAX 64      /* a fixture file's name, with its NUL */
#define RC_FINDINGS_MAX 16  /* error and warning lines of one case */
#define RC_INFO_MAX 16      /* info lines of one case */
#define RC_RESPONSES_MAX 16 /* response lines of one case */

/* 0: the library's default. */
typedef struct rc_limits {
  size_t header_bytes, headers, line, reason, chunk_ext;
} rc_limits_t;

/* "error RULE @OFFSET" (the offset may be left out: then any offset). */
typedef struct rc_finding {
  respcheck_rule_t rule;
  respcheck_severity_t severity;
  int has_offset;
  uint64_t offset;
} rc_finding_t;

/* "response STATUS>EFFECTIVE accept", "response STATUS reject" (effective
 * not checked), "response - reject" (a message end without a head),
 * "response (STATUS) reject" (one without a head, whose status line was
 * read: the message end's record, respcheck_message_end_t.response). */
typedef struct rc_response {
  int has_head;
  int kept; /* with has_head 0: the record's status is status */
  int status;
  int effective; /* -1: not checked */
  respcheck_verdict_t verdict;
} rc_response_t;

typedef struct rc_vector {
  char name[RC_NAME_MAX];
  char file[RC_FILE_MAX]; /* the fixture file, without its folder */
  unsigned line;          /* of the case's "## name" heading */
  char *data;             /* the input bytes */
  size_t len;
  respcheck_method_t method; /* of the request answered */
  int request_10;            /* the request was HTTP/1.0 */
  unsigned char transport;   /* respcheck_transport_t: "transport" line */
  rc_limits_t limits;
  /* Severities set by "severity RULE LEVEL" (severity_set[rule] is 1). */
  unsigned char severity[RESPCHECK_RULE_COUNT];
  unsigned char severity_set[RESPCHECK_RULE_COUNT];
  /* Every error and warning finding, in order. */
  rc_finding_t expect[RC_FINDINGS_MAX];
  size_t expect_count;
  /* Info findings that must be among the findings, in any order. */
  rc_finding_t info[RC_INFO_MAX];
  size_t info_count;
  /* Rules that must not fire at all (the near misses). */
  unsigned char absent[RESPCHECK_RULE_COUNT];
  /* One entry per message end, in order. */
  rc_response_t responses[RC_RESPONSES_MAX];
  size_t response_count;
} rc_vector_t;

typedef struct rc_vectors {
  rc_vector_t *v;
  size_t count, cap;
} rc_vectors_t;

/* Reads every fixture of dir: each *.md file but README.md, in name order.
 * Returns 0, or -1 with "FILE:LINE: what is wrong" in err (any other file
 * in dir is an error too, so that no fixture is left out unseen). */
int rc_vectors_load(const char *dir, rc_vectors_t *set, char *err,
                    size_t err_cap);

/* Reads one fixture file's text, adding its cases to set; file names it in
 * the cases and in errors. Returns 0 or -1 as rc_vectors_load. */
int rc_vectors_parse(const char *file, const char *text, size_t len,
                     rc_vectors_t *set, char *err, size_t err_cap);

void rc_vectors_free(rc_vectors_t *set);

#endif
