/* feed_read_input.c - the body of POST /v1/feed/read (FEED.md): exactly
 * one of {"ids":[...]}, {"space_id":"…"}, {"all":true}; and the
 * NotificationsRead event of an accepted mark */
#include "feed.h"

#include <string.h>

#include "carelink/err.h"
#include "carelink/outbox.h"

static int read_refuse(struct nt_feed_refusal *why, const char *message)
{
	why->code = "invalid_read";
	why->message = message;
	return CL_EINVAL;
}

static bool ids_ok(const json_t *ids)
{
	size_t i;
	const json_t *v;
	if (!json_is_array(ids) || json_array_size(ids) == 0 ||
	    json_array_size(ids) > NT_READ_IDS_MAX)
		return false;
	json_array_foreach(ids, i, v)
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return false;
	return true;
}

int nt_feed_read_input(const json_t *body, struct nt_feed_read *r,
		       struct nt_feed_refusal *why)
{
	const char *key;
	const json_t *v;
	int forms = 0;

	memset(r, 0, sizeof *r);
	if (!json_is_object(body))
		return read_refuse(why, "the body must be one of {\"ids\"}, {\"space_id\"}, {\"all\"}");
	json_object_foreach((json_t *)body, key, v) {
		forms++;
		if (strcmp(key, "ids") == 0) {
			if (!ids_ok(v))
				return read_refuse(why, "ids must be 1 to 500 positive integer ids");
			r->ids = v;
		} else if (strcmp(key, "space_id") == 0) {
			const char *s = json_string_value(v);
			if (!s || !*s || strlen(s) > NT_MUTE_ID_MAX)
				return read_refuse(why, "space_id must be a space id");
			r->space_id = s;
		} else if (strcmp(key, "all") == 0) {
			if (!json_is_true(v))
				return read_refuse(why, "all must be true");
			r->all = true;
		} else {
			return read_refuse(why, "unknown key: the body takes ids, space_id or all");
		}
	}
	if (forms != 1)
		return read_refuse(why, "give exactly one of ids, space_id and all");
	return 0;
}

json_t *nt_feed_read_event(const struct cl_identity *who, const json_t *ids,
			   const char *space_id, int64_t up_to)
{
	json_t *ev = cl_event_new(who->tenant);
	json_object_set_new(ev, "user_id", json_string(who->user));
	json_object_set_new(ev, "ids", ids ? json_deep_copy(ids) : json_array());
	json_object_set_new(ev, "space_id", space_id ? json_string(space_id) : json_null());
	json_object_set_new(ev, "up_to", up_to > 0 ? json_integer(up_to) : json_null());
	return ev;
}
