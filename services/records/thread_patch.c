/* thread_patch.c - PATCH /v1/threads/:id {title?, closed?}: a space admin
 * renames, closes or reopens a thread */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>

struct patch_tx {
	const struct cl_identity *who; /* borrowed */
	const char *thread_id;         /* borrowed */
	const char *title;             /* borrowed, checked; NULL: kept */
	int closed;                    /* -1: kept */
	struct rec_refusal refusal;
};

static int patch_body(struct cl_pg *pg, void *arg)
{
	struct patch_tx *c = arg;
	c->refusal.status = 0;
	char space_id[CL_UUID_LEN + 1];
	int rc = rec_db_thread_space(pg, c->who->tenant, c->thread_id, space_id);
	if (rc < 0)
		return rc;
	struct rec_space s;
	rc = rec_db_space_lock(pg, c->who, space_id, &s);
	if (rc < 0)
		return rc;
	if (!s.can_admin)
		rc = rec_refuse(&c->refusal, 403, "forbidden",
				      "スレッドを変更できるのはスペースの管理者だけです");
	else if (s.archived)
		rc = rec_refuse(&c->refusal, 409, "space_archived",
				      "アーカイブされたスペースのスレッドは変更できません");
	else
		rc = rec_db_thread_update(pg, c->who->tenant, space_id, c->thread_id, c->title,
					  c->closed);
	rec_space_release(&s);
	return rc;
}

enum MHD_Result rec_thread_patch(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *thread_id = req->params[0];
	if (!cl_uuid_valid(thread_id))
		return cl_http_error(req, 404, "thread_not_found", "スレッドが見つかりません");
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	json_t *title_v = NULL, *closed_v = NULL;
	json_error_t jerr;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s?o, s?o}", "title", &title_v,
			   "closed", &closed_v)) {
		json_decref(body);
		return cl_http_error(req, 400, "invalid_body", jerr.text);
	}
	if ((!title_v && !closed_v) || (closed_v && !json_is_boolean(closed_v))) {
		json_decref(body);
		return cl_http_error(req, 400, "invalid_body",
				     "title か closed (true/false) を指定してください");
	}
	int closed = closed_v ? json_is_true(closed_v) : -1;
	bool given;
	char *title = rec_thread_title_read(req, body, false, &given);
	json_decref(body);
	if (title_v && !title)
		return req->result;

	struct patch_tx c = {.who = &req->identity, .thread_id = thread_id, .title = title,
			     .closed = closed};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, patch_body, &c);
	json_t *thread = NULL;
	if (rc == 0)
		rc = rec_db_thread_json(pg, req->identity.tenant, thread_id, &thread);
	cl_pg_pool_put(&app->svc->pool, pg);
	free(title);
	if (rc < 0)
		return rec_space_refusal_send(req, &c.refusal, rc, "thread_not_found",
					      "thread_title_taken");
	cl_log_info("thread changed", "thread_id", thread_id, NULL);
	return cl_http_json(req, 200, json_pack("{s:o}", "thread", thread));
}
