/* json.c - JSON parsing with a nesting limit */
#include "carelink/json.h"

#include <stdlib.h>
#include "carelink/util.h"

#include <stdio.h>

int cl_json_depth_ok(const char *s, size_t len, size_t max_depth)
{
	size_t depth = 0;
	int in_str = 0, esc = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > max_depth)
				return 0;
		} else if ((c == '}' || c == ']') && depth) {
			depth--;
		}
	}
	return 1;
}

json_t *cl_json_parse(const char *s, size_t len, size_t max_depth, char *err,
		      size_t err_size)
{
	if (!cl_json_depth_ok(s, len, max_depth)) {
		snprintf(err, err_size, "json nested deeper than %zu levels", max_depth);
		return NULL;
	}
	json_error_t jerr;
	json_t *j = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		snprintf(err, err_size, "invalid json: %s", jerr.text);
		return NULL;
	}
	return j;
}

const char *cl_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

json_t *cl_json_ours(const char *text)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	if (!v)
		abort(); /* valid by construction: only memory can fail */
	return v;
}
