/* audit_text.c - the fixed text form of an audit row and its chained hash
 * (PATIENTS.md: hash = hex(SHA-256(prev_hash "\n" text))) */
#include "patient_parts.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

const char rec_audit_genesis[REC_AUDIT_HASH_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

struct text_buf {
	char *s;
	size_t len, cap;
};

static void buf_put(struct text_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = cl_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* one column: escaped value (or \N for NULL), then "\n" */
static void buf_column(struct text_buf *b, const char *v)
{
	if (!v) {
		buf_put(b, "\\N\n", 3);
		return;
	}
	for (const char *p = v; *p; p++) {
		if (*p == '\\')
			buf_put(b, "\\\\", 2);
		else if (*p == '\n')
			buf_put(b, "\\n", 2);
		else
			buf_put(b, p, 1);
	}
	buf_put(b, "\n", 1);
}

char *rec_audit_text(const struct rec_audit_row *r)
{
	struct text_buf b = {0};
	buf_put(&b, "", 0);
	const char *cols[] = {r->id,         r->at,       r->tenant_id, r->user_id,
			      r->user_name,  r->patient_id, r->entry_id, r->action,
			      r->route,      r->address,  r->outcome};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		buf_column(&b, cols[i]);
	return b.s;
}

void rec_audit_hash(const char *prev_hash, const char *text, char out[REC_AUDIT_HASH_HEX + 1])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)prev_hash, strlen(prev_hash));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)text, strlen(text));
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(out, REC_AUDIT_HASH_HEX + 1, digest, sizeof digest);
}
