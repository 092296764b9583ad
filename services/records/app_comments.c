/* app_comments.c - GET and POST /v1/app-records/:id/comments: readers of a
 * record read and add comments */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>

enum MHD_Result rec_app_comment_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct rec_app_def def = {0};
	char *owner = NULL;
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_record_load(req, pg, req->params[0], &def, &owner)) {
		r = req->result;
		goto out;
	}
	json_t *list = NULL;
	int rc = rec_db_app_comments(pg, req->identity.tenant, req->params[0], NULL, &list);
	r = rc < 0 ? cl_http_fail(req, rc)
		   : cl_http_json(req, 200, json_pack("{s:o}", "comments", list));
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	free(owner);
	return r;
}

enum MHD_Result rec_app_comment_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	struct rec_app_def def = {0};
	char *owner = NULL, *text = NULL;
	const char *raw = NULL;
	json_error_t jerr;
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_record_load(req, pg, req->params[0], &def, &owner)) {
		r = req->result;
		goto out;
	}
	size_t n = 0;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s}", "body", &raw) ||
	    !(text = rec_text_trim(raw, &n)) || n < 1 || n > REC_APP_COMMENT_MAX) {
		r = cl_http_error(req, 400, "invalid_body", "コメント（body）は1〜2000文字で入力してください");
		goto out;
	}
	char id[CL_UUID_LEN + 1];
	cl_uuid_new(id);
	json_t *list = NULL;
	int rc = rec_db_app_comment_insert(pg, &req->identity, req->params[0], id, text);
	if (rc == 0)
		rc = rec_db_app_comments(pg, req->identity.tenant, req->params[0], id, &list);
	if (rc < 0)
		r = cl_http_fail(req, rc);
	else
		r = cl_http_json(req, 201,
				 json_pack("{s:O}", "comment", json_array_get(list, 0)));
	json_decref(list);
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	free(owner);
	free(text);
	json_decref(body);
	return r;
}
