/* text.c - small text helpers: formatting, the page's links, cutting UTF-8
 * to a number of code points and strict parsing of ids given in query
 * strings and paths */
#include "notify.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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
