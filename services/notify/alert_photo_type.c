/* alert_photo_type.c - the pure rules of an alert's photo: JPEG or PNG,
 * the declared type and the magic bytes agreeing; its SHA-1 */
#include "alerts.h"

#include <nettle/sha1.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void nt_alert_photo_sha1(const void *data, size_t len, char hex[41])
{
	struct sha1_ctx ctx;
	uint8_t d[SHA1_DIGEST_SIZE];
	sha1_init(&ctx);
	sha1_update(&ctx, len, data);
	sha1_digest(&ctx, sizeof d, d);
	for (size_t i = 0; i < sizeof d; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

const char *nt_alert_photo_type(const char *content_type, const unsigned char *data,
				size_t len, bool *type_ok)
{
	static const struct {
		const char *type;
		const char *magic;
		size_t n;
	} known[] = {
		{"image/jpeg", "\xff\xd8\xff", 3},
		{"image/png", "\x89PNG\r\n\x1a\n", 8},
	};
	*type_ok = false;
	if (!content_type)
		return NULL;
	while (*content_type == ' ' || *content_type == '\t')
		content_type++;
	size_t n = strcspn(content_type, "; \t");
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strlen(known[i].type) != n || strncasecmp(known[i].type, content_type, n))
			continue;
		*type_ok = true;
		if (data && len >= known[i].n && !memcmp(data, known[i].magic, known[i].n))
			return known[i].type;
		return NULL;
	}
	return NULL;
}
