/* avro_canonical.c - Parsing Canonical Form of an Avro schema given as JSON text
 *
 * The rules of the Avro specification, applied while walking the schema
 * parsed by jansson and writing the result to a memory stream:
 *   PRIMITIVES  {"type":"int"} becomes "int"
 *   FULLNAMES   names of records, enums and fixeds, and references to them,
 *               are written as full names
 *   STRIP       only type, name, fields, symbols, items, values and size
 *               are kept
 *   ORDER       name, type, fields, symbols, items, values, size
 *   STRINGS     jansson has already turned escapes into UTF-8
 *   INTEGERS    size is printed as a plain decimal integer
 *   WHITESPACE  none is written
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"
#include "avro_internal.h"

struct canon {
	FILE *out;
	char **names; /* full names defined so far, to resolve references */
	size_t n_names;
	size_t cap_names;
};

static const char *const primitive_names[] = {
	"null", "boolean", "int", "long", "float", "double", "bytes", "string",
};

static bool is_primitive(const char *name)
{
	for (size_t i = 0; i < sizeof(primitive_names) / sizeof(primitive_names[0]); i++)
		if (strcmp(name, primitive_names[i]) == 0)
			return true;
	return false;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	cl__avro_oom_check(d);
	return d;
}

static char *join_name(const char *ns, const char *name)
{
	size_t nl = strlen(ns), ml = strlen(name);
	char *full = cl__avro_xrealloc(NULL, nl + 1 + ml + 1);

	memcpy(full, ns, nl);
	full[nl] = '.';
	memcpy(full + nl + 1, name, ml + 1);
	return full;
}

/* Write s as a JSON string: quotes, backslashes and control characters are
 * escaped, everything else (UTF-8 included) is written as is. */
static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static bool is_defined(const struct canon *c, const char *full)
{
	for (size_t i = 0; i < c->n_names; i++)
		if (strcmp(c->names[i], full) == 0)
			return true;
	return false;
}

static void define_name(struct canon *c, const char *full)
{
	if (c->n_names == c->cap_names) {
		c->cap_names = c->cap_names ? 2 * c->cap_names : 8;
		c->names = cl__avro_xrealloc(c->names, c->cap_names * sizeof(*c->names));
	}
	c->names[c->n_names++] = xstrdup(full);
}

/* Full name of a reference written in namespace ns. A short name means the
 * type of that name in ns if one is defined, else a type of that name in
 * the null namespace if one is defined, else (unresolved) ns.name. */
static char *resolve_reference(const struct canon *c, const char *name, const char *ns)
{
	char *full;

	if (strchr(name, '.') || !*ns)
		return xstrdup(name);
	full = join_name(ns, name);
	if (!is_defined(c, full) && is_defined(c, name)) {
		free(full);
		return xstrdup(name);
	}
	return full;
}

static int canon_schema(struct canon *c, const json_t *s, const char *ns);

static int canon_fields(struct canon *c, const json_t *fields, const char *ns,
			const char *full)
{
	size_t i;
	json_t *field;

	if (!json_is_array(fields)) {
		cl__avro_set_error("record \"%s\": \"fields\" must be an array", full);
		return CL_EINVAL;
	}
	fputs(",\"fields\":[", c->out);
	json_array_foreach(fields, i, field) {
		const json_t *name = json_object_get(field, "name");
		const json_t *type = json_object_get(field, "type");
		int rc;

		if (!json_is_string(name) || !type) {
			cl__avro_set_error("record \"%s\": field %zu needs a \"name\" and a \"type\"",
					   full, i);
			return CL_EINVAL;
		}
		fputs(i ? ",{\"name\":" : "{\"name\":", c->out);
		put_string(c->out, json_string_value(name));
		fputs(",\"type\":", c->out);
		rc = canon_schema(c, type, ns);
		if (rc < 0)
			return rc;
		fputc('}', c->out);
	}
	fputc(']', c->out);
	return 0;
}

static int canon_symbols(struct canon *c, const json_t *symbols, const char *full)
{
	size_t i;
	json_t *sym;

	if (!json_is_array(symbols)) {
		cl__avro_set_error("enum \"%s\": \"symbols\" must be an array", full);
		return CL_EINVAL;
	}
	fputs(",\"symbols\":[", c->out);
	json_array_foreach(symbols, i, sym) {
		if (!json_is_string(sym)) {
			cl__avro_set_error("enum \"%s\": symbol %zu is not a string", full, i);
			return CL_EINVAL;
		}
		if (i)
			fputc(',', c->out);
		put_string(c->out, json_string_value(sym));
	}
	fputc(']', c->out);
	return 0;
}

/* A record, error, enum or fixed definition. */
static int canon_named(struct canon *c, const json_t *obj, const char *type,
		       const char *ns)
{
	const json_t *name = json_object_get(obj, "name");
	const json_t *space = json_object_get(obj, "namespace");
	const char *n, *own_ns, *dot;
	char *full = NULL, *child_ns = NULL;
	int rc = 0;

	if (!json_is_string(name)) {
		cl__avro_set_error("%s without a \"name\"", type);
		return CL_EINVAL;
	}
	if (space && !json_is_string(space) && !json_is_null(space)) {
		cl__avro_set_error("%s \"%s\": \"namespace\" must be a string", type,
				   json_string_value(name));
		return CL_EINVAL;
	}
	n = json_string_value(name);
	own_ns = json_is_string(space) ? json_string_value(space) : ns;
	if (strchr(n, '.') || !*own_ns)
		full = xstrdup(n);
	else
		full = join_name(own_ns, n);
	define_name(c, full);

	/* Named types inside take the namespace of this full name. */
	dot = strrchr(full, '.');
	child_ns = dot ? strndup(full, (size_t)(dot - full)) : xstrdup("");
	cl__avro_oom_check(child_ns);

	fputs("{\"name\":", c->out);
	put_string(c->out, full);
	fputs(",\"type\":", c->out);
	put_string(c->out, type);
	if (strcmp(type, "enum") == 0) {
		rc = canon_symbols(c, json_object_get(obj, "symbols"), full);
	} else if (strcmp(type, "fixed") == 0) {
		const json_t *size = json_object_get(obj, "size");

		if (!json_is_integer(size) || json_integer_value(size) < 0) {
			cl__avro_set_error("fixed \"%s\": \"size\" must be a non-negative integer",
					   full);
			rc = CL_EINVAL;
			goto out;
		}
		fprintf(c->out, ",\"size\":%" JSON_INTEGER_FORMAT, json_integer_value(size));
	} else {
		rc = canon_fields(c, json_object_get(obj, "fields"), child_ns, full);
	}
	if (rc == 0)
		fputc('}', c->out);
out:
	free(child_ns);
	free(full);
	return rc;
}

static int canon_object(struct canon *c, const json_t *obj, const char *ns)
{
	const json_t *type = json_object_get(obj, "type");
	const char *t;
	int rc;

	if (!type) {
		cl__avro_set_error("schema object without \"type\"");
		return CL_EINVAL;
	}
	if (!json_is_string(type)) /* {"type": {...}} or {"type": [...]} */
		return canon_schema(c, type, ns);
	t = json_string_value(type);
	if (is_primitive(t)) {
		put_string(c->out, t);
		return 0;
	}
	if (strcmp(t, "record") == 0 || strcmp(t, "error") == 0 ||
	    strcmp(t, "enum") == 0 || strcmp(t, "fixed") == 0)
		return canon_named(c, obj, t, ns);
	if (strcmp(t, "array") == 0 || strcmp(t, "map") == 0) {
		const char *key = t[0] == 'a' ? "items" : "values";
		const json_t *sub = json_object_get(obj, key);

		if (!sub) {
			cl__avro_set_error("%s without \"%s\"", t, key);
			return CL_EINVAL;
		}
		fprintf(c->out, "{\"type\":\"%s\",\"%s\":", t, key);
		rc = canon_schema(c, sub, ns);
		if (rc < 0)
			return rc;
		fputc('}', c->out);
		return 0;
	}
	/* {"type":"SomeRecord"}: a reference to a named type */
	return canon_schema(c, type, ns);
}

static int canon_schema(struct canon *c, const json_t *s, const char *ns)
{
	if (json_is_string(s)) {
		const char *name = json_string_value(s);
		char *full;

		if (is_primitive(name)) {
			put_string(c->out, name);
			return 0;
		}
		full = resolve_reference(c, name, ns);
		put_string(c->out, full);
		free(full);
		return 0;
	}
	if (json_is_array(s)) {
		size_t i;
		json_t *branch;

		fputc('[', c->out);
		json_array_foreach(s, i, branch) {
			int rc;

			if (i)
				fputc(',', c->out);
			rc = canon_schema(c, branch, ns);
			if (rc < 0)
				return rc;
		}
		fputc(']', c->out);
		return 0;
	}
	if (json_is_object(s))
		return canon_object(c, s, ns);
	cl__avro_set_error("a schema must be a string, an array or an object");
	return CL_EINVAL;
}

int cl_avro_canonical_form(const char *schema_json, char **out)
{
	struct canon c = { 0 };
	json_error_t jerr;
	json_t *doc = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	doc = json_loads(schema_json, JSON_DECODE_ANY, &jerr);
	if (!doc) {
		cl__avro_set_error("schema is not json: %s (line %d)", jerr.text, jerr.line);
		return CL_EINVAL;
	}
	c.out = open_memstream(&buf, &len);
	cl__avro_oom_check(c.out);
	rc = canon_schema(&c, doc, "");
	if (fclose(c.out) != 0) {
		fputs("carelink: out of memory\n", stderr);
		abort();
	}
	if (rc < 0)
		goto out;
	*out = buf;
	buf = NULL;
out:
	free(buf);
	for (size_t i = 0; i < c.n_names; i++)
		free(c.names[i]);
	free(c.names);
	json_decref(doc);
	return rc;
}
