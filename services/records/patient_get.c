/* patient_get.c - GET /v1/patients/:id: the profile, to its team (and a
 * break-glass holder); anyone else gets the audited 404 */
#include "patient_parts.h"
#include "carelink/err.h"

struct get_tx {
	struct cl_http_req *req;
	const char *id;
	json_t *out;
};

static int get_body(struct cl_pg *pg, void *arg)
{
	struct get_tx *g = arg;
	struct rec_app *app = g->req->app;
	char addr[64];
	struct rec_audit a = rec_audit_of(g->req, g->id, NULL, "read", "ok", addr, sizeof addr);
	json_decref(g->out);
	g->out = NULL;
	int rc = rec_patient_enter(pg, &g->req->identity, g->id, NULL);
	if (rc == 0)
		rc = rec_db_patient_json(pg, &g->req->identity, g->id, &g->out);
	if (rc == 0)
		rc = rec_audit_add(pg, app->svc->schemas, &a);
	return rc;
}

enum MHD_Result rec_patient_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct get_tx g = {.req = req, .id = req->params[0]};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, get_body, &g);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return rec_patient_denied(req, g.id, NULL);
	if (rc < 0) {
		json_decref(g.out);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, json_pack("{s:o}", "patient", g.out));
}
