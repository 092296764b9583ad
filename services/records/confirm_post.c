/* confirm_post.c - POST /v1/posts/:id/confirm: a reader marks a post
 * 確認しました; idempotent, PostConfirmed commits with the first time */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>
#include <string.h>

struct confirm_tx {
	struct rec_app *app;                    /* borrowed */
	const struct cl_identity *who;          /* borrowed */
	const char *post_id;                    /* borrowed */
	struct rec_refusal refusal;
	json_t *confirmation;                   /* the answer, owned */
};

static json_t *post_confirmed_event(const struct confirm_tx *c, const struct rec_post_ref *p,
				    int64_t at_ms)
{
	const struct cl_identity *who = c->who;
	json_t *ev = cl_event_new(who->tenant);
	json_t *rest = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o}",
		"post_id", p->id, "space_id", p->space_id, "space_name", p->space_name,
		"thread_id", p->thread_id, "thread_title", p->thread_title, "post_author_id",
		p->author_id, "user_id", who->user, "user_name", who->name,
		"user_organisation_id", who->organisation, "user_organisation_name",
		who->organisation_name, "confirmed_at", (json_int_t)at_ms, "confirmed_count",
		json_integer_value(json_object_get(c->confirmation, "count")),
		"audience_count", json_integer_value(json_object_get(c->confirmation, "audience")),
		"audience", rec_event_audience(p->professions, p->organisations));
	if (!ev || !rest)
		abort();
	json_object_update(ev, rest);
	json_decref(rest);
	return ev;
}

static int confirm_allowed(struct confirm_tx *c, const struct rec_post_ref *p)
{
	if (p->parent_id[0])
		return rec_refuse(&c->refusal, 400, "not_a_post",
				  "確認できるのは投稿だけです（コメントは確認できません）");
	if (p->deleted)
		return rec_refuse(&c->refusal, 409, "post_deleted", "投稿は削除されています");
	if (!strcmp(p->author_id, c->who->user))
		return rec_refuse(&c->refusal, 400, "own_post", "自分の投稿は確認できません");
	if (p->archived)
		return rec_refuse(&c->refusal, 409, "space_archived",
				  "アーカイブされたスペースには書き込めません");
	return 0;
}

static int confirm_body(struct cl_pg *pg, void *arg)
{
	struct confirm_tx *c = arg;
	struct rec_post_ref p;
	memset(&c->refusal, 0, sizeof c->refusal);
	json_decref(c->confirmation);
	c->confirmation = NULL;
	int rc = rec_db_post_find(pg, c->who, c->post_id, true, &p);
	if (rc < 0)
		return rc;
	rc = confirm_allowed(c, &p);
	bool inserted = false;
	int64_t at_ms;
	if (rc == 0)
		rc = rec_db_confirmation_add(pg, c->who, p.id, &inserted, &at_ms);
	if (rc == 0)
		rc = rec_db_confirmation_status(pg, c->who, &p, &c->confirmation);
	if (rc == 0 && inserted) {
		json_t *ev = post_confirmed_event(c, &p, at_ms);
		rc = rec_event_add(pg, c->app, p.space_id, REC_EVENT_POST_CONFIRMED, ev);
		json_decref(ev);
	}
	rec_post_ref_release(&p);
	return rc;
}

enum MHD_Result rec_confirm_post(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *post_id = req->params[0];
	if (!cl_uuid_valid(post_id))
		return cl_http_error(req, 404, "post_not_found", "投稿が見つかりません");
	struct confirm_tx c = {.app = app, .who = &req->identity, .post_id = post_id};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, confirm_body, &c);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(c.confirmation);
		return rec_refusal_send(req, &c.refusal, rc, "post_not_found",
						"投稿が見つかりません");
	}
	cl_log_info("post confirmed", "post_id", post_id, "by", req->identity.user, NULL);
	return cl_http_json(req, 200, json_pack("{s:o}", "confirmation", c.confirmation));
}
