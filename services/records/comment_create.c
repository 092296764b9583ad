/* comment_create.c - POST /v1/posts/:id/comments: a comment on a visible
 * post of an open thread; the row and its CommentAdded event commit
 * together */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>
#include <string.h>

struct comment_tx {
	struct rec_app *app;                    /* borrowed */
	const struct cl_identity *who;          /* borrowed */
	const char *post_id;                    /* borrowed */
	const struct rec_post_input *in;        /* borrowed, already checked */
	struct rec_refusal refusal;
	char comment_id[CL_UUID_LEN + 1];
};

static json_t *comment_added_event(const struct comment_tx *c, const struct rec_post_ref *p,
				   const json_t *mentions, json_t *participants,
				   int64_t created_ms)
{
	const struct cl_identity *who = c->who;
	json_t *ev = cl_event_new(who->tenant);
	json_t *rest = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o}",
		"comment_id", c->comment_id, "post_id", p->id, "space_id", p->space_id,
		"space_name", p->space_name, "thread_id", p->thread_id,
		"thread_title", p->thread_title, "post_author_id", p->author_id,
		"author_id", who->user, "author_name", who->name,
		"author_organisation_id", who->organisation,
		"author_organisation_name", who->organisation_name, "body", c->in->body,
		"created_at", (json_int_t)created_ms, "audience",
		rec_event_audience(p->professions, p->organisations), "mentions",
		rec_mentions_ids_json(mentions), "participants", participants);
	if (!ev || !rest)
		abort();
	json_object_update(ev, rest);
	json_decref(rest);
	return ev;
}

/* the refusals of a comment on p, in the order a person fixes them */
static int comment_allowed(struct comment_tx *c, const struct rec_post_ref *p)
{
	if (p->parent_id[0])
		return rec_refuse(&c->refusal, 400, "not_a_post",
				  "コメントにはコメントできません");
	if (p->deleted)
		return rec_refuse(&c->refusal, 409, "post_deleted", "投稿は削除されています");
	if (p->archived)
		return rec_refuse(&c->refusal, 409, "space_archived",
				  "アーカイブされたスペースには書き込めません");
	if (p->closed)
		return rec_refuse(&c->refusal, 409, "thread_closed",
				  "閉じられたスレッドにはコメントできません");
	return 0;
}

static int comment_body(struct cl_pg *pg, void *arg)
{
	struct comment_tx *c = arg;
	const struct cl_identity *who = c->who;
	struct rec_post_ref p;
	json_t *mentions = NULL, *participants = NULL;
	char *mentions_text = NULL;
	memset(&c->refusal, 0, sizeof c->refusal);
	int rc = rec_db_post_find(pg, who, c->post_id, true, &p);
	if (rc < 0)
		return rc;
	rc = comment_allowed(c, &p);
	if (rc < 0)
		goto out;
	rc = rec_mentions_resolve(pg, who->tenant, p.space_id, &c->in->mentions, &mentions,
				  &c->refusal);
	if (rc < 0)
		goto out;
	/* participants before the comment joins them */
	rc = rec_db_comment_participants(pg, who->tenant, p.id, who->user, &participants);
	if (rc < 0)
		goto out;
	mentions_text = json_dumps(mentions, JSON_COMPACT);
	struct rec_post_new n = {
		.tenant_id = who->tenant,
		.space_id = p.space_id,
		.thread_id = p.thread_id,
		.parent_id = p.id,
		.author_id = who->user,
		.author_name = who->name,
		.author_organisation_id = who->organisation,
		.author_organisation_name = who->organisation_name,
		.body = c->in->body,
		.mentions_json = mentions_text,
	};
	int64_t created_ms;
	rc = rec_db_post_insert(pg, &n, c->comment_id, &created_ms);
	if (rc < 0)
		goto out;
	rc = rec_post_input_attach(pg, who, c->comment_id, c->in, &c->refusal);
	if (rc < 0)
		goto out;
	json_t *ev = comment_added_event(c, &p, mentions, participants, created_ms);
	participants = NULL; /* the event took it */
	rc = rec_event_add(pg, c->app, p.space_id, REC_EVENT_COMMENT_ADDED, ev);
	json_decref(ev);
out:
	free(mentions_text);
	json_decref(mentions);
	json_decref(participants);
	rec_post_ref_release(&p);
	return rc;
}

enum MHD_Result rec_comment_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *post_id = req->params[0];
	if (!cl_uuid_valid(post_id))
		return cl_http_error(req, 404, "post_not_found", "投稿が見つかりません");
	struct rec_post_input in;
	if (!rec_post_input_read(req, true, &in)) {
		rec_post_input_release(&in);
		return req->result;
	}
	struct comment_tx c = {
		.app = app,
		.who = &req->identity,
		.post_id = post_id,
		.in = &in,
	};
	json_t *comment = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, comment_body, &c);
	if (rc == 0)
		rc = rec_db_post_json(pg, &req->identity, c.comment_id, &comment);
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_post_input_release(&in);

	if (rc < 0)
		return rec_refusal_send(req, &c.refusal, rc, "post_not_found",
						"投稿が見つかりません");
	cl_log_info("comment added", "comment_id", c.comment_id, "post_id", post_id, NULL);
	return cl_http_json(req, 201, json_pack("{s:o}", "comment", comment));
}
