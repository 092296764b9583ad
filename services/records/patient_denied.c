/* patient_denied.c - the one answer to anyone outside a patient's team:
 * a "denied" row in the audit chain, then 404 patient_not_found */
#include "patient_parts.h"
#include "carelink/log.h"

struct denied_tx {
	const struct cl_avro_registry *schemas;
	const struct rec_audit *audit;
};

static int denied_body(struct cl_pg *pg, void *arg)
{
	struct denied_tx *d = arg;
	int rc = rec_patient_session(pg, d->audit->who);
	if (rc == 0)
		rc = rec_audit_add(pg, d->schemas, d->audit);
	return rc;
}

enum MHD_Result rec_patient_denied(struct cl_http_req *req, const char *patient_id,
				   const char *entry_id)
{
	struct rec_app *app = req->app;
	char addr[64];
	struct rec_audit a = rec_audit_of(req, patient_id, entry_id, "denied", "denied", addr,
					  sizeof addr);
	struct denied_tx d = {.schemas = app->svc->schemas, .audit = &a};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, denied_body, &d);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		/* the answer stays the same; the failure is for the operators */
		cl_log_error("denied access not audited", "user_id", req->identity.user,
			     "tenant_id", req->identity.tenant, NULL);
	return cl_http_error(req, 404, "patient_not_found", "利用者が見つかりません");
}
