/* auth.c - POST /api/v1/login, POST /api/v1/logout, GET /api/v1/me */
#include "gateway.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/util.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_PASSWORD_MAX 128

/* a hash to verify against when the account does not exist, so that the
 * answer takes as long as for a wrong password */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	if (crypto_pwhash_str(dummy_hash, "not-a-password", 14,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		abort(); /* out of memory */
}

static void random_token(char *out, size_t size)
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	sodium_bin2base64(out, size, b, sizeof b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void set_session_cookie(struct cl_http_req *req, const char *token, long max_age)
{
	struct gw_app *app = req->app;
	char c[256];
	snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s",
		 GW_COOKIE, token, max_age, app->secure_cookie ? "; Secure" : "");
	cl_http_set_header(req, "Set-Cookie", c);
}

enum MHD_Result gw_login(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	const char *email, *password;
	json_error_t jerr;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s}", "email", &email,
			   "password", &password)) {
		json_decref(body);
		return cl_http_error(req, 400, "invalid_body", jerr.text);
	}
	if (strlen(password) > GW_PASSWORD_MAX || strlen(email) > 254) {
		json_decref(body);
		return cl_http_error(req, 400, "invalid_body", "email or password too long");
	}
	pthread_once(&dummy_once, dummy_init);

	struct gw_user u;
	char hash[crypto_pwhash_STRBYTES];
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_user_by_email(pg, email, &u, hash, sizeof hash);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0 && rc != CL_ENOENT) {
		json_decref(body);
		return cl_http_fail(req, rc);
	}
	bool ok = crypto_pwhash_str_verify(rc == 0 ? hash : dummy_hash, password,
					   strlen(password)) == 0 &&
		  rc == 0;
	if (!ok) {
		cl_log_info("login failed", "email", email, NULL);
		json_decref(body);
		return cl_http_error(req, 401, "invalid_credentials",
				     "メールアドレスまたはパスワードが違います");
	}
	json_decref(body);

	char token[64], token_hash[65];
	random_token(token, sizeof token);
	random_token(u.csrf, sizeof u.csrf);
	gw_token_hash(token, token_hash);
	pg = cl_pg_pool_get(&app->svc->pool);
	rc = gw_db_session_create(pg, token_hash, u.id.user, u.csrf);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	cl_log_info("login", "user_id", u.id.user, NULL);
	set_session_cookie(req, token, app->absolute_timeout_s);
	return cl_http_json(req, 200, gw_user_json(&u));
}

enum MHD_Result gw_logout(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	char hash[65];
	gw_token_hash(cl_http_cookie(req, GW_COOKIE), hash);
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_session_delete(pg, hash);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	cl_log_info("logout", "user_id", u.id.user, NULL);
	set_session_cookie(req, "", 0);
	return cl_http_empty(req, 204);
}

enum MHD_Result gw_me(struct cl_http_req *req)
{
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	return cl_http_json(req, 200, gw_user_json(&u));
}
