/* text_encoding.c - the encodings of CSV files: UTF-8 (checked, BOM) and
 * Shift_JIS as Windows code page 932 (through iconv), both ways */
#include "records.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* what code page 932 writes for a character it cannot hold: 〓 */
#define SJIS_GETA "\x81\xac"

bool rec_encoding_parse(const char *name, enum rec_encoding *out)
{
	if (!name || !*name || !strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8")) {
		*out = REC_ENC_UTF8;
		return true;
	}
	static const char *const sjis[] = {"shift_jis", "shift-jis", "sjis", "cp932",
					   "windows-31j"};
	for (size_t i = 0; i < sizeof sjis / sizeof sjis[0]; i++)
		if (!strcasecmp(name, sjis[i])) {
			*out = REC_ENC_SHIFT_JIS;
			return true;
		}
	return false;
}

const char *rec_encoding_name(enum rec_encoding enc)
{
	return enc == REC_ENC_SHIFT_JIS ? "shift_jis" : "utf-8";
}

/* the line (1 = first) of byte off of data: CRLF, LF and CR end lines
 * (neither byte is ever part of a multi-byte character in either encoding) */
static size_t line_at(const char *data, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		if (data[i] == '\n' || (data[i] == '\r' && !(i + 1 < off && data[i + 1] == '\n')))
			line++;
	return line;
}

/* length of the valid UTF-8 sequence at s (at most n bytes), 0 when invalid */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return c ? 1 : 0;
	size_t k;
	unsigned min;
	unsigned cp;
	if ((c & 0xe0) == 0xc0) {
		k = 2, min = 0x80, cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		k = 3, min = 0x800, cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		k = 4, min = 0x10000, cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

bool rec_text_utf8_check(const char *data, size_t len, size_t *bad_line)
{
	const unsigned char *s = (const unsigned char *)data;
	for (size_t i = 0; i < len;) {
		size_t k = utf8_seq(s + i, len - i);
		if (!k) {
			*bad_line = line_at(data, i);
			return false;
		}
		i += k;
	}
	return true;
}

size_t rec_text_bom_skip(const char *data, size_t len)
{
	return len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
}

/* Shift_JIS text that is really UTF-8: valid UTF-8 with a multi-byte
 * character (real Shift_JIS Japanese text practically never is); the
 * offset of the first such character */
static bool looks_utf8(const char *data, size_t len, size_t *off)
{
	size_t bad;
	if (!rec_text_utf8_check(data, len, &bad))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)data[i] >= 0x80) {
			*off = i;
			return true;
		}
	return false;
}

int rec_text_decode(const char *data, size_t len, enum rec_encoding enc, char **out,
		    size_t *out_len, size_t *bad_line)
{
	*out = NULL;
	*out_len = 0;
	const char *nul = memchr(data, '\0', len);
	if (nul) {
		*bad_line = line_at(data, (size_t)(nul - data));
		return CL_EINVAL;
	}
	if (enc == REC_ENC_UTF8) {
		size_t skip = rec_text_bom_skip(data, len);
		if (!rec_text_utf8_check(data + skip, len - skip, bad_line))
			return CL_EINVAL; /* the BOM holds no line break */
		*out = cl_xmalloc(len - skip + 1);
		memcpy(*out, data + skip, len - skip);
		(*out)[len - skip] = '\0';
		*out_len = len - skip;
		return 0;
	}
	size_t off;
	if (looks_utf8(data, len, &off)) {
		*bad_line = line_at(data, off);
		return CL_EINVAL;
	}
	iconv_t cd = iconv_open("UTF-8", "CP932");
	if (cd == (iconv_t)-1)
		return CL_EFATAL;
	/* a Shift_JIS character is at most 2 bytes and becomes at most 3 */
	size_t cap = 2 * len + 1;
	char *buf = cl_xmalloc(cap);
	char *in = (char *)data, *o = buf;
	size_t in_left = len, o_left = cap - 1;
	int rc = 0;
	if (iconv(cd, &in, &in_left, &o, &o_left) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &o, &o_left) == (size_t)-1) {
		*bad_line = line_at(data, (size_t)(in - data));
		free(buf);
		rc = CL_EINVAL;
	} else {
		*o = '\0';
		*out = buf;
		*out_len = (size_t)(o - buf);
	}
	iconv_close(cd);
	return rc;
}

int rec_text_encode(const char *text, size_t len, enum rec_encoding enc, char **out,
		    size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	size_t bad;
	if (!rec_text_utf8_check(text, len, &bad))
		return CL_EINVAL;
	if (enc == REC_ENC_UTF8) {
		*out = cl_xmalloc(len + 4);
		memcpy(*out, "\xef\xbb\xbf", 3);
		memcpy(*out + 3, text, len);
		(*out)[len + 3] = '\0';
		*out_len = len + 3;
		return 0;
	}
	iconv_t cd = iconv_open("CP932", "UTF-8");
	if (cd == (iconv_t)-1)
		return CL_EFATAL;
	/* a character of 1..4 UTF-8 bytes becomes at most 2 bytes */
	size_t cap = len + 3;
	char *buf = cl_xmalloc(cap);
	char *in = (char *)text, *o = buf;
	size_t in_left = len, o_left = cap - 1;
	while (in_left > 0) {
		if (iconv(cd, &in, &in_left, &o, &o_left) != (size_t)-1)
			break;
		if (errno != EILSEQ && errno != EINVAL) {
			free(buf);
			iconv_close(cd);
			return CL_EFATAL;
		}
		/* a character code page 932 cannot hold: 〓 instead */
		size_t k = utf8_seq((const unsigned char *)in, in_left);
		in += k ? k : 1;
		in_left -= k ? k : 1;
		memcpy(o, SJIS_GETA, 2);
		o += 2;
		o_left -= 2;
	}
	iconv(cd, NULL, NULL, &o, &o_left);
	iconv_close(cd);
	*o = '\0';
	*out = buf;
	*out_len = (size_t)(o - buf);
	return 0;
}
