/* space_members.c - GET /v1/spaces/:id/members?q=: the active people who
 * may see a visible space, by name (mention picker, audience) */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>

enum MHD_Result rec_space_members(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *space_id = req->params[0];
	if (!cl_uuid_valid(space_id))
		return cl_http_error(req, 404, "space_not_found", "スペースが見つかりません");
	const char *q_arg = cl_http_query(req, "q");
	char *q = NULL;
	if (q_arg) {
		json_t *checked = json_string(q_arg); /* NULL unless valid UTF-8 */
		size_t n = 0;
		if (checked)
			q = rec_text_trim(q_arg, &n);
		json_decref(checked);
		if (!checked || n > REC_MEMBERS_QUERY_MAX) {
			free(q);
			return cl_http_error(req, 400, "invalid_query",
					     "検索語は200文字以内の文字列で指定してください");
		}
		if (n == 0) {
			free(q);
			q = NULL;
		}
	}
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	struct rec_space s;
	json_t *members = NULL;
	int rc = rec_db_space_find(pg, &req->identity, space_id, &s);
	if (rc == 0) {
		rc = rec_db_person_members(pg, req->identity.tenant, space_id, q, &members);
		rec_space_release(&s);
	}
	cl_pg_pool_put(&app->svc->pool, pg);
	free(q);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "space_not_found", "スペースが見つかりません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "members", members));
}
