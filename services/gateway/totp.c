/* totp.c - HOTP/TOTP codes, base32, otpauth URIs and QR codes (see totp.h) */
#include "totp.h"

#include <carelink/util.h>
#include <nettle/hmac.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- HOTP */

#define MAX_DIGEST 64

/* HMAC-alg(key, msg) into out; returns the digest length */
static size_t hmac(enum gw_totp_alg alg, const uint8_t *key, size_t key_len, const uint8_t *msg,
		   size_t msg_len, uint8_t out[MAX_DIGEST])
{
	switch (alg) {
	case GW_TOTP_SHA256: {
		crypto_auth_hmacsha256_state st;
		crypto_auth_hmacsha256_init(&st, key, key_len);
		crypto_auth_hmacsha256_update(&st, msg, msg_len);
		crypto_auth_hmacsha256_final(&st, out);
		sodium_memzero(&st, sizeof st);
		return crypto_auth_hmacsha256_BYTES;
	}
	case GW_TOTP_SHA512: {
		crypto_auth_hmacsha512_state st;
		crypto_auth_hmacsha512_init(&st, key, key_len);
		crypto_auth_hmacsha512_update(&st, msg, msg_len);
		crypto_auth_hmacsha512_final(&st, out);
		sodium_memzero(&st, sizeof st);
		return crypto_auth_hmacsha512_BYTES;
	}
	case GW_TOTP_SHA1:
	default: {
		struct hmac_sha1_ctx ctx;
		hmac_sha1_set_key(&ctx, key_len, key);
		hmac_sha1_update(&ctx, msg_len, msg);
		hmac_sha1_digest(&ctx, SHA1_DIGEST_SIZE, out);
		sodium_memzero(&ctx, sizeof ctx);
		return SHA1_DIGEST_SIZE;
	}
	}
}

uint32_t gw_hotp(enum gw_totp_alg alg, const uint8_t *key, size_t key_len, uint64_t counter,
		 unsigned digits)
{
	uint8_t msg[8], mac[MAX_DIGEST];
	for (int i = 7; i >= 0; i--) {
		msg[i] = (uint8_t)(counter & 0xff);
		counter >>= 8;
	}
	size_t n = hmac(alg, key, key_len, msg, sizeof msg, mac);
	/* dynamic truncation (RFC 4226 section 5.3) */
	unsigned off = mac[n - 1] & 0x0f;
	uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
		       ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
	sodium_memzero(mac, sizeof mac);
	uint32_t mod = 1;
	if (digits < 1)
		digits = 1;
	if (digits > 9)
		digits = 9;
	for (unsigned i = 0; i < digits; i++)
		mod *= 10;
	return bin % mod;
}

void gw_hotp_format(uint32_t v, unsigned digits, char *out)
{
	out[digits] = '\0';
	for (unsigned i = digits; i > 0; i--) {
		out[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
}

int64_t gw_totp_step(int64_t unix_s, unsigned step_s)
{
	if (unix_s < 0)
		return -1;
	return unix_s / step_s;
}

/* code without spaces and hyphens into out; false unless that is exactly
 * GW_TOTP_DIGITS digits */
static bool normalise_code(const char *code, char out[GW_TOTP_DIGITS + 1])
{
	size_t n = 0;
	for (const char *p = code; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p < '0' || *p > '9' || n == GW_TOTP_DIGITS)
			return false;
		out[n++] = *p;
	}
	out[n] = '\0';
	return n == GW_TOTP_DIGITS;
}

int64_t gw_totp_match(const uint8_t *key, size_t key_len, const char *code, int64_t now_s,
		      int64_t last_step)
{
	char want[GW_TOTP_DIGITS + 1];
	if (!normalise_code(code, want))
		return -1;
	int64_t now = gw_totp_step(now_s, GW_TOTP_STEP);
	int64_t found = -1;
	/* every candidate is computed and compared: the time taken does not
	 * depend on which one matched */
	for (int64_t step = now - GW_TOTP_WINDOW; step <= now + GW_TOTP_WINDOW; step++) {
		if (step < 0)
			continue;
		char got[GW_TOTP_DIGITS + 1];
		gw_hotp_format(gw_hotp(GW_TOTP_SHA1, key, key_len, (uint64_t)step, GW_TOTP_DIGITS),
			       GW_TOTP_DIGITS, got);
		bool same = sodium_memcmp(got, want, GW_TOTP_DIGITS) == 0;
		if (same && step > last_step && found < 0)
			found = step;
	}
	return found;
}

/* ---------------------------------------------------------------- base32 */

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t gw_base32_encode(const uint8_t *in, size_t len, char *out, size_t size, bool pad)
{
	size_t chars = (len * 8 + 4) / 5;
	size_t total = pad ? (len + 4) / 5 * 8 : chars;
	if (size < total + 1)
		return 0;
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32_alphabet[(acc >> (bits - 5)) & 0x1f];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = b32_alphabet[(acc << (5 - bits)) & 0x1f];
	while (o < total)
		out[o++] = '=';
	out[o] = '\0';
	return o;
}

static int b32_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

long gw_base32_decode(const char *in, uint8_t *out, size_t size)
{
	size_t o = 0, chars = 0;
	uint32_t acc = 0;
	int bits = 0;
	bool padding = false;
	for (const char *p = in; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p == '=') {
			padding = true;
			continue;
		}
		int v = b32_value(*p);
		if (v < 0 || padding)
			return -1; /* not base32, or data after padding */
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		chars++;
		if (bits >= 8) {
			if (o == size)
				return -1;
			out[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
		acc &= (1u << bits) - 1;
	}
	/* 1, 3 and 6 characters of a final group cannot end a byte string */
	size_t tail = chars % 8;
	if (tail == 1 || tail == 3 || tail == 6)
		return -1;
	return (long)o;
}

/* ---------------------------------------------------------------- enrolment */

void gw_totp_new_secret(char out[GW_TOTP_SECRET_B32])
{
	uint8_t key[GW_TOTP_SECRET_BYTES];
	randombytes_buf(key, sizeof key);
	gw_base32_encode(key, sizeof key, out, GW_TOTP_SECRET_B32, false);
	sodium_memzero(key, sizeof key);
}

/* a growing string */
struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = (t->cap + (size_t)n + 1) * 2;
		t->s = cl_xrealloc(t->s, t->cap);
	}
}

static void text_init(struct text *t, size_t cap)
{
	t->s = cl_xmalloc(cap);
	t->s[0] = '\0';
	t->len = 0;
	t->cap = cap;
}

/* percent-encoding of everything but RFC 3986's unreserved characters */
static void text_add_encoded(struct text *t, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~')
			text_add(t, "%c", *p);
		else
			text_add(t, "%%%02X", *p);
	}
}

char *gw_totp_uri(const char *account, const char *secret_b32)
{
	struct text t;
	text_init(&t, 256);
	text_add(&t, "otpauth://totp/");
	text_add_encoded(&t, GW_TOTP_ISSUER);
	text_add(&t, ":");
	text_add_encoded(&t, account);
	text_add(&t, "?secret=%s&issuer=", secret_b32);
	text_add_encoded(&t, GW_TOTP_ISSUER);
	text_add(&t, "&algorithm=SHA1&digits=%d&period=%d", GW_TOTP_DIGITS, GW_TOTP_STEP);
	return t.s;
}

#define QR_QUIET 4
#define QR_PIXELS 6 /* per module, for the drawn size */

char *gw_qr_svg_modules(int width, const unsigned char *modules)
{
	int size = width + 2 * QR_QUIET;
	struct text t;
	text_init(&t, 4096);
	text_add(&t,
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
		 " width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">"
		 "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		 size, size, size * QR_PIXELS, size * QR_PIXELS, size, size);
	for (int y = 0; y < width; y++) {
		for (int x = 0; x < width;) {
			if (!(modules[y * width + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < width && (modules[y * width + x + run] & 1))
				run++;
			text_add(&t, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	}
	text_add(&t, "\"/></svg>");
	return t.s;
}

char *gw_qr_svg(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return NULL;
	char *svg = gw_qr_svg_modules(qr->width, qr->data);
	QRcode_free(qr);
	return svg;
}

/* ---------------------------------------------------------------- who must */

/* true when word is one of the comma-separated items of list */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	if (!n)
		return false;
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *end = p;
		while (*end && *end != ',')
			end++;
		const char *last = end;
		while (last > p && last[-1] == ' ')
			last--;
		if ((size_t)(last - p) == n && !strncmp(p, word, n))
			return true;
		p = end;
	}
	return false;
}

bool gw_totp_required(const struct cl_cfg *cfg, const struct cl_identity *id)
{
	const char *roles =
		cl_cfg_get(cfg, "auth.totp_required_roles", "tenant_admin,privacy_officer");
	const char *professions = cl_cfg_get(cfg, "auth.totp_required_professions",
					     "doctor,nurse,police_officer,firefighter");
	if (in_list(professions, id->profession))
		return true;
	for (size_t i = 0; i < id->n_roles; i++)
		if (in_list(roles, id->roles[i]))
			return true;
	return false;
}
