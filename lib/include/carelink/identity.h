/* identity.h - the signed identity the gateway forwards to services.
 *
 * Header "X-Carelink-Identity: <payload>.<mac>" where payload is the
 * base64url (no padding) of a compact JSON object
 *   {"u":user,"o":organisation,"p":profession,"r":[roles],"t":tenant,
 *    "n":display name,"on":organisation display name,"exp":unix seconds}
 * and mac is base64url(HMAC-SHA256(key, payload)) (libsodium
 * crypto_auth_hmacsha256). Verification compares in constant time and
 * rejects expired tokens.
 */
#ifndef CARELINK_IDENTITY_H
#define CARELINK_IDENTITY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CL_IDENTITY_HEADER "X-Carelink-Identity"
#define CL_IDENTITY_KEY_BYTES 32
#define CL_IDENTITY_MAX_ROLES 8
#define CL_IDENTITY_FIELD_MAX 128

struct cl_identity {
	char user[CL_IDENTITY_FIELD_MAX];
	char organisation[CL_IDENTITY_FIELD_MAX];
	char profession[CL_IDENTITY_FIELD_MAX];
	char tenant[CL_IDENTITY_FIELD_MAX];
	char name[CL_IDENTITY_FIELD_MAX];              /* display name */
	char organisation_name[CL_IDENTITY_FIELD_MAX]; /* display name */
	char roles[CL_IDENTITY_MAX_ROLES][CL_IDENTITY_FIELD_MAX];
	size_t n_roles;
	int64_t expires; /* unix seconds */
};

/* cl_identity_key_parse() - key from 64 hex characters. 0 or CL_EINVAL. */
int cl_identity_key_parse(const char *hex, unsigned char key[CL_IDENTITY_KEY_BYTES]);

/* cl_identity_sign() - header value for id; *out is malloc'd, caller frees.
 * Returns 0 or CL_EINVAL (a field too long). */
int cl_identity_sign(const struct cl_identity *id,
		     const unsigned char key[CL_IDENTITY_KEY_BYTES], char **out);

/* cl_identity_verify() - parse and check header (may be NULL: missing).
 * Returns 0 and fills *out, or CL_EAUTH when missing, malformed, forged or
 * expired at time now. */
int cl_identity_verify(const char *header,
		       const unsigned char key[CL_IDENTITY_KEY_BYTES], time_t now,
		       struct cl_identity *out);

/* cl_identity_has_role() - true when id carries role. */
int cl_identity_has_role(const struct cl_identity *id, const char *role);

#endif
