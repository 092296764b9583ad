/* post_delete.c - DELETE /v1/posts/:id: the author (while the thread is
 * open) or a space admin soft-deletes a post or comment; audited, and
 * PostDeleted commits with it */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>
#include <string.h>

struct delete_tx {
	struct rec_app *app;                    /* borrowed */
	const struct cl_identity *who;          /* borrowed */
	const char *post_id;                    /* borrowed */
	struct rec_refusal refusal;
};

static json_t *post_deleted_event(const struct delete_tx *c, const struct rec_post_ref *p,
				  int64_t deleted_ms)
{
	const struct cl_identity *who = c->who;
	json_t *ev = cl_event_new(who->tenant);
	json_t *rest = json_pack("{s:s, s:o, s:s, s:s, s:s, s:s, s:I, s:o}", "post_id", p->id,
				 "parent_id",
				 p->parent_id[0] ? json_string(p->parent_id) : json_null(),
				 "space_id", p->space_id, "thread_id", p->thread_id,
				 "deleted_by_id", who->user, "deleted_by_name", who->name,
				 "deleted_at", (json_int_t)deleted_ms, "audience",
				 rec_event_audience(p->professions, p->organisations));
	if (!ev || !rest)
		abort();
	json_object_update(ev, rest);
	json_decref(rest);
	return ev;
}

/* the author while the thread is open and the space not archived; a space
 * admin also in a closed thread */
static int delete_allowed(struct delete_tx *c, const struct rec_post_ref *p)
{
	bool author = !strcmp(p->author_id, c->who->user);
	if (p->deleted)
		return rec_refuse(&c->refusal, 409, "post_deleted", "投稿は削除済みです");
	if (!author && !p->can_admin)
		return rec_refuse(&c->refusal, 403, "forbidden",
				  "投稿を削除できるのは書いた人とスペース管理者だけです");
	if (p->archived)
		return rec_refuse(&c->refusal, 409, "space_archived",
				  "アーカイブされたスペースの投稿は削除できません");
	if (p->closed && !p->can_admin)
		return rec_refuse(&c->refusal, 409, "thread_closed",
				  "閉じられたスレッドの投稿は削除できません");
	return 0;
}

static int delete_body(struct cl_pg *pg, void *arg)
{
	struct delete_tx *c = arg;
	const struct cl_identity *who = c->who;
	struct rec_post_ref p;
	memset(&c->refusal, 0, sizeof c->refusal);
	int rc = rec_db_post_find(pg, who, c->post_id, true, &p);
	if (rc < 0)
		return rc;
	rc = delete_allowed(c, &p);
	int64_t deleted_ms;
	if (rc == 0)
		rc = rec_db_post_audit(pg, who->tenant, p.id, "deleted", who->user, who->name,
				       p.body);
	if (rc == 0)
		rc = rec_db_post_mark_deleted(pg, who->tenant, p.id, who->user, &deleted_ms);
	if (rc == 0) {
		json_t *ev = post_deleted_event(c, &p, deleted_ms);
		rc = rec_event_add(pg, c->app, p.space_id, REC_EVENT_POST_DELETED, ev);
		json_decref(ev);
	}
	rec_post_ref_release(&p);
	return rc;
}

enum MHD_Result rec_post_delete(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *post_id = req->params[0];
	if (!cl_uuid_valid(post_id))
		return cl_http_error(req, 404, "post_not_found", "投稿が見つかりません");
	struct delete_tx c = {.app = app, .who = &req->identity, .post_id = post_id};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, delete_body, &c);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return rec_refusal_send(req, &c.refusal, rc, "post_not_found",
						"投稿が見つかりません");
	cl_log_info("post deleted", "post_id", post_id, "by", req->identity.user, NULL);
	return cl_http_empty(req, 204);
}
