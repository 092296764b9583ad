/* round_create.c - POST /v1/rounds {entries:[{patient_id, category,
 * fields?, text?, addressed_to?}, ...]}: a doctor's round, 1..50 entries in
 * one transaction, each checked against its own patient's team; any
 * refusal refuses the whole round, naming the entry's "index" */
#include "entries.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>
#include <string.h>

struct round_tx {
	struct rec_app *app;             /* borrowed */
	struct cl_http_req *req;         /* borrowed */
	const struct rec_entry_input *in;
	size_t n;
	struct rec_refusal refusal;
	size_t index;                    /* the entry refused or denied */
	bool denied;
	json_t *entries;                 /* owned once committed */
};

static int round_body(struct cl_pg *pg, void *arg)
{
	struct round_tx *t = arg;
	const struct cl_identity *who = &t->req->identity;
	memset(&t->refusal, 0, sizeof t->refusal);
	t->denied = false;
	json_decref(t->entries);
	t->entries = json_array();
	int rc = rec_patient_session(pg, who);
	for (size_t i = 0; rc == 0 && i < t->n; i++) {
		char addr[64], id[CL_UUID_LEN + 1];
		struct rec_audit audit = rec_audit_of(t->req, t->in[i].patient_id, NULL, "write",
						      "ok", addr, sizeof addr);
		t->index = i;
		rc = rec_entry_write(pg, t->app, who, &t->in[i], &audit, &t->refusal, &t->denied,
				     id);
		json_t *entry = NULL;
		if (rc == 0)
			rc = rec_db_entry_json(pg, who, id, &entry);
		if (rc == 0)
			json_array_append_new(t->entries, entry);
	}
	return rc;
}

struct denied_tx {
	const struct rec_app *app;
	const struct rec_audit *audit;
};

static int denied_body(struct cl_pg *pg, void *arg)
{
	struct denied_tx *d = arg;
	int rc = rec_patient_session(pg, d->audit->who);
	if (rc == 0)
		rc = rec_audit_add(pg, d->app->svc->schemas, d->audit);
	return rc;
}

static enum MHD_Result round_refuse(struct cl_http_req *req, unsigned status, const char *code,
				    const char *message, size_t index)
{
	return cl_http_json(req, status,
			    json_pack("{s:{s:s, s:s, s:I}}", "error", "code", code, "message",
				      message, "index", (json_int_t)index));
}

/* a patient outside the caller's teams: audited as denied in a
 * transaction of its own, then the same 404 as an unknown patient */
static enum MHD_Result round_denied(struct cl_http_req *req, const char *patient_id,
				    size_t index)
{
	struct rec_app *app = req->app;
	char addr[64];
	struct rec_audit a = rec_audit_of(req, patient_id, NULL, "denied", "denied", addr,
					  sizeof addr);
	struct denied_tx d = {.app = app, .audit = &a};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, denied_body, &d);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		cl_log_error("denied access not audited", "user_id", req->identity.user, NULL);
	return round_refuse(req, 404, "patient_not_found", "利用者が見つかりません", index);
}

enum MHD_Result rec_round_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	json_error_t jerr;
	json_t *list = NULL;
	struct rec_entry_input *in = NULL;
	enum MHD_Result r;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:o}", "entries", &list) ||
	    !json_is_array(list) || json_array_size(list) < 1 ||
	    json_array_size(list) > REC_ROUND_MAX) {
		r = cl_http_error(req, 400, "invalid_body",
				  "entries は 1 から 50 件の記録の配列です");
		goto out;
	}
	size_t n = json_array_size(list);
	in = cl_xcalloc(n, sizeof *in);
	for (size_t i = 0; i < n; i++) {
		struct rec_entry_problem p = {0};
		const json_t *e = json_array_get(list, i);
		if (!json_is_object(e) || !rec_entry_input_read(e, true, &in[i], &p)) {
			r = round_refuse(req, 400, p.code ? p.code : "invalid_body",
					 p.code ? p.message : "記録は JSON オブジェクトです", i);
			goto out;
		}
		if (!cl_uuid_valid(in[i].patient_id)) {
			r = round_denied(req, in[i].patient_id, i);
			goto out;
		}
	}
	struct round_tx t = {.app = app, .req = req, .in = in, .n = n};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, round_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(t.entries);
		if (rc == CL_ENOENT && t.denied)
			r = round_denied(req, in[t.index].patient_id, t.index);
		else if (t.refusal.status)
			r = round_refuse(req, t.refusal.status, t.refusal.code, t.refusal.message,
					 t.index);
		else
			r = cl_http_fail(req, rc);
		goto out;
	}
	cl_log_info("round recorded", "user_id", req->identity.user, NULL);
	r = cl_http_json(req, 201, json_pack("{s:o}", "entries", t.entries));
out:
	free(in);
	json_decref(body);
	return r;
}
