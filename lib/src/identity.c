/* identity.c - sign and verify the identity header the gateway forwards to services */
#include "carelink/identity.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "carelink/err.h"

_Static_assert(CL_IDENTITY_KEY_BYTES == crypto_auth_hmacsha256_KEYBYTES,
	       "identity keys are HMAC-SHA256 keys");

/* A header longer than this is rejected before any decoding. The longest
 * header cl_identity_sign() can produce (every field at its maximum, every
 * byte a control character escaped as \u00XX) stays below it. */
#define CL__IDENTITY_HEADER_MAX 16384

#define CL__B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static void identity_sodium_init(void)
{
	if (sodium_init() < 0)
		abort();
}

int cl_identity_key_parse(const char *hex, unsigned char key[CL_IDENTITY_KEY_BYTES])
{
	size_t bin_len = 0;

	if (!hex || strlen(hex) != 2 * CL_IDENTITY_KEY_BYTES)
		return CL_EINVAL;
	if (sodium_hex2bin(key, CL_IDENTITY_KEY_BYTES, hex, strlen(hex), NULL,
			   &bin_len, NULL) != 0 ||
	    bin_len != CL_IDENTITY_KEY_BYTES) {
		sodium_memzero(key, CL_IDENTITY_KEY_BYTES);
		return CL_EINVAL;
	}
	return 0;
}

/* A field fits when it ends within CL_IDENTITY_FIELD_MAX bytes. */
static bool identity_field_fits(const char *s)
{
	return strnlen(s, CL_IDENTITY_FIELD_MAX) < CL_IDENTITY_FIELD_MAX;
}

/* Add a string member; false when s is not valid UTF-8. */
static bool identity_put(json_t *obj, const char *key, const char *s)
{
	json_t *v = json_string(s);

	if (!v)
		return false;
	if (json_object_set_new(obj, key, v) != 0)
		abort();
	return true;
}

static void identity_mac(unsigned char mac[crypto_auth_hmacsha256_BYTES],
			 const char *payload, size_t len,
			 const unsigned char key[CL_IDENTITY_KEY_BYTES])
{
	crypto_auth_hmacsha256(mac, (const unsigned char *)payload, len, key);
}

int cl_identity_sign(const struct cl_identity *id,
		     const unsigned char key[CL_IDENTITY_KEY_BYTES], char **out)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	json_t *obj = NULL, *roles = NULL;
	char *json = NULL, *header = NULL;
	size_t json_len, b64_len, mac_b64_len, plen;
	int rc = CL_EINVAL;

	*out = NULL;
	identity_sodium_init();

	if (!identity_field_fits(id->user) || !identity_field_fits(id->organisation) ||
	    !identity_field_fits(id->profession) || !identity_field_fits(id->tenant) ||
	    !identity_field_fits(id->name) || id->n_roles > CL_IDENTITY_MAX_ROLES)
		goto out;
	/* Every row is scoped by tenant and every action has an author. */
	if (id->user[0] == '\0' || id->tenant[0] == '\0')
		goto out;

	obj = json_object();
	roles = json_array();
	if (!obj || !roles)
		abort();
	for (size_t i = 0; i < id->n_roles; i++) {
		json_t *r;

		if (!identity_field_fits(id->roles[i]))
			goto out;
		r = json_string(id->roles[i]);
		if (!r)
			goto out;
		if (json_array_append_new(roles, r) != 0)
			abort();
	}
	if (!identity_put(obj, "u", id->user) ||
	    !identity_put(obj, "o", id->organisation) ||
	    !identity_put(obj, "p", id->profession))
		goto out;
	if (json_object_set(obj, "r", roles) != 0)
		abort();
	if (!identity_put(obj, "t", id->tenant) || !identity_put(obj, "n", id->name) ||
	    !identity_put(obj, "on", id->organisation_name))
		goto out;
	if (json_object_set_new(obj, "exp", json_integer((json_int_t)id->expires)) != 0)
		abort();

	json = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!json)
		abort();
	json_len = strlen(json);

	b64_len = sodium_base64_ENCODED_LEN(json_len, CL__B64);
	mac_b64_len = sodium_base64_ENCODED_LEN(sizeof(mac), CL__B64);
	header = malloc(b64_len + mac_b64_len);
	if (!header)
		abort();
	sodium_bin2base64(header, b64_len, (const unsigned char *)json, json_len, CL__B64);
	plen = strlen(header);
	identity_mac(mac, header, plen, key);
	header[plen] = '.';
	sodium_bin2base64(header + plen + 1, mac_b64_len, mac, sizeof(mac), CL__B64);
	if (strlen(header) > CL__IDENTITY_HEADER_MAX)
		abort(); /* the limit above is wrong: verify would reject this */
	*out = header;
	header = NULL;
	rc = 0;
out:
	free(header);
	free(json);
	json_decref(roles);
	json_decref(obj);
	return rc;
}

/* Copy a JSON string into a fixed field; false when too long. */
static bool identity_copy(char dst[CL_IDENTITY_FIELD_MAX], const json_t *v)
{
	size_t len = json_string_length(v);
	const char *s = json_string_value(v);

	if (len >= CL_IDENTITY_FIELD_MAX || memchr(s, '\0', len))
		return false;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return true;
}

/* Decode and check the payload JSON into *id (not including expiry). */
static int identity_parse(const unsigned char *json, size_t len, struct cl_identity *id)
{
	json_t *obj, *u, *o, *p, *t, *r = NULL, *n = NULL, *on = NULL, *role;
	json_int_t exp;
	json_error_t jerr;
	size_t i;
	int rc = CL_EAUTH;

	obj = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj)
		return CL_EAUTH;
	if (json_unpack_ex(obj, &jerr, JSON_STRICT, "{s:o, s:o, s:o, s:o, s:I, s?o, s?o, s?o}",
			   "u", &u, "o", &o, "p", &p, "t", &t, "exp", &exp,
			   "r", &r, "n", &n, "on", &on) != 0)
		goto out;
	if (!json_is_string(u) || !json_is_string(o) || !json_is_string(p) ||
	    !json_is_string(t) || (n && !json_is_string(n)) || (on && !json_is_string(on)) ||
	    (r && !json_is_array(r)))
		goto out;
	if (!identity_copy(id->user, u) || !identity_copy(id->organisation, o) ||
	    !identity_copy(id->profession, p) || !identity_copy(id->tenant, t) ||
	    (n && !identity_copy(id->name, n)) ||
	    (on && !identity_copy(id->organisation_name, on)))
		goto out;
	if (id->user[0] == '\0' || id->tenant[0] == '\0')
		goto out;
	if (r) {
		if (json_array_size(r) > CL_IDENTITY_MAX_ROLES)
			goto out;
		json_array_foreach(r, i, role) {
			if (!json_is_string(role) || !identity_copy(id->roles[i], role))
				goto out;
		}
		id->n_roles = json_array_size(r);
	}
	id->expires = (int64_t)exp;
	rc = 0;
out:
	json_decref(obj);
	return rc;
}

int cl_identity_verify(const char *header,
		       const unsigned char key[CL_IDENTITY_KEY_BYTES], time_t now,
		       struct cl_identity *out)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	unsigned char want[crypto_auth_hmacsha256_BYTES];
	struct cl_identity id;
	unsigned char *json = NULL;
	const char *dot;
	size_t header_len, plen, mac_len = 0, json_len = 0;
	int rc = CL_EAUTH;

	memset(out, 0, sizeof(*out));
	memset(&id, 0, sizeof(id));
	identity_sodium_init();

	if (!header)
		goto out;
	header_len = strnlen(header, CL__IDENTITY_HEADER_MAX + 1);
	if (header_len > CL__IDENTITY_HEADER_MAX)
		goto out;
	dot = strchr(header, '.');
	if (!dot || dot == header)
		goto out;
	plen = (size_t)(dot - header);

	/* The MAC is checked before the payload is decoded at all. */
	if (sodium_base642bin(mac, sizeof(mac), dot + 1, header_len - plen - 1, NULL,
			      &mac_len, NULL, CL__B64) != 0 ||
	    mac_len != sizeof(mac))
		goto out;
	identity_mac(want, header, plen, key);
	if (crypto_verify_32(mac, want) != 0)
		goto out;

	json = malloc(plen);
	if (!json)
		abort();
	if (sodium_base642bin(json, plen, header, plen, NULL, &json_len, NULL, CL__B64) != 0)
		goto out;
	if (identity_parse(json, json_len, &id) != 0)
		goto out;
	if (id.expires <= (int64_t)now)
		goto out;
	*out = id;
	rc = 0;
out:
	free(json);
	return rc;
}

int cl_identity_has_role(const struct cl_identity *id, const char *role)
{
	size_t n = id->n_roles < CL_IDENTITY_MAX_ROLES ? id->n_roles : CL_IDENTITY_MAX_ROLES;

	for (size_t i = 0; i < n; i++)
		if (strncmp(id->roles[i], role, CL_IDENTITY_FIELD_MAX) == 0)
			return 1;
	return 0;
}
