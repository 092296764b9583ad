/* access_history.c - GET /v1/patients/:id/access-history: who read or
 * wrote the file and who was refused, for its team and the tenant's
 * privacy officers; ?format=csv gives the same as UTF-8 CSV (with a BOM) */
#include "patient_parts.h"
#include "imports.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct history_tx {
	struct cl_http_req *req;
	const char *id;
	bool officer;
	json_t *out;
};

static int history_body(struct cl_pg *pg, void *arg)
{
	struct history_tx *h = arg;
	struct rec_app *app = h->req->app;
	const struct cl_identity *who = &h->req->identity;
	char addr[64];
	struct rec_audit a = rec_audit_of(h->req, h->id, NULL, "read", "ok", addr, sizeof addr);
	json_decref(h->out);
	h->out = NULL;
	int rc = rec_patient_enter(pg, who, h->id, NULL);
	if (rc == CL_ENOENT && h->officer && cl_uuid_valid(h->id)) {
		bool exists = false;
		rc = rec_db_patient_exists(pg, h->id, &exists);
		if (rc == 0 && !exists)
			rc = CL_ENOENT;
	}
	if (rc == 0)
		rc = rec_db_audit_history(pg, who->tenant, h->id, &h->out);
	if (rc == 0)
		rc = rec_audit_add(pg, app->svc->schemas, &a);
	return rc;
}

static const char *text_of(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

/* the accesses as CSV: a header row, then one row per access */
static void history_csv(const json_t *accesses, struct rec_text_buf *b)
{
	static const char *const head[] = {"at",     "user_id", "user_name", "action",
					   "route",  "address", "outcome",   "entry_id"};
	rec_csv_row_write(b, head, 8);
	size_t i;
	json_t *x;
	json_array_foreach(accesses, i, x) {
		json_t *user = json_object_get(x, "user");
		const char *raw[8] = {text_of(json_object_get(x, "at")),
				      text_of(json_object_get(user, "id")),
				      text_of(json_object_get(user, "name")),
				      text_of(json_object_get(x, "action")),
				      text_of(json_object_get(x, "route")),
				      text_of(json_object_get(x, "address")),
				      text_of(json_object_get(x, "outcome")),
				      text_of(json_object_get(x, "entry_id"))};
		char *cells[8];
		for (size_t k = 0; k < 8; k++)
			cells[k] = rec_csv_formula_guard(raw[k]);
		rec_csv_row_write(b, (const char *const *)cells, 8);
		for (size_t k = 0; k < 8; k++)
			free(cells[k]);
	}
}

enum MHD_Result rec_access_history(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *format = cl_http_query(req, "format");
	if (format && strcmp(format, "csv") && strcmp(format, "json"))
		return cl_http_error(req, 400, "invalid_format", "形式は csv か json です");
	struct history_tx h = {
		.req = req,
		.id = req->params[0],
		.officer = cl_identity_has_role(&req->identity, "privacy_officer") != 0,
	};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, history_body, &h);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return rec_patient_denied(req, h.id, NULL);
	if (rc < 0) {
		json_decref(h.out);
		return cl_http_fail(req, rc);
	}
	if (!format || strcmp(format, "csv"))
		return cl_http_json(req, 200, h.out);
	/* with a BOM, as the other exports: spreadsheet programs then read UTF-8 */
	struct rec_text_buf b = {0};
	rec_text_buf_adds(&b, "\xef\xbb\xbf");
	history_csv(json_object_get(h.out, "accesses"), &b);
	json_decref(h.out);
	char disposition[96];
	snprintf(disposition, sizeof disposition,
		 "attachment; filename=\"access-history-%s.csv\"", h.id);
	cl_http_set_header(req, "Content-Disposition", disposition);
	enum MHD_Result r = cl_http_bytes(req, 200, "text/csv; charset=utf-8", b.data ? b.data : "",
					  b.len);
	rec_text_buf_release(&b);
	return r;
}
