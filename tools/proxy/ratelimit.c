/* SPDX-License-Identifier: MIT */
/* respcheck-proxy: the log's rate limit (ratelimit.h). */
#include "ratelimit.h"

unsigned rp_rate_key(unsigned rule, unsigned action) {
  if (rule > RP_RATE_NO_RULE)
    rule = RP_RATE_NO_RULE;
  if (action >= RP_RATE_ACTIONS)
    action = RP_RATE_ACTIONS - 1;
  return rule * RP_RATE_ACTIONS + action;
}

unsigned rp_rate_key_rule(unsigned key) { return key / RP_RATE_ACTIONS; }

unsigned rp_rate_key_action(unsigned key) { return key % RP_RATE_ACTIONS; }

static void close_window(rp_rate_t *rate, unsigned key, rp_rate_summary_cb cb,
                         void *user) {
  rp_rate_slot_t *slot = &rate->slots[key];
  if (slot->suppressed > 0) {
    cb(user, key, slot->suppressed, slot->window_start);
    slot->suppressed = 0;
    rate->pending--;
  }
}

int rp_rate_allow(rp_rate_t *rate, unsigned key, uint64_t now,
                  rp_rate_summary_cb cb, void *user) {
  rp_rate_slot_t *slot;
  if (rate->per_second == 0 || key >= RP_RATE_KEYS)
    return 1;
  slot = &rate->slots[key];
  if (slot->lines == 0 || now - slot->window_start >= RP_RATE_WINDOW_MS) {
    close_window(rate, key, cb, user);
    slot->window_start = now;
    slot->lines = 0;
  }
  if (slot->lines < rate->per_second) {
    slot->lines++;
    return 1;
  }
  if (slot->suppressed++ == 0)
    rate->pending++;
  return 0;
}

unsigned rp_rate_flush(rp_rate_t *rate, uint64_t now, int all,
                       rp_rate_summary_cb cb, void *user) {
  unsigned key;
  for (key = 0; key < RP_RATE_KEYS && rate->pending > 0; key++) {
    rp_rate_slot_t *slot = &rate->slots[key];
    if (slot->suppressed > 0 &&
        (all || now - slot->window_start >= RP_RATE_WINDOW_MS))
      close_window(rate, key, cb, user);
  }
  return rate->pending;
}
