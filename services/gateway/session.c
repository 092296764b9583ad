/* session.c - sessions: the cookie, finding the logged-in person of a
 * request, the CSRF check, and sessions that still owe a two-factor
 * enrolment */
#include "audit.h"
#include "gateway.h"
#include "password.h"
#include "people.h"
#include "totp.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/util.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define COOKIE_SECURE "__Host-carelink_session"
#define TOKEN_BYTES 32 /* 256 random bits */

void gw_token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof h);
}

json_t *gw_user_json(const struct gw_user *u)
{
	json_t *roles = json_array();
	for (size_t i = 0; i < u->id.n_roles; i++)
		json_array_append_new(roles, json_string(u->id.roles[i]));
	return json_pack("{s:{s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:o}, s:s}", "user",
			 "id", u->id.user, "name", u->id.name, "email", u->email,
			 "organisation", "id", u->id.organisation, "name",
			 u->id.organisation_name, "profession", u->id.profession, "tenant",
			 u->id.tenant, "roles", roles, "csrf", u->csrf);
}

json_t *gw_session_user_json(const struct gw_app *app, const struct gw_user *u,
			     bool totp_enabled, bool totp_pending)
{
	json_t *doc = gw_user_json(u);
	json_t *user = json_object_get(doc, "user");
	json_object_set_new(user, "totp_enabled", json_boolean(totp_enabled));
	json_object_set_new(user, "totp_required",
			    json_boolean(gw_totp_required(&app->svc->cfg, &u->id)));
	json_object_set_new(user, "totp_pending", json_boolean(totp_pending));
	char language[3];
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (gw_db_profile_language(pg, u->id.user, language) < 0)
		cl_strlcpy(language, "ja", sizeof language); /* the default; not worth a 500 */
	cl_pg_pool_put(&app->svc->pool, pg);
	json_object_set_new(user, "language", json_string(language));
	return doc;
}

/* ---------------------------------------------------------------- the cookie */

bool gw_session_secure(const struct gw_app *app)
{
	const char *cert = cl_cfg_get(&app->svc->cfg, "http.tls_cert", NULL);
	return app->secure_cookie || (cert && *cert);
}

const char *gw_session_cookie_name(const struct gw_app *app)
{
	return gw_session_secure(app) ? COOKIE_SECURE : GW_COOKIE;
}

static const char *request_token(struct cl_http_req *req)
{
	const char *token = cl_http_cookie(req, gw_session_cookie_name(req->app));
	if (!token || !*token || strlen(token) > 128)
		return NULL;
	return token;
}

bool gw_session_request_hash(struct cl_http_req *req, char out[65])
{
	const char *token = request_token(req);
	if (!token)
		return false;
	gw_token_hash(token, out);
	return true;
}

static void set_cookie(struct cl_http_req *req, const char *token, long max_age)
{
	struct gw_app *app = req->app;
	char c[256];
	bool secure = gw_session_secure(app);
	snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s",
		 gw_session_cookie_name(app), token, max_age, secure ? "; Secure" : "");
	cl_http_set_header(req, "Set-Cookie", c);
}

void gw_session_clear_cookie(struct cl_http_req *req)
{
	set_cookie(req, "", 0);
}

static void random_token(char *out, size_t size)
{
	unsigned char b[TOKEN_BYTES];
	randombytes_buf(b, sizeof b);
	sodium_bin2base64(out, size, b, sizeof b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(b, sizeof b);
}

/* ---------------------------------------------------------------- opening */

int gw_session_open(struct cl_http_req *req, struct gw_user *u, bool *pending)
{
	struct gw_app *app = req->app;
	char old[65], token[64], hash[65];
	bool had_old = gw_session_request_hash(req, old);
	random_token(token, sizeof token);
	random_token(u->csrf, sizeof u->csrf);
	gw_token_hash(token, hash);

	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	struct gw_totp_row row;
	int rc = gw_db_totp_get(pg, u->id.user, &row);
	bool enabled = rc == 0 && row.confirmed;
	bool owed = gw_totp_required(&app->svc->cfg, &u->id) && !enabled;
	if (rc == 0 || rc == CL_ENOENT)
		rc = had_old ? gw_db_session_delete(pg, old) : 0;
	if (rc == 0)
		rc = gw_db_session_insert(pg, hash, u->id.user, u->csrf, owed);
	cl_pg_pool_put(&app->svc->pool, pg);
	sodium_memzero(old, sizeof old);
	if (rc < 0) {
		sodium_memzero(token, sizeof token);
		return rc;
	}
	set_cookie(req, token, app->absolute_timeout_s);
	sodium_memzero(token, sizeof token);
	if (pending)
		*pending = owed;
	return 0;
}

/* ---------------------------------------------------------------- checking */

static bool is_safe_method(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

/* what a session owing a two-factor enrolment may still do */
static bool allowed_while_pending(const struct cl_http_req *req)
{
	static const struct {
		const char *method, *path;
	} allowed[] = {
		{"GET", "/api/v1/me"},
		{"POST", "/api/v1/logout"},
		{"POST", "/api/v1/me/password"},
		{"POST", "/api/v1/me/totp/setup"},
		{"POST", "/api/v1/me/totp/confirm"},
	};
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (!strcmp(req->method, allowed[i].method) && !strcmp(req->path, allowed[i].path))
			return true;
	return false;
}

static void audit_csrf(struct cl_http_req *req, const struct gw_user *u)
{
	struct gw_app *app = req->app;
	char addr[64];
	json_t *detail = json_pack("{s:s, s:s}", "method", req->method, "path", req->path);
	struct gw_audit a = {
		.tenant = u->id.tenant,
		.actor = u->id.user,
		.action = "csrf.reject",
		.subject = u->id.user,
		.address = gw_client_address(req, addr, sizeof addr),
		.outcome = "denied",
		.detail = detail,
	};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	gw_audit_write(pg, &a);
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(detail);
}

bool gw_session_require(struct cl_http_req *req, struct gw_user *u)
{
	struct gw_app *app = req->app;
	char hash[65];
	if (!gw_session_request_hash(req, hash)) {
		cl_http_error(req, 401, "unauthenticated", "ログインしてください");
		return false;
	}
	struct gw_session_state st;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_session_load(pg, hash, app->idle_timeout_s, app->absolute_timeout_s, u,
				    &st);
	if (rc == 0 && st.stale)
		gw_db_session_touch(pg, hash);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT) {
		cl_http_error(req, 401, "unauthenticated", "ログインしてください");
		return false;
	}
	if (rc < 0) {
		cl_http_fail(req, rc);
		return false;
	}
	if (!is_safe_method(req->method)) {
		const char *csrf = cl_http_header(req, "X-CSRF-Token");
		if (!csrf || strlen(csrf) != strlen(u->csrf) ||
		    sodium_memcmp(csrf, u->csrf, strlen(u->csrf)) != 0) {
			audit_csrf(req, u);
			cl_http_error(req, 403, "csrf",
				      "X-CSRF-Token がないか、このセッションのものではありません。"
				      "ページを読み込み直してください");
			return false;
		}
	}
	/* two-factor was enabled since this session was opened with a password
	 * alone: the session does not get the second factor for free */
	if (st.totp_enabled && st.totp_pending) {
		cl_http_error(req, 401, "unauthenticated",
			      "二要素認証が有効になりました。もう一度ログインしてください");
		return false;
	}
	/* someone who must use two-factor and has none: enrolment first (a
	 * role or profession newly requiring it counts too) */
	if (!st.totp_enabled && gw_totp_required(&app->svc->cfg, &u->id) &&
	    !allowed_while_pending(req)) {
		cl_http_error(req, 403, "totp_enrolment_required",
			      "この職種・役割では二要素認証が必要です。"
			      "プロフィールで二要素認証を設定してから続けてください");
		return false;
	}
	return true;
}

bool gw_auth_require(struct cl_http_req *req, struct gw_user *u, const char *scope)
{
	const char *auth = cl_http_header(req, "Authorization");
	if (auth && scope)
		return gw_token_require(req, u, scope);
	if (auth) {
		cl_http_error(req, 401, "unauthenticated", "this resource needs a session");
		return false;
	}
	return gw_session_require(req, u);
}
