/* entry_list.c - GET /v1/patients/:id/entries?category=&before=&limit=: a
 * patient's timeline, newest first, for the team; the read is audited */
#include "entries.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

struct list_tx {
	const struct rec_app *app;      /* borrowed */
	const struct cl_identity *who;  /* borrowed */
	const char *patient_id, *category, *before;
	long limit;
	const struct rec_audit *audit;  /* borrowed */
	const char *bad_code, *bad_message; /* a refused query, or NULL */
	struct rec_refusal refusal;
	json_t *entries;                /* owned once committed */
};

static int list_body(struct cl_pg *pg, void *arg)
{
	struct list_tx *l = arg;
	memset(&l->refusal, 0, sizeof l->refusal);
	json_decref(l->entries);
	l->entries = NULL;
	int rc = rec_patient_session(pg, l->who);
	if (rc == 0)
		rc = rec_patient_access(pg, l->who, l->patient_id, NULL);
	/* outsiders learn nothing, not even that their query was wrong */
	if (rc == 0 && l->bad_code)
		rc = rec_refuse(&l->refusal, 400, l->bad_code, l->bad_message);
	if (rc == 0)
		rc = rec_db_entry_list(pg, l->who, l->patient_id, l->category, l->before,
				       l->limit, &l->entries);
	if (rc == 0)
		rc = rec_audit_add(pg, l->app->svc->schemas, l->audit);
	return rc;
}

enum MHD_Result rec_entry_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *patient_id = req->params[0];
	if (!cl_uuid_valid(patient_id))
		return rec_patient_denied(req, patient_id, NULL);
	const char *category = cl_http_query(req, "category");
	const char *before = cl_http_query(req, "before");
	const char *limit_text = cl_http_query(req, "limit");
	if (category && !*category)
		category = NULL;
	if (before && !*before)
		before = NULL;
	const char *bad_code = NULL, *bad_message = NULL;
	if (category && !rec_entry_category_ok(category)) {
		bad_code = "invalid_code";
		bad_message = "記録の種類が正しくありません";
	}
	if (before && !cl_uuid_valid(before)) {
		bad_code = "invalid_cursor";
		bad_message = "before は記録の ID です";
	}
	long limit = REC_ENTRIES_LIMIT_DEFAULT;
	if (limit_text && *limit_text) {
		char *end;
		limit = strtol(limit_text, &end, 10);
		if (*end || limit < 1 || limit > REC_ENTRIES_LIMIT_MAX) {
			bad_code = "invalid_limit";
			bad_message = "limit は 1 から 200 の整数です";
		}
	}
	char addr[64];
	struct rec_audit audit = rec_audit_of(req, patient_id, NULL, "read", "ok", addr,
					      sizeof addr);
	struct list_tx l = {.app = app, .who = &req->identity, .patient_id = patient_id,
			    .category = category, .before = before, .limit = limit,
			    .audit = &audit, .bad_code = bad_code, .bad_message = bad_message};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, list_body, &l);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(l.entries);
		if (rc == CL_ENOENT)
			return rec_patient_denied(req, patient_id, NULL);
		return rec_refusal_send(req, &l.refusal, rc, "patient_not_found",
					"利用者が見つかりません");
	}
	return cl_http_json(req, 200, json_pack("{s:o}", "entries", l.entries));
}
