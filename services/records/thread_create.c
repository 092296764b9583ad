/* thread_create.c - POST /v1/spaces/:id/threads: a space admin adds a
 * standing thread at the end of the space */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>

struct create_tx {
	const struct cl_identity *who; /* borrowed */
	const char *space_id;          /* borrowed */
	const char *title;             /* borrowed, checked */
	struct rec_refusal refusal;
	char thread_id[CL_UUID_LEN + 1];
};

static int create_body(struct cl_pg *pg, void *arg)
{
	struct create_tx *c = arg;
	c->refusal.status = 0;
	struct rec_space s;
	int rc = rec_db_space_lock(pg, c->who, c->space_id, &s);
	if (rc < 0)
		return rc;
	if (!s.can_admin)
		rc = rec_refuse(&c->refusal, 403, "forbidden",
				      "スレッドを追加できるのはスペースの管理者だけです");
	else if (s.archived)
		rc = rec_refuse(&c->refusal, 409, "space_archived",
				      "アーカイブされたスペースには追加できません");
	else
		rc = rec_db_thread_insert(pg, c->who->tenant, c->space_id, c->title, c->thread_id);
	rec_space_release(&s);
	return rc;
}

/* the trimmed title of {"title"} (1..200 code points); NULL after queuing
 * the 400 answer. Caller frees. */
char *rec_thread_title_read(struct cl_http_req *req, json_t *body, bool required,
			    bool *given)
{
	const char *text = NULL;
	size_t n;
	*given = false;
	json_t *v = json_object_get(body, "title");
	if (!v && !required)
		return NULL;
	text = json_string_value(v);
	char *title = text ? rec_text_trim(text, &n) : NULL;
	if (!title || n < 1 || n > REC_THREAD_TITLE_MAX) {
		free(title);
		cl_http_error(req, 400, "invalid_title", "スレッド名は1〜200文字で入力してください");
		return NULL;
	}
	*given = true;
	return title;
}

enum MHD_Result rec_thread_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *space_id = req->params[0];
	if (!cl_uuid_valid(space_id))
		return cl_http_error(req, 404, "space_not_found", "スペースが見つかりません");
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	json_t *title_v = NULL;
	json_error_t jerr;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:o}", "title", &title_v)) {
		json_decref(body);
		return cl_http_error(req, 400, "invalid_body", jerr.text);
	}
	bool given;
	char *title = rec_thread_title_read(req, body, true, &given);
	json_decref(body);
	if (!title)
		return req->result;

	struct create_tx c = {.who = &req->identity, .space_id = space_id, .title = title};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_body, &c);
	json_t *thread = NULL;
	if (rc == 0)
		rc = rec_db_thread_json(pg, req->identity.tenant, c.thread_id, &thread);
	cl_pg_pool_put(&app->svc->pool, pg);
	free(title);
	if (rc < 0)
		return rec_space_refusal_send(req, &c.refusal, rc, "space_not_found",
					      "thread_title_taken");
	cl_log_info("thread added", "thread_id", c.thread_id, "space_id", space_id, NULL);
	return cl_http_json(req, 201, json_pack("{s:o}", "thread", thread));
}
