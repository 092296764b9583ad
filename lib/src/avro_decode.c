/* avro_decode.c - single-object message to an Avro C generic value to jansson JSON
 *
 * The input is untrusted: the header is checked, the datum is walked
 * against the schema (avro_check.c) before Avro C sees a byte, and Avro C
 * reads under the memory budget of avro_alloc.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"
#include "avro_internal.h"

/* JSON string for bytes: byte b becomes code point U+00b (Avro JSON). */
static json_t *json_from_bytes(const unsigned char *p, size_t n)
{
	char *buf = cl__avro_xrealloc(NULL, 2 * n);
	size_t k = 0;
	json_t *j;

	for (size_t i = 0; i < n; i++) {
		if (p[i] < 0x80) {
			buf[k++] = (char)p[i];
		} else {
			buf[k++] = (char)(0xC0 | (p[i] >> 6));
			buf[k++] = (char)(0x80 | (p[i] & 0x3F));
		}
	}
	j = json_stringn_nocheck(buf, k);
	free(buf);
	cl__avro_oom_check(j);
	return j;
}

static int to_json(avro_value_t *v, json_t **out);

/* records and maps both become JSON objects: by field name or by key */
static int object_to_json(avro_value_t *v, json_t **out, bool is_map)
{
	json_t *obj = json_object();
	size_t n = 0;
	int rc = 0;

	cl__avro_oom_check(obj);
	avro_value_get_size(v, &n);
	for (size_t i = 0; i < n; i++) {
		avro_value_t child;
		const char *name = NULL;
		json_t *fv = NULL;

		if (avro_value_get_by_index(v, i, &child, &name) != 0) {
			cl__avro_set_error("%s %zu: %s", is_map ? "map entry" : "field", i,
					   avro_strerror());
			rc = CL_EINVAL;
			goto out;
		}
		rc = to_json(&child, &fv);
		if (rc < 0) {
			if (is_map)
				cl__avro_prefix_error("map entry %zu: ", i);
			else
				cl__avro_prefix_error("%s: ", name);
			goto out;
		}
		if (json_object_set_new(obj, name, fv) != 0) {
			if (is_map)
				cl__avro_set_error("map key %zu is not valid utf-8", i);
			else
				cl__avro_set_error("field name \"%s\" is not valid utf-8", name);
			rc = CL_EINVAL;
			goto out;
		}
	}
out:
	if (rc < 0) {
		json_decref(obj);
		obj = NULL;
	}
	*out = obj;
	return rc;
}

static int array_to_json(avro_value_t *v, json_t **out)
{
	json_t *arr = json_array();
	size_t n = 0;
	int rc = 0;

	cl__avro_oom_check(arr);
	avro_value_get_size(v, &n);
	for (size_t i = 0; i < n; i++) {
		avro_value_t child;
		json_t *item = NULL;

		if (avro_value_get_by_index(v, i, &child, NULL) != 0) {
			cl__avro_set_error("[%zu]: %s", i, avro_strerror());
			rc = CL_EINVAL;
			goto out;
		}
		rc = to_json(&child, &item);
		if (rc < 0) {
			cl__avro_prefix_error("[%zu]: ", i);
			goto out;
		}
		json_array_append_new(arr, item);
	}
out:
	if (rc < 0) {
		json_decref(arr);
		arr = NULL;
	}
	*out = arr;
	return rc;
}

static int to_json(avro_value_t *v, json_t **out)
{
	avro_schema_t schema = avro_value_get_schema(v);
	json_t *j = NULL;

	*out = NULL;
	switch (avro_value_get_type(v)) {
	case AVRO_STRING: {
		const char *s = NULL;
		size_t size = 0;

		if (avro_value_get_string(v, &s, &size) != 0)
			break;
		j = json_stringn(s, size ? size - 1 : 0);
		if (!j) {
			cl__avro_set_error("string is not valid utf-8");
			return CL_EINVAL;
		}
		*out = j;
		return 0;
	}
	case AVRO_BYTES: {
		const void *buf = NULL;
		size_t size = 0;

		if (avro_value_get_bytes(v, &buf, &size) != 0)
			break;
		*out = json_from_bytes(buf, size);
		return 0;
	}
	case AVRO_FIXED: {
		const void *buf = NULL;
		size_t size = 0;

		if (avro_value_get_fixed(v, &buf, &size) != 0)
			break;
		*out = json_from_bytes(buf, size);
		return 0;
	}
	case AVRO_INT32: {
		int32_t x;

		if (avro_value_get_int(v, &x) != 0)
			break;
		j = json_integer(x);
		break;
	}
	case AVRO_INT64: {
		int64_t x;

		if (avro_value_get_long(v, &x) != 0)
			break;
		j = json_integer(x);
		break;
	}
	case AVRO_FLOAT:
	case AVRO_DOUBLE: {
		double d;

		if (avro_value_get_type(v) == AVRO_FLOAT) {
			float f;

			if (avro_value_get_float(v, &f) != 0)
				break;
			d = f;
		} else if (avro_value_get_double(v, &d) != 0) {
			break;
		}
		if (!isfinite(d)) {
			cl__avro_set_error("number is not finite");
			return CL_EINVAL;
		}
		j = json_real(d);
		break;
	}
	case AVRO_BOOLEAN: {
		int b;

		if (avro_value_get_boolean(v, &b) != 0)
			break;
		j = json_boolean(b);
		break;
	}
	case AVRO_NULL:
		j = json_null();
		break;
	case AVRO_ENUM: {
		int idx;

		if (avro_value_get_enum(v, &idx) != 0)
			break;
		if (idx < 0 || idx >= avro_schema_enum_number_of_symbols(schema)) {
			cl__avro_set_error("enum index %d is out of range", idx);
			return CL_EINVAL;
		}
		j = json_string(avro_schema_enum_get(schema, idx));
		if (!j) {
			cl__avro_set_error("enum symbol is not valid utf-8");
			return CL_EINVAL;
		}
		*out = j;
		return 0;
	}
	case AVRO_ARRAY:
		return array_to_json(v, out);
	case AVRO_MAP:
		return object_to_json(v, out, true);
	case AVRO_RECORD:
		return object_to_json(v, out, false);
	case AVRO_UNION: {
		avro_value_t branch;

		if (avro_value_get_current_branch(v, &branch) != 0)
			break;
		return to_json(&branch, out);
	}
	default:
		cl__avro_set_error("unsupported avro type");
		return CL_EINVAL;
	}
	if (!j) {
		cl__avro_set_error("cannot read value: %s", avro_strerror());
		return CL_EINVAL;
	}
	*out = j;
	return 0;
}

int cl_avro_decode(const struct cl_avro_registry *reg, const void *data, size_t len,
		   json_t **out, const char **full_name)
{
	const unsigned char *p = data;
	const struct cl__avro_entry *e;
	avro_reader_t reader = NULL;
	avro_value_t value;
	bool have_value = false;
	uint64_t fp = 0;
	size_t limit;
	int rc = 0;

	*out = NULL;
	if (full_name)
		*full_name = NULL;
	if (len < CL_AVRO_HEADER_LEN) {
		cl__avro_set_error("message of %zu bytes is shorter than the %d-byte header",
				   len, CL_AVRO_HEADER_LEN);
		return CL_EINVAL;
	}
	if (p[0] != CL_AVRO_MARKER_0 || p[1] != CL_AVRO_MARKER_1) {
		cl__avro_set_error("not a single-object avro message: marker %02x %02x",
				   p[0], p[1]);
		return CL_EINVAL;
	}
	for (int i = 7; i >= 0; i--)
		fp = (fp << 8) | p[2 + i];
	e = cl__avro_registry_by_fingerprint(reg, fp);
	if (!e) {
		cl__avro_set_error("no schema with fingerprint %016llx", (unsigned long long)fp);
		return CL_ENOENT;
	}
	if (len - CL_AVRO_HEADER_LEN > INT64_MAX) {
		cl__avro_set_error("message too long");
		return CL_ETOOBIG;
	}
	rc = cl__avro_check_datum(e->schema, p + CL_AVRO_HEADER_LEN, len - CL_AVRO_HEADER_LEN);
	if (rc < 0) {
		cl__avro_prefix_error("malformed \"%s\" datum: ", e->full_name);
		return rc;
	}

	cl__avro_c_lock();
	reader = avro_reader_memory((const char *)p + CL_AVRO_HEADER_LEN,
				    (int64_t)(len - CL_AVRO_HEADER_LEN));
	cl__avro_oom_check(reader);
	limit = cl__avro_budget_for(len);
	cl__avro_budget_begin(limit, reader);
	if (avro_generic_value_new(e->iface, &value) != 0) {
		cl__avro_set_error("cannot start decoding \"%s\"", e->full_name);
		rc = cl__avro_budget_exceeded() ? CL_ETOOBIG : CL_EFATAL;
		goto out;
	}
	have_value = true;
	rc = avro_value_read(reader, &value);
	if (cl__avro_budget_exceeded()) {
		cl__avro_set_error("\"%s\" datum needs more memory than %zu bytes",
				   e->full_name, limit);
		rc = CL_ETOOBIG;
		goto out;
	}
	if (rc != 0) {
		cl__avro_set_error("malformed \"%s\" datum: %s", e->full_name,
				   avro_strerror());
		rc = CL_EINVAL;
		goto out;
	}
	rc = to_json(&value, out);
	if (rc < 0) {
		cl__avro_prefix_error("\"%s\" datum: ", e->full_name);
		goto out;
	}
	if (e->current)
		cl__avro_fill_defaults(e->current, *out);
	if (full_name)
		*full_name = e->full_name;
out:
	if (have_value)
		avro_value_decref(&value);
	if (reader)
		avro_reader_free(reader);
	cl__avro_budget_end();
	cl__avro_c_unlock();
	return rc;
}
