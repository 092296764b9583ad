/* team_list.c - GET /v1/patients/:id/team: the current members */
#include "patient_parts.h"
#include "carelink/err.h"

struct team_tx {
	struct cl_http_req *req;
	const char *id;
	json_t *out;
};

static int team_body(struct cl_pg *pg, void *arg)
{
	struct team_tx *t = arg;
	struct rec_app *app = t->req->app;
	char addr[64];
	struct rec_audit a = rec_audit_of(t->req, t->id, NULL, "read", "ok", addr, sizeof addr);
	json_decref(t->out);
	t->out = NULL;
	int rc = rec_patient_enter(pg, &t->req->identity, t->id, NULL);
	if (rc == 0)
		rc = rec_db_team_json(pg, t->id, &t->out);
	if (rc == 0)
		rc = rec_audit_add(pg, app->svc->schemas, &a);
	return rc;
}

enum MHD_Result rec_team_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct team_tx t = {.req = req, .id = req->params[0]};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, team_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return rec_patient_denied(req, t.id, NULL);
	if (rc < 0) {
		json_decref(t.out);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, t.out);
}
