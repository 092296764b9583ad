/* entry_get.c - GET /v1/entries/:id: one entry for its patient's team;
 * the read is audited */
#include "entries.h"
#include "carelink/err.h"

struct get_tx {
	const struct rec_app *app;      /* borrowed */
	struct cl_http_req *req;        /* borrowed */
	const char *id;
	char patient_id[CL_UUID_LEN + 1];
	json_t *entry;                  /* owned once committed */
};

static int get_body(struct cl_pg *pg, void *arg)
{
	struct get_tx *g = arg;
	const struct cl_identity *who = &g->req->identity;
	json_decref(g->entry);
	g->entry = NULL;
	g->patient_id[0] = '\0';
	int rc = rec_patient_session(pg, who);
	/* row-level security hides another team's entry: unknown then */
	if (rc == 0)
		rc = rec_db_entry_patient(pg, who, g->id, g->patient_id);
	if (rc == 0)
		rc = rec_patient_access(pg, who, g->patient_id, NULL);
	if (rc == 0)
		rc = rec_db_entry_json(pg, who, g->id, &g->entry);
	if (rc == 0) {
		char addr[64];
		struct rec_audit a = rec_audit_of(g->req, g->patient_id, g->id, "read", "ok", addr,
						  sizeof addr);
		rc = rec_audit_add(pg, g->app->svc->schemas, &a);
	}
	return rc;
}

enum MHD_Result rec_entry_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return rec_patient_denied(req, NULL, id);
	struct get_tx g = {.app = app, .req = req, .id = id};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, get_body, &g);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT) {
		json_decref(g.entry);
		return rec_patient_denied(req, g.patient_id[0] ? g.patient_id : NULL, id);
	}
	if (rc < 0) {
		json_decref(g.entry);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, json_pack("{s:o}", "entry", g.entry));
}
