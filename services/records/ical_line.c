/* ical_line.c - iCalendar content lines: TEXT escaping, parameter quoting,
 * folding at 75 octets without splitting UTF-8, CRLF, date-time values */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Octets of a content line before it is folded (RFC 5545 3.1). */
#define ICAL_LINE_OCTETS 75
/* Asia/Tokyo is UTC+9 all year. */
#define ICAL_TOKYO_OFFSET_S (9 * 3600)

void rec_ical_init(struct rec_ical *ic)
{
	ic->data = NULL;
	ic->len = ic->cap = 0;
}

void rec_ical_release(struct rec_ical *ic)
{
	free(ic->data);
	rec_ical_init(ic);
}

static void put(struct rec_ical *ic, const char *s, size_t n)
{
	if (ic->len + n + 1 > ic->cap) {
		size_t cap = ic->cap ? ic->cap : 1024;
		while (ic->len + n + 1 > cap)
			cap *= 2;
		ic->data = cl_xrealloc(ic->data, cap);
		ic->cap = cap;
	}
	memcpy(ic->data + ic->len, s, n);
	ic->len += n;
	ic->data[ic->len] = '\0';
}

/* the longest prefix of s[0..n) of at most max octets that ends on a
 * character boundary (never 0 while n > 0: a character is at most 4) */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t cut = max;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	return cut ? cut : max;
}

/* append the unfolded line s (without CRLF) folded */
static void put_folded(struct rec_ical *ic, const char *s, size_t n)
{
	size_t room = ICAL_LINE_OCTETS;
	for (;;) {
		size_t k = utf8_cut(s, n, room);
		put(ic, s, k);
		put(ic, "\r\n", 2);
		s += k;
		n -= k;
		if (!n)
			break;
		put(ic, " ", 1);
		room = ICAL_LINE_OCTETS - 1;
	}
}

void rec_ical_line(struct rec_ical *ic, const char *name, const char *value)
{
	size_t nn = strlen(name), nv = value ? strlen(value) : 0;
	char *line = cl_xmalloc(nn + 1 + nv + 1);
	memcpy(line, name, nn);
	line[nn] = ':';
	if (nv)
		memcpy(line + nn + 1, value, nv);
	line[nn + 1 + nv] = '\0';
	put_folded(ic, line, nn + 1 + nv);
	free(line);
}

void rec_ical_text(struct rec_ical *ic, const char *name, const char *value)
{
	char *text = rec_ical_escape(value ? value : "");
	rec_ical_line(ic, name, text);
	free(text);
}

char *rec_ical_escape(const char *value)
{
	size_t n = strlen(value);
	char *out = cl_xmalloc(2 * n + 1), *o = out;
	for (const char *p = value; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\\' || c == ';' || c == ',') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\r' || c == '\n') {
			if (c == '\r' && p[1] == '\n')
				p++;
			*o++ = '\\';
			*o++ = 'n';
		} else if ((c < 0x20 && c != '\t') || c == 0x7F) {
			continue;
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}

char *rec_ical_param(const char *value)
{
	size_t n = strlen(value);
	char *out = cl_xmalloc(n + 3), *o = out;
	*o++ = '"';
	for (const char *p = value; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || (c < 0x20 && c != '\t') || c == 0x7F)
			continue;
		*o++ = (char)c;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

static char *format(int64_t ms, long offset_s, const char *suffix, char out[20])
{
	int64_t s = ms / 1000;
	if (ms < 0 && ms % 1000)
		s--;
	time_t t = (time_t)(s + offset_s);
	struct tm tm;
	gmtime_r(&t, &tm);
	char buf[64];
	snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d%s", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, suffix);
	cl_strlcpy(out, buf, 20);
	return out;
}

char *rec_ical_local(int64_t ms, char out[20])
{
	return format(ms, ICAL_TOKYO_OFFSET_S, "", out);
}

char *rec_ical_utc(int64_t ms, char out[20])
{
	return format(ms, 0, "Z", out);
}
