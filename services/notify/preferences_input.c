/* preferences_input.c - the body of PUT /v1/preferences (FEED.md): the
 * whole object checked strictly, and the NotificationPreferencesChanged
 * event of stored preferences */
#include "feed.h"

#include <ctype.h>
#include <string.h>

#include "carelink/err.h"
#include "carelink/outbox.h"

static int prefs_refuse(struct nt_feed_refusal *why, const char *message)
{
	why->code = "invalid_preferences";
	why->message = message;
	return CL_EINVAL;
}

/* "HH:MM", 00:00..23:59 */
static bool time_ok(const json_t *v)
{
	const char *s = json_string_value(v);
	if (!s || strlen(s) != 5 || s[2] != ':')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && !isdigit((unsigned char)s[i]))
			return false;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	return h <= 23 && m <= 59;
}

static int quiet_hours(const json_t *v, json_t **out, struct nt_feed_refusal *why)
{
	const char *key;
	const json_t *x;
	if (!v || json_is_null(v)) {
		*out = json_null();
		return 0;
	}
	if (!json_is_object(v))
		return prefs_refuse(why, "quiet_hours must be null or {\"start\",\"end\"}");
	json_object_foreach((json_t *)v, key, x)
		if (strcmp(key, "start") != 0 && strcmp(key, "end") != 0)
			return prefs_refuse(why, "quiet_hours takes only start and end");
	const json_t *start = json_object_get(v, "start"), *end = json_object_get(v, "end");
	if (!time_ok(start))
		return prefs_refuse(why, "quiet_hours.start must be a time HH:MM (00:00 to 23:59)");
	if (!time_ok(end))
		return prefs_refuse(why, "quiet_hours.end must be a time HH:MM (00:00 to 23:59)");
	if (strcmp(json_string_value(start), json_string_value(end)) == 0)
		return prefs_refuse(why, "quiet_hours.start and quiet_hours.end must differ");
	*out = json_pack("{s:O, s:O}", "start", start, "end", end);
	return 0;
}

static bool mute_repeated(const json_t *mutes, const char *kind, const char *id)
{
	size_t i;
	const json_t *m;
	json_array_foreach(mutes, i, m)
		if (strcmp(json_string_value(json_object_get(m, "kind")), kind) == 0 &&
		    strcmp(json_string_value(json_object_get(m, "id")), id) == 0)
			return true;
	return false;
}

static int mutes_check(const json_t *v, json_t **out, struct nt_feed_refusal *why)
{
	size_t i;
	const json_t *m;
	if (!v) {
		*out = json_array();
		return 0;
	}
	if (!json_is_array(v))
		return prefs_refuse(why, "mutes must be an array");
	if (json_array_size(v) > NT_MUTES_MAX)
		return prefs_refuse(why, "mutes holds at most 200 entries");
	json_t *list = json_array();
	json_array_foreach(v, i, m) {
		const char *key, *kind, *id;
		const json_t *x;
		int bad = !json_is_object(m);
		if (!bad)
			json_object_foreach((json_t *)m, key, x)
				if (strcmp(key, "kind") != 0 && strcmp(key, "id") != 0)
					bad = 1;
		if (bad) {
			json_decref(list);
			return prefs_refuse(why, "each of mutes must be {\"kind\",\"id\"}");
		}
		kind = json_string_value(json_object_get(m, "kind"));
		id = json_string_value(json_object_get(m, "id"));
		if (!kind || (strcmp(kind, "space") != 0 && strcmp(kind, "thread") != 0)) {
			json_decref(list);
			return prefs_refuse(why, "mutes[].kind must be space or thread");
		}
		if (!id || !*id || strlen(id) > NT_MUTE_ID_MAX) {
			json_decref(list);
			return prefs_refuse(why, "mutes[].id must be an id of 1 to 64 characters");
		}
		if (mute_repeated(list, kind, id)) {
			json_decref(list);
			return prefs_refuse(why, "mutes must not repeat an entry");
		}
		json_array_append_new(list, json_pack("{s:s, s:s}", "kind", kind, "id", id));
	}
	*out = list;
	return 0;
}

int nt_preferences_input(const json_t *body, json_t **out, struct nt_feed_refusal *why)
{
	const char *key;
	const json_t *v;
	json_t *quiet = NULL, *mutes = NULL;

	*out = NULL;
	if (!json_is_object(body))
		return prefs_refuse(why, "the body must be an object");
	json_object_foreach((json_t *)body, key, v)
		if (strcmp(key, "urgent_only") != 0 && strcmp(key, "quiet_hours") != 0 &&
		    strcmp(key, "mutes") != 0)
			return prefs_refuse(why, "unknown key: the body takes urgent_only, quiet_hours and mutes");
	const json_t *urgent = json_object_get(body, "urgent_only");
	if (urgent && !json_is_boolean(urgent))
		return prefs_refuse(why, "urgent_only must be a boolean");
	int rc = quiet_hours(json_object_get(body, "quiet_hours"), &quiet, why);
	if (rc < 0)
		return rc;
	rc = mutes_check(json_object_get(body, "mutes"), &mutes, why);
	if (rc < 0) {
		json_decref(quiet);
		return rc;
	}
	*out = json_pack("{s:b, s:o, s:o}", "urgent_only", json_is_true(urgent),
			 "quiet_hours", quiet, "mutes", mutes);
	return 0;
}

/* the ids of mutes of kind */
static json_t *prefs_mute_ids(const json_t *mutes, const char *kind)
{
	json_t *ids = json_array();
	size_t i;
	const json_t *m;
	json_array_foreach(mutes, i, m)
		if (strcmp(json_string_value(json_object_get(m, "kind")), kind) == 0)
			json_array_append(ids, json_object_get(m, "id"));
	return ids;
}

json_t *nt_preferences_event(const struct cl_identity *who, const json_t *prefs)
{
	const json_t *quiet = json_object_get(prefs, "quiet_hours");
	const json_t *mutes = json_object_get(prefs, "mutes");
	json_t *ev = cl_event_new(who->tenant);
	json_object_set_new(ev, "user_id", json_string(who->user));
	json_object_set_new(ev, "urgent_only",
			    json_boolean(json_is_true(json_object_get(prefs, "urgent_only"))));
	json_object_set_new(ev, "quiet_start", json_is_object(quiet)
			    ? json_incref(json_object_get(quiet, "start")) : json_null());
	json_object_set_new(ev, "quiet_end", json_is_object(quiet)
			    ? json_incref(json_object_get(quiet, "end")) : json_null());
	json_object_set_new(ev, "muted_spaces", prefs_mute_ids(mutes, "space"));
	json_object_set_new(ev, "muted_threads", prefs_mute_ids(mutes, "thread"));
	return ev;
}
