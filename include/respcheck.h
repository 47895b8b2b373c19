/* SPDX-License-Identifier: MIT */
/*
 * respcheck: a streaming validator for HTTP/1.x response streams.
 *
 * llhttp tokenises the bytes; respcheck assembles each status line and
 * header section in a bounded buffer, checks them against RFC 9110, RFC 9112
 * and the IANA HTTP Status Code Registry, and reports findings with a stable
 * rule id, a severity, an absolute byte offset and the RFC section.
 *
 * Threading: there is no mutable global state. A parser may be used by one
 * thread at a time; different parsers need no locking.
 *
 * Memory: a parser is one block, sized by its options (respcheck_parser_size)
 * and either provided by the caller (respcheck_parser_init) or allocated once
 * (respcheck_parser_new). Nothing is allocated after that.
 */
#ifndef RESPCHECK_H
#define RESPCHECK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(RESPCHECK_SHARED)
#ifdef RESPCHECK_BUILDING
#define RESPCHECK_EXTERN __declspec(dllexport)
#else
#define RESPCHECK_EXTERN __declspec(dllimport)
#endif
#elif defined(__GNUC__) && defined(RESPCHECK_BUILDING)
#define RESPCHECK_EXTERN __attribute__((visibility("default")))
#else
#define RESPCHECK_EXTERN
#endif

#define RESPCHECK_VERSION_MAJOR 0
#define RESPCHECK_VERSION_MINOR 1
#define RESPCHECK_VERSION_PATCH 0
#define RESPCHECK_VERSION_HEX                                                  \
  ((RESPCHECK_VERSION_MAJOR << 16) | (RESPCHECK_VERSION_MINOR << 8) |          \
   RESPCHECK_VERSION_PATCH)

/* "0.1.0 (IANA HTTP Status Code Registry 2025-09-15; llhttp 8.1.0)". */
RESPCHECK_EXTERN const char *respcheck_version(void);
RESPCHECK_EXTERN unsigned respcheck_version_number(void);
/* Date of the IANA registry the status table was taken from, "YYYY-MM-DD". */
RESPCHECK_EXTERN const char *respcheck_registry_date(void);

/* A byte range. Never NUL-terminated; how long it stays valid is said where
 * it is handed out. */
typedef struct respcheck_span {
  const char *ptr;
  size_t len;
} respcheck_span_t;

/* ------------------------------------------------------------------------ */
/* Errors. Numbers never change. */

#define RESPCHECK_ERRNO_MAP(XX)                                                \
  XX(0, OK, "success")                                                         \
  XX(1, PARSE, "the bytes are not HTTP/1.x syntax")                            \
  XX(2, LIMIT, "a configured limit was exceeded")                              \
  XX(3, CALLBACK, "a callback asked to stop")                                  \
  XX(4, INVAL, "invalid argument")                                             \
  XX(5, NOMEM, "out of memory or buffer too small")                            \
  XX(6, FULL, "request context queue is full")                                 \
  XX(7, FINISHED, "the stream was already finished")                           \
  XX(8, FRAMING, "llhttp frames the content otherwise than RFC 9112")

typedef enum respcheck_errno {
#define RESPCHECK_XX(num, name, msg) RESPCHECK_E_##name = num,
  RESPCHECK_ERRNO_MAP(RESPCHECK_XX)
#undef RESPCHECK_XX
} respcheck_errno_t;

RESPCHECK_EXTERN const char *respcheck_errno_name(respcheck_errno_t err);
RESPCHECK_EXTERN const char *respcheck_strerror(respcheck_errno_t err);

/* ------------------------------------------------------------------------ */
/* Severities and rules. */

typedef enum respcheck_severity {
  RESPCHECK_SEVERITY_OFF = 0, /* the rule does not report */
  RESPCHECK_SEVERITY_INFO = 1,
  RESPCHECK_SEVERITY_WARNING = 2,
  RESPCHECK_SEVERITY_ERROR = 3
} respcheck_severity_t;

/* "off", "info", "warning", "error". */
RESPCHECK_EXTERN const char *respcheck_severity_name(respcheck_severity_t s);
/* Parses one of those names; returns -1 when unknown. */
RESPCHECK_EXTERN int respcheck_severity_from_name(const char *name);

/*
 * The rule catalogue. Ids are a public contract: they never change meaning.
 * XX(enum suffix, "id", default severity, "reference", "summary")
 * Severities follow the requirement level: MUST/MUST NOT -> error,
 * SHOULD -> warning, the rest -> info. The numbering is by position.
 */
#define RESPCHECK_RULE_MAP(XX)                                                 \
  XX(PARSE_ERROR, "parse-error", ERROR, "RFC 9112 2.2",                        \
     "the bytes are not HTTP/1.x syntax (llhttp refused the head, or "         \
     "respcheck the chunked content); the stream cannot be read on")           \
  XX(STATUS_CLASS_INVALID, "status-class-invalid", ERROR, "RFC 9110 15",       \
     "status code below 100 or above 599")                                     \
  XX(STATUS_UNREGISTERED, "status-unregistered", WARNING,                      \
     "RFC 9110 15; RFC 1945 9.3",                                              \
     "status code not in the IANA registry; handled as the x00 of its class")  \
  XX(STATUS_RESERVED, "status-reserved", WARNING, "RFC 9110 15.4.7, 15.5.19",  \
     "status code 306 or 418, reserved as unused")                             \
  XX(STATUS_1XX_HTTP10, "status-1xx-http10", ERROR,                            \
     "RFC 1945 9.1; RFC 9110 15.2",                                            \
     "1xx response in HTTP/1.0 or to an HTTP/1.0 request")                     \
  XX(VERSION_INVALID, "version-invalid", ERROR, "RFC 9112 2.3; RFC 9110 6.2",  \
     "HTTP major version other than 1")                                        \
  XX(CONTENT_LENGTH_FORBIDDEN, "content-length-forbidden", ERROR,              \
     "RFC 9110 8.6",                                                           \
     "Content-Length in a 1xx, 204, or 2xx-to-CONNECT response")               \
  XX(TRANSFER_ENCODING_FORBIDDEN, "transfer-encoding-forbidden", ERROR,        \
     "RFC 9112 6.1",                                                           \
     "Transfer-Encoding in a 1xx, 204, or 2xx-to-CONNECT response")            \
  XX(TRANSFER_ENCODING_HTTP10, "transfer-encoding-http10", ERROR,              \
     "RFC 9112 6.1",                                                           \
     "Transfer-Encoding in an HTTP/1.0 response or to an HTTP/1.0 request")    \
  XX(FRAMING_CONFLICT, "framing-conflict", ERROR, "RFC 9112 6.3",              \
     "Content-Length together with Transfer-Encoding")                         \
  XX(CONTENT_LENGTH_INVALID, "content-length-invalid", ERROR,                  \
     "RFC 9110 8.6; RFC 9112 6.3",                                             \
     "Content-Length not a decimal number, or repeated with different values") \
  XX(LOCATION_MISSING, "location-missing", WARNING, "RFC 9110 15.4",           \
     "301, 302, 303, 307 or 308 response without Location")                    \
  XX(WWW_AUTHENTICATE_MISSING, "www-authenticate-missing", ERROR,              \
     "RFC 9110 15.5.2", "401 response without WWW-Authenticate")               \
  XX(PROXY_AUTHENTICATE_MISSING, "proxy-authenticate-missing", ERROR,          \
     "RFC 9110 15.5.8", "407 response without Proxy-Authenticate")             \
  XX(ALLOW_MISSING, "allow-missing", ERROR, "RFC 9110 15.5.6",                 \
     "405 response without Allow")                                             \
  XX(CONTENT_RANGE_MISSING, "content-range-missing", ERROR, "RFC 9110 15.3.7", \
     "206 response without Content-Range and not multipart/byteranges")        \
  XX(UPGRADE_MISSING, "upgrade-missing", ERROR, "RFC 9110 15.2.2, 15.5.22",    \
     "101 or 426 response without Upgrade")                                    \
  XX(STATUS_CODE_SYNTAX, "status-code-syntax", ERROR, "RFC 9112 4",            \
     "status code not exactly three digits")                                   \
  XX(STATUS_LINE_SYNTAX, "status-line-syntax", ERROR, "RFC 9112 4",            \
     "status line not HTTP-version SP status-code SP reason-phrase")           \
  XX(REASON_PHRASE_INVALID, "reason-phrase-invalid", ERROR, "RFC 9112 4",      \
     "reason phrase holds control characters")                                 \
  XX(REASON_PHRASE_MISMATCH, "reason-phrase-mismatch", INFO, "RFC 9112 4",     \
     "reason phrase of another status code, or naming another class")          \
  XX(STATUS_TEMPORARY, "status-temporary", INFO, "RFC 9110 16.2.1",            \
     "status code is a temporary registration")                                \
  XX(STATUS_DEPRECATED, "status-deprecated", INFO, "RFC 9110 15.4.6",          \
     "status code is deprecated (305)")                                        \
  XX(STATUS_OBSOLETED, "status-obsoleted", INFO, "RFC 2774; RFC 9110 16.2.1",  \
     "status code is marked obsoleted (510)")                                  \
  XX(VERSION_UNKNOWN_MINOR, "version-minor-unknown", WARNING, "RFC 9110 6.2",  \
     "HTTP/1.x with a minor version other than 0 or 1")                        \
  XX(HEADER_NAME_INVALID, "header-name-invalid", ERROR,                        \
     "RFC 9110 5.1; RFC 9112 5.1",                                             \
     "field name empty, not a token, or followed by whitespace")               \
  XX(HEADER_VALUE_INVALID, "header-value-invalid", ERROR, "RFC 9110 5.5",      \
     "field value holds NUL, CR, LF or other control characters")              \
  XX(OBS_FOLD, "obs-fold", ERROR, "RFC 9112 5.2",                              \
     "obsolete line folding in a field value")                                 \
  XX(WHITESPACE_BEFORE_FIELD, "whitespace-before-field", ERROR,                \
     "RFC 9112 2.2",                                                           \
     "whitespace before the first field of a header or trailer section")       \
  XX(BARE_CR, "bare-cr", ERROR, "RFC 9112 2.2",                                \
     "CR not followed by LF in the status line, header or trailer section")    \
  XX(BARE_LF, "bare-lf", WARNING, "RFC 9112 2.2",                              \
     "line ended by LF without CR")                                            \
  XX(EMPTY_LINE_BEFORE_STATUS, "empty-line-before-status", WARNING,            \
     "RFC 9112 2.2", "empty lines before the status line")                     \
  XX(TRANSFER_ENCODING_INVALID, "transfer-encoding-invalid", ERROR,            \
     "RFC 9112 6.1, 7; RFC 9110 5.6.1",                                        \
     "Transfer-Encoding malformed, chunked twice, or read differently by the " \
     "tokenizer")                                                              \
  XX(TRAILER_FIELD_FORBIDDEN, "trailer-field-forbidden", ERROR,                \
     "RFC 9110 6.5.1", "framing, routing or control field sent as a trailer")  \
  XX(DATA_AFTER_CLOSE, "data-after-close", ERROR, "RFC 9112 9.6",              \
     "bytes after a response that ends the connection")                        \
  XX(MESSAGE_TRUNCATED, "message-truncated", ERROR, "RFC 9112 8",              \
     "the stream ended inside a response")                                     \
  XX(HEADER_SECTION_TOO_LARGE, "header-section-too-large", ERROR,              \
     "RFC 9110 5.4", "header or trailer section larger than the limit")        \
  XX(TOO_MANY_HEADERS, "too-many-headers", ERROR, "RFC 9110 5.4",              \
     "more header fields than the limit")                                      \
  XX(LINE_TOO_LONG, "line-too-long", ERROR, "RFC 9110 5.4; RFC 9112 2.3",      \
     "status line, field line or chunk-size line longer than the limit")       \
  XX(REASON_PHRASE_TOO_LONG, "reason-phrase-too-long", ERROR, "RFC 9112 4",    \
     "reason phrase longer than the limit")                                    \
  XX(CHUNK_EXTENSION_TOO_LONG, "chunk-extension-too-long", ERROR,              \
     "RFC 9112 7.1.1", "chunk extensions longer than the limit")               \
  XX(DATE_MISSING, "date-missing", INFO, "RFC 9110 6.6.1",                     \
     "2xx, 3xx or 4xx response without Date")                                  \
  XX(CONTENT_FORBIDDEN, "content-forbidden", ERROR, "RFC 9110 15.3.6",         \
     "205 response with content")                                              \
  XX(CAPTURE_REVISIT, "capture-revisit", INFO, "ISO 28500 (WARC/1.1) 6.7",     \
     "WARC revisit record: the response was not archived again; not linted")   \
  XX(CAPTURE_NOT_HTTP1, "capture-not-http1", INFO, "HAR 1.2 (httpVersion)",    \
     "browser export entry not over HTTP/1.x (h2, h3): not linted")            \
  XX(DATE_INVALID, "date-invalid", WARNING, "RFC 9110 6.6.1, 5.6.7",           \
     "Date not an HTTP-date, or a time that does not exist")                   \
  XX(LAST_MODIFIED_INVALID, "last-modified-invalid", WARNING,                  \
     "RFC 9110 8.8.2, 5.6.7",                                                  \
     "Last-Modified not an HTTP-date, or a time that does not exist")          \
  XX(EXPIRES_INVALID, "expires-invalid", WARNING,                              \
     "RFC 9111 5.3; RFC 9110 5.6.7",                                           \
     "Expires not an HTTP-date (caches read it as already expired)")           \
  XX(RETRY_AFTER_INVALID, "retry-after-invalid", WARNING, "RFC 9110 10.2.3",   \
     "Retry-After neither an HTTP-date nor a number of seconds")               \
  XX(HTTP_DATE_OBSOLETE, "http-date-obsolete", WARNING, "RFC 9110 5.6.7",      \
     "date in the obsolete RFC 850 or asctime format, not IMF-fixdate")        \
  XX(LAST_MODIFIED_FUTURE, "last-modified-future", WARNING,                    \
     "RFC 9110 8.8.2.1", "Last-Modified later than Date")                      \
  XX(SINGLETON_FIELD_REPEATED, "singleton-field-repeated", ERROR,              \
     "RFC 9110 5.3",                                                           \
     "a singleton field (Content-Type, Date, Location, ETag...) on two lines") \
  XX(CACHE_CONTROL_INVALID, "cache-control-invalid", WARNING,                  \
     "RFC 9111 5.2; RFC 9110 5.6.1",                                           \
     "Cache-Control not a list of directives (token [= token/quoted-string])") \
  XX(CACHE_CONTROL_ARGUMENT_INVALID, "cache-control-argument-invalid",         \
     WARNING, "RFC 9111 5.2.2",                                                \
     "max-age, s-maxage... without delta-seconds, or an argument where none "  \
     "is allowed")                                                             \
  XX(CACHE_CONTROL_CONFLICT, "cache-control-conflict", WARNING,                \
     "RFC 9111 4.2.1", "Cache-Control directives that contradict or repeat")   \
  XX(ETAG_INVALID, "etag-invalid", WARNING, "RFC 9110 8.8.3",                  \
     "ETag not a quoted entity-tag, with an optional W/")                      \
  XX(VARY_INVALID, "vary-invalid", WARNING, "RFC 9110 12.5.5",                 \
     "Vary not a list of field names or *")                                    \
  XX(AGE_INVALID, "age-invalid", WARNING, "RFC 9111 5.1",                      \
     "Age not a non-negative integer")                                         \
  XX(CONTENT_TYPE_INVALID, "content-type-invalid", WARNING,                    \
     "RFC 9110 8.3.1, 5.6.6",                                                  \
     "Content-Type not type/subtype with token=value parameters")              \
  XX(CONTENT_ENCODING_UNKNOWN, "content-encoding-unknown", WARNING,            \
     "RFC 9110 8.4.1, 18.6",                                                   \
     "Content-Encoding not a list of registered content codings")              \
  XX(TRANSFER_ENCODING_UNKNOWN, "transfer-encoding-unknown", WARNING,          \
     "RFC 9112 7; RFC 9110 16.2",                                              \
     "Transfer-Encoding lists a transfer coding that is not registered")       \
  XX(CONTENT_RANGE_INVALID, "content-range-invalid", WARNING,                  \
     "RFC 9110 14.4, 15.3.7",                                                  \
     "Content-Range malformed, impossible, or */length in a 206")              \
  XX(CONTENT_RANGE_MISSING_416, "content-range-missing-416", WARNING,          \
     "RFC 9110 15.5.17, 14.4",                                                 \
     "416 response without a Content-Range of */length")                       \
  XX(LOCATION_INVALID, "location-invalid", WARNING,                            \
     "RFC 9110 10.2.2; RFC 3986 4.1", "Location not a URI-reference")          \
  XX(SET_COOKIE_INVALID, "set-cookie-invalid", WARNING, "RFC 6265 4.1",        \
     "Set-Cookie outside RFC 6265's grammar: name, value, attributes, "        \
     "Expires, Max-Age")                                                       \
  XX(STRICT_TRANSPORT_SECURITY_INVALID, "strict-transport-security-invalid",   \
     WARNING, "RFC 6797 6.1",                                                  \
     "Strict-Transport-Security without max-age, or malformed")                \
  XX(STRICT_TRANSPORT_SECURITY_PLAIN_HTTP,                                     \
     "strict-transport-security-plain-http", INFO, "RFC 6797 8.1, 7.2",        \
     "Strict-Transport-Security is ignored over plain HTTP (said once a "      \
     "stream)")                                                                \
  XX(REASON_PHRASE_NONSTANDARD, "reason-phrase-nonstandard", OFF,              \
     "RFC 9112 4", "reason phrase other than the registered one")              \
  XX(HEAD_CONTENT, "head-content", ERROR, "RFC 9110 9.3.2",                    \
     "content after a response to HEAD (skipped to the next status line)")     \
  XX(CONTENT_LENGTH_REPEATED, "content-length-repeated", ERROR,                \
     "RFC 9110 8.6, 5.3",                                                      \
     "Content-Length repeated with the same value (field lines or a list); "   \
     "read as one")                                                            \
  XX(CHUNK_EXTENSION_BWS, "chunk-extension-bws", ERROR,                        \
     "RFC 9112 7.1.1; RFC 9110 5.6.3",                                         \
     "whitespace (BWS) around \";\" or \"=\" in a chunk extension; read "      \
     "without it")

typedef enum respcheck_rule {
#define RESPCHECK_XX(name, id, sev, ref, summary) RESPCHECK_RULE_##name,
  RESPCHECK_RULE_MAP(RESPCHECK_XX)
#undef RESPCHECK_XX
      RESPCHECK_RULE_COUNT
} respcheck_rule_t;

/* Room for rules added later without changing the options' layout. */
#define RESPCHECK_RULE_MAX 96

RESPCHECK_EXTERN const char *respcheck_rule_id(respcheck_rule_t rule);
RESPCHECK_EXTERN const char *respcheck_rule_reference(respcheck_rule_t rule);
RESPCHECK_EXTERN const char *respcheck_rule_summary(respcheck_rule_t rule);
RESPCHECK_EXTERN respcheck_severity_t
respcheck_rule_default_severity(respcheck_rule_t rule);
/* Looks a rule up by id ("location-missing"); returns -1 when unknown. */
RESPCHECK_EXTERN int respcheck_rule_from_id(const char *id, size_t len);

/* ------------------------------------------------------------------------ */
/* The IANA HTTP Status Code Registry. */

typedef enum respcheck_status_state {
  RESPCHECK_STATUS_UNREGISTERED = 0,
  RESPCHECK_STATUS_PERMANENT,
  RESPCHECK_STATUS_TEMPORARY,  /* with an expiry date (104) */
  RESPCHECK_STATUS_DEPRECATED, /* 305 */
  RESPCHECK_STATUS_OBSOLETED,  /* 510 */
  RESPCHECK_STATUS_RESERVED    /* 306, 418: "(Unused)" */
} respcheck_status_state_t;

typedef struct respcheck_status_info {
  int code;
  const char *name;        /* enum-style: "MOVED_PERMANENTLY" */
  const char *phrase;      /* current phrase: "Content Too Large" */
  const char *description; /* one line */
  const char *reference;   /* "RFC 9110, Section 15.4.2" */
  respcheck_status_state_t state;
  const char *expires;        /* "YYYY-MM-DD" for temporary ones, else NULL */
  const char *const *aliases; /* former phrases, NULL-terminated */
  const char *const
      *name_aliases; /* former names ("IM_A_TEAPOT"), NULL-term. */
} respcheck_status_info_t;

/* The registry entry for a code, or NULL when the code is not registered.
 * Reserved codes (306, 418) have entries with state RESERVED. */
RESPCHECK_EXTERN const respcheck_status_info_t *
respcheck_status_lookup(int code);
/* By enum-style name (current or former, exact case). NULL when unknown. */
RESPCHECK_EXTERN const respcheck_status_info_t *
respcheck_status_by_name(const char *name);
/* By phrase (current or former, ASCII case-insensitive). NULL when unknown. */
RESPCHECK_EXTERN const respcheck_status_info_t *
respcheck_status_by_phrase(const char *phrase, size_t len);
/* Number of entries, and entry i in ascending code order. */
RESPCHECK_EXTERN size_t respcheck_status_count(void);
RESPCHECK_EXTERN const respcheck_status_info_t *respcheck_status_at(size_t i);

/* 1 when the code is registered (PERMANENT, TEMPORARY, DEPRECATED or
 * OBSOLETED); 0 for reserved or unknown codes. */
RESPCHECK_EXTERN int respcheck_status_is_registered(int code);
/*
 * How a recipient must process a code: the code itself when registered;
 * the x00 of its class when it is in 100-599 but unregistered or reserved
 * (RFC 9110 15, RFC 1945 9.3: an unknown 3xx is a 300); 500 for a code
 * outside 100-599 (RFC 9110 15: an invalid code is treated as 5xx).
 */
RESPCHECK_EXTERN int respcheck_status_effective(int code);
/* Class predicates on the code's first digit; 0 outside 100-599. */
RESPCHECK_EXTERN int respcheck_status_is_informational(int code);
RESPCHECK_EXTERN int respcheck_status_is_success(int code);
RESPCHECK_EXTERN int respcheck_status_is_redirection(int code);
RESPCHECK_EXTERN int respcheck_status_is_client_error(int code);
RESPCHECK_EXTERN int respcheck_status_is_server_error(int code);

/* ------------------------------------------------------------------------ */
/* Requests, responses, findings. */

typedef enum respcheck_method {
  RESPCHECK_METHOD_UNKNOWN = 0, /* treated like GET */
  RESPCHECK_METHOD_GET,
  RESPCHECK_METHOD_HEAD,
  RESPCHECK_METHOD_POST,
  RESPCHECK_METHOD_PUT,
  RESPCHECK_METHOD_DELETE,
  RESPCHECK_METHOD_CONNECT,
  RESPCHECK_METHOD_OPTIONS,
  RESPCHECK_METHOD_TRACE,
  RESPCHECK_METHOD_PATCH
} respcheck_method_t;

/* "GET", ...; UNKNOWN for anything else (exact case, RFC 9110 9.1). */
RESPCHECK_EXTERN respcheck_method_t respcheck_method_from_name(const char *s,
                                                               size_t len);
RESPCHECK_EXTERN const char *respcheck_method_name(respcheck_method_t m);

/* How a response came to the caller: a stream's bytes do not say, a
 * capture of port 80, an archive's or a HAR entry's URI does. Only
 * strict-transport-security-plain-http reads it (RFC 6797 8.1, 7.2). */
typedef enum respcheck_transport {
  RESPCHECK_TRANSPORT_UNKNOWN = 0, /* said once a stream; not for parts */
  RESPCHECK_TRANSPORT_PLAIN = 1,   /* plain HTTP over TCP */
  RESPCHECK_TRANSPORT_TLS = 2      /* https: the rule is not said */
} respcheck_transport_t;

/* What the caller knows of the request a response answers. */
typedef struct respcheck_request {
  respcheck_method_t method;
  unsigned char version_major; /* 0 = unknown: assume 1.1 */
  unsigned char version_minor;
  unsigned char transport; /* respcheck_transport_t; 0 = unknown */
} respcheck_request_t;

/* Framing flags of a response, as respcheck reads them. */
enum respcheck_framing {
  RESPCHECK_FRAMING_CONTENT_LENGTH = 1 << 0, /* content_length is valid */
  RESPCHECK_FRAMING_CHUNKED = 1 << 1,
  RESPCHECK_FRAMING_CLOSE_DELIMITED = 1 << 2, /* body runs to end of stream */
  RESPCHECK_FRAMING_NO_BODY = 1 << 3,         /* 1xx, 204, 304, HEAD */
  RESPCHECK_FRAMING_KEEP_ALIVE = 1 << 4,      /* connection persists after */
  RESPCHECK_FRAMING_UPGRADE = 1 << 5,         /* 101: stream leaves HTTP */
  RESPCHECK_FRAMING_TUNNEL = 1 << 6           /* 2xx to CONNECT */
};

typedef struct respcheck_header {
  respcheck_span_t name;  /* as sent */
  respcheck_span_t value; /* without surrounding whitespace; an obs-fold is
                             shown replaced by spaces */
  uint64_t offset;        /* of the field line's first byte */
} respcheck_header_t;

typedef enum respcheck_verdict {
  RESPCHECK_ACCEPT = 0,
  RESPCHECK_REJECT = 1
} respcheck_verdict_t;

/*
 * A response head, handed to on_head. Every pointer in it (reason, headers,
 * their spans) stays valid until on_message_end of the same response
 * returns, and no longer.
 */
typedef struct respcheck_response {
  uint64_t index;       /* 0-based response number in the stream */
  uint64_t offset;      /* absolute offset of the status line's first byte */
  uint64_t head_length; /* bytes of status line + header section */
  unsigned char version_major;
  unsigned char version_minor;
  int status;                          /* as the tokenizer read it (0-999) */
  int effective_status;                /* respcheck_status_effective(status) */
  const respcheck_status_info_t *info; /* registry entry, or NULL */
  respcheck_span_t reason;
  const respcheck_header_t *headers;
  size_t header_count;
  unsigned framing;            /* enum respcheck_framing */
  uint64_t content_length;     /* with RESPCHECK_FRAMING_CONTENT_LENGTH */
  respcheck_request_t request; /* the context this response was read with */
  respcheck_verdict_t verdict; /* of the head: reject on an error finding */
} respcheck_response_t;

/* A finding. message is NUL-terminated and valid during the callback only;
 * id and reference are static strings. */
typedef struct respcheck_finding {
  respcheck_rule_t rule;
  const char *id;
  respcheck_severity_t severity;
  uint64_t offset;         /* absolute, in the stream */
  uint64_t response_index; /* the response it belongs to */
  const char *message;
  const char *reference;
} respcheck_finding_t;

enum respcheck_end_flags {
  RESPCHECK_END_COMPLETE = 1 << 0, /* the message was read to its end */
  RESPCHECK_END_HEAD = 1 << 1,     /* its head was delivered to on_head */
  RESPCHECK_END_ABORTED = 1 << 2   /* stopped by an error or end of stream */
};

typedef struct respcheck_message_end {
  uint64_t index;
  uint64_t offset;     /* first byte (of its status line, or of the first
                          byte attributed to it) */
  uint64_t end_offset; /* one past its last byte */
  unsigned flags;      /* enum respcheck_end_flags */
  respcheck_verdict_t verdict; /* of the whole message */
  unsigned error_count, warning_count, info_count;
  /* The head: the one on_head had (RESPCHECK_END_HEAD); for a message
   * stopped inside its head after its status line was read (the tokenizer
   * refused a later byte, or the stream ended, after the code's three
   * digits), what was read before: version, status, reason (as far as it
   * went), effective_status, info, the field lines wholly before the stop,
   * framing 0, the message's verdict; otherwise NULL. Valid until the
   * callback returns. */
  const respcheck_response_t *response;
} respcheck_message_end_t;

typedef struct respcheck_callbacks {
  /* Every finding, as it is found. */
  void (*on_finding)(void *user, const respcheck_finding_t *finding);
  /* The response head, once its header section is complete and checked.
   * Return 0 to go on; anything else stops the parser (RESPCHECK_E_CALLBACK).
   */
  int (*on_head)(void *user, const respcheck_response_t *response);
  /* Content bytes (chunked framing removed). Optional. */
  int (*on_body)(void *user, const char *at, size_t len);
  /* The end of each message, complete or not. */
  void (*on_message_end)(void *user, const respcheck_message_end_t *end);
  /* Bytes after a 101 or a 2xx to CONNECT: not HTTP, no findings. */
  void (*on_tunnel)(void *user, const char *at, size_t len, uint64_t offset);
} respcheck_callbacks_t;

/* ------------------------------------------------------------------------ */
/* Options. */

typedef struct respcheck_options {
  size_t max_header_bytes; /* status line + header section; and trailers */
  size_t max_headers;      /* field lines in a header section */
  size_t max_line_length;  /* status line, one field line (of the header or
                              trailer section) or chunk-size line, without
                              CRLF */
  size_t max_reason_length;
  size_t max_chunk_extension;  /* bytes after the size in a chunk-size line */
  size_t max_pending_requests; /* request contexts that can be queued */
  respcheck_request_t default_request;        /* when the queue is empty */
  unsigned char severity[RESPCHECK_RULE_MAX]; /* respcheck_severity_t */
} respcheck_options_t;

/* Proxy-like defaults: 64 KiB head, 128 fields, 8 KiB line, 512-byte reason,
 * 4 KiB chunk extensions, 32 pending requests, GET over HTTP/1.1, and every
 * rule at its default severity. */
RESPCHECK_EXTERN void respcheck_options_init(respcheck_options_t *opts);
/* Sets one rule's severity; RESPCHECK_E_INVAL for an unknown rule. */
RESPCHECK_EXTERN respcheck_errno_t
respcheck_options_set_severity(respcheck_options_t *opts, respcheck_rule_t rule,
                               respcheck_severity_t severity);

/* ------------------------------------------------------------------------ */
/* The parser. */

typedef struct respcheck_parser respcheck_parser_t;

/* Bytes a parser needs with these options (NULL: the defaults); 0 when the
 * options are invalid: a zero limit, max_header_bytes or max_line_length
 * below 16 (no status line fits), or limits too large to size. */
RESPCHECK_EXTERN size_t respcheck_parser_size(const respcheck_options_t *opts);

/*
 * Sets up a parser in caller memory of at least respcheck_parser_size(opts)
 * bytes, aligned for any object (malloc'd memory is). opts may be NULL for
 * the defaults; it is copied. callbacks may be NULL; it is copied. Returns
 * NULL when mem is NULL, too small, or the options are invalid.
 */
RESPCHECK_EXTERN respcheck_parser_t *
respcheck_parser_init(void *mem, size_t size, const respcheck_options_t *opts,
                      const respcheck_callbacks_t *callbacks, void *user);
/* The same, with memory allocated once by malloc. NULL on failure. */
RESPCHECK_EXTERN respcheck_parser_t *
respcheck_parser_new(const respcheck_options_t *opts,
                     const respcheck_callbacks_t *callbacks, void *user);
/* Frees a parser from respcheck_parser_new. NULL is accepted. */
RESPCHECK_EXTERN void respcheck_parser_free(respcheck_parser_t *parser);
/* Starts a new stream with the same options, callbacks and user pointer. */
RESPCHECK_EXTERN void respcheck_parser_reset(respcheck_parser_t *parser);

/*
 * Queues the request context of the next response that has none yet, in
 * order (pipelining). 1xx responses use the context of the final response
 * that follows them. When the queue is empty, opts->default_request is used.
 * RESPCHECK_E_FULL when max_pending_requests are already queued.
 */
RESPCHECK_EXTERN respcheck_errno_t respcheck_push_request(
    respcheck_parser_t *parser, const respcheck_request_t *request);

/*
 * Feeds the next len bytes of the stream, in any chunking: the findings and
 * responses do not depend on it. Callbacks run from inside this call.
 * Returns RESPCHECK_E_OK, or the parser's sticky error: once a fatal finding
 * (parse-error, a limit) is reported, every later call returns the same
 * error and reads nothing.
 */
RESPCHECK_EXTERN respcheck_errno_t respcheck_execute(respcheck_parser_t *parser,
                                                     const char *data,
                                                     size_t len);
/* Tells the parser the stream has ended: a read-to-close body completes; a
 * response cut short gets message-truncated. Later calls return
 * RESPCHECK_E_FINISHED (or the sticky error). */
RESPCHECK_EXTERN respcheck_errno_t respcheck_finish(respcheck_parser_t *parser);

/* The sticky error, its reason (static or parser-owned, NUL-terminated) and
 * its absolute offset in the stream. */
RESPCHECK_EXTERN respcheck_errno_t
respcheck_parser_error(const respcheck_parser_t *parser);
RESPCHECK_EXTERN const char *
respcheck_parser_error_reason(const respcheck_parser_t *parser);
RESPCHECK_EXTERN uint64_t
respcheck_parser_error_offset(const respcheck_parser_t *parser);
/* The absolute offset of the next byte the parser reads: every byte fed so
 * far, except after a sticky error, where it is the offset at which the
 * parser stopped (the bytes from there on were not read). */
RESPCHECK_EXTERN uint64_t
respcheck_parser_offset(const respcheck_parser_t *parser);
/* 1 once the stream has left HTTP (after a 101 or a CONNECT tunnel). */
RESPCHECK_EXTERN int
respcheck_parser_in_tunnel(const respcheck_parser_t *parser);
/* Responses begun so far. */
RESPCHECK_EXTERN uint64_t
respcheck_parser_response_count(const respcheck_parser_t *parser);

/* ------------------------------------------------------------------------ */
/* Heads given as parts. */

/*
 * A response head parsed elsewhere (a browser's HAR export, another
 * parser): its parts, without the bytes it was sent as. Everything it
 * points to is the caller's, read during respcheck_check_head only.
 */
typedef struct respcheck_head_parts {
  unsigned char version_major; /* the response's HTTP-version */
  unsigned char version_minor;
  int status;              /* as received; any value (100-599 are valid) */
  respcheck_span_t reason; /* the reason phrase; may be empty */
  /* The fields in order: name as received, value without surrounding
   * whitespace. Each one's offset is the caller's to choose (a byte
   * position, an index...): a finding about a field carries it as is. */
  const respcheck_header_t *headers;
  size_t header_count;
  /* Carried by findings about the status line, and by the response and
   * its end as their offset. */
  uint64_t offset;
} respcheck_head_parts_t;

/*
 * Checks one response given as parts with every rule that needs no bytes:
 * the status code and the registry (status-class-invalid,
 * status-unregistered, status-reserved, status-temporary,
 * status-deprecated, status-obsoleted), the version (version-invalid,
 * version-minor-unknown), 1xx (status-1xx-http10), the fields a status
 * requires (location-missing, www-authenticate-missing,
 * proxy-authenticate-missing, allow-missing, content-range-missing,
 * content-range-missing-416, upgrade-missing), the framing fields
 * (content-length-forbidden, transfer-encoding-forbidden,
 * transfer-encoding-http10, framing-conflict, content-length-invalid,
 * transfer-encoding-invalid as the value reads, transfer-encoding-unknown,
 * content-forbidden), the reason phrase (reason-phrase-invalid,
 * reason-phrase-mismatch, reason-phrase-nonstandard,
 * reason-phrase-too-long), the limits (line-too-long, too-many-headers,
 * header-section-too-large), date-missing, and the field values:
 * date-invalid, last-modified-invalid, expires-invalid,
 * retry-after-invalid, http-date-obsolete, last-modified-future,
 * singleton-field-repeated, cache-control-invalid,
 * cache-control-argument-invalid, cache-control-conflict, etag-invalid,
 * vary-invalid, age-invalid, content-type-invalid,
 * content-encoding-unknown, content-range-invalid, location-invalid,
 * set-cookie-invalid, strict-transport-security-invalid. Each is the same
 * function a stream's head goes through. The rules about bytes never fire:
 * parse-error, status-code-syntax, status-line-syntax,
 * header-name-invalid, header-value-invalid, obs-fold,
 * whitespace-before-field, bare-cr, bare-lf, empty-line-before-status,
 * data-after-close, message-truncated, head-content, the chunk and trailer
 * rules; nor does strict-transport-security-plain-http, about the
 * transport of a stream, which the caller of this function knows.
 *
 * The request context is the stream's: the next one queued with
 * respcheck_push_request (consumed by a final response, kept by a 1xx),
 * else opts.default_request.
 *
 * Each call checks one head on its own: the parser's stream state and
 * sticky error are cleared first (its request queue and response count are
 * kept), so a parser used for parts is not used for a stream at the same
 * time. Callbacks, in order: on_finding for each finding, on_head (the
 * response's reason and headers point into parts; framing as RFC 9112 6.3
 * reads the fields), on_message_end (RESPCHECK_END_COMPLETE | _HEAD).
 * Offsets: a field's finding carries the field's offset (for a field
 * value, whichever of its bytes it is about), any other finding and the
 * response parts->offset. The limits measure the head as if it were
 * sent as "HTTP/x.y SSS reason" CRLF, then "name: value" CRLF per field,
 * then CRLF: past max_line_length, max_headers or max_header_bytes, the
 * finding is reported, the message ends aborted without on_head, and
 * RESPCHECK_E_LIMIT is returned, as a stream would stop there.
 *
 * Returns RESPCHECK_E_OK, RESPCHECK_E_LIMIT, RESPCHECK_E_CALLBACK (on_head
 * returned non-zero), or RESPCHECK_E_INVAL (a NULL argument, or a span
 * with a NULL pointer and a length).
 */
RESPCHECK_EXTERN respcheck_errno_t respcheck_check_head(
    respcheck_parser_t *parser, const respcheck_head_parts_t *parts);

#ifdef __cplusplus
}
#endif
#endif /* RESPCHECK_H */
