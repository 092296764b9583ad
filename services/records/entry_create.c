/* entry_create.c - POST /v1/patients/:id/entries: a timeline entry by a
 * member of the patient's team; the entry, its audit row and
 * PatientEntryAdded commit together */
#include "entries.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <string.h>

struct create_tx {
	struct rec_app *app;               /* borrowed */
	const struct cl_identity *who;     /* borrowed */
	const struct rec_entry_input *in;  /* borrowed, checked */
	const struct rec_audit *audit;     /* borrowed */
	const struct rec_entry_problem *problem; /* borrowed: refused input, or NULL */
	struct rec_refusal refusal;
	bool denied;
	char id[CL_UUID_LEN + 1];
	json_t *entry;                     /* owned once committed */
};

static int create_body(struct cl_pg *pg, void *arg)
{
	struct create_tx *c = arg;
	memset(&c->refusal, 0, sizeof c->refusal);
	c->denied = false;
	json_decref(c->entry);
	c->entry = NULL;
	int rc = rec_patient_session(pg, c->who);
	/* outsiders learn nothing, not even that their input was wrong */
	if (rc == 0)
		rc = rec_patient_access(pg, c->who, c->in->patient_id, NULL);
	if (rc == CL_ENOENT)
		c->denied = true;
	if (rc == 0 && c->problem)
		rc = rec_refuse(&c->refusal, 400, c->problem->code, c->problem->message);
	if (rc == 0)
		rc = rec_entry_write(pg, c->app, c->who, c->in, c->audit, &c->refusal, &c->denied,
				     c->id);
	if (rc == 0)
		rc = rec_db_entry_json(pg, c->who, c->id, &c->entry);
	return rc;
}

enum MHD_Result rec_entry_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *patient_id = req->params[0];
	if (!cl_uuid_valid(patient_id))
		return rec_patient_denied(req, patient_id, NULL);
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	struct rec_entry_input in = {.patient_id = patient_id};
	struct rec_entry_problem p = {0};
	bool good = json_is_object(body) && rec_entry_input_read(body, false, &in, &p);
	if (!good && !p.code) {
		p.code = "invalid_body";
		cl_strlcpy(p.message, "JSON オブジェクトを送ってください", sizeof p.message);
	}
	char addr[64];
	struct rec_audit audit = rec_audit_of(req, patient_id, NULL, "write", "ok", addr,
					      sizeof addr);
	struct create_tx c = {.app = app, .who = &req->identity, .in = &in, .audit = &audit,
				.problem = good ? NULL : &p};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_body, &c);
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(body);
	if (rc == CL_ENOENT && c.denied) {
		json_decref(c.entry);
		return rec_patient_denied(req, patient_id, NULL);
	}
	if (rc < 0) {
		json_decref(c.entry);
		return rec_refusal_send(req, &c.refusal, rc, "patient_not_found",
					"利用者が見つかりません");
	}
	cl_log_info("entry created", "entry_id", c.id, "patient_id", patient_id, NULL);
	return cl_http_json(req, 201, json_pack("{s:o}", "entry", c.entry));
}
