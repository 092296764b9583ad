/* post_get.c - GET /v1/posts/:id: one visible post (with its comments) or
 * comment */
#include "records.h"
#include "carelink/err.h"

enum MHD_Result rec_post_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *post_id = req->params[0];
	if (!cl_uuid_valid(post_id))
		return cl_http_error(req, 404, "post_not_found", "投稿が見つかりません");
	json_t *post = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_post_json(pg, &req->identity, post_id, &post);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "post_not_found", "投稿が見つかりません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "post", post));
}
