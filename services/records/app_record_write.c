/* app_record_write.c - writing app records inside a transaction: create,
 * update and soft delete, each with its history row and its directory
 * event; and the API JSON of a record for a caller */
#include "records.h"
#include "carelink/err.h"
#include "carelink/outbox.h"

#include "carelink/log.h"

#include <stdlib.h>
#include <string.h>

/* the event common to the three kinds; new reference */
static json_t *event_base(const struct rec_app_writer *w, const char *record_id,
			  const json_t *values, const char *owner_org, const json_t *read)
{
	const struct cl_identity *who = w->who;
	const struct rec_app_def *app = w->app;
	json_t *ev = cl_event_new(who->tenant);
	json_t *readers = json_pack("{s:O, s:O}", "professions",
				    json_object_get(read, "professions"), "organisations",
				    json_object_get(read, "organisations"));
	json_object_set_new(ev, "record_id", json_string(record_id));
	json_object_set_new(ev, "app_id", json_string(app->id));
	json_object_set_new(ev, "app_key", json_string(app->key));
	json_object_set_new(ev, "app_name", json_string(app->name));
	json_object_set_new(ev, "title", json_string(rec_app_title(app->fields, values)));
	json_object_set_new(ev, "owner_organisation_id", json_string(owner_org));
	json_object_set_new(ev, "actor_id", json_string(who->user));
	json_object_set_new(ev, "actor_name", json_string(who->name));
	json_object_set_new(ev, "readers", readers);
	json_object_set_new(ev, "quiet", json_boolean(w->quiet));
	return ev;
}

/* the event of a record of w's app: its common part with the app's read
 * rule as committed now (locked against a change until the transaction
 * ends); NULL after an error, in *rc */
static json_t *event_new(struct cl_pg *pg, const struct rec_app_writer *w, const char *record_id,
			 const json_t *values, const char *owner_org, int *rc)
{
	json_t *read = NULL;
	*rc = rec_db_app_readers_share(pg, w->who->tenant, w->app->id, &read);
	if (*rc < 0)
		return NULL;
	json_t *ev = event_base(w, record_id, values, owner_org, read);
	json_decref(read);
	return ev;
}

static int event_add(struct cl_pg *pg, const struct rec_app_writer *w, const char *record_id,
		     const char *name, json_t *ev)
{
	int rc = cl_outbox_add(pg, w->schemas, REC_TOPIC_DIRECTORY, record_id, name, ev);
	json_decref(ev);
	/* the values were checked; a mismatch here is ours, not the caller's */
	return rc == CL_EINVAL ? CL_EFATAL : rc;
}

static void set_values_text(json_t *ev, const json_t *values)
{
	char *v = json_dumps(values, JSON_COMPACT | JSON_SORT_KEYS);
	json_object_set_new(ev, "values", json_string(v));
	free(v);
}

int rec_app_write_create(struct cl_pg *pg, const struct rec_app_writer *w, const char *given,
			  const json_t *values, const char *owner_org,
			  char id[CL_UUID_LEN + 1])
{
	const struct cl_identity *who = w->who;
	const struct rec_app_def *app = w->app;
	if (given)
		cl_strlcpy(id, given, CL_UUID_LEN + 1);
	else
		cl_uuid_new(id);
	const char *owner = owner_org ? owner_org : who->organisation;
	char *search = rec_app_search_text(app->fields, values);
	int rc = rec_db_app_record_insert(pg, who->tenant, app->id, id, values, search, owner,
					  who->user, who->name);
	free(search);
	if (rc < 0)
		return rc;
	json_t *changes = json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)values, k, v)
		json_object_set_new(changes, k, json_pack("{s:n, s:O}", "from", "to", v));
	rc = rec_db_app_change_insert(pg, who->tenant, id, "created", changes, who->user,
				      who->name);
	json_decref(changes);
	if (rc < 0)
		return rc;
	json_t *ev = event_new(pg, w, id, values, owner, &rc);
	if (!ev)
		return rc;
	set_values_text(ev, values);
	return event_add(pg, w, id, REC_EVENT_APP_RECORD_CREATED, ev);
}

/* the people to tell of a change of record_id (an event's registered
 * people), a new array */
static json_t *watchers(struct cl_pg *pg, const struct cl_identity *who,
			const struct rec_app_def *app, const char *record_id)
{
	json_t *w = NULL;
	if (!strcmp(app->key, REC_APP_EVENTS))
		w = rec_event_watchers(pg, who->tenant, record_id);
	return w ? w : json_array();
}

int rec_app_write_update(struct cl_pg *pg, const struct rec_app_writer *w, const char *id,
			  const json_t *values, const char *owner_org)
{
	const struct cl_identity *who = w->who;
	const struct rec_app_def *app = w->app;
	json_t *old = NULL;
	char *old_owner = NULL;
	int rc = rec_db_app_record_lock(pg, who->tenant, id, &old, &old_owner);
	if (rc < 0)
		return rc;
	json_t *merged = json_deep_copy(old), *changes = json_object(), *changed = json_array();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)values, k, v) {
		json_t *was = json_object_get(old, k);
		bool clear = json_is_null(v);
		if ((clear && !was) || (!clear && was && json_equal(was, v)))
			continue;
		json_object_set_new(changes, k, json_pack("{s:O?, s:O}", "from", was, "to", v));
		json_array_append_new(changed, json_string(k));
		if (clear)
			json_object_del(merged, k);
		else
			json_object_set(merged, k, v);
	}
	const char *owner = owner_org ? owner_org : old_owner;
	char *search = rec_app_search_text(app->fields, merged);
	rc = rec_db_app_record_update(pg, who->tenant, id, merged, search, owner, who->user,
				      who->name);
	free(search);
	if (rc == 0 && strcmp(owner, old_owner))
		json_object_set_new(changes, "owner_organisation",
				    json_pack("{s:s, s:s}", "from", old_owner, "to", owner));
	if (rc == 0)
		rc = rec_db_app_change_insert(pg, who->tenant, id, "updated", changes, who->user,
					      who->name);
	json_t *ev = rc == 0 ? event_new(pg, w, id, merged, owner, &rc) : NULL;
	if (ev) {
		set_values_text(ev, merged);
		json_object_set_new(ev, "changed_fields", json_incref(changed));
		json_object_set_new(ev, "watchers", watchers(pg, who, app, id));
		rc = event_add(pg, w, id, REC_EVENT_APP_RECORD_UPDATED, ev);
	}
	json_decref(old);
	json_decref(merged);
	json_decref(changes);
	json_decref(changed);
	free(old_owner);
	return rc;
}

int rec_app_write_delete(struct cl_pg *pg, const struct rec_app_writer *w,
			  const char *record_id)
{
	const struct cl_identity *who = w->who;
	const struct rec_app_def *app = w->app;
	json_t *old = NULL;
	char *owner = NULL;
	int rc = rec_db_app_record_lock(pg, who->tenant, record_id, &old, &owner);
	if (rc < 0)
		return rc;
	json_t *tell = watchers(pg, who, app, record_id);
	rc = rec_db_app_record_mark_deleted(pg, who->tenant, record_id, who->user, who->name);
	if (rc == 0) {
		json_t *none = json_object();
		rc = rec_db_app_change_insert(pg, who->tenant, record_id, "deleted", none,
					      who->user, who->name);
		json_decref(none);
	}
	json_t *ev = rc == 0 ? event_new(pg, w, record_id, old, owner, &rc) : NULL;
	if (ev) {
		json_object_set_new(ev, "watchers", json_incref(tell));
		rc = event_add(pg, w, record_id, REC_EVENT_APP_RECORD_DELETED, ev);
	}
	json_decref(tell);
	json_decref(old);
	free(owner);
	return rc;
}

json_t *rec_app_record_json_for(struct cl_pg *pg, const struct cl_identity *who,
				const struct rec_app_def *app, const char *record_id)
{
	json_t *rec = NULL;
	char *owner = NULL;
	if (rec_db_app_record_get_json(pg, who->tenant, record_id, &rec, &owner) < 0)
		return NULL;
	if (strcmp(json_string_value(json_object_get(rec, "app_id")), app->id)) {
		json_decref(rec);
		free(owner);
		return NULL;
	}
	json_object_set_new(rec, "can_write", json_boolean(rec_app_can_write(app, who, owner)));
	if (!strcmp(app->key, REC_APP_EVENTS)) {
		json_t *reg = rec_event_registration_json(pg, who, record_id);
		if (reg)
			json_object_set_new(rec, "registration", reg);
	}
	free(owner);
	return rec;
}

json_t *rec_app_record_json(struct cl_pg *pg, const struct cl_identity *who,
			    const char *record_id)
{
	char app_id[CL_UUID_LEN + 1];
	if (rec_db_app_record_app(pg, who->tenant, record_id, app_id, NULL) < 0)
		return NULL;
	struct rec_app_def app;
	if (rec_db_app_find(pg, who, app_id, &app) < 0)
		return NULL;
	json_t *rec = rec_app_record_json_for(pg, who, &app, record_id);
	rec_app_def_release(&app);
	return rec;
}
