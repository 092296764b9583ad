/* audit_refused.c - a refused attempt of someone who may see the patient
 * (a break-glass holder changing the file, a member removing another
 * without the right role): its audit row, in a transaction of its own
 * after the request's rolled back */
#include "patient_parts.h"
#include "carelink/log.h"

struct refused_tx {
	const struct cl_avro_registry *schemas;
	const struct rec_audit *audit;
};

static int refused_body(struct cl_pg *pg, void *arg)
{
	struct refused_tx *r = arg;
	int rc = rec_patient_session(pg, r->audit->who);
	if (rc == 0)
		rc = rec_audit_add(pg, r->schemas, r->audit);
	return rc;
}

void rec_audit_refused(struct cl_http_req *req, const char *patient_id, const char *action)
{
	struct rec_app *app = req->app;
	char addr[64];
	struct rec_audit a = rec_audit_of(req, patient_id, NULL, action, "refused", addr,
					  sizeof addr);
	struct refused_tx r = {.schemas = app->svc->schemas, .audit = &a};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, refused_body, &r);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		cl_log_error("refused attempt not audited", "user_id", req->identity.user,
			     "tenant_id", req->identity.tenant, NULL);
}
