/* patient_patch.c - PATCH /v1/patients/:id: a team member changes the
 * profile; the change and its audit row commit together */
#include "patient_parts.h"
#include "carelink/err.h"

struct patch_tx {
	struct cl_http_req *req;
	const char *id;
	const struct rec_patient_fields *f;
	struct rec_refusal refusal;
	json_t *out;
};

static int patch_body(struct cl_pg *pg, void *arg)
{
	struct patch_tx *p = arg;
	struct rec_app *app = p->req->app;
	const struct cl_identity *who = &p->req->identity;
	char addr[64], role[REC_PATIENT_ROLE_MAX];
	struct rec_audit a = rec_audit_of(p->req, p->id, NULL, "write", "ok", addr, sizeof addr);
	json_decref(p->out);
	p->out = NULL;
	p->refusal.status = 0;
	int rc = rec_patient_enter(pg, who, p->id, role);
	if (rc == 0 && !rec_patient_is_member(role))
		return rec_refuse(&p->refusal, 403, "forbidden",
				  "緊急アクセスでは利用者の情報を変更できません");
	if (rc == 0)
		rc = rec_db_patient_update(pg, who, p->id, p->f);
	if (rc == 0)
		rc = rec_audit_add(pg, app->svc->schemas, &a);
	if (rc == 0)
		rc = rec_db_patient_json(pg, who, p->id, &p->out);
	return rc;
}

enum MHD_Result rec_patient_patch(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return rec_patient_denied(req, id, NULL);
	struct rec_patient_fields f;
	if (!rec_patient_fields_read(req, false, &f))
		return req->result;
	struct patch_tx p = {.req = req, .id = id, .f = &f};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, patch_body, &p);
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_patient_fields_release(&f);
	if (rc == CL_ENOENT)
		return rec_patient_denied(req, id, NULL);
	if (rc < 0) {
		json_decref(p.out);
		if (p.refusal.status == 403)
			rec_audit_refused(req, id, "write");
		return rec_refusal_send(req, &p.refusal, rc, "patient_not_found",
					"利用者が見つかりません");
	}
	return cl_http_json(req, 200, json_pack("{s:o}", "patient", p.out));
}
