/* app_record_patch.c - PATCH /v1/app-records/:id: a writer of the record
 * changes the values given (null clears); the rules across fields are
 * checked on the merged values under the row lock */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

struct patch_tx {
	struct rec_app_writer w;
	const char *record_id;
	const json_t *values;
	const char *owner;
	json_t *errors;
	char id[CL_UUID_LEN + 1];
};

static int patch_body(struct cl_pg *pg, void *arg)
{
	struct patch_tx *t = arg;
	json_t *old = NULL;
	char *owner = NULL;
	json_array_clear(t->errors);
	int rc = rec_db_app_record_lock(pg, t->w.who->tenant, t->record_id, &old, &owner);
	if (rc < 0)
		return rc;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)t->values, k, v) {
		if (json_is_null(v))
			json_object_del(old, k);
		else
			json_object_set(old, k, v);
	}
	rec_app_values_rules(t->w.app->fields, old, t->errors);
	json_decref(old);
	free(owner);
	if (json_array_size(t->errors) > 0)
		return CL_EINVAL;
	cl_strlcpy(t->id, t->record_id, sizeof t->id);
	return rec_app_write_update(pg, &t->w, t->record_id, t->values, t->owner);
}

enum MHD_Result rec_app_record_patch(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	json_t *values = NULL, *errors = json_array(), *norm = NULL, *out = NULL;
	const char *owner = NULL;
	char *cur_owner = NULL;
	json_error_t jerr;
	struct rec_app_def def = {0};
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_record_load(req, pg, req->params[0], &def, &cur_owner)) {
		r = req->result;
		goto out;
	}
	if (!rec_app_can_write(&def, &req->identity, cur_owner)) {
		r = cl_http_error(req, 403, "forbidden", "このレコードを変更する権限がありません");
		goto out;
	}
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s?o, s?s}", "values", &values,
			   "owner_organisation_id", &owner)) {
		r = cl_http_error(req, 400, "invalid_body",
				  "values（と owner_organisation_id）だけを指定してください");
		goto out;
	}
	if (owner && strcmp(owner, cur_owner) && !rec_identity_tenant_admin(&req->identity)) {
		r = cl_http_error(req, 403, "forbidden",
				  "レコードの所有組織を変更できるのは自治体の管理者だけです");
		goto out;
	}
	if (!rec_app_owner_read(req, pg, owner, errors)) {
		r = req->result;
		goto out;
	}
	json_t *empty = json_object();
	int rc = rec_app_values_check(pg, req->identity.tenant, def.fields,
				      values ? values : empty, true, errors, &norm);
	json_decref(empty);
	if (rc < 0) {
		r = cl_http_fail(req, rc);
		goto out;
	}
	if (json_array_size(errors) > 0) {
		r = rec_app_invalid_record(req, errors);
		goto out;
	}
	struct patch_tx t = {.w = {app->svc->schemas, &req->identity, &def, false}, .record_id = req->params[0],
			     .values = norm, .owner = owner, .errors = errors};
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, patch_body, &t);
	if (rc == 0)
		out = rec_app_record_json_for(pg, &req->identity, &def, req->params[0]);
	if (rc == CL_EINVAL && json_array_size(errors) > 0)
		r = rec_app_invalid_record(req, errors);
	else if (rc == CL_ENOENT)
		r = cl_http_error(req, 404, "record_not_found", "レコードが見つかりません");
	else if (rc < 0)
		r = cl_http_fail(req, rc);
	else if (!out)
		r = cl_http_fail(req, CL_EFATAL);
	else
		r = cl_http_json(req, 200, json_pack("{s:o}", "record", out));
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	free(cur_owner);
	json_decref(norm);
	json_decref(errors);
	json_decref(body);
	return r;
}
