/* workspace_url.c - records' URLs of the workspace and app routes: path ids
 * and keys checked, filter keys checked, query values checked as UTF-8 and
 * percent-encoded */
#include "workspace.h"

#include <carelink/err.h>
#include <string.h>

bool gw_ws_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
		      c == '-'))
			return false;
	}
	return true;
}

bool gw_ws_key_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 40 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int gw_ws_filter_key(const char *key)
{
	static const char *const prefixes[] = {"f.", "from.", "to."};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i]);
		if (!strncmp(key, prefixes[i], n))
			return gw_ws_key_ok(key + n) ? 1 : CL_EINVAL;
	}
	return 0;
}

/* length of the well-formed UTF-8 sequence at p, 0 when it is not one
 * (RFC 3629 table: the second byte's range depends on the first) */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		return 0;
	}
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

bool gw_ws_utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_seq(p);
		if (!n)
			return false;
		p += n;
	}
	return true;
}

static int append(char *out, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > size)
		return CL_ETOOBIG;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

int gw_ws_escape(char *out, size_t size, size_t *len, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = *len;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
		int rc = unreserved(*p) ? append(out, size, len, (const char *)p, 1)
					: append(out, size, len, enc, 3);
		if (rc < 0) {
			*len = start;
			if (size)
				out[start < size ? start : size - 1] = '\0';
			return rc;
		}
	}
	return 0;
}

int gw_ws_path(char *out, size_t size, size_t *len, const char *pattern,
	       char *const *params, size_t n)
{
	size_t used = 0;
	const char *p = pattern;
	while (*p) {
		if (*p != ':') {
			size_t k = strcspn(p, ":");
			if (append(out, size, len, p, k) < 0)
				return CL_ETOOBIG;
			p += k;
			continue;
		}
		size_t name = strcspn(p, "/"); /* the name itself is not sent */
		bool key = name == 4 && !strncmp(p, ":key", 4);
		p += name;
		if (used >= n || !(gw_ws_id_ok(params[used]) || (key && gw_ws_key_ok(params[used]))))
			return CL_ENOENT;
		if (append(out, size, len, params[used], strlen(params[used])) < 0)
			return CL_ETOOBIG;
		used++;
	}
	return 0;
}

int gw_ws_query(char *out, size_t size, size_t *len, const char *const *keys,
		const char *const *values, const char **bad_key)
{
	bool first = !memchr(out, '?', *len);
	for (size_t i = 0; keys && keys[i]; i++) {
		if (!values[i])
			continue;
		if (!gw_ws_utf8_ok(values[i])) {
			*bad_key = keys[i];
			return CL_EINVAL;
		}
		if (append(out, size, len, first ? "?" : "&", 1) < 0 ||
		    gw_ws_escape(out, size, len, keys[i]) < 0 ||
		    append(out, size, len, "=", 1) < 0 ||
		    gw_ws_escape(out, size, len, values[i]) < 0)
			return CL_ETOOBIG;
		first = false;
	}
	return 0;
}
