/* avro_encode.c - jansson JSON to an Avro C generic value to a single-object message */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"
#include "avro_internal.h"

/* Where a value sits in the object being encoded, for error messages:
 * "audience.professions[1]". */
struct path {
	const struct path *up;
	const char *key;  /* field or map key, or NULL for an array index */
	size_t index;
};

static size_t path_format(const struct path *p, char *buf, size_t size)
{
	size_t n = 0;
	int w;

	if (!p || (!p->up && !p->key))
		return 0;
	n = path_format(p->up, buf, size);
	if (p->key)
		w = snprintf(buf + n, size - n, "%s%s", n ? "." : "", p->key);
	else
		w = snprintf(buf + n, size - n, "[%zu]", p->index);
	if (w > 0)
		n += (size_t)w < size - n ? (size_t)w : size - n - 1;
	return n;
}

static int fail(const struct path *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(const struct path *p, const char *fmt, ...)
{
	char where[160] = "";
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (path_format(p, where, sizeof(where)) > 0)
		cl__avro_set_error("%s: %s", where, what);
	else
		cl__avro_set_error("%s", what);
	return CL_EINVAL;
}

/* Bytes from a JSON string whose code points U+0000..U+00FF stand for the
 * bytes 0x00..0xFF. jansson guarantees well-formed UTF-8. */
static int bytes_from_json(const json_t *j, unsigned char **out, size_t *out_len)
{
	const unsigned char *s = (const unsigned char *)json_string_value(j);
	size_t n = json_string_length(j), k = 0;
	unsigned char *buf = cl__avro_xrealloc(NULL, n);

	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x80) {
			buf[k++] = s[i];
		} else if ((s[i] == 0xC2 || s[i] == 0xC3) && i + 1 < n) {
			buf[k++] = (unsigned char)(((s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F));
			i++;
		} else {
			free(buf);
			return CL_EINVAL;
		}
	}
	*out = buf;
	*out_len = k;
	return 0;
}

static int put_value(const struct cl__avro_entry *e, avro_value_t *v,
		     const json_t *j, const struct path *p);

static int put_record(const struct cl__avro_entry *e, avro_value_t *v,
		      const json_t *j, const struct path *p)
{
	avro_schema_t schema = avro_value_get_schema(v);
	const json_t *fields = cl__avro_record_fields(e, schema);
	const char *key;
	json_t *val;
	size_t n = 0;

	if (!json_is_object(j))
		return fail(p, "expected an object for record \"%s\"", avro_schema_name(schema));
	json_object_foreach((json_t *)j, key, val) {
		if (avro_schema_record_field_get_index(schema, key) < 0)
			return fail(p, "unknown field \"%s\"", key);
	}
	avro_value_get_size(v, &n);
	for (size_t i = 0; i < n; i++) {
		const char *name = NULL;
		const json_t *fv, *def = NULL;
		avro_value_t child;
		struct path here = { p, NULL, 0 };
		int rc;

		if (avro_value_get_by_index(v, i, &child, &name) != 0)
			return fail(p, "field %zu: %s", i, avro_strerror());
		here.key = name;
		fv = json_object_get(j, name);
		if (!fv) {
			const json_t *f = json_array_get(fields, i);
			const char *fname = json_string_value(json_object_get(f, "name"));

			if (fname && strcmp(fname, name) == 0)
				def = json_object_get(f, "default");
			if (!def)
				return fail(&here, "missing, and the field has no default");
			fv = def;
		}
		rc = put_value(e, &child, fv, &here);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int put_union(const struct cl__avro_entry *e, avro_value_t *v,
		     const json_t *j, const struct path *p)
{
	avro_schema_t schema = avro_value_get_schema(v);
	size_t n = avro_schema_union_size(schema);
	char first_error[256] = "";

	for (size_t i = 0; i < n; i++) {
		avro_value_t branch;
		int rc;

		if (avro_value_set_branch(v, (int)i, &branch) != 0)
			return fail(p, "union branch %zu: %s", i, avro_strerror());
		rc = put_value(e, &branch, j, p);
		if (rc == 0)
			return 0;
		/* Keep the most telling reason: the first non-null branch's. */
		if (!first_error[0] && avro_value_get_type(&branch) != AVRO_NULL)
			snprintf(first_error, sizeof(first_error), "%s", cl_avro_last_error());
	}
	if (first_error[0]) {
		cl__avro_set_error("%s", first_error);
		return CL_EINVAL;
	}
	return fail(p, "no branch of the union accepts the value");
}

static int put_value(const struct cl__avro_entry *e, avro_value_t *v,
		     const json_t *j, const struct path *p)
{
	avro_schema_t schema = avro_value_get_schema(v);
	int rc = 0;

	switch (avro_value_get_type(v)) {
	case AVRO_STRING:
		if (!json_is_string(j))
			return fail(p, "expected a string");
		rc = avro_value_set_string_len(v, json_string_value(j), json_string_length(j) + 1);
		break;
	case AVRO_BYTES:
	case AVRO_FIXED: {
		unsigned char *buf = NULL;
		size_t len = 0;

		if (!json_is_string(j) || bytes_from_json(j, &buf, &len) < 0)
			return fail(p, "expected a string of characters U+0000..U+00FF");
		if (avro_value_get_type(v) == AVRO_FIXED) {
			if ((int64_t)len != avro_schema_fixed_size(schema)) {
				free(buf);
				return fail(p, "expected exactly %lld bytes",
					    (long long)avro_schema_fixed_size(schema));
			}
			rc = avro_value_set_fixed(v, buf, len);
		} else {
			rc = avro_value_set_bytes(v, buf, len);
		}
		free(buf);
		break;
	}
	case AVRO_INT32:
		if (!json_is_integer(j) || json_integer_value(j) < INT32_MIN ||
		    json_integer_value(j) > INT32_MAX)
			return fail(p, "expected an integer that fits in 32 bits");
		rc = avro_value_set_int(v, (int32_t)json_integer_value(j));
		break;
	case AVRO_INT64:
		if (!json_is_integer(j))
			return fail(p, "expected an integer");
		rc = avro_value_set_long(v, (int64_t)json_integer_value(j));
		break;
	case AVRO_FLOAT:
		if (!json_is_number(j))
			return fail(p, "expected a number");
		if (!isfinite((float)json_number_value(j)))
			return fail(p, "number out of range for a float");
		rc = avro_value_set_float(v, (float)json_number_value(j));
		break;
	case AVRO_DOUBLE:
		if (!json_is_number(j))
			return fail(p, "expected a number");
		rc = avro_value_set_double(v, json_number_value(j));
		break;
	case AVRO_BOOLEAN:
		if (!json_is_boolean(j))
			return fail(p, "expected true or false");
		rc = avro_value_set_boolean(v, json_is_true(j));
		break;
	case AVRO_NULL:
		if (!json_is_null(j))
			return fail(p, "expected null");
		rc = avro_value_set_null(v);
		break;
	case AVRO_ENUM: {
		int idx;

		if (!json_is_string(j))
			return fail(p, "expected a symbol of enum \"%s\"", avro_schema_name(schema));
		idx = avro_schema_enum_get_by_name(schema, json_string_value(j));
		if (idx < 0)
			return fail(p, "\"%s\" is not a symbol of enum \"%s\"",
				    json_string_value(j), avro_schema_name(schema));
		rc = avro_value_set_enum(v, idx);
		break;
	}
	case AVRO_ARRAY: {
		size_t i;
		json_t *item;

		if (!json_is_array(j))
			return fail(p, "expected an array");
		json_array_foreach(j, i, item) {
			avro_value_t child;
			struct path here = { p, NULL, i };

			if (avro_value_append(v, &child, NULL) != 0)
				return fail(&here, "%s", avro_strerror());
			rc = put_value(e, &child, item, &here);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	case AVRO_MAP: {
		const char *key;
		json_t *item;

		if (!json_is_object(j))
			return fail(p, "expected an object");
		json_object_foreach((json_t *)j, key, item) {
			avro_value_t child;
			struct path here = { p, key, 0 };

			if (avro_value_add(v, key, &child, NULL, NULL) != 0)
				return fail(&here, "%s", avro_strerror());
			rc = put_value(e, &child, item, &here);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	case AVRO_RECORD:
		return put_record(e, v, j, p);
	case AVRO_UNION:
		return put_union(e, v, j, p);
	default:
		return fail(p, "unsupported avro type");
	}
	if (rc != 0)
		return fail(p, "%s", avro_strerror());
	return 0;
}

int cl_avro_encode(const struct cl_avro_registry *reg, const char *full_name,
		   const json_t *obj, unsigned char **out, size_t *out_len)
{
	const struct cl__avro_entry *e = cl__avro_registry_by_name(reg, full_name);
	struct path root = { NULL, NULL, 0 };
	avro_writer_t writer = NULL;
	avro_value_t value;
	bool have_value = false;
	unsigned char *buf = NULL;
	size_t size = 0;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (!e) {
		cl__avro_set_error("no schema named \"%s\"", full_name);
		return CL_ENOENT;
	}
	cl__avro_c_lock();
	if (avro_generic_value_new(e->iface, &value) != 0) {
		cl__avro_set_error("cannot create a value: %s", avro_strerror());
		rc = CL_EFATAL;
		goto out;
	}
	have_value = true;
	rc = put_value(e, &value, obj, &root);
	if (rc < 0)
		goto out;
	if (avro_value_sizeof(&value, &size) != 0) {
		rc = fail(&root, "%s", avro_strerror());
		goto out;
	}
	buf = cl__avro_xrealloc(NULL, CL_AVRO_HEADER_LEN + size);
	buf[0] = CL_AVRO_MARKER_0;
	buf[1] = CL_AVRO_MARKER_1;
	for (int i = 0; i < 8; i++)
		buf[2 + i] = (unsigned char)(e->fingerprint >> (8 * i));
	writer = avro_writer_memory((const char *)buf + CL_AVRO_HEADER_LEN, (int64_t)size);
	cl__avro_oom_check(writer);
	if (avro_value_write(writer, &value) != 0) {
		cl__avro_set_error("cannot write the datum: %s", avro_strerror());
		rc = CL_EFATAL;
		goto out;
	}
	*out = buf;
	*out_len = CL_AVRO_HEADER_LEN + size;
	buf = NULL;
out:
	if (writer)
		avro_writer_free(writer);
	if (have_value)
		avro_value_decref(&value);
	cl__avro_c_unlock();
	free(buf);
	return rc;
}
