/* text.c - small text helpers: formatting, the page's links, times in
 * Asia/Tokyo, cutting UTF-8 to a number of code points and strict parsing
 * of ids given in query strings and paths */
#include "notify.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "carelink/err.h"
#include "carelink/util.h"

#define NT_ELLIPSIS "\xE2\x80\xA6" /* U+2026 */

char *nt_text_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *out = cl_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(out, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return out;
}

char *nt_array_text(const json_t *arr)
{
	char *text = arr ? json_dumps(arr, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	return text ? text : cl_xstrdup("[]");
}

char *nt_link_post(const char *thread_id, const char *post_id)
{
	return nt_text_printf("#/threads/%s/posts/%s", thread_id, post_id);
}

char *nt_link_space(const char *space_id)
{
	return nt_text_printf("#/spaces/%s", space_id);
}

char *nt_link_app_record(const char *record_id)
{
	return nt_text_printf("#/app-records/%s", record_id);
}

/* Asia/Tokyo is +09:00 all year (no daylight saving since 1951) */
#define NT_JST_OFFSET_S (9 * 3600)

char *nt_text_jst(int64_t ms)
{
	static const char *const days[] = {"日", "月", "火", "水", "木", "金", "土"};
	int64_t s = ms / 1000 - (ms % 1000 < 0 ? 1 : 0) + NT_JST_OFFSET_S;
	time_t t = (time_t)s;
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return cl_xstrdup("");
	return nt_text_printf("%d月%d日(%s) %02d:%02d", tm.tm_mon + 1, tm.tm_mday,
			      days[tm.tm_wday], tm.tm_hour, tm.tm_min);
}

/* n digits of s as a number, or -1 when one is not a digit */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int nt_text_rfc3339_ms(const char *s, int64_t *out)
{
	static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
		return CL_EINVAL;
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
		return CL_EINVAL;
	const char *p = s + 19;
	int ms = 0;
	if (*p == '.') {
		int n = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 3)
				ms = ms * 10 + (*p - '0');
		if (n == 0)
			return CL_EINVAL;
		for (; n < 3; n++)
			ms *= 10;
	}
	int offset = 0;
	if ((*p == 'Z' || *p == 'z') && !p[1]) {
		offset = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh = digits(p + 1, 2), om = digits(p + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return CL_EINVAL;
		offset = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return CL_EINVAL;
	}
	int64_t secs = cl_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
	*out = secs * 1000 + ms;
	return 0;
}

char *nt_text_cut(const char *s, size_t max)
{
	size_t seen = 0, i;

	/* a code point starts at every byte that is not 10xxxxxx */
	for (i = 0; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) == 0x80)
			continue;
		if (seen == max)
			break;
		seen++;
	}
	if (!s[i])
		return cl_xstrdup(s);
	char *out = cl_xmalloc(i + sizeof NT_ELLIPSIS);
	memcpy(out, s, i);
	memcpy(out + i, NT_ELLIPSIS, sizeof NT_ELLIPSIS);
	return out;
}

int nt_parse_id(const char *s, int64_t *out)
{
	int64_t v = 0;

	if (!s || !*s)
		return CL_EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return CL_EINVAL;
		int d = *p - '0';
		if (v > (INT64_MAX - d) / 10)
			return CL_EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int64_t nt_text_jst_day(int64_t ms)
{
	int64_t s = ms / 1000 - (ms % 1000 < 0 ? 1 : 0) + NT_JST_OFFSET_S;
	return s / 86400 - (s % 86400 < 0 ? 1 : 0);
}
