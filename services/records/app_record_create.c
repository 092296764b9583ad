/* app_record_create.c - POST /v1/apps/:id/records: a writer adds a record;
 * every invalid field is listed (400 invalid_record); the row, its history
 * and its AppRecordCreated event commit together */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

struct create_tx {
	struct rec_app_writer w;
	const json_t *values;
	const char *owner;
	char id[CL_UUID_LEN + 1];
};

static int create_body(struct cl_pg *pg, void *arg)
{
	struct create_tx *c = arg;
	return rec_app_write_create(pg, &c->w, NULL, c->values, c->owner, c->id);
}

/* the owner_organisation_id of a body: only tenant admins choose another
 * organisation; it must be one of the tenant. false after queuing. */
bool rec_app_owner_read(struct cl_http_req *req, struct cl_pg *pg, const char *owner,
			json_t *errors)
{
	if (!owner)
		return true;
	if (!rec_identity_tenant_admin(&req->identity) && strcmp(owner, req->identity.organisation)) {
		cl_http_error(req, 403, "forbidden", "レコードの所有組織を変更できるのは自治体の管理者だけです");
		return false;
	}
	json_t *ids = json_pack("[s]", owner), *unknown = NULL;
	char *text = json_dumps(ids, JSON_COMPACT);
	int rc = rec_db_app_ids_unknown(pg, req->identity.tenant, "organisation", text, &unknown);
	free(text);
	json_decref(ids);
	if (rc < 0) {
		cl_http_fail(req, rc);
		return false;
	}
	if (json_array_size(unknown) > 0)
		json_array_append_new(errors, json_pack("{s:s, s:s}", "field", "owner_organisation_id",
							"reason", "この自治体の組織ではありません"));
	json_decref(unknown);
	return true;
}

enum MHD_Result rec_app_record_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	json_t *values = NULL, *errors = json_array(), *norm = NULL, *out = NULL;
	const char *owner = NULL;
	json_error_t jerr;
	struct rec_app_def def = {0};
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_load(req, pg, req->params[0], &def)) {
		r = req->result;
		goto out;
	}
	if (!rec_app_can_write(&def, &req->identity, NULL)) {
		r = cl_http_error(req, 403, "forbidden", "このアプリにレコードを追加する権限がありません");
		goto out;
	}
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:o, s?s}", "values", &values,
			   "owner_organisation_id", &owner)) {
		r = cl_http_error(req, 400, "invalid_body",
				  "values（と owner_organisation_id）だけを指定してください");
		goto out;
	}
	if (!rec_app_owner_read(req, pg, owner, errors)) {
		r = req->result;
		goto out;
	}
	int rc = rec_app_values_check(pg, req->identity.tenant, def.fields, values, false, errors,
				      &norm);
	if (rc < 0) {
		r = cl_http_fail(req, rc);
		goto out;
	}
	if (json_array_size(errors) > 0) {
		r = rec_app_invalid_record(req, errors);
		goto out;
	}
	struct create_tx c = {.w = {app->svc->schemas, &req->identity, &def, false}, .values = norm, .owner = owner};
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_body, &c);
	if (rc == 0)
		out = rec_app_record_json_for(pg, &req->identity, &def, c.id);
	if (rc < 0)
		r = cl_http_fail(req, rc);
	else if (!out)
		r = cl_http_fail(req, CL_EFATAL);
	else
		r = cl_http_json(req, 201, json_pack("{s:o}", "record", out));
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	json_decref(norm);
	json_decref(errors);
	json_decref(body);
	return r;
}
