/* patient_list.c - GET /v1/patients: my patients (current team or
 * break-glass), ?q= a part of the name or kana; one audit row for the list */
#include "patient_parts.h"

#include <stdlib.h>

struct list_tx {
	struct cl_http_req *req;
	const char *q;
	json_t *out;
};

static int list_body(struct cl_pg *pg, void *arg)
{
	struct list_tx *l = arg;
	struct rec_app *app = l->req->app;
	char addr[64];
	struct rec_audit a = rec_audit_of(l->req, NULL, NULL, "read", "ok", addr, sizeof addr);
	json_decref(l->out);
	l->out = NULL;
	int rc = rec_patient_session(pg, &l->req->identity);
	if (rc == 0)
		rc = rec_db_patient_list(pg, &l->req->identity, l->q, &l->out);
	if (rc == 0)
		rc = rec_audit_add(pg, app->svc->schemas, &a);
	return rc;
}

enum MHD_Result rec_patient_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *q = cl_http_query(req, "q");
	size_t n = 0;
	char *trimmed = q ? rec_text_trim(q, &n) : NULL;
	if (n > 100) {
		free(trimmed);
		return cl_http_error(req, 400, "invalid_query", "検索語は100文字以内です");
	}
	struct list_tx l = {.req = req, .q = n ? trimmed : NULL};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, list_body, &l);
	cl_pg_pool_put(&app->svc->pool, pg);
	free(trimmed);
	if (rc < 0) {
		json_decref(l.out);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, l.out);
}
