/* auth.c - POST /api/v1/login, POST /api/v1/logout, GET /api/v1/me */
#include "audit.h"
#include "gateway.h"
#include "password.h"
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

#define EMAIL_MAX 254

/* one login attempt, from the body to the answer */
struct login {
	struct cl_http_req *req;
	struct gw_app *app;
	const char *email, *password, *code;  /* borrowed from the body */
	char address[64];
	struct gw_throttle_cfg throttle;
	struct gw_pwhash_params pwhash;
	struct gw_user u;
	bool known;                            /* an active account has that e-mail */
	char hash[GW_PASSWORD_HASH_SIZE];
};

static void audit(struct login *l, const char *action, const char *outcome, json_t *detail)
{
	struct gw_audit a = {
		.tenant = l->known ? l->u.id.tenant : NULL,
		.actor = !strcmp(outcome, "ok") ? l->u.id.user : NULL,
		.action = action,
		.subject = l->known ? l->u.id.user : l->email,
		.address = l->address,
		.outcome = outcome,
		.detail = detail,
	};
	struct cl_pg *pg = cl_pg_pool_get(&l->app->svc->pool);
	gw_audit_write(pg, &a);
	cl_pg_pool_put(&l->app->svc->pool, pg);
	json_decref(detail);
}

static const char *scope_name(unsigned scope)
{
	return scope == GW_THROTTLE_ADDRESS ? "address" : "account";
}

static enum MHD_Result refuse_locked(struct login *l, enum gw_throttle_scope scope,
				     long wait_s)
{
	char retry[32], msg[512];
	snprintf(retry, sizeof retry, "%ld", wait_s);
	audit(l, "login.locked", "denied",
	      json_pack("{s:s, s:I, s:s}", "lock", scope_name(scope), "retry_after",
			(json_int_t)wait_s, "email", l->email));
	cl_http_set_header(l->req, "Retry-After", retry);
	return cl_http_error(l->req, 429, "locked",
			     gw_throttle_message(scope, wait_s, msg, sizeof msg));
}

/* the attempt failed: count it, lock what reached its limit, tell */
static enum MHD_Result refuse(struct login *l, const char *reason, const char *code,
			      const char *message)
{
	unsigned locked = 0;
	struct cl_pg *pg = cl_pg_pool_get(&l->app->svc->pool);
	int rc = gw_throttle_failed(pg, &l->throttle, l->email, l->address, &locked);
	cl_pg_pool_put(&l->app->svc->pool, pg);
	if (rc < 0)
		cl_log_error("login failure not counted", "error", cl_strerror(rc), NULL);
	audit(l, "login.failure", "denied",
	      json_pack("{s:s, s:s}", "reason", reason, "email", l->email));
	for (unsigned s = GW_THROTTLE_ACCOUNT; s <= GW_THROTTLE_ADDRESS; s <<= 1)
		if (locked & s)
			audit(l, "login.locked", "denied",
			      json_pack("{s:s, s:I, s:s}", "lock", scope_name(s), "retry_after",
					(json_int_t)l->throttle.duration_s, "email", l->email));
	return cl_http_error(l->req, 401, code, message);
}

/* the password was right: the second factor, when the person has one.
 * Returns 0 to go on, or 1 after answering. */
static int second_factor(struct login *l, long long attempt, bool *enabled,
			 enum MHD_Result *answer)
{
	struct gw_app *app = l->app;
	struct gw_totp_row row;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_totp_get(pg, l->u.id.user, &row);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT || (rc == 0 && !row.confirmed)) {
		*enabled = false;
		return 0;
	}
	if (rc < 0) {
		*answer = cl_http_fail(l->req, rc);
		return 1;
	}
	*enabled = true;
	if (!l->code || !*l->code) {
		/* not a failure: the page asks for the code next */
		pg = cl_pg_pool_get(&app->svc->pool);
		gw_throttle_forget(pg, attempt);
		cl_pg_pool_put(&app->svc->pool, pg);
		*answer = cl_http_error(l->req, 401, "totp_required",
					"認証アプリに表示されている6桁の確認コードを入力してください");
		return 1;
	}
	uint8_t key[64];
	long key_len = gw_base32_decode(row.secret, key, sizeof key);
	int64_t step = key_len > 0 ? gw_totp_match(key, (size_t)key_len, l->code, time(NULL),
						   row.last_step)
				   : -1;
	sodium_memzero(key, sizeof key);
	sodium_memzero(&row, sizeof row);
	if (step >= 0) {
		pg = cl_pg_pool_get(&app->svc->pool);
		rc = gw_db_totp_use(pg, l->u.id.user, step, false);
		cl_pg_pool_put(&app->svc->pool, pg);
		if (rc < 0 && rc != CL_ECONFLICT) {
			*answer = cl_http_fail(l->req, rc);
			return 1;
		}
		if (rc == CL_ECONFLICT)
			step = -1; /* used meanwhile by another request */
	}
	if (step < 0) {
		*answer = refuse(l, "totp_invalid", "totp_invalid",
				 "確認コードが違うか、すでに使われています。"
				 "認証アプリの新しいコードを入力してください");
		return 1;
	}
	return 0;
}

/* a hash made with other limits is replaced while the password is at hand */
static void rehash(struct login *l)
{
	if (!gw_password_needs_rehash(&l->pwhash, l->hash))
		return;
	char fresh[GW_PASSWORD_HASH_SIZE];
	if (gw_password_hash(&l->pwhash, l->password, fresh) < 0)
		return;
	struct cl_pg *pg = cl_pg_pool_get(&l->app->svc->pool);
	int rc = gw_db_user_password_rehash(pg, l->u.id.user, l->hash, fresh);
	cl_pg_pool_put(&l->app->svc->pool, pg);
	if (rc < 0)
		cl_log_warn("password rehash failed", "user_id", l->u.id.user, NULL);
	else
		cl_log_info("password rehashed", "user_id", l->u.id.user, NULL);
}

static enum MHD_Result login(struct login *l)
{
	struct gw_app *app = l->app;
	struct cl_http_req *req = l->req;
	long chars = gw_password_chars(l->password);
	if (strlen(l->email) > EMAIL_MAX || chars < 0 || chars > GW_PASSWORD_MAX)
		return cl_http_error(req, 400, "invalid_body",
				     "メールアドレスまたはパスワードが長すぎます");
	if (l->code && strlen(l->code) > 16)
		return cl_http_error(req, 400, "invalid_body", "確認コードが長すぎます");
	gw_client_address(req, l->address, sizeof l->address);
	gw_throttle_cfg(&app->svc->cfg, &l->throttle);
	gw_pwhash_params(&app->svc->cfg, &l->pwhash);

	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_user_by_email(pg, l->email, &l->u, l->hash, sizeof l->hash);
	long wait_s = 0;
	enum gw_throttle_scope scope = GW_THROTTLE_NONE;
	long long attempt = 0;
	if (rc == 0 || rc == CL_ENOENT) {
		l->known = rc == 0;
		rc = gw_throttle_begin(pg, &l->throttle, l->email, l->address, &wait_s, &scope,
				       &attempt);
	}
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	if (wait_s > 0)
		return refuse_locked(l, scope, wait_s); /* no hashing for a locked account */

	bool ok;
	if (l->known) {
		ok = gw_password_verify(l->hash, l->password);
	} else {
		gw_password_dummy_verify(&l->pwhash, l->password);
		ok = false;
	}
	if (!ok)
		return refuse(l, l->known ? "password" : "unknown_account", "invalid_credentials",
			      "メールアドレスまたはパスワードが違います");

	bool enabled = false;
	enum MHD_Result answer;
	if (second_factor(l, attempt, &enabled, &answer))
		return answer;

	pg = cl_pg_pool_get(&app->svc->pool);
	rc = gw_throttle_succeeded(pg, l->email);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	rehash(l);

	bool pending = false;
	rc = gw_session_open(req, &l->u, &pending);
	if (rc < 0)
		return cl_http_fail(req, rc);
	audit(l, "login.success", "ok",
	      json_pack("{s:b, s:b}", "totp", enabled, "totp_pending", pending));
	return cl_http_json(req, 200, gw_session_user_json(app, &l->u, enabled, pending));
}

enum MHD_Result gw_login(struct cl_http_req *req)
{
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	struct login *l = cl_xcalloc(1, sizeof *l);
	l->req = req;
	l->app = req->app;
	json_error_t jerr;
	enum MHD_Result r;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s, s?s}", "email", &l->email,
			   "password", &l->password, "totp", &l->code))
		r = cl_http_error(req, 400, "invalid_body", jerr.text);
	else
		r = login(l);
	sodium_memzero(l->hash, sizeof l->hash);
	free(l);
	json_decref(body);
	return r;
}

enum MHD_Result gw_logout(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	char hash[65], addr[64];
	gw_session_request_hash(req, hash);
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_session_delete(pg, hash);
	if (rc == 0) {
		struct gw_audit a = {
			.tenant = u.id.tenant,
			.actor = u.id.user,
			.action = "logout",
			.subject = u.id.user,
			.address = gw_client_address(req, addr, sizeof addr),
			.outcome = "ok",
		};
		gw_audit_write(pg, &a);
	}
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	gw_session_clear_cookie(req);
	return cl_http_empty(req, 204);
}

enum MHD_Result gw_me(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	struct gw_totp_row row;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_totp_get(pg, u.id.user, &row);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0 && rc != CL_ENOENT)
		return cl_http_fail(req, rc);
	bool enabled = rc == 0 && row.confirmed;
	sodium_memzero(&row, sizeof row);
	bool pending = !enabled && gw_totp_required(&app->svc->cfg, &u.id);
	return cl_http_json(req, 200, gw_session_user_json(app, &u, enabled, pending));
}
