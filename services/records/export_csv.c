/* export_csv.c - GET /v1/apps/:id/export.csv?encoding=: every record of an
 * app as CSV (header of field labels, first column id) in UTF-8 with a BOM
 * or Shift_JIS (code page 932); the filters and sort of the list apply */
#include "records.h"

#include <stdlib.h>
#include <string.h>

/* one CSV row per record of ids (in that order) */
static void rows_write(struct rec_text_buf *b, const json_t *fields, const json_t *ids,
		       const json_t *values, const struct rec_import_names *names)
{
	size_t n = json_array_size(fields) + 1;
	char **cells = cl_xcalloc(n, sizeof *cells);
	size_t i;
	const json_t *id;
	json_array_foreach(ids, i, id) {
		const json_t *v = json_object_get(values, json_string_value(id));
		if (!v)
			continue; /* deleted meanwhile */
		cells[0] = cl_xstrdup(json_string_value(id));
		size_t k;
		const json_t *f;
		json_array_foreach(fields, k, f) {
			const char *key = json_string_value(json_object_get(f, "key"));
			cells[k + 1] = rec_export_cell_text(f, json_object_get(v, key), names);
		}
		rec_csv_row_write(b, (const char *const *)cells, n);
		for (k = 0; k < n; k++) {
			free(cells[k]);
			cells[k] = NULL;
		}
	}
	free(cells);
}

/* the whole file as UTF-8 text */
static int csv_make(struct cl_pg *pg, const struct cl_identity *who,
		    const struct rec_app_def *def, struct rec_app_query *q, struct rec_text_buf *b)
{
	struct rec_import_names names;
	int rc = rec_db_import_names(pg, who->tenant, &names);
	if (rc < 0)
		return rc;
	size_t n = json_array_size(def->fields) + 1;
	const char **head = cl_xcalloc(n, sizeof *head);
	head[0] = "id";
	size_t i;
	const json_t *f;
	json_array_foreach(def->fields, i, f)
		head[i + 1] = json_string_value(json_object_get(f, "label"));
	rec_csv_row_write(b, head, n);
	free(head);

	/* the list's filters and order, every page */
	q->limit = REC_EXPORT_PAGE;
	q->offset = 0;
	for (;;) {
		json_t *ids = NULL, *values = NULL;
		long total = 0;
		rc = rec_db_app_record_ids(pg, who->tenant, def->id, q, &ids, &total);
		if (rc == 0)
			rc = rec_db_export_values(pg, who->tenant, ids, &values);
		if (rc == 0)
			rows_write(b, def->fields, ids, values, &names);
		size_t got = json_array_size(ids);
		json_decref(ids);
		json_decref(values);
		if (rc < 0 || got < (size_t)q->limit)
			break;
		q->offset += q->limit;
	}
	rec_import_names_release(&names);
	return rc;
}

enum MHD_Result rec_export_csv(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	enum rec_encoding enc;
	if (!rec_encoding_parse(cl_http_query(req, "encoding"), &enc))
		return cl_http_error(req, 400, "invalid_query",
				     "encoding は utf-8 か shift_jis を指定してください");
	struct rec_app_def def;
	struct rec_text_buf text = {0};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_app_find(pg, &req->identity, req->params[0], &def);
	if (rc == 0) {
		struct rec_app_query q;
		if (!rec_app_query_parse(req, &def, &q)) {
			cl_pg_pool_put(&app->svc->pool, pg);
			rec_app_def_release(&def);
			return req->result;
		}
		if (!cl_http_query(req, "sort")) { /* oldest first unless asked */
			q.sort_kind = "created";
			q.descending = false;
		}
		rc = csv_make(pg, &req->identity, &def, &q, &text);
		rec_app_query_release(&q);
		if (rc < 0)
			rec_app_def_release(&def);
	}
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "app_not_found", "アプリが見つかりません");
	if (rc < 0) {
		rec_text_buf_release(&text);
		return cl_http_fail(req, rc);
	}
	char *out = NULL;
	size_t len = 0;
	rc = rec_text_encode(text.data, text.len, enc, &out, &len);
	rec_text_buf_release(&text);
	if (rc < 0) {
		rec_app_def_release(&def);
		return cl_http_fail(req, rc);
	}
	size_t nl = strlen(def.name);
	char *filename = cl_xmalloc(nl + 5);
	memcpy(filename, def.name, nl);
	memcpy(filename + nl, ".csv", 5);
	char *disposition = rec_content_disposition("text/csv", filename);
	cl_http_set_header(req, "Content-Disposition", disposition);
	cl_http_set_header(req, "Cache-Control", "private, no-store");
	enum MHD_Result r = cl_http_bytes(req, 200,
					  enc == REC_ENC_UTF8 ? "text/csv; charset=utf-8"
							      : "text/csv; charset=Shift_JIS",
					  out, len);
	free(disposition);
	free(filename);
	free(out);
	rec_app_def_release(&def);
	return r;
}
