/* confirm_list.c - GET /v1/posts/:id/confirmations: for the author or a
 * space admin, who in the audience has confirmed the post and who has not */
#include "records.h"
#include "carelink/err.h"

#include <string.h>

enum MHD_Result rec_confirm_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *post_id = req->params[0];
	if (!cl_uuid_valid(post_id))
		return cl_http_error(req, 404, "post_not_found", "投稿が見つかりません");
	struct rec_post_ref p = {0};
	json_t *list = NULL;
	struct rec_refusal refused = {0};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_post_find(pg, &req->identity, post_id, false, &p);
	if (rc == 0) {
		if (p.parent_id[0])
			rec_refuse(&refused, 400, "not_a_post",
				   "コメントには確認の状況がありません");
		else if (strcmp(p.author_id, req->identity.user) && !p.can_admin)
			rec_refuse(&refused, 403, "forbidden",
				   "確認の状況を見られるのは書いた人とスペース管理者だけです");
		else
			rc = rec_db_confirmation_list(pg, req->identity.tenant, &p, &list);
	}
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_post_ref_release(&p);
	if (refused.status)
		return cl_http_error(req, refused.status, refused.code, refused.message);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "post_not_found", "投稿が見つかりません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, list);
}
