/* calendar_feed.c - a person's calendar feed URLs: GET and POST
 * /api/v1/me/calendar-feeds, DELETE /api/v1/me/calendar-feeds/:id. The
 * URL holds a secret that is stored only as its hash, so it is shown once,
 * in the answer to POST; the list gives "url": null and a person who needs
 * the URL again creates another feed (and deletes the old one). */
#include "apps.h"
#include "audit.h"

#include <carelink/cfg.h>
#include <carelink/err.h>
#include <carelink/util.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define FEED_MISSING "not_found", "このカレンダー URL はありません"

enum MHD_Result gw_calendar_feeds_list(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_auth_require(req, &u, NULL))
		return req->result;
	json_t *feeds = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_calendar_feed_list(pg, u.id.user, &feeds);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "feeds", feeds));
}

struct create_tx {
	struct cl_http_req *req;
	const struct gw_user *u;
	const char *id, *scope, *hash;
	json_t *feed; /* out */
};

static int create_tx_fn(struct cl_pg *pg, void *arg)
{
	struct create_tx *c = arg;
	json_decref(c->feed);
	c->feed = NULL;
	int rc = gw_db_calendar_feed_create(pg, c->id, c->u->id.tenant, c->u->id.user, c->scope,
					    c->hash, &c->feed);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:s}", "scope", c->scope);
	rc = gw_audit_action(pg, c->req, c->u, "calendar_feed.create", c->id, "ok", detail);
	json_decref(detail);
	return rc;
}

enum MHD_Result gw_calendar_feed_create(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_auth_require(req, &u, NULL))
		return req->result;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	const char *scope;
	json_error_t jerr;
	enum MHD_Result r;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s}", "scope", &scope)) {
		r = cl_http_error(req, 400, "invalid_body", jerr.text);
		goto out;
	}
	if (strcmp(scope, "tenant") && strcmp(scope, "mine")) {
		r = cl_http_error(req, 400, "invalid_scope",
				  "scope は tenant（自治体のすべてのイベント）か mine（申し込んだイベント）です");
		goto out;
	}
	unsigned char rnd[GW_FEED_SECRET_RANDOM];
	char secret[GW_FEED_SECRET_LEN + 1], hash[65], id[CL_UUID_LEN + 1];
	char base[512], url[1024];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2base64(secret, sizeof secret, rnd, sizeof rnd,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(rnd, sizeof rnd);
	gw_token_hash(secret, hash);
	cl_uuid_new(id);
	gw_public_base(app, base, sizeof base);
	if (!gw_feed_url(base, secret, url, sizeof url)) {
		sodium_memzero(secret, sizeof secret);
		r = cl_http_fail(req, CL_EFATAL);
		goto out;
	}

	struct create_tx c = {.req = req, .u = &u, .id = id, .scope = scope, .hash = hash};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_tx_fn, &c);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ECONFLICT) {
		char msg[160];
		snprintf(msg, sizeof msg,
			 "カレンダー URL は 1 人 %d 個までです。使っていないものを削除してください",
			 GW_FEEDS_PER_PERSON);
		r = cl_http_error(req, 409, "too_many_feeds", msg);
	} else if (rc < 0) {
		r = cl_http_fail(req, rc);
	} else {
		/* the only time the secret leaves the gateway */
		json_object_set_new(c.feed, "url", json_string(url));
		r = cl_http_json(req, 201, json_pack("{s:o}", "feed", c.feed));
		c.feed = NULL;
	}
	json_decref(c.feed);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(url, sizeof url);
out:
	json_decref(body);
	return r;
}

struct delete_tx {
	struct cl_http_req *req;
	const struct gw_user *u;
	const char *id;
};

static int delete_tx_fn(struct cl_pg *pg, void *arg)
{
	struct delete_tx *d = arg;
	int rc = gw_db_calendar_feed_delete(pg, d->u->id.user, d->id);
	if (rc < 0)
		return rc;
	return gw_audit_action(pg, d->req, d->u, "calendar_feed.delete", d->id, "ok", NULL);
}

enum MHD_Result gw_calendar_feed_delete(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_auth_require(req, &u, NULL))
		return req->result;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return cl_http_error(req, 404, FEED_MISSING);
	struct delete_tx d = {.req = req, .u = &u, .id = id};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, delete_tx_fn, &d);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, FEED_MISSING);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_empty(req, 204);
}
