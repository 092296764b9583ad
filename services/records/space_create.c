/* space_create.c - POST /v1/spaces: a tenant admin creates a space; the row
 * and its SpaceChanged CREATED event commit together */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>

struct create_tx {
	const struct cl_avro_registry *schemas; /* borrowed */
	const struct cl_identity *who;          /* borrowed */
	const struct rec_space *space;          /* borrowed: the new state */
	struct rec_refusal refusal;
};

static int create_body(struct cl_pg *pg, void *arg)
{
	struct create_tx *c = arg;
	c->refusal.status = 0;
	int rc = rec_space_people_check(pg, c->who->tenant, c->space->organisations,
					c->space->admins, &c->refusal);
	if (rc == 0)
		rc = rec_db_space_insert(pg, c->who->tenant, c->space);
	if (rc == 0)
		rc = rec_space_event_add(pg, c->schemas, c->who->tenant, c->space, "CREATED",
					 c->who->user, c->who->name);
	return rc;
}

enum MHD_Result rec_space_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	if (!rec_identity_tenant_admin(&req->identity))
		return cl_http_error(req, 403, "forbidden",
				     "スペースを作成できるのは自治体の管理者だけです");
	struct rec_space_fields f;
	if (!rec_space_fields_read(req, false, &f))
		return req->result;
	if (!f.name) {
		rec_space_fields_release(&f);
		return cl_http_error(req, 400, "invalid_name",
				     "スペース名は1〜200文字で入力してください");
	}
	struct rec_space s = {
		.name = f.name,
		.description = f.description ? f.description : "",
		.professions = f.professions ? f.professions : json_array(),
		.organisations = f.organisations ? f.organisations : json_array(),
		.admins = f.admins ? f.admins : json_array(),
	};
	/* s now holds the lists; f keeps only the strings */
	f.professions = f.organisations = f.admins = NULL;
	cl_uuid_new(s.id);

	struct create_tx c = {.schemas = app->svc->schemas, .who = &req->identity, .space = &s};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_body, &c);
	json_t *space = NULL;
	if (rc == 0)
		rc = rec_db_space_json(pg, &req->identity, s.id, &space);
	cl_pg_pool_put(&app->svc->pool, pg);

	enum MHD_Result r;
	if (rc == 0) {
		cl_log_info("space created", "space_id", s.id, "tenant_id", req->identity.tenant,
			    NULL);
		r = cl_http_json(req, 201, json_pack("{s:o}", "space", space));
	} else {
		r = rec_space_refusal_send(req, &c.refusal, rc, "space_not_found",
					   "space_name_taken");
	}
	json_decref(s.professions);
	json_decref(s.organisations);
	json_decref(s.admins);
	rec_space_fields_release(&f);
	return r;
}
