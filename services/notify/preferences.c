/* preferences.c - GET and PUT /v1/preferences: the reader's feed
 * preferences (FEED.md); PUT stores the whole object and publishes
 * NotificationPreferencesChanged in the same transaction */
#include "feed.h"

#include "carelink/err.h"
#include "carelink/outbox.h"

enum MHD_Result nt_preferences_get(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	json_t *prefs;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = nt_db_preferences_get(pg, &req->identity, &prefs);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, prefs);
}

struct prefs_tx {
	const struct nt_app *app;
	const struct cl_identity *who;
	const json_t *prefs;
};

static int prefs_run(struct cl_pg *pg, void *arg)
{
	struct prefs_tx *t = arg;
	int rc = nt_db_preferences_put(pg, t->who, t->prefs);
	if (rc < 0)
		return rc;
	json_t *ev = nt_preferences_event(t->who, t->prefs);
	rc = cl_outbox_add(pg, t->app->svc->schemas, NT_TOPIC_NOTIFICATIONS, t->who->tenant,
			   NT_SCHEMA_PREFERENCES_CHANGED, ev);
	json_decref(ev);
	return rc;
}

enum MHD_Result nt_preferences_put(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	struct nt_feed_refusal why;
	json_t *prefs = NULL;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	int rc = nt_preferences_input(body, &prefs, &why);
	json_decref(body);
	if (rc < 0)
		return cl_http_error(req, 400, why.code, why.message);
	struct prefs_tx t = {.app = app, .who = &req->identity, .prefs = prefs};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, prefs_run, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(prefs);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, prefs);
}
