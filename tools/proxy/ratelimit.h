/* SPDX-License-Identifier: MIT */
/*
 * respcheck-proxy: the log's rate limit (--log-rate=N).
 *
 * An upstream that sends the same broken response over and over (or a client
 * that makes it do so) must not turn the log into a flood: each key (a rule
 * and what the proxy did with the response) may write N lines per second
 * (fixed one-second windows, from the key's first line); lines beyond that
 * are counted, and once the window is over one summary line gives the count.
 * The state is a fixed table: nothing is allocated.
 */
#ifndef RESPCHECK_PROXY_RATELIMIT_H
#define RESPCHECK_PROXY_RATELIMIT_H

#include <stdint.h>

#include "respcheck.h"

/* Keys: RESPCHECK_RULE_MAX rules and "no finding", times the actions
 * (rp_action_t, RP_RATE_ACTIONS of them). */
#define RP_RATE_ACTIONS 8u
#define RP_RATE_NO_RULE RESPCHECK_RULE_MAX
#define RP_RATE_KEYS ((RESPCHECK_RULE_MAX + 1u) * RP_RATE_ACTIONS)
#define RP_RATE_WINDOW_MS 1000u

typedef struct rp_rate_slot {
  uint64_t window_start; /* ms; the window is [start, start + 1 s) */
  uint64_t lines;        /* lines written in the window */
  uint64_t suppressed;   /* lines not written in the window */
} rp_rate_slot_t;

typedef struct rp_rate {
  uint64_t per_second; /* lines per key per window; 0: no limit */
  unsigned pending;    /* slots with suppressed > 0 */
  rp_rate_slot_t slots[RP_RATE_KEYS];
} rp_rate_t;

/* The key of a line: rule RP_RATE_NO_RULE for a response without findings. */
unsigned rp_rate_key(unsigned rule, unsigned action);
unsigned rp_rate_key_rule(unsigned key);
unsigned rp_rate_key_action(unsigned key);

/* Called for each summary: `suppressed` lines of `key` were not written in
 * the window [since, since + RP_RATE_WINDOW_MS). */
typedef void (*rp_rate_summary_cb)(void *user, unsigned key,
                                   uint64_t suppressed, uint64_t since);

/* 1 when a line of `key` may be written at now (ms), else 0 (counted).
 * A window's summary is emitted (through cb) when the key's next window
 * starts here. */
int rp_rate_allow(rp_rate_t *rate, unsigned key, uint64_t now,
                  rp_rate_summary_cb cb, void *user);

/* Emits the summaries of windows over at now (every pending one when
 * `all`, at shutdown). Returns the number of slots still pending. */
unsigned rp_rate_flush(rp_rate_t *rate, uint64_t now, int all,
                       rp_rate_summary_cb cb, void *user);

#endif /* RESPCHECK_PROXY_RATELIMIT_H */
