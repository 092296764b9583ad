/* post_edit.c - PATCH /v1/posts/:id: the author changes the text (and
 * optionally the mentions) of a post or comment; the old text goes to the
 * history and the audit, and PostEdited commits with the change */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>
#include <string.h>

struct edit_tx {
	struct rec_app *app;                    /* borrowed */
	const struct cl_identity *who;          /* borrowed */
	const char *post_id;                    /* borrowed */
	const struct rec_post_input *in;        /* borrowed, already checked */
	struct rec_refusal refusal;
};

/* the members of kind in now that are not in before, as ids */
static json_t *added_ids(const json_t *now, const json_t *before, const char *kind)
{
	json_t *out = json_array();
	size_t i, k;
	json_t *v, *w;
	json_array_foreach(json_object_get(now, kind), i, v) {
		const char *id = json_string_value(json_object_get(v, "id"));
		bool old = false;
		json_array_foreach(json_object_get(before, kind), k, w)
			old = old || !strcmp(id, json_string_value(json_object_get(w, "id")));
		if (!old)
			json_array_append_new(out, json_string(id));
	}
	return out;
}

static json_t *post_edited_event(const struct edit_tx *c, const struct rec_post_ref *p,
				 const json_t *mentions, json_t *confirmed_by, int64_t edited_ms)
{
	const struct cl_identity *who = c->who;
	json_t *ev = cl_event_new(who->tenant);
	json_t *rest = json_pack(
		"{s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:{s:o, s:o}, s:o}",
		"post_id", p->id, "parent_id",
		p->parent_id[0] ? json_string(p->parent_id) : json_null(), "space_id",
		p->space_id, "space_name", p->space_name, "thread_id", p->thread_id,
		"thread_title", p->thread_title, "editor_id", who->user, "editor_name",
		who->name, "body", c->in->body, "edited_at", (json_int_t)edited_ms,
		"audience", rec_event_audience(p->professions, p->organisations), "mentions",
		rec_mentions_ids_json(mentions), "added_mentions", "users",
		added_ids(mentions, p->mentions, "users"), "organisations",
		added_ids(mentions, p->mentions, "organisations"), "confirmed_by",
		confirmed_by);
	if (!ev || !rest)
		abort();
	json_object_update(ev, rest);
	json_decref(rest);
	return ev;
}

/* the refusals of an edit of p by who */
static int edit_allowed(struct edit_tx *c, const struct rec_post_ref *p)
{
	if (p->deleted)
		return rec_refuse(&c->refusal, 409, "post_deleted", "投稿は削除されています");
	if (strcmp(p->author_id, c->who->user))
		return rec_refuse(&c->refusal, 403, "not_author",
				  "投稿を編集できるのは書いた人だけです");
	if (p->archived)
		return rec_refuse(&c->refusal, 409, "space_archived",
				  "アーカイブされたスペースには書き込めません");
	if (p->closed)
		return rec_refuse(&c->refusal, 409, "thread_closed",
				  "閉じられたスレッドの投稿は編集できません");
	return 0;
}

static int edit_body(struct cl_pg *pg, void *arg)
{
	struct edit_tx *c = arg;
	const struct cl_identity *who = c->who;
	struct rec_post_ref p;
	json_t *mentions = NULL, *confirmed_by = NULL;
	char *mentions_text = NULL;
	memset(&c->refusal, 0, sizeof c->refusal);
	int rc = rec_db_post_find(pg, who, c->post_id, true, &p);
	if (rc < 0)
		return rc;
	rc = edit_allowed(c, &p);
	if (rc < 0)
		goto out;
	if (c->in->has_mentions) {
		rc = rec_mentions_resolve(pg, who->tenant, p.space_id, &c->in->mentions,
					  &mentions, &c->refusal);
		if (rc < 0)
			goto out;
	} else {
		mentions = json_incref(p.mentions);
	}
	mentions_text = json_dumps(mentions, JSON_COMPACT);
	rc = rec_db_revision_add(pg, who->tenant, &p);
	if (rc == 0)
		rc = rec_db_post_audit(pg, who->tenant, p.id, "edited", who->user, who->name,
				       p.body);
	int64_t edited_ms;
	if (rc == 0)
		rc = rec_db_post_update(pg, who->tenant, p.id, c->in->body, mentions_text,
					&edited_ms);
	if (rc == 0)
		rc = rec_db_confirmation_users(pg, p.id, &confirmed_by);
	if (rc < 0)
		goto out;
	json_t *ev = post_edited_event(c, &p, mentions, confirmed_by, edited_ms);
	confirmed_by = NULL; /* the event took it */
	rc = rec_event_add(pg, c->app, p.space_id, REC_EVENT_POST_EDITED, ev);
	json_decref(ev);
out:
	free(mentions_text);
	json_decref(mentions);
	json_decref(confirmed_by);
	rec_post_ref_release(&p);
	return rc;
}

enum MHD_Result rec_post_edit(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *post_id = req->params[0];
	if (!cl_uuid_valid(post_id))
		return cl_http_error(req, 404, "post_not_found", "投稿が見つかりません");
	struct rec_post_input in;
	if (!rec_post_input_read(req, false, &in)) {
		rec_post_input_release(&in);
		return req->result;
	}
	struct edit_tx c = {.app = app, .who = &req->identity, .post_id = post_id, .in = &in};
	json_t *post = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, edit_body, &c);
	if (rc == 0)
		rc = rec_db_post_json(pg, &req->identity, post_id, &post);
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_post_input_release(&in);
	if (rc < 0)
		return rec_refusal_send(req, &c.refusal, rc, "post_not_found",
						"投稿が見つかりません");
	cl_log_info("post edited", "post_id", post_id, NULL);
	return cl_http_json(req, 200, json_pack("{s:o}", "post", post));
}
