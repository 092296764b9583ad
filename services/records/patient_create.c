/* patient_create.c - POST /v1/patients: a person of the tenant registers
 * a patient and becomes the first member of its team; the patient, the
 * member, CareTeamChanged and the audit row commit together */
#include "patient_parts.h"
#include "carelink/log.h"

struct create_tx {
	struct cl_http_req *req;
	const char *id;
	const struct rec_patient_fields *f;
	json_t *patient;  /* out */
};

static int create_body(struct cl_pg *pg, void *arg)
{
	struct create_tx *c = arg;
	struct cl_http_req *req = c->req;
	struct rec_app *app = req->app;
	const struct cl_identity *who = &req->identity;
	char addr[64];
	struct rec_audit a = rec_audit_of(req, c->id, NULL, "write", "ok", addr, sizeof addr);
	int rc = rec_patient_session(pg, who);
	if (rc == 0)
		rc = rec_db_patient_insert(pg, who, c->id, c->f);
	if (rc == 0)
		rc = rec_db_team_insert(pg, who, c->id, who->user, c->f->my_role);
	if (rc == 0)
		rc = rec_team_event_add(pg, app->svc->schemas, who->tenant, c->id, who->user, NULL);
	if (rc == 0)
		rc = rec_audit_add(pg, app->svc->schemas, &a);
	json_decref(c->patient);
	c->patient = NULL;
	if (rc == 0)
		rc = rec_db_patient_json(pg, who, c->id, &c->patient);
	return rc;
}

enum MHD_Result rec_patient_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct rec_patient_fields f;
	if (!rec_patient_fields_read(req, true, &f))
		return req->result;
	char id[CL_UUID_LEN + 1];
	cl_uuid_new(id);
	struct create_tx c = {.req = req, .id = id, .f = &f};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_body, &c);
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_patient_fields_release(&f);
	if (rc < 0) {
		json_decref(c.patient);
		return cl_http_fail(req, rc);
	}
	cl_log_info("patient registered", "patient_id", id, "tenant_id", req->identity.tenant,
		    NULL);
	return cl_http_json(req, 201, json_pack("{s:o}", "patient", c.patient));
}
