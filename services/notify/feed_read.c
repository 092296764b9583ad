/* feed_read.c - POST /v1/feed/read: mark notifications read (some ids, a
 * space up to now, everything up to now) and publish NotificationsRead in
 * the same transaction; answers the mark and the counts (FEED.md) */
#include "feed.h"

#include "carelink/err.h"
#include "carelink/outbox.h"

struct read_tx {
	const struct nt_app *app;
	const struct cl_identity *who;
	const struct nt_feed_read *in;
	json_t *read;  /* the answer's "read" */
};

static int read_run(struct cl_pg *pg, void *arg)
{
	struct read_tx *t = arg;
	json_t *ids = NULL, *ev = NULL;
	int64_t up_to = 0;
	int rc;

	json_decref(t->read);
	t->read = NULL;
	if (t->in->ids) {
		rc = nt_db_read_ids(pg, t->who, t->in->ids, &ids);
		if (rc < 0)
			goto out;
		t->read = json_pack("{s:O}", "ids", ids);
		if (json_array_size(ids) == 0)
			goto out; /* nothing the reader may see: nothing to tell */
		ev = nt_feed_read_event(t->who, ids, NULL, 0);
	} else {
		rc = nt_db_notification_max(pg, t->who->tenant, &up_to);
		if (rc < 0)
			goto out;
		rc = nt_db_read_mark(pg, t->who, t->in->space_id ? t->in->space_id : "",
				     up_to, &up_to);
		if (rc < 0)
			goto out;
		t->read = t->in->space_id
			? json_pack("{s:s, s:I}", "space_id", t->in->space_id, "up_to",
				    (json_int_t)up_to)
			: json_pack("{s:b, s:I}", "all", 1, "up_to", (json_int_t)up_to);
		ev = nt_feed_read_event(t->who, NULL, t->in->space_id, up_to);
	}
	rc = cl_outbox_add(pg, t->app->svc->schemas, NT_TOPIC_NOTIFICATIONS, t->who->tenant,
			   NT_SCHEMA_NOTIFICATIONS_READ, ev);
out:
	json_decref(ids);
	json_decref(ev);
	return rc;
}

enum MHD_Result nt_feed_read_post(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	struct nt_feed_read in;
	struct nt_feed_refusal why;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	if (nt_feed_read_input(body, &in, &why) < 0) {
		json_decref(body);
		return cl_http_error(req, 400, why.code, why.message);
	}
	struct read_tx t = {.app = app, .who = &req->identity, .in = &in};
	json_t *counts = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, read_run, &t);
	if (rc == 0)
		rc = nt_feed_unread_load(pg, &req->identity, &counts);
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(body);
	if (rc < 0) {
		json_decref(t.read);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, json_pack("{s:o, s:o}", "read", t.read, "unread", counts));
}
