/* entry_read.c - POST /v1/entries/:id/read: the caller's read mark on an
 * entry of a patient whose team they are on; audited as a write */
#include "entries.h"
#include "carelink/err.h"

struct read_tx {
	const struct rec_app *app;      /* borrowed */
	struct cl_http_req *req;        /* borrowed */
	const char *id;
	char patient_id[CL_UUID_LEN + 1];
};

static int read_body(struct cl_pg *pg, void *arg)
{
	struct read_tx *t = arg;
	const struct cl_identity *who = &t->req->identity;
	t->patient_id[0] = '\0';
	int rc = rec_patient_session(pg, who);
	if (rc == 0)
		rc = rec_db_entry_patient(pg, who, t->id, t->patient_id);
	if (rc == 0)
		rc = rec_patient_access(pg, who, t->patient_id, NULL);
	if (rc == 0)
		rc = rec_db_entry_read_mark(pg, who, t->patient_id, t->id);
	if (rc == 0) {
		char addr[64];
		struct rec_audit a = rec_audit_of(t->req, t->patient_id, t->id, "write", "ok",
						  addr, sizeof addr);
		rc = rec_audit_add(pg, t->app->svc->schemas, &a);
	}
	return rc;
}

enum MHD_Result rec_entry_read_mark(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return rec_patient_denied(req, NULL, id);
	struct read_tx t = {.app = app, .req = req, .id = id};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, read_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return rec_patient_denied(req, t.patient_id[0] ? t.patient_id : NULL, id);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_empty(req, 204);
}
