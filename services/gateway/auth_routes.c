/* auth_routes.c - a person's own password and two-factor enrolment:
 * POST /api/v1/me/password, /me/totp/setup, /me/totp/confirm,
 * /me/totp/disable */
#include "audit.h"
#include "gateway.h"
#include "password.h"
#include "routes.h"
#include "throttle.h"
#include "totp.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/util.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void audit(struct cl_http_req *req, struct cl_pg *pg, const struct gw_user *u,
		  const char *action, const char *outcome, json_t *detail)
{
	gw_audit_action(pg, req, u, action, u->id.user, outcome, detail);
	json_decref(detail);
}

static void audit_pooled(struct cl_http_req *req, const struct gw_user *u, const char *action,
			 const char *outcome, json_t *detail)
{
	struct gw_app *app = req->app;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	audit(req, pg, u, action, outcome, detail);
	cl_pg_pool_put(&app->svc->pool, pg);
}

/* the request's body as one strict JSON object, or NULL after answering */
static json_t *body_object(struct cl_http_req *req)
{
	json_t *body = cl_http_body_json(req);
	if (body && !json_is_object(body)) {
		json_decref(body);
		cl_http_error(req, 400, "invalid_body", "the body must be a JSON object");
		return NULL;
	}
	return body;
}

/* ---------------------------------------------------------------- throttling
 * A current password or code typed on a page is guessed as cheaply as a
 * login: the same per-account counting applies. */

struct guard {
	struct gw_throttle_cfg cfg;
	char address[64];
	long long attempt;
};

/* false after answering 429 (or an error) */
static bool guard_begin(struct cl_http_req *req, const struct gw_user *u, struct guard *g)
{
	struct gw_app *app = req->app;
	gw_throttle_cfg(&app->svc->cfg, &g->cfg);
	gw_client_address(req, g->address, sizeof g->address);
	long wait_s = 0;
	enum gw_throttle_scope scope;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_throttle_begin(pg, &g->cfg, u->email, g->address, &wait_s, &scope,
				   &g->attempt);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		cl_http_fail(req, rc);
		return false;
	}
	if (wait_s > 0) {
		char retry[32], msg[512];
		snprintf(retry, sizeof retry, "%ld", wait_s);
		audit_pooled(req, u, "login.locked", "denied",
			     json_pack("{s:s, s:I, s:s}", "lock",
				       scope == GW_THROTTLE_ADDRESS ? "address" : "account",
				       "retry_after", (json_int_t)wait_s, "path", req->path));
		cl_http_set_header(req, "Retry-After", retry);
		cl_http_error(req, 429, "locked", gw_throttle_message(scope, wait_s, msg, sizeof msg));
		return false;
	}
	return true;
}

/* the guarded check failed (true) or passed (false) */
static void guard_end(struct cl_http_req *req, const struct gw_user *u, struct guard *g,
		      bool failed)
{
	struct gw_app *app = req->app;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (failed) {
		unsigned locked = 0;
		gw_throttle_failed(pg, &g->cfg, u->email, g->address, &locked);
		if (locked)
			audit(req, pg, u, "login.locked", "denied",
			      json_pack("{s:s, s:I, s:s}", "lock",
					(locked & GW_THROTTLE_ACCOUNT) ? "account" : "address",
					"retry_after", (json_int_t)g->cfg.duration_s, "path",
					req->path));
	} else {
		gw_throttle_forget(pg, g->attempt);
	}
	cl_pg_pool_put(&app->svc->pool, pg);
}

/* ---------------------------------------------------------------- password */

struct change {
	const struct gw_user *u;
	struct cl_http_req *req;
	const char *hash;        /* the new one */
	const char *old_hash;    /* the one checked */
	const char *keep;        /* this session's token hash */
	long ended;
};

static int change_tx(struct cl_pg *pg, void *arg)
{
	struct change *c = arg;
	int rc = gw_db_user_password_rehash(pg, c->u->id.user, c->old_hash, c->hash);
	if (rc < 0)
		return rc;
	rc = gw_db_session_delete_others(pg, c->u->id.user, c->keep, &c->ended);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:I}", "sessions_ended", (json_int_t)c->ended);
	rc = gw_audit_action(pg, c->req, c->u, "password.change", c->u->id.user, "ok", detail);
	json_decref(detail);
	return rc;
}

static enum MHD_Result change_password(struct cl_http_req *req, const struct gw_user *u,
				       const char *current, const char *fresh)
{
	struct gw_app *app = req->app;
	long chars = gw_password_chars(current);
	if (chars < 0 || chars > GW_PASSWORD_MAX)
		return cl_http_error(req, 400, "invalid_body", "現在のパスワードが長すぎます");

	/* the policy first: a refused new password costs no hashing */
	struct gw_totp_row row;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_totp_get(pg, u->id.user, &row);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0 && rc != CL_ENOENT)
		return cl_http_fail(req, rc);
	bool two_factor = rc == 0 && row.confirmed;
	sodium_memzero(&row, sizeof row);
	enum gw_password_rule rule =
		gw_password_check(gw_password_common(app), fresh, two_factor, u->email);
	if (rule != GW_PASSWORD_OK)
		return cl_http_error(req, 400, "password_policy",
				     gw_password_message(rule, two_factor));

	struct guard g;
	if (!guard_begin(req, u, &g))
		return req->result;
	char old_hash[GW_PASSWORD_HASH_SIZE];
	pg = cl_pg_pool_get(&app->svc->pool);
	rc = gw_db_user_password_hash(pg, u->id.user, old_hash, sizeof old_hash);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		guard_end(req, u, &g, false);
		return cl_http_fail(req, rc);
	}
	if (!gw_password_verify(old_hash, current)) {
		guard_end(req, u, &g, true);
		audit_pooled(req, u, "password.change", "denied",
			     json_pack("{s:s}", "reason", "current_password"));
		return cl_http_error(req, 403, "invalid_credentials",
				     "現在のパスワードが違います");
	}
	guard_end(req, u, &g, false);
	if (gw_password_verify(old_hash, fresh))
		return cl_http_error(req, 400, "password_policy",
				     "新しいパスワードは今のパスワードと違うものにしてください");

	struct gw_pwhash_params params;
	gw_pwhash_params(&app->svc->cfg, &params);
	char hash[GW_PASSWORD_HASH_SIZE], keep[65];
	if (gw_password_hash(&params, fresh, hash) < 0)
		return cl_http_fail(req, CL_EFATAL);
	gw_session_request_hash(req, keep);
	struct change c = {.u = u, .req = req, .hash = hash, .old_hash = old_hash, .keep = keep};
	pg = cl_pg_pool_get(&app->svc->pool);
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, change_tx, &c);
	cl_pg_pool_put(&app->svc->pool, pg);
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(old_hash, sizeof old_hash);
	if (rc < 0)
		return cl_http_fail(req, rc);
	/* streams of the ended sessions end too; this page's own stream
	 * reconnects with its still valid session */
	gw_hub_close_user(app->hub, u->id.user);
	cl_log_info("password changed", "user_id", u->id.user, NULL);
	return cl_http_empty(req, 204);
}

static enum MHD_Result gw_me_password(struct cl_http_req *req)
{
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	json_t *body = body_object(req);
	if (!body)
		return req->result;
	const char *current, *fresh;
	json_error_t jerr;
	enum MHD_Result r;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s}", "current_password", &current,
			   "new_password", &fresh))
		r = cl_http_error(req, 400, "invalid_body", jerr.text);
	else
		r = change_password(req, &u, current, fresh);
	json_decref(body);
	return r;
}

/* ---------------------------------------------------------------- two-factor */

/* a code in a {"code": "..."} body into *code (borrowed from *body, which
 * the caller releases); false after answering */
static bool code_body(struct cl_http_req *req, json_t **body, const char **code)
{
	*body = body_object(req);
	if (!*body)
		return false;
	json_error_t jerr;
	if (json_unpack_ex(*body, &jerr, JSON_STRICT, "{s:s}", "code", code)) {
		cl_http_error(req, 400, "invalid_body", jerr.text);
		return false;
	}
	return true;
}

/* the step code matches for row after its last one, or -1 */
static int64_t match_row(const struct gw_totp_row *row, const char *code)
{
	uint8_t key[64];
	long n = gw_base32_decode(row->secret, key, sizeof key);
	int64_t step = n > 0 ? gw_totp_match(key, (size_t)n, code, time(NULL), row->last_step) : -1;
	sodium_memzero(key, sizeof key);
	return step;
}

static enum MHD_Result gw_me_totp_setup(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	if (req->body_len > 0) { /* nothing to say, but it must be JSON: {} */
		json_t *body = body_object(req);
		if (!body)
			return req->result;
		size_t n = json_object_size(body);
		json_decref(body);
		if (n)
			return cl_http_error(req, 400, "invalid_body", "setup takes no fields");
	}
	char secret[GW_TOTP_SECRET_B32];
	gw_totp_new_secret(secret);
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_totp_setup(pg, u.id.user, secret);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ECONFLICT)
		return cl_http_error(req, 409, "totp_already_enabled",
				     "二要素認証はすでに有効です");
	if (rc < 0)
		return cl_http_fail(req, rc);
	char *uri = gw_totp_uri(u.email, secret);
	char *svg = gw_qr_svg(uri);
	json_t *doc = json_pack("{s:s, s:s, s:s?}", "secret", secret, "otpauth_uri", uri,
				"qr_svg", svg);
	free(uri);
	free(svg);
	sodium_memzero(secret, sizeof secret);
	cl_http_set_header(req, "Cache-Control", "no-store");
	return cl_http_json(req, 200, doc);
}

static enum MHD_Result totp_confirm(struct cl_http_req *req, const struct gw_user *u,
				    const char *code)
{
	struct gw_app *app = req->app;
	struct gw_totp_row row;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_totp_get(pg, u->id.user, &row);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 409, "totp_not_set_up",
				     "先に二要素認証の設定を始めてください");
	if (rc < 0)
		return cl_http_fail(req, rc);
	if (row.confirmed)
		return cl_http_error(req, 409, "totp_already_enabled", "二要素認証はすでに有効です");
	int64_t step = match_row(&row, code);
	sodium_memzero(&row, sizeof row);
	char hash[65];
	pg = cl_pg_pool_get(&app->svc->pool);
	rc = step >= 0 ? gw_db_totp_use(pg, u->id.user, step, true) : CL_ECONFLICT;
	if (rc == 0 && gw_session_request_hash(req, hash))
		rc = gw_db_session_enrolled(pg, hash);
	if (rc == 0)
		audit(req, pg, u, "totp.enable", "ok", NULL);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ECONFLICT)
		return cl_http_error(req, 400, "totp_invalid",
				     "確認コードが違います。認証アプリの新しいコードを入力してください");
	if (rc < 0)
		return cl_http_fail(req, rc);
	cl_log_info("two-factor enabled", "user_id", u->id.user, NULL);
	return cl_http_empty(req, 204);
}

static enum MHD_Result gw_me_totp_confirm(struct cl_http_req *req)
{
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	json_t *body;
	const char *code;
	enum MHD_Result r =
		code_body(req, &body, &code) ? totp_confirm(req, &u, code) : req->result;
	json_decref(body);
	return r;
}

static enum MHD_Result totp_disable(struct cl_http_req *req, const struct gw_user *u,
				    const char *code)
{
	struct gw_app *app = req->app;
	if (gw_totp_required(&app->svc->cfg, &u->id))
		return cl_http_error(req, 409, "totp_required",
				     "この職種・役割では二要素認証を無効にできません");
	struct gw_totp_row row;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_totp_get(pg, u->id.user, &row);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT || (rc == 0 && !row.confirmed))
		return cl_http_error(req, 409, "totp_not_enabled", "二要素認証は有効ではありません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	struct guard g;
	if (!guard_begin(req, u, &g))
		return req->result;
	int64_t step = match_row(&row, code);
	sodium_memzero(&row, sizeof row);
	pg = cl_pg_pool_get(&app->svc->pool);
	rc = step >= 0 ? gw_db_totp_use(pg, u->id.user, step, false) : CL_ECONFLICT;
	if (rc == 0)
		rc = gw_db_totp_delete(pg, u->id.user);
	if (rc == 0)
		audit(req, pg, u, "totp.disable", "ok", NULL);
	cl_pg_pool_put(&app->svc->pool, pg);
	guard_end(req, u, &g, rc == CL_ECONFLICT);
	if (rc == CL_ECONFLICT) {
		audit_pooled(req, u, "totp.disable", "denied",
			     json_pack("{s:s}", "reason", "totp_invalid"));
		return cl_http_error(req, 400, "totp_invalid",
				     "確認コードが違うか、すでに使われています");
	}
	if (rc < 0)
		return cl_http_fail(req, rc);
	cl_log_info("two-factor disabled", "user_id", u->id.user, NULL);
	return cl_http_empty(req, 204);
}

static enum MHD_Result gw_me_totp_disable(struct cl_http_req *req)
{
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	json_t *body;
	const char *code;
	enum MHD_Result r =
		code_body(req, &body, &code) ? totp_disable(req, &u, code) : req->result;
	json_decref(body);
	return r;
}

const struct cl_http_route gw_routes_auth[] = {
	{"POST", "/api/v1/me/password", gw_me_password, CL_HTTP_JSON},
	{"POST", "/api/v1/me/totp/setup", gw_me_totp_setup, CL_HTTP_JSON},
	{"POST", "/api/v1/me/totp/confirm", gw_me_totp_confirm, CL_HTTP_JSON},
	{"POST", "/api/v1/me/totp/disable", gw_me_totp_disable, CL_HTTP_JSON},
	{NULL, NULL, NULL, 0},
};
