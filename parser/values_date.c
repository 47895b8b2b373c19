/* SPDX-License-Identifier: MIT */
/*
 * HTTP-date (RFC 9110 5.6.7) and the fields that hold one: Date (RFC 9110
 * 6.6.1), Last-Modified (RFC 9110 8.8.2), Expires (RFC 9111 5.3) and
 * Retry-After (RFC 9110 10.2.3).
 *
 * "A recipient that parses a timestamp value in an HTTP field MUST accept
 * all three HTTP-date formats. When a sender generates a field that
 * contains one or more timestamps defined as HTTP-date, the sender MUST
 * generate those timestamps in the IMF-fixdate format." (5.6.7): a value
 * in neither form is the field's -invalid rule; one in an obsolete form is
 * http-date-obsolete, a warning, since every recipient reads it alike. The
 * day and month names and "GMT" are case-sensitive; the semantics of the
 * parts are RFC 5322 3.3's, so 31 Apr, hour 24 and a day name that is not
 * the date's weekday are invalid too (a second may be 60: a leap second).
 */
#include <string.h>

#include "values.h"

/* Three name bytes as one number, the first in the low byte. */
#define K3(a, b, c) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16)

static inline uint32_t key3(const char *s) {
  return K3((unsigned char)s[0], (unsigned char)s[1], (unsigned char)s[2]);
}

/* day-name, Monday first. */
static const uint32_t day_keys[7] = {
    K3('M', 'o', 'n'), K3('T', 'u', 'e'), K3('W', 'e', 'd'), K3('T', 'h', 'u'),
    K3('F', 'r', 'i'), K3('S', 'a', 't'), K3('S', 'u', 'n')};
static const char *const weekdays[7] = {"Monday",   "Tuesday", "Wednesday",
                                        "Thursday", "Friday",  "Saturday",
                                        "Sunday"};
static const char *const wrong_day[7] = {
    "the day name is wrong: that date is a Monday",
    "the day name is wrong: that date is a Tuesday",
    "the day name is wrong: that date is a Wednesday",
    "the day name is wrong: that date is a Thursday",
    "the day name is wrong: that date is a Friday",
    "the day name is wrong: that date is a Saturday",
    "the day name is wrong: that date is a Sunday"};

/* month, January first; the sum of a month name's three bytes, less 268,
 * is below 40 and tells the twelve apart (then the name is compared). */
static const uint32_t month_keys[12] = {
    K3('J', 'a', 'n'), K3('F', 'e', 'b'), K3('M', 'a', 'r'), K3('A', 'p', 'r'),
    K3('M', 'a', 'y'), K3('J', 'u', 'n'), K3('J', 'u', 'l'), K3('A', 'u', 'g'),
    K3('S', 'e', 'p'), K3('O', 'c', 't'), K3('N', 'o', 'v'), K3('D', 'e', 'c')};
static const unsigned char month_by_sum[40] = {
    12, 2, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0,
    3,  0, 0, 4, 0, 0, 10, 5, 9, 0, 0, 7, 0, 6, 0, 0, 0, 0, 0, 11};

/* The month (1-12) named by s[0, 3), or 0. */
static inline unsigned month_name(const char *s) {
  unsigned sum = (unsigned)(unsigned char)s[0] + (unsigned char)s[1] +
                 (unsigned char)s[2] - 268u;
  unsigned m = sum < 40 ? month_by_sum[sum] : 0;
  return m && key3(s) == month_keys[m - 1] ? m : 0;
}

/* The weekday (Monday = 0) whose name's bytes are key (key3), or -1. */
static int day_name(uint32_t key) {
  int i;
  for (i = 0; i < 7; i++)
    if (key == day_keys[i])
      return i;
  return -1;
}

static inline unsigned dig(char c) { return (unsigned)(c - '0'); }

/* 2DIGIT, or a number above 99. */
static inline unsigned dig2(const char *s) {
  unsigned a = dig(s[0]), b = dig(s[1]);
  return a > 9 || b > 9 ? 100u : a * 10 + b;
}

/* A date's parts, as read from one of the three forms. */
typedef struct date_parts {
  unsigned year, month, day, hour, minute, second;
} date_parts_t;

/* Checks the parts (RFC 5322 3.3 semantics: a day that exists, a time of
 * day up to 23:59:60, the day name of that date) and sets *secs. wd_key is
 * the day name's bytes (key3), or 0 when the form's century is a guess.
 * Returns form, or -form with *why. */
/* The days of each month in a common year, and before each month. */
static const unsigned char month_days[12] = {31, 28, 31, 30, 31, 30,
                                             31, 31, 30, 31, 30, 31};
static const unsigned short days_before[12] = {0,   31,  59,  90,  120, 151,
                                               181, 212, 243, 273, 304, 334};

/* The days of month m (1-12) of year y (Gregorian). */
static unsigned month_length(unsigned y, unsigned m) {
  return month_days[m - 1] +
         (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 1u : 0u);
}

static int finish(int form, const date_parts_t *d, uint32_t wd_key,
                  int64_t *secs, const char **why) {
  unsigned y = d->year, m = d->month, era, yoe, doy, wd;
  uint64_t days;
  if (d->hour > 23 || d->minute > 59 || d->second > 60) {
    *why = "the time of day is out of range (00:00:00 to 23:59:60)";
    return -form;
  }
  if (d->day == 0 || d->day > month_length(y, m)) {
    *why = "that day of the month does not exist";
    return -form;
  }
  /* Days since 0000-03-01 less one 400-year era, so that every count is
   * unsigned (the year is 4DIGIT); 1970-01-01 is day 865565, a
   * Thursday. */
  y = y + 400 - (m <= 2);
  era = y / 400;
  yoe = y - era * 400;
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d->day - 1;
  days = (uint64_t)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
  wd = (unsigned)((days + 2) % 7);
  if (wd_key != 0 && wd_key != day_keys[wd]) {
    if (day_name(wd_key) < 0)
      return HD_BAD; /* not a day name at all */
    *why = wrong_day[wd];
    return -form;
  }
  *secs = ((int64_t)days - 865565) * 86400 +
          (int64_t)(d->hour * 3600 + d->minute * 60 + d->second);
  return form;
}

/* time-of-day = hour ":" minute ":" second, at s; 0 for a bad shape. */
static int time_of_day(const char *s, date_parts_t *d) {
  d->hour = dig2(s);
  d->minute = dig2(s + 3);
  d->second = dig2(s + 6);
  return s[2] == ':' && s[5] == ':' && d->hour < 100 && d->minute < 100 &&
         d->second < 100;
}

static inline uint64_t load8(const char *s) {
  uint64_t x;
  memcpy(&x, s, 8);
  return x;
}

/* The bytes of the 8-byte word x that mask selects are all digits. */
static inline int digits8(uint64_t x, uint64_t mask) {
  uint64_t t = (x ^ 0x3030303030303030u) & mask;
  return ((t | (t + (0x7676767676767676u & mask))) &
          (0x8080808080808080u & mask)) == 0;
}

/* Little-endian words of the IMF-fixdate punctuation, and masks of its
 * punctuation and digits: bytes 0-7, 8-15, 16-23 and 21-28 of
 * "Sun, 06 Nov 1994 08:49:37 GMT". */
#define W(b, i) ((uint64_t)(unsigned char)(b) << (8 * (i)))
#define M(i) W(0xff, i)

/* The SP and year of an IMF-fixdate's bytes 8-15 ("Nov 1994"). */
#define IMF_YEAR (M(3) | M(4) | M(5) | M(6) | M(7))

/* The time-of-day and zone of an IMF-fixdate (bytes 16-28: " 08:49:37
 * GMT"), words w2 and w3 of it, are well formed. */
static inline int imf_time_shape(uint64_t w2, uint64_t w3) {
  return (w2 & (M(0) | M(3) | M(6))) == (W(' ', 0) | W(':', 3) | W(':', 6)) &&
         (w3 >> 32) == (W(' ', 0) | W('G', 1) | W('M', 2) | W('T', 3)) &&
         digits8(w2, M(1) | M(2) | M(4) | M(5) | M(7)) && digits8(w3, M(3));
}

/* IMF-fixdate = day-name "," SP day SP month SP year SP time-of-day SP
 * "GMT", 29 bytes: the shape read a word at a time, as every sender but a
 * broken one writes it. */
static int imf_fixdate(const char *s, int64_t *secs, const char **why) {
  uint64_t w0 = load8(s), w1 = load8(s + 8), w2 = load8(s + 16);
  uint64_t w3 = load8(s + 21);
  date_parts_t d;
  unsigned m;
  if ((w0 & (M(3) | M(4) | M(7))) != (W(',', 3) | W(' ', 4) | W(' ', 7)) ||
      (w1 & M(3)) != W(' ', 3) || !imf_time_shape(w2, w3) ||
      !digits8(w0, M(5) | M(6)) || !digits8(w1, M(4) | M(5) | M(6) | M(7)))
    return HD_BAD;
  m = month_name(s + 8);
  if (m == 0)
    return HD_BAD;
  d.year = dig(s[12]) * 1000 + dig(s[13]) * 100 + dig(s[14]) * 10 + dig(s[15]);
  d.month = m;
  d.day = dig(s[5]) * 10 + dig(s[6]);
  d.hour = dig(s[17]) * 10 + dig(s[18]);
  d.minute = dig(s[20]) * 10 + dig(s[21]);
  d.second = dig(s[23]) * 10 + dig(s[24]);
  return finish(HD_IMF, &d, key3(s), secs, why);
}

/* rfc850-date = day-name-l "," SP day "-" month "-" 2DIGIT SP time-of-day
 * SP "GMT". */
static int rfc850_date(const char *s, size_t n, int64_t *secs,
                       const char **why) {
  size_t k = n - 24; /* the day name's length */
  const char *t = s + k;
  int wd = k >= 6 && k <= 9 ? day_name(key3(s)) : -1;
  date_parts_t d;
  if (wd < 0 || strlen(weekdays[wd]) != k || memcmp(s, weekdays[wd], k) != 0)
    return HD_BAD;
  d.day = dig2(t + 2);
  d.month = month_name(t + 5);
  d.year = dig2(t + 9);
  if (t[0] != ',' || t[1] != ' ' || d.day > 99 || t[4] != '-' || d.month == 0 ||
      t[8] != '-' || d.year > 99 || t[11] != ' ' || !time_of_day(t + 12, &d) ||
      t[20] != ' ' || memcmp(t + 21, "GMT", 3) != 0)
    return HD_BAD;
  d.year += d.year >= 70 ? 1900 : 2000;
  /* The century is the recipient's guess (5.6.7): the day name is not
   * checked against it. */
  return finish(HD_RFC850, &d, 0, secs, why);
}

/* asctime-date = day-name SP month SP ( 2DIGIT / ( SP 1DIGIT ) ) SP
 * time-of-day SP year, 24 bytes. */
static int asctime_date(const char *s, int64_t *secs, const char **why) {
  date_parts_t d;
  unsigned y1 = dig2(s + 20), y2 = dig2(s + 22);
  d.month = month_name(s + 4);
  d.day = s[8] == ' ' && dig(s[9]) <= 9 ? dig(s[9]) : dig2(s + 8);
  d.year = y1 * 100 + y2;
  if (day_name(key3(s)) < 0 || s[3] != ' ' || d.month == 0 || s[7] != ' ' ||
      d.day > 99 || s[10] != ' ' || !time_of_day(s + 11, &d) || s[19] != ' ' ||
      y1 > 99 || y2 > 99)
    return HD_BAD;
  return finish(HD_ASCTIME, &d, key3(s), secs, why);
}

/* What a value that has none of the three shapes looks like, for the
 * message. */
static const char *shape_hint(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && rv_is_digit(s[i]))
    i++;
  if (n == 0)
    return "the value is empty";
  if (i == n || (s[0] == '-' && n > 1))
    return "a number, not a date (IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT)";
  if (n >= 4 && (memcmp(s + n - 4, " UTC", 4) == 0 ||
                 memcmp(s + n - 4, "0000", 4) == 0 || s[n - 1] == 'Z'))
    return "the time zone must be written GMT";
  if (n == 28 && s[3] == ',' && s[6] == ' ')
    return "the day of the month has one digit; IMF-fixdate has two";
  if (n > 3 &&
      (memcmp(s + n - 3, "gmt", 3) == 0 || memcmp(s + n - 3, "Gmt", 3) == 0))
    return "GMT is case-sensitive";
  return "expected IMF-fixdate, such as Sun, 06 Nov 1994 08:49:37 GMT";
}

int respcheck__http_date(const char *s, size_t n, int64_t *secs,
                         const char **why) {
  int form = HD_BAD;
  if (n == 29)
    form = imf_fixdate(s, secs, why);
  else if (n == 24)
    form = asctime_date(s, secs, why);
  else if (n >= 30 && n <= 33)
    form = rfc850_date(s, n, secs, why);
  if (form == HD_BAD)
    *why = shape_hint(s, n);
  return form;
}

int respcheck__http_date_cached(respcheck_parser_t *p, unsigned slot,
                                const char *s, size_t n, int64_t *secs,
                                const char **why) {
  uint64_t *day = p->date_day[slot];
  int form;
  if (n == 29) {
    uint64_t w0 = load8(s), w1 = load8(s + 8);
    unsigned h = dig(s[17]) * 10 + dig(s[18]);
    unsigned m = dig(s[20]) * 10 + dig(s[21]);
    unsigned sec = dig(s[23]) * 10 + dig(s[24]);
    /* The same day as the last one: its name, date and year were checked
     * then. */
    if (w0 == day[0] && w1 == day[1] &&
        imf_time_shape(load8(s + 16), load8(s + 21)) && h <= 23 && m <= 59 &&
        sec <= 60) {
      *secs = p->date_day_secs[slot] + (int64_t)(h * 3600 + m * 60 + sec);
      return HD_IMF;
    }
    /* Another day of the same year: its year was checked then; the rest is
     * checked here. Anything else is read, and reported, by
     * respcheck__http_date. */
    if ((w1 & IMF_YEAR) == p->date_year[slot] &&
        (w0 & (M(3) | M(4) | M(7))) == (W(',', 3) | W(' ', 4) | W(' ', 7)) &&
        digits8(w0, M(5) | M(6)) &&
        imf_time_shape(load8(s + 16), load8(s + 21)) && h <= 23 && m <= 59 &&
        sec <= 60) {
      unsigned d = dig(s[5]) * 10 + dig(s[6]), mo = month_name(s + 8);
      unsigned leap = p->date_year_leap[slot];
      if (mo != 0 && d >= 1 && d <= month_days[mo - 1] + (mo == 2 ? leap : 0)) {
        unsigned doy = days_before[mo - 1] + (mo > 2 ? leap : 0) + d - 1;
        if (key3(s) == day_keys[(p->date_year_wd[slot] + doy) % 7]) {
          day[0] = w0;
          day[1] = w1;
          p->date_day_secs[slot] =
              p->date_year_secs[slot] + (int64_t)doy * 86400;
          *secs = p->date_day_secs[slot] + (int64_t)(h * 3600 + m * 60 + sec);
          return HD_IMF;
        }
      }
    }
    form = respcheck__http_date(s, n, secs, why);
    if (form == HD_IMF) {
      unsigned d = dig(s[5]) * 10 + dig(s[6]), mo = month_name(s + 8);
      unsigned y =
          dig(s[12]) * 1000 + dig(s[13]) * 100 + dig(s[14]) * 10 + dig(s[15]);
      unsigned leap = month_length(y, 2) - 28;
      unsigned doy = days_before[mo - 1] + (mo > 2 ? leap : 0) + d - 1;
      unsigned wd = (unsigned)day_name(key3(s));
      day[0] = w0;
      day[1] = w1;
      p->date_day_secs[slot] = *secs - (int64_t)(h * 3600 + m * 60 + sec);
      p->date_year[slot] = w1 & IMF_YEAR;
      p->date_year_secs[slot] = p->date_day_secs[slot] - (int64_t)doy * 86400;
      p->date_year_leap[slot] = (unsigned char)leap;
      p->date_year_wd[slot] = (unsigned char)((wd + 7 - doy % 7) % 7);
    }
    return form;
  }
  return respcheck__http_date(s, n, secs, why);
}

#undef W
#undef M

/* The finding for a date value that is not IMF-fixdate (form): the rule
 * for one that is none, with what it should be, why, and what follows;
 * http-date-obsolete for an obsolete form. Out of the hot path. */
static RC_COLD void report_date(respcheck_parser_t *p,
                                const respcheck_header_t *h,
                                respcheck_rule_t rule, const char *name,
                                int form, const char *should, const char *why,
                                const char *after) {
  const char *v = h->value.ptr;
  size_t n = h->value.len;
  char q[200];
  if (form <= 0)
    respcheck__emit(p, rule, rv_at(p, h, 0), "%s \"%s\" is not %s: %s%s", name,
                    respcheck__quote(q, sizeof(q), v, n), should, why, after);
  else
    respcheck__emit(p, RESPCHECK_RULE_HTTP_DATE_OBSOLETE, rv_at(p, h, 0),
                    "%s \"%s\" is in the obsolete %s format; a sender MUST "
                    "generate IMF-fixdate",
                    name, respcheck__quote(q, sizeof(q), v, n),
                    form == HD_RFC850 ? "RFC 850" : "asctime");
}

/* One HTTP-date value of field name, read with cache slot; reported as
 * report_date says. Returns the form. */
static int check_http_date(respcheck_parser_t *p, const respcheck_header_t *h,
                           unsigned slot, respcheck_rule_t rule,
                           const char *name, int64_t *secs, const char *should,
                           const char *after) {
  const char *why = NULL;
  int form = respcheck__http_date_cached(p, slot, h->value.ptr, h->value.len,
                                         secs, &why);
  if (form != HD_IMF)
    report_date(p, h, rule, name, form, should, why, after);
  return form;
}

void respcheck__check_date_field(respcheck_parser_t *p,
                                 const respcheck_header_t *h,
                                 enum known_field kf) {
  head_facts_t *f = &p->facts;
  int64_t secs = 0;
  int form;
  if (kf == KF_EXPIRES) {
    /* "A cache recipient MUST interpret invalid date formats, especially
     * the value "0", as representing a time in the past" (RFC 9111 5.3). */
    check_http_date(p, h, 1, RESPCHECK_RULE_EXPIRES_INVALID, "Expires", &secs,
                    "an HTTP-date", "; caches read it as already expired");
    return;
  }
  if (kf == KF_DATE) {
    form = check_http_date(p, h, 0, RESPCHECK_RULE_DATE_INVALID, "Date", &secs,
                           "an HTTP-date", "");
    if (form > 0 && !(f->seen & KF_DATE)) {
      f->date_ok = 1;
      f->date_secs = secs;
    }
    return;
  }
  form = check_http_date(p, h, 1, RESPCHECK_RULE_LAST_MODIFIED_INVALID,
                         "Last-Modified", &secs, "an HTTP-date", "");
  if (form > 0 && !(f->seen & KF_LAST_MODIFIED)) {
    f->lm_ok = 1;
    f->lm_secs = secs;
    f->lm_offset = rv_at(p, h, 0);
  }
}

void respcheck__check_retry_after(respcheck_parser_t *p,
                                  const respcheck_header_t *h) {
  const char *v = h->value.ptr;
  size_t n = h->value.len;
  int64_t secs;
  uint64_t x;
  char q[200];
  /* delay-seconds = 1*DIGIT */
  if (n > 0 && rv_digits(v, 0, n, &x) == n)
    return;
  if (n > 1 && v[0] == '-' && rv_digits(v, 1, n, &x) == n) {
    respcheck__emit(p, RESPCHECK_RULE_RETRY_AFTER_INVALID, rv_at(p, h, 0),
                    "Retry-After \"%s\" is negative: delay-seconds is 1*DIGIT",
                    respcheck__quote(q, sizeof(q), v, n));
    return;
  }
  check_http_date(p, h, 1, RESPCHECK_RULE_RETRY_AFTER_INVALID, "Retry-After",
                  &secs, "a number of seconds or an HTTP-date", "");
}
