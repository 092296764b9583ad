/* app_patch.c - PATCH /v1/apps/:id: a tenant admin renames an app or
 * changes its fields and rules; a change that would orphan data is
 * refused (409, the field named) and nothing changes. A change commits with
 * its AppChanged UPDATED event; a PATCH that changes nothing writes and
 * announces nothing. */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdio.h>
#include <string.h>

struct patch_tx {
	const struct cl_avro_registry *schemas;
	const struct cl_identity *who;
	const char *app_id;
	const struct rec_app_input *in;
	struct rec_refusal refusal;
	char msg[800];
	bool changed;
};

static int refuse(struct patch_tx *t, const char *code, const char *fmt, const char *key)
{
	snprintf(t->msg, sizeof t->msg, fmt, key);
	return rec_refuse(&t->refusal, 409, code, t->msg);
}

static bool has_choice(const json_t *field, const char *c)
{
	size_t i;
	const json_t *v;
	json_array_foreach(json_object_get(field, "choices"), i, v)
		if (!strcmp(json_string_value(v), c))
			return true;
	return false;
}

/* the data-orphan refusals of changing old fields into new ones */
static int fields_check(struct cl_pg *pg, struct patch_tx *t, const json_t *old,
			const json_t *new)
{
	size_t i;
	const json_t *o;
	long with_value, with_choice, missing;
	json_array_foreach(old, i, o) {
		const char *key = json_string_value(json_object_get(o, "key"));
		const char *type = json_string_value(json_object_get(o, "type"));
		const json_t *n = rec_app_field_find(new, key);
		bool builtin = json_is_true(json_object_get(o, "builtin"));
		bool retyped = n && strcmp(type, json_string_value(json_object_get(n, "type")));
		int rc;
		if (!n || retyped) {
			if (builtin)
				return refuse(t, "builtin_field",
					      "組み込みの項目「%s」は削除も種類の変更もできません", key);
			rc = rec_db_app_field_usage(pg, t->app_id, key, NULL, &with_value,
						    &with_choice, &missing);
			if (rc < 0)
				return rc;
			if (with_value > 0)
				return refuse(t, "field_in_use",
					      n ? "項目「%s」には値のあるレコードがあるので種類を変更できません"
						: "項目「%s」には値のあるレコードがあるので削除できません",
					      key);
			continue;
		}
		size_t j;
		const json_t *c;
		json_array_foreach(json_object_get(o, "choices"), j, c) {
			const char *choice = json_string_value(c);
			if (has_choice(n, choice))
				continue;
			rc = rec_db_app_field_usage(pg, t->app_id, key, choice, &with_value,
						    &with_choice, &missing);
			if (rc < 0)
				return rc;
			if (with_choice > 0) {
				char k[240];
				snprintf(k, sizeof k, "%.40s」の選択肢「%.100s", key, choice);
				return refuse(t, "choice_in_use",
					      "項目「%s」を使っているレコードがあるので削除できません", k);
			}
		}
		if (json_is_true(json_object_get(n, "required")) &&
		    !json_is_true(json_object_get(o, "required"))) {
			rc = rec_db_app_field_usage(pg, t->app_id, key, NULL, &with_value,
						    &with_choice, &missing);
			if (rc < 0)
				return rc;
			if (missing > 0)
				return refuse(t, "field_required_missing",
					      "項目「%s」が空のレコードがあるので必須にできません", key);
		}
	}
	return 0;
}

static bool text_differs(const char *given, const json_t *cur)
{
	return given && strcmp(given, json_string_value(cur) ? json_string_value(cur) : "");
}

static bool json_differs(const json_t *given, const json_t *cur)
{
	return given && !json_equal((json_t *)given, (json_t *)cur);
}

/* whether in changes any part of cur (the app's API JSON) */
static bool input_changes(const struct rec_app_input *in, const json_t *cur)
{
	return text_differs(in->name, json_object_get(cur, "name")) ||
	       text_differs(in->description, json_object_get(cur, "description")) ||
	       json_differs(in->fields, json_object_get(cur, "fields")) ||
	       json_differs(in->read, json_object_get(cur, "read")) ||
	       json_differs(in->write, json_object_get(cur, "write"));
}

/* the update of app_id and its AppChanged UPDATED event, as the app reads
 * after the update */
static int update_and_announce(struct cl_pg *pg, struct patch_tx *t)
{
	int rc = rec_db_app_update(pg, t->who->tenant, t->app_id, t->in->name, t->in->description,
				   t->in->fields, t->in->read, t->in->write);
	json_t *now = NULL;
	if (rc == 0)
		rc = rec_db_app_json(pg, t->who, t->app_id, &now);
	if (rc == 0)
		rc = rec_app_event_add(pg, t->schemas, t->who, now, "UPDATED");
	json_decref(now);
	return rc;
}

static int patch_body(struct cl_pg *pg, void *arg)
{
	struct patch_tx *t = arg;
	t->refusal.status = 0;
	t->changed = false;
	int rc = rec_db_app_lock(pg, t->who->tenant, t->app_id);
	if (rc < 0)
		return rc;
	/* the app as it is now, under the lock */
	json_t *cur = NULL;
	rc = rec_db_app_json(pg, t->who, t->app_id, &cur);
	if (rc < 0)
		return rc;
	t->changed = input_changes(t->in, cur);
	json_decref(cur);
	if (!t->changed)
		return 0; /* nothing to write, nothing to announce */
	if (t->in->fields) {
		/* the fields as they are now, under the lock */
		struct rec_app_def cur;
		rc = rec_db_app_find(pg, t->who, t->app_id, &cur);
		if (rc == 0)
			rc = fields_check(pg, t, cur.fields, t->in->fields);
		rec_app_def_release(&cur);
		if (rc < 0)
			return rc;
	}
	return update_and_announce(pg, t);
}

enum MHD_Result rec_app_patch(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	struct rec_app_def def;
	struct rec_app_input in = {0};
	enum MHD_Result r;
	if (!rec_app_load(req, pg, req->params[0], &def)) {
		cl_pg_pool_put(&app->svc->pool, pg);
		return req->result;
	}
	if (!def.can_admin) {
		r = cl_http_error(req, 403, "forbidden", "アプリを変更できるのは自治体の管理者だけです");
		goto out;
	}
	if (!rec_app_input_read(req, false, def.fields, &in)) {
		r = req->result;
		goto out;
	}
	struct patch_tx t = {.schemas = app->svc->schemas, .who = &req->identity,
			     .app_id = def.id, .in = &in};
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, patch_body, &t);
	json_t *out = NULL;
	if (rc == 0)
		rc = rec_db_app_json(pg, &req->identity, def.id, &out);
	if (rc == 0 && t.changed)
		cl_log_info("app changed", "app_id", def.id, "tenant_id", req->identity.tenant,
			    NULL);
	if (rc == 0)
		r = cl_http_json(req, 200, json_pack("{s:o}", "app", out));
	else if (t.refusal.status)
		r = cl_http_error(req, t.refusal.status, t.refusal.code, t.refusal.message);
	else if (rc == CL_ENOENT)
		r = cl_http_error(req, 404, "app_not_found", "アプリが見つかりません");
	else
		r = cl_http_fail(req, rc);
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_input_release(&in);
	rec_app_def_release(&def);
	return r;
}
