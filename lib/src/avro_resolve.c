/* avro_resolve.c - a message written with an earlier version of a schema
 * read as the current version: the fields added since take their defaults */
#include <string.h>

#include "avro_internal.h"

static void fill_record(const json_t *fields, json_t *obj);

/* the value of a field whose type is t: recurse where t is a record given
 * inline, or an array of such records */
static void fill_value(const json_t *t, json_t *v)
{
	if (!json_is_object(t))
		return; /* a primitive, a named reference or a union: kept as written */
	const char *type = json_string_value(json_object_get(t, "type"));
	if (!type)
		return;
	if (!strcmp(type, "record") && json_is_object(v)) {
		fill_record(json_object_get(t, "fields"), v);
	} else if (!strcmp(type, "array") && json_is_array(v)) {
		const json_t *items = json_object_get(t, "items");
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
			fill_value(items, item);
	}
}

static void fill_record(const json_t *fields, json_t *obj)
{
	size_t i;
	const json_t *f;
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		if (!name)
			continue;
		json_t *v = json_object_get(obj, name);
		const json_t *def = json_object_get(f, "default");
		if (!v) {
			if (def)
				json_object_set_new(obj, name, json_deep_copy(def));
			continue;
		}
		fill_value(json_object_get(f, "type"), v);
	}
}

void cl__avro_fill_defaults(const struct cl__avro_entry *e, json_t *obj)
{
	fill_record(json_object_get(e->doc, "fields"), obj);
}
