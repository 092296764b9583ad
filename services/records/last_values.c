/* last_values.c - GET /v1/patients/:id/last-values: the newest value of
 * each vitals and ADL field of a patient, to prefill forms; audited */
#include "entries.h"
#include "carelink/err.h"

struct last_tx {
	const struct rec_app *app;      /* borrowed */
	const struct cl_identity *who;  /* borrowed */
	const char *patient_id;
	const struct rec_audit *audit;  /* borrowed */
	json_t *values;                 /* owned once committed */
};

static int last_body(struct cl_pg *pg, void *arg)
{
	struct last_tx *l = arg;
	json_decref(l->values);
	l->values = NULL;
	int rc = rec_patient_session(pg, l->who);
	if (rc == 0)
		rc = rec_patient_access(pg, l->who, l->patient_id, NULL);
	if (rc == 0)
		rc = rec_db_entry_last_values(pg, l->patient_id, &l->values);
	if (rc == 0)
		rc = rec_audit_add(pg, l->app->svc->schemas, l->audit);
	return rc;
}

enum MHD_Result rec_last_values_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *patient_id = req->params[0];
	if (!cl_uuid_valid(patient_id))
		return rec_patient_denied(req, patient_id, NULL);
	char addr[64];
	struct rec_audit audit = rec_audit_of(req, patient_id, NULL, "read", "ok", addr,
					      sizeof addr);
	struct last_tx l = {.app = app, .who = &req->identity, .patient_id = patient_id,
			    .audit = &audit};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, last_body, &l);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(l.values);
		if (rc == CL_ENOENT)
			return rec_patient_denied(req, patient_id, NULL);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, l.values);
}
