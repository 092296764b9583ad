/* post_create.c - POST /v1/threads/:id/posts: add a post to a visible, open
 * thread; the row and its PostCreated event commit together */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/outbox.h"

#include <stdlib.h>
#include <string.h>

/* Why the thread refused the post, beyond the CL_E* code. */
enum refusal { REFUSED_NONE, REFUSED_CLOSED, REFUSED_ARCHIVED };

/* The transaction's input and, once committed, its output. */
struct create_tx {
	const struct cl_avro_registry *schemas; /* borrowed */
	const struct cl_identity *who;          /* borrowed */
	const char *thread_id;                  /* borrowed */
	const char *body;                       /* borrowed, already checked */
	enum refusal refused;
	char post_id[CL_UUID_LEN + 1];
	int64_t created_ms;
};

static json_t *post_created_event(const struct create_tx *c, const struct rec_thread *t)
{
	const struct cl_identity *who = c->who;
	json_t *ev = cl_event_new(who->tenant);
	json_t *rest = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:{s:O, s:O}}",
		"post_id", c->post_id, "space_id", t->space_id,
		"space_name", t->space_name, "thread_id", t->id,
		"thread_title", t->title, "author_id", who->user,
		"author_name", who->name, "author_organisation_id", who->organisation,
		"author_organisation_name", who->organisation_name, "body", c->body,
		"created_at", (json_int_t)c->created_ms, "audience",
		"professions", t->professions, "organisations", t->organisations);
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
	c->refused = REFUSED_NONE;
	int rc = rec_db_thread_lock(pg, who, c->thread_id, &t);
	if (rc < 0)
		return rc;
	if (t.space_archived || t.closed) {
		c->refused = t.space_archived ? REFUSED_ARCHIVED : REFUSED_CLOSED;
		rec_thread_release(&t);
		return CL_ECONFLICT;
	}
	struct rec_post_new n = {
		.tenant_id = who->tenant,
		.space_id = t.space_id,
		.thread_id = t.id,
		.author_id = who->user,
		.author_name = who->name,
		.author_organisation_id = who->organisation,
		.author_organisation_name = who->organisation_name,
		.body = c->body,
	};
	rc = rec_db_post_insert(pg, &n, c->post_id, &c->created_ms);
	if (rc == 0) {
		json_t *ev = post_created_event(c, &t);
		rc = cl_outbox_add(pg, c->schemas, REC_TOPIC_POSTS, t.space_id,
				   REC_EVENT_POST_CREATED, ev);
		json_decref(ev);
		/* the request was checked; a mismatch here is ours, not the caller's */
		if (rc == CL_EINVAL)
			rc = CL_EFATAL;
	}
	rec_thread_release(&t);
	return rc;
}

enum MHD_Result rec_post_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *thread_id = req->params[0];
	if (!cl_uuid_valid(thread_id))
		return cl_http_error(req, 404, "thread_not_found", "no such thread");

	json_t *json = cl_http_body_json(req);
	if (!json)
		return req->result;
	const char *text;
	size_t text_len;
	json_error_t jerr;
	if (json_unpack_ex(json, &jerr, JSON_STRICT, "{s:s%}", "body", &text, &text_len)) {
		json_decref(json);
		return cl_http_error(req, 400, "invalid_body", jerr.text);
	}
	const char *start;
	size_t len;
	switch (rec_post_body_check(text, text_len, &start, &len)) {
	case REC_BODY_EMPTY:
		json_decref(json);
		return cl_http_error(req, 400, "body_empty", "the post body is empty");
	case REC_BODY_TOO_LONG:
		json_decref(json);
		return cl_http_error(req, 400, "body_too_long",
				     "the post body is longer than 10000 characters");
	case REC_BODY_OK:
		break;
	}
	char *body = cl_xmalloc(len + 1);
	memcpy(body, start, len);
	body[len] = '\0';
	json_decref(json);

	struct create_tx c = {
		.schemas = app->svc->schemas,
		.who = &req->identity,
		.thread_id = thread_id,
		.body = body,
	};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_body, &c);
	cl_pg_pool_put(&app->svc->pool, pg);

	enum MHD_Result r;
	if (rc == 0) {
		cl_log_info("post created", "post_id", c.post_id, "thread_id", thread_id, NULL);
		r = cl_http_json(req, 201, json_pack("{s:o}", "post", rec_post_json(
			c.post_id, body, c.created_ms, req->identity.user,
			req->identity.name, req->identity.organisation,
			req->identity.organisation_name)));
	} else if (rc == CL_ENOENT) {
		r = cl_http_error(req, 404, "thread_not_found", "no such thread");
	} else if (c.refused == REFUSED_ARCHIVED) {
		r = cl_http_error(req, 409, "space_archived",
				  "the space is archived and takes no new posts");
	} else if (c.refused == REFUSED_CLOSED) {
		r = cl_http_error(req, 409, "thread_closed",
				  "the thread is closed and takes no new posts");
	} else {
		r = cl_http_fail(req, rc);
	}
	free(body);
	return r;
}
