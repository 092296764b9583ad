/* attachment_type.c - the pure rules of attachments: accepted types and
 * their magic bytes, file names, Content-Disposition with RFC 5987 names */
#include "records.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const types[] = {
	"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
};

const char *rec_attachment_type(const char *content_type)
{
	if (!content_type)
		return NULL;
	while (*content_type == ' ' || *content_type == '\t')
		content_type++;
	size_t n = strcspn(content_type, "; \t");
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strlen(types[i]) == n && !strncasecmp(types[i], content_type, n))
			return types[i];
	return NULL;
}

static bool starts(const unsigned char *d, size_t len, const char *magic, size_t n)
{
	return len >= n && !memcmp(d, magic, n);
}

bool rec_attachment_magic_ok(const char *type, const unsigned char *d, size_t len)
{
	if (!strcmp(type, "image/png"))
		return starts(d, len, "\x89PNG\r\n\x1a\n", 8);
	if (!strcmp(type, "image/jpeg"))
		return starts(d, len, "\xff\xd8\xff", 3);
	if (!strcmp(type, "image/gif"))
		return starts(d, len, "GIF87a", 6) || starts(d, len, "GIF89a", 6);
	if (!strcmp(type, "image/webp"))
		return len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4);
	if (!strcmp(type, "application/pdf"))
		return starts(d, len, "%PDF-", 5);
	return false;
}

bool rec_attachment_filename_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n < 1 || n > 255 || !rec_utf8_valid(name))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
			return false;
		/* C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8 */
		if (c == 0xc2 && i + 1 < n && (unsigned char)name[i + 1] >= 0x80 &&
		    (unsigned char)name[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

/* RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~" */
static bool attr_char(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$&+-.^_`|~", c));
}

char *rec_content_disposition(const char *type, const char *filename)
{
	const char *kind = !strncmp(type, "image/", 6) ? "inline" : "attachment";
	size_t n = strlen(filename);
	/* the ASCII fallback: printable ASCII but quote and backslash, other
	 * bytes as '_' (a UTF-8 sequence becomes one '_') */
	char *ascii = cl_xmalloc(n + 1), *enc = cl_xmalloc(3 * n + 1);
	size_t a = 0, e = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)filename[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			ascii[a++] = (char)c;
		else if ((c & 0xc0) != 0x80)
			ascii[a++] = '_';
		if (attr_char(c))
			enc[e++] = (char)c;
		else
			e += (size_t)sprintf(enc + e, "%%%02X", c);
	}
	ascii[a] = '\0';
	enc[e] = '\0';
	size_t size = strlen(kind) + a + e + 48;
	char *out = cl_xmalloc(size);
	snprintf(out, size, "%s; filename=\"%s\"; filename*=UTF-8''%s", kind, ascii, enc);
	free(ascii);
	free(enc);
	return out;
}

size_t rec_cfg_attachment_max(const struct rec_app *app)
{
	long v = cl_cfg_get_int(&app->svc->cfg, "records.attachment_max_bytes",
				REC_ATTACHMENT_MAX_BYTES);
	return v < 1 ? 1 : (size_t)v;
}
