/* post_history.c - GET /v1/posts/:id/history: the earlier texts of a
 * visible post or comment, oldest first, the current text last */
#include "records.h"
#include "carelink/err.h"

enum MHD_Result rec_post_history(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *post_id = req->params[0];
	if (!cl_uuid_valid(post_id))
		return cl_http_error(req, 404, "post_not_found", "投稿が見つかりません");
	struct rec_post_ref p = {0};
	json_t *revisions = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_post_find(pg, &req->identity, post_id, false, &p);
	if (rc == 0 && !p.deleted)
		rc = rec_db_revision_list(pg, req->identity.tenant, post_id, &revisions);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "post_not_found", "投稿が見つかりません");
	if (rc < 0) {
		rec_post_ref_release(&p);
		return cl_http_fail(req, rc);
	}
	if (p.deleted) {
		rec_post_ref_release(&p);
		/* the texts of a deleted post stay in the audit, not here */
		return cl_http_error(req, 409, "post_deleted", "投稿は削除されています");
	}
	char written[32];
	cl_time_format(p.written_ms, written);
	json_array_append_new(revisions,
			      json_pack("{s:s, s:s, s:{s:s, s:s}}", "body", p.body, "created_at",
					written, "editor", "id", p.author_id, "name",
					p.author_name));
	rec_post_ref_release(&p);
	return cl_http_json(req, 200, json_pack("{s:o}", "revisions", revisions));
}
