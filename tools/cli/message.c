/* message.c - one Kafka message as the JSON object `carelink-cli tail` prints */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "carelink/err.h"
#include "carelink/util.h"

#define CLI_AVRO_CONTENT_TYPE "application/avro"

char *cli_fingerprint_hex(uint64_t fp, char out[17])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 8; i++) {
		unsigned b = (unsigned)(fp >> (8 * i)) & 0xffu;

		out[2 * i] = digits[b >> 4];
		out[2 * i + 1] = digits[b & 0xfu];
	}
	out[16] = '\0';
	return out;
}

/* A new JSON string holding len bytes at p in base64 (standard alphabet,
 * padded). */
static json_t *base64_string(const void *p, size_t len)
{
	size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *text = cl_xmalloc(cap);
	json_t *s;

	sodium_bin2base64(text, cap, p, len, sodium_base64_VARIANT_ORIGINAL);
	s = json_string(text);
	free(text);
	if (!s)
		abort(); /* base64 is ASCII: only out-of-memory fails */
	return s;
}

/* Bytes as a JSON string when they are valid UTF-8, else {"base64": ...}. */
static json_t *bytes_json(const void *p, size_t len)
{
	json_t *s;

	if (!p)
		return json_null();
	s = json_stringn(len ? p : "", len);
	if (s)
		return s;
	s = json_object();
	json_object_set_new(s, "base64", base64_string(p, len));
	return s;
}

static json_t *headers_json(const struct cli_message *m)
{
	json_t *h = json_object();

	for (size_t i = 0; i < m->n_headers; i++) {
		const struct cli_header *x = &m->headers[i];

		/* a name that is not valid UTF-8 cannot be a JSON key: skipped */
		json_object_set_new(h, x->name, bytes_json(x->value, x->len));
	}
	return h;
}

/* The last value of header name as a NUL-terminated copy in out, or NULL. */
static const char *header_text(const struct cli_message *m, const char *name, char *out,
			       size_t size)
{
	for (size_t i = m->n_headers; i-- > 0;) {
		const struct cli_header *x = &m->headers[i];
		size_t n;

		if (strcmp(x->name, name) != 0 || !x->value)
			continue;
		n = x->len < size - 1 ? x->len : size - 1;
		memcpy(out, x->value, n);
		out[n] = '\0';
		if (memchr(out, '\0', n))
			return NULL;
		return out;
	}
	return NULL;
}

static bool has_avro_marker(const struct cli_message *m)
{
	const unsigned char *p = m->payload;

	return m->len >= 2 && p[0] == CL_AVRO_MARKER_0 && p[1] == CL_AVRO_MARKER_1;
}

/* The fingerprint in the header of a single-object message; false when the
 * payload is too short or lacks the marker. */
static bool payload_fingerprint(const struct cli_message *m, uint64_t *fp)
{
	const unsigned char *p = m->payload;

	if (m->len < CL_AVRO_HEADER_LEN || !has_avro_marker(m))
		return false;
	*fp = 0;
	for (int i = 7; i >= 0; i--)
		*fp = (*fp << 8) | p[2 + i];
	return true;
}

/* Why the payload did not decode, from rc and the decoder's own reason.
 * A payload that is not Avro at all is explained by its content-type when
 * it has one (carelink.alerts.cap carries XML). */
static void decode_reason(const struct cli_message *m, int rc, char *out, size_t size)
{
	char ct[128], hex[17];
	uint64_t fp;

	if (!has_avro_marker(m) &&
	    header_text(m, "content-type", ct, sizeof ct) &&
	    strncasecmp(ct, CLI_AVRO_CONTENT_TYPE, strlen(CLI_AVRO_CONTENT_TYPE)) != 0) {
		snprintf(out, size, "not avro: content-type \"%s\"", ct);
		return;
	}
	if (rc == CL_ENOENT && payload_fingerprint(m, &fp)) {
		snprintf(out, size, "no schema with fingerprint %s",
			 cli_fingerprint_hex(fp, hex));
		return;
	}
	snprintf(out, size, "%s", cl_avro_last_error());
}

json_t *cli_message_json(const struct cl_avro_registry *reg, const struct cli_message *m)
{
	json_t *o = json_object();
	json_t *value = NULL;
	const char *type = NULL;
	struct cl_avro_schema_info info;
	char reason[512];
	json_t *err;
	uint64_t fp;
	int rc;

	json_object_set_new(o, "topic", json_string(m->topic));
	json_object_set_new(o, "partition", json_integer(m->partition));
	json_object_set_new(o, "offset", json_integer(m->offset));
	json_object_set_new(o, "key", bytes_json(m->key, m->key_len));
	json_object_set_new(o, "timestamp",
			    m->timestamp >= 0 ? json_integer(m->timestamp) : json_null());
	json_object_set_new(o, "headers", headers_json(m));

	if (!m->payload) { /* tombstone: the key's latest state is "deleted" */
		json_object_set_new(o, "type", json_null());
		json_object_set_new(o, "value", json_null());
		return o;
	}
	rc = cl_avro_decode(reg, m->payload, m->len, &value, &type);
	if (rc == 0) {
		json_object_set_new(o, "type", json_string(type));
		json_object_set_new(o, "value", value);
		return o;
	}

	decode_reason(m, rc, reason, sizeof reason);
	/* a known schema whose datum is broken still names its type */
	if (payload_fingerprint(m, &fp) &&
	    cl_avro_registry_find_fingerprint(reg, fp, &info) == 0)
		type = info.full_name;
	json_object_set_new(o, "type", type ? json_string(type) : json_null());
	json_object_set_new(o, "value", json_null());
	/* reason may quote invalid UTF-8 from the payload: keep it printable */
	err = json_string(reason);
	if (!err)
		err = json_string("undecodable message");
	json_object_set_new(o, "error", err);
	json_object_set_new(o, "raw", base64_string(m->payload, m->len));
	return o;
}
