/* post_body.c - the rules a post body must meet: not blank, not too long */
#include "records.h"

/* Decode the code point at s (valid UTF-8, at least one byte before end);
 * *n is its length in bytes. */
static uint32_t utf8_at(const unsigned char *s, const unsigned char *end, size_t *n)
{
	uint32_t c = s[0];
	size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if ((size_t)(end - s) < len)
		len = (size_t)(end - s);
	if (len == 2)
		c &= 0x1F;
	else if (len == 3)
		c &= 0x0F;
	else if (len == 4)
		c &= 0x07;
	for (size_t i = 1; i < len; i++)
		c = (c << 6) | (s[i] & 0x3F);
	*n = len;
	return c;
}

/* Unicode White_Space: what a person cannot see, ideographic space
 * included (a Japanese keyboard types U+3000). */
static bool is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
	       c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
	       c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* Start of the code point that ends just before end. */
static const unsigned char *utf8_prev(const unsigned char *begin, const unsigned char *end)
{
	const unsigned char *p = end - 1;
	while (p > begin && (*p & 0xC0) == 0x80)
		p--;
	return p;
}

size_t rec_utf8_count(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

enum rec_body_check rec_post_body_check(const char *body, size_t body_len,
					const char **start, size_t *len)
{
	return rec_post_body_check_max(body, body_len, REC_POST_BODY_MAX, start, len);
}

enum rec_body_check rec_post_body_check_max(const char *body, size_t body_len, size_t max,
					    const char **start, size_t *len)
{
	const unsigned char *b = (const unsigned char *)body;
	const unsigned char *e = b + body_len;
	size_t n;
	while (b < e && is_space(utf8_at(b, e, &n)))
		b += n;
	while (e > b) {
		const unsigned char *p = utf8_prev(b, e);
		if (!is_space(utf8_at(p, e, &n)))
			break;
		e = p;
	}
	if (b == e)
		return REC_BODY_EMPTY;
	if (rec_utf8_count((const char *)b, (size_t)(e - b)) > max)
		return REC_BODY_TOO_LONG;
	*start = (const char *)b;
	*len = (size_t)(e - b);
	return REC_BODY_OK;
}
