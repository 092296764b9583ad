/* json.h - JSON parsing with limits, over jansson. */
#ifndef CARELINK_JSON_H
#define CARELINK_JSON_H

#include <jansson.h>
#include <stddef.h>

/* cl_json_depth_ok() - true when the nesting of arrays and objects in the
 * text s (len bytes) never exceeds max_depth. Strings are skipped. */
int cl_json_depth_ok(const char *s, size_t len, size_t max_depth);

/* cl_json_parse() - parse a JSON document of len bytes whose nesting is at
 * most max_depth; rejects invalid UTF-8 and embedded NULs. Returns a new
 * reference, or NULL with a lowercase reason in err. */
json_t *cl_json_parse(const char *s, size_t len, size_t max_depth, char *err,
		      size_t err_size);

/* cl_json_ours() - JSON text that our own database (or code) wrote, parsed
 * (a new reference; any JSON value). Such text is valid, so the only
 * failure left is memory: that aborts, like cl_xmalloc(). */
json_t *cl_json_ours(const char *text);

/* cl_json_str() - borrowed string member key of obj, or NULL. */
const char *cl_json_str(const json_t *obj, const char *key);

#endif
