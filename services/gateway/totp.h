/* totp.h - two-factor codes: HOTP (RFC 4226) and TOTP (RFC 6238), base32
 * secrets (RFC 4648), otpauth:// enrolment URIs and their QR codes as SVG,
 * and who must use two-factor.
 *
 * Codes are 6 digits of HMAC-SHA1 over 30-second steps counted from the
 * Unix epoch. A code is accepted for the current step and one step either
 * side, and a step is never accepted twice for a person: the newest step
 * used is stored, and only later steps match.
 */
#ifndef CARELINK_GATEWAY_TOTP_H
#define CARELINK_GATEWAY_TOTP_H

#include <carelink/cfg.h>
#include <carelink/identity.h>
#include <carelink/pg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GW_TOTP_SECRET_BYTES 20
#define GW_TOTP_SECRET_B32 33   /* 32 base32 characters and NUL */
#define GW_TOTP_STEP 30         /* seconds */
#define GW_TOTP_DIGITS 6
#define GW_TOTP_WINDOW 1        /* steps accepted either side of now */
#define GW_TOTP_ISSUER "carelink"

enum gw_totp_alg {
	GW_TOTP_SHA1,
	GW_TOTP_SHA256,
	GW_TOTP_SHA512,
};

/* gw_hotp() - RFC 4226 value of key at counter with digits decimal digits
 * (1..9): dynamic truncation of HMAC-alg(key, counter) mod 10^digits. */
uint32_t gw_hotp(enum gw_totp_alg alg, const uint8_t *key, size_t key_len, uint64_t counter,
		 unsigned digits);
/* gw_hotp_format() - v as exactly digits decimal digits, zero-padded, into
 * out (size >= digits + 1). */
void gw_hotp_format(uint32_t v, unsigned digits, char *out);
/* gw_totp_step() - the RFC 6238 time step of unix_s (T0 = 0). */
int64_t gw_totp_step(int64_t unix_s, unsigned step_s);

/* gw_totp_match() - the step in now's window (GW_TOTP_WINDOW either side)
 * after last_step whose 6-digit SHA-1 code is code, or -1. code may carry
 * spaces and hyphens ("123 456"). Compares in constant time. */
int64_t gw_totp_match(const uint8_t *key, size_t key_len, const char *code, int64_t now_s,
		      int64_t last_step);

/* gw_base32_encode() - RFC 4648 base32 of in into out (NUL-terminated),
 * with '=' padding when pad. Returns the length written, or 0 when out is
 * too small (size < ((len + 4) / 5) * 8 + 1 with padding). */
size_t gw_base32_encode(const uint8_t *in, size_t len, char *out, size_t size, bool pad);
/* gw_base32_decode() - bytes of a base32 string (case-insensitive, padding
 * optional, spaces ignored) into out. Returns the byte count, or -1 when in
 * is not base32 or out is too small. */
long gw_base32_decode(const char *in, uint8_t *out, size_t size);

/* gw_totp_new_secret() - 20 random bytes as base32 (32 characters). */
void gw_totp_new_secret(char out[GW_TOTP_SECRET_B32]);
/* gw_totp_uri() - "otpauth://totp/carelink:<account>?secret=...&issuer=
 * carelink&algorithm=SHA1&digits=6&period=30"; caller frees. */
char *gw_totp_uri(const char *account, const char *secret_b32);
/* gw_qr_svg() - text as a QR code (error correction M) drawn as one SVG
 * path; caller frees; NULL when text does not fit a QR code. */
char *gw_qr_svg(const char *text);
/* gw_qr_svg_modules() - the SVG of a square of width modules, row-major,
 * bit 0 of each byte set for dark ones (libqrencode's layout), with a
 * quiet zone of 4 modules; caller frees. */
char *gw_qr_svg_modules(int width, const unsigned char *modules);

/* gw_totp_required() - true when id's roles or profession must use
 * two-factor (config auth.totp_required_roles, default
 * "tenant_admin,privacy_officer"; auth.totp_required_professions, default
 * "doctor,nurse,police_officer,firefighter"; comma-separated). */
bool gw_totp_required(const struct cl_cfg *cfg, const struct cl_identity *id);

/* one person's two-factor secret (table user_totp) */
struct gw_totp_row {
	char secret[64];    /* base32 */
	bool confirmed;     /* enabled */
	int64_t last_step;  /* the newest step accepted */
};

/* db_user.c */
/* gw_db_totp_get() - 0, or CL_ENOENT when user has no secret. */
int gw_db_totp_get(struct cl_pg *pg, const char *user_id, struct gw_totp_row *row);
/* gw_db_totp_setup() - store a new unconfirmed secret, replacing an
 * unconfirmed one. 0, or CL_ECONFLICT when two-factor is already enabled. */
int gw_db_totp_setup(struct cl_pg *pg, const char *user_id, const char *secret);
/* gw_db_totp_use() - record step as used (and confirm the secret when
 * confirm) when it is later than the stored one. 0, or CL_ECONFLICT when
 * step was not later: a replayed code. */
int gw_db_totp_use(struct cl_pg *pg, const char *user_id, int64_t step, bool confirm);
/* gw_db_totp_delete() - two-factor off. */
int gw_db_totp_delete(struct cl_pg *pg, const char *user_id);

#endif
