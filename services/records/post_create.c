/* post_create.c - POST /v1/threads/:id/posts: add a post to a visible, open
 * thread with its mentions and attachments; the row and its PostCreated
 * event commit together */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>
#include <string.h>

/* The transaction's input and, once committed, its output. */
struct create_tx {
	struct rec_app *app;                    /* borrowed */
	const struct cl_identity *who;          /* borrowed */
	const char *thread_id;                  /* borrowed */
	const struct rec_post_input *in;        /* borrowed, already checked */
	struct rec_refusal refusal;
	char post_id[CL_UUID_LEN + 1];
};

static json_t *post_created_event(const struct create_tx *c, const struct rec_thread *t,
				  const json_t *mentions, int64_t created_ms)
{
	const struct cl_identity *who = c->who;
	json_t *ev = cl_event_new(who->tenant);
	json_t *rest = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:i}",
		"post_id", c->post_id, "space_id", t->space_id,
		"space_name", t->space_name, "thread_id", t->id,
		"thread_title", t->title, "author_id", who->user,
		"author_name", who->name, "author_organisation_id", who->organisation,
		"author_organisation_name", who->organisation_name, "body", c->in->body,
		"created_at", (json_int_t)created_ms, "audience",
		rec_event_audience(t->professions, t->organisations), "mentions",
		rec_mentions_ids_json(mentions), "attachment_count", (int)c->in->n_attachments);
	if (!ev || !rest)
		abort();
	json_object_update(ev, rest);
	json_decref(rest);
	return ev;
}

static int create_body(struct cl_pg *pg, void *arg)
{
	struct create_tx *c = arg;
	const struct cl_identity *who = c->who;
	struct rec_thread t;
	json_t *mentions = NULL;
	char *mentions_text = NULL;
	memset(&c->refusal, 0, sizeof c->refusal);
	int rc = rec_db_thread_lock(pg, who, c->thread_id, &t);
	if (rc < 0)
		return rc;
	if (t.space_archived) {
		rc = rec_refuse(&c->refusal, 409, "space_archived",
				"アーカイブされたスペースには投稿できません");
		goto out;
	}
	if (t.closed) {
		rc = rec_refuse(&c->refusal, 409, "thread_closed",
				"閉じられたスレッドには投稿できません");
		goto out;
	}
	rc = rec_mentions_resolve(pg, who->tenant, t.space_id, &c->in->mentions, &mentions,
				  &c->refusal);
	if (rc < 0)
		goto out;
	mentions_text = json_dumps(mentions, JSON_COMPACT);
	struct rec_post_new n = {
		.tenant_id = who->tenant,
		.space_id = t.space_id,
		.thread_id = t.id,
		.author_id = who->user,
		.author_name = who->name,
		.author_organisation_id = who->organisation,
		.author_organisation_name = who->organisation_name,
		.body = c->in->body,
		.mentions_json = mentions_text,
	};
	int64_t created_ms;
	rc = rec_db_post_insert(pg, &n, c->post_id, &created_ms);
	if (rc < 0)
		goto out;
	rc = rec_post_input_attach(pg, who, c->post_id, c->in, &c->refusal);
	if (rc < 0)
		goto out;
	json_t *ev = post_created_event(c, &t, mentions, created_ms);
	rc = rec_event_add(pg, c->app, t.space_id, REC_EVENT_POST_CREATED, ev);
	json_decref(ev);
out:
	free(mentions_text);
	json_decref(mentions);
	rec_thread_release(&t);
	return rc;
}

enum MHD_Result rec_post_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *thread_id = req->params[0];
	if (!cl_uuid_valid(thread_id))
		return cl_http_error(req, 404, "thread_not_found", "スレッドが見つかりません");
	struct rec_post_input in;
	if (!rec_post_input_read(req, true, &in)) {
		rec_post_input_release(&in);
		return req->result;
	}
	struct create_tx c = {
		.app = app,
		.who = &req->identity,
		.thread_id = thread_id,
		.in = &in,
	};
	json_t *post = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_body, &c);
	if (rc == 0)
		rc = rec_db_post_json(pg, &req->identity, c.post_id, &post);
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_post_input_release(&in);

	if (rc < 0)
		return rec_refusal_send(req, &c.refusal, rc, "thread_not_found",
						"スレッドが見つかりません");
	cl_log_info("post created", "post_id", c.post_id, "thread_id", thread_id, NULL);
	return cl_http_json(req, 201, json_pack("{s:o}", "post", post));
}
