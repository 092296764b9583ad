/* import_create.c - POST /v1/apps/:id/imports?encoding=&mode=: check the
 * CSV file's encoding, quotes and header at once (400), then hand its rows
 * to the import workers (202) */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum MHD_Result fail_at(struct cl_http_req *req, const char *code, size_t line,
			       const char *what)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%zu行目: %s", line, what);
	return cl_http_error(req, 400, code, msg);
}

/* the file as UTF-8 rows with a mapped header, or the 400 answered */
static bool file_read(struct cl_http_req *req, enum rec_encoding enc, const json_t *fields,
		      struct rec_csv *csv, struct rec_import_map *map, long *rows)
{
	char *text = NULL;
	size_t len = 0, line = 0;
	const char *body = req->body ? req->body : "";
	size_t skip = enc == REC_ENC_UTF8 ? rec_text_bom_skip(body, req->body_len) : 0;
	if (req->body_len == skip || strspn(body + skip, " \t\r\n") == req->body_len - skip) {
		cl_http_error(req, 400, "empty_file", "ファイルが空です");
		return false;
	}
	int rc = rec_text_decode(body, req->body_len, enc, &text, &len, &line);
	if (rc == CL_EINVAL) {
		fail_at(req, "invalid_encoding", line,
			enc == REC_ENC_UTF8
				? "UTF-8 として読めない文字があります。Shift_JIS で保存したファイルなら"
				  " encoding=shift_jis を指定してください"
				: "Shift_JIS として読めない文字があります。UTF-8 で保存したファイルなら"
				  " encoding=utf-8 を指定してください");
		return false;
	}
	if (rc < 0) {
		cl_http_fail(req, rc);
		return false;
	}
	rc = rec_csv_parse(text, len, csv, &line);
	free(text);
	if (rc < 0) {
		fail_at(req, "invalid_csv", line, "引用符（\"）が閉じていません");
		return false;
	}
	*rows = 0;
	for (size_t i = 1; i < csv->n; i++)
		if (!rec_csv_row_blank(&csv->rows[i]))
			(*rows)++;
	if (csv->n == 0 || *rows == 0) {
		cl_http_error(req, 400, "empty_file", "見出しの行のほかにデータの行がありません");
		return false;
	}
	const char *code = NULL;
	char *message = NULL;
	if (rec_import_map_make(fields, &csv->rows[0], map, &code, &message) < 0) {
		cl_http_error(req, 400, code, message);
		free(message);
		return false;
	}
	return true;
}

enum MHD_Result rec_import_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	enum rec_encoding enc;
	if (!rec_encoding_parse(cl_http_query(req, "encoding"), &enc))
		return cl_http_error(req, 400, "invalid_query",
				     "encoding は utf-8 か shift_jis を指定してください");
	const char *mode = cl_http_query(req, "mode");
	if (!mode || !*mode)
		mode = "dry_run";
	if (strcmp(mode, "dry_run") && strcmp(mode, "commit"))
		return cl_http_error(req, 400, "invalid_query",
				     "mode は dry_run か commit を指定してください");

	struct rec_app_def def;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_app_find(pg, &req->identity, req->params[0], &def);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "app_not_found", "アプリが見つかりません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	enum MHD_Result r;
	if (!def.can_write && !def.can_admin) {
		r = cl_http_error(req, 403, "forbidden", "このアプリに書き込む権限がありません");
		rec_app_def_release(&def);
		return r;
	}
	struct rec_import_job *job = cl_xcalloc(1, sizeof *job);
	long rows = 0;
	if (!file_read(req, enc, def.fields, &job->csv, &job->map, &rows)) {
		rec_app_def_release(&def);
		rec_import_job_free(job);
		return req->result;
	}
	cl_uuid_new(job->id);
	cl_strlcpy(job->app_id, def.id, sizeof job->app_id);
	job->who = req->identity;
	job->schemas = app->svc->schemas;
	job->commit = !strcmp(mode, "commit");
	rec_app_def_release(&def);

	json_t *out = NULL;
	pg = cl_pg_pool_get(&app->svc->pool);
	rc = rec_db_import_insert(pg, &req->identity, job->id, job->app_id, mode,
				  rec_encoding_name(enc), rows);
	char id[CL_UUID_LEN + 1];
	cl_strlcpy(id, job->id, sizeof id);
	if (rc == 0)
		rc = rec_imports_submit(app, job);
	else
		rec_import_job_free(job);
	if (rc == 0)
		rc = rec_db_import_json(pg, &req->identity, id, &out);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 202, json_pack("{s:o}", "import", out));
}
