/* calendar_feed_url.c - the secret of a feed URL's path and the URL of a
 * secret (apps.h); pure, no I/O */
#include "apps.h"

#include <stdio.h>
#include <string.h>

static bool b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

bool gw_feed_secret_of(const char *segment, char out[GW_FEED_SECRET_LEN + 1])
{
	size_t n = strlen(segment);
	if (n == GW_FEED_SECRET_LEN + 4 && !strcmp(segment + GW_FEED_SECRET_LEN, ".ics"))
		n = GW_FEED_SECRET_LEN;
	if (n != GW_FEED_SECRET_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!b64url_char(segment[i]))
			return false;
	memcpy(out, segment, n);
	out[n] = '\0';
	return true;
}

bool gw_feed_url(const char *base, const char *secret, char *out, size_t size)
{
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	int w = snprintf(out, size, "%.*s/ical/%s", (int)n, base, secret);
	return w >= 0 && (size_t)w < size;
}
