/* avro_check.c - walk an untrusted Avro binary datum against its schema before Avro C reads it
 *
 * Avro C 1.11 allocates whatever a length or count in the datum claims
 * before it looks for the bytes, and many of its allocations are used
 * unchecked, so it must never meet a claim the message cannot back. This
 * walk allocates nothing. It accepts a datum only when every string, bytes
 * and fixed fits in what is left of the message, every union branch and
 * enum symbol exists, varints are at most 10 bytes, booleans are 0 or 1,
 * nesting stays shallow, and the datum ends exactly where the message
 * ends. Items that take no bytes at all (null, empty records) are limited
 * in number, so a claimed count cannot spin for long either.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "carelink/err.h"
#include "avro_internal.h"

#define CL__AVRO_CHECK_DEPTH_MAX 64
#define CL__AVRO_CHECK_EMPTY_ITEMS_MAX 65536

struct walk {
	const unsigned char *p;
	const unsigned char *end;
	size_t empty_items; /* items that took no bytes, so far */
};

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad(const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	cl__avro_set_error("%s", what);
	return CL_EINVAL;
}

static size_t left(const struct walk *w)
{
	return (size_t)(w->end - w->p);
}

static int read_long(struct walk *w, int64_t *out)
{
	uint64_t v = 0;

	for (int i = 0; i < 10; i++) {
		unsigned char b;

		if (w->p == w->end)
			return bad("datum ends inside a number");
		b = *w->p++;
		if (i == 9 && b > 1)
			return bad("number longer than 64 bits");
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
			return 0;
		}
	}
	return bad("number longer than 64 bits");
}

static int skip(struct walk *w, int64_t n, const char *what)
{
	if (n < 0)
		return bad("%s of negative length %" PRId64, what, n);
	if ((uint64_t)n > left(w))
		return bad("%s of %" PRId64 " bytes, only %zu left", what, n, left(w));
	w->p += n;
	return 0;
}

static int check(struct walk *w, avro_schema_t s, int depth);

/* Blocks of an array or map: count, [byte size if count < 0], items. */
static int check_blocks(struct walk *w, avro_schema_t item, bool is_map, int depth)
{
	int64_t count, size;
	int rc;

	for (;;) {
		rc = read_long(w, &count);
		if (rc < 0)
			return rc;
		if (count == 0)
			return 0;
		if (count < 0) {
			if (count == INT64_MIN)
				return bad("block count out of range");
			count = -count;
			rc = read_long(w, &size);
			if (rc < 0)
				return rc;
			if (size < 0 || (uint64_t)size > left(w))
				return bad("block of %" PRId64 " bytes, only %zu left", size,
					   left(w));
		}
		for (int64_t i = 0; i < count; i++) {
			const unsigned char *start = w->p;
			int64_t klen;

			if (is_map) {
				rc = read_long(w, &klen);
				if (rc == 0)
					rc = skip(w, klen, "map key");
				if (rc < 0)
					return rc;
			}
			rc = check(w, item, depth + 1);
			if (rc < 0)
				return rc;
			if (w->p == start &&
			    ++w->empty_items > CL__AVRO_CHECK_EMPTY_ITEMS_MAX)
				return bad("more than %d items that take no bytes",
					   CL__AVRO_CHECK_EMPTY_ITEMS_MAX);
		}
	}
}

static int check(struct walk *w, avro_schema_t s, int depth)
{
	int64_t n;
	int rc;

	if (depth > CL__AVRO_CHECK_DEPTH_MAX)
		return bad("values nested deeper than %d", CL__AVRO_CHECK_DEPTH_MAX);
	if (is_avro_link(s))
		s = avro_schema_link_target(s);

	switch (avro_typeof(s)) {
	case AVRO_NULL:
		return 0;
	case AVRO_BOOLEAN:
		if (left(w) < 1)
			return bad("datum ends inside a boolean");
		if (*w->p > 1)
			return bad("boolean byte %u is neither 0 nor 1", *w->p);
		w->p++;
		return 0;
	case AVRO_INT32:
		rc = read_long(w, &n);
		if (rc == 0 && (n < INT32_MIN || n > INT32_MAX))
			return bad("int %" PRId64 " out of range", n);
		return rc;
	case AVRO_INT64:
		return read_long(w, &n);
	case AVRO_FLOAT:
		return skip(w, 4, "float");
	case AVRO_DOUBLE:
		return skip(w, 8, "double");
	case AVRO_STRING:
	case AVRO_BYTES:
		rc = read_long(w, &n);
		if (rc < 0)
			return rc;
		return skip(w, n, avro_typeof(s) == AVRO_STRING ? "string" : "bytes");
	case AVRO_FIXED:
		return skip(w, avro_schema_fixed_size(s), "fixed");
	case AVRO_ENUM:
		rc = read_long(w, &n);
		if (rc == 0 && (n < 0 || n >= avro_schema_enum_number_of_symbols(s)))
			return bad("enum index %" PRId64 " out of range", n);
		return rc;
	case AVRO_UNION:
		rc = read_long(w, &n);
		if (rc < 0)
			return rc;
		if (n < 0 || (uint64_t)n >= avro_schema_union_size(s))
			return bad("union branch %" PRId64 " out of range", n);
		return check(w, avro_schema_union_branch(s, (int)n), depth + 1);
	case AVRO_RECORD: {
		size_t fields = avro_schema_record_size(s);

		for (size_t i = 0; i < fields; i++) {
			rc = check(w, avro_schema_record_field_get_by_index(s, (int)i), depth + 1);
			if (rc < 0) {
				cl__avro_prefix_error("%s: ", avro_schema_record_field_name(s, (int)i));
				return rc;
			}
		}
		return 0;
	}
	case AVRO_ARRAY:
		return check_blocks(w, avro_schema_array_items(s), false, depth);
	case AVRO_MAP:
		return check_blocks(w, avro_schema_map_values(s), true, depth);
	default:
		return bad("unsupported avro type");
	}
}

int cl__avro_check_datum(avro_schema_t schema, const void *data, size_t len)
{
	struct walk w = { data, (const unsigned char *)data + len, 0 };
	int rc = check(&w, schema, 0);

	if (rc < 0)
		return rc;
	if (w.p != w.end)
		return bad("%zu bytes follow the datum", left(&w));
	return 0;
}
