/* feed_counts.c - the unread counts of GET /v1/feed/unread from the unread
 * rows (FEED.md): total, urgent, mentions, per space, app and patient */
#include "feed.h"

#include <string.h>

/* obj[key] += 1 */
static void bump(json_t *obj, const char *key)
{
	if (!key || !*key)
		return;
	json_t *v = json_object_get(obj, key);
	json_object_set_new(obj, key, json_integer(json_integer_value(v) + 1));
}

json_t *nt_feed_unread_counts(const json_t *rows)
{
	json_t *spaces = json_object(), *apps = json_object(), *patients = json_object();
	json_int_t total = 0, urgent = 0, mentions = 0;
	size_t n = json_array_size(rows);
	bool capped = n > NT_UNREAD_COUNT_MAX;
	if (capped)
		n = NT_UNREAD_COUNT_MAX;
	for (size_t i = 0; i < n; i++) {
		const json_t *r = json_array_get(rows, i);
		const char *kind = json_string_value(json_object_get(r, "kind"));
		total++;
		if (json_is_true(json_object_get(r, "urgent")))
			urgent++;
		if (kind && strcmp(kind, NT_KIND_MENTION) == 0)
			mentions++;
		bump(spaces, json_string_value(json_object_get(r, "space_id")));
		bump(apps, json_string_value(json_object_get(r, "app_id")));
		bump(patients, json_string_value(json_object_get(r, "patient_id")));
	}
	return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:b}", "total", total, "urgent",
			 urgent, "mentions", mentions, "spaces", spaces, "apps", apps,
			 "patients", patients, "capped", capped);
}
