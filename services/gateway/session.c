/* session.c - finding the logged-in person of a request; CSRF check */
#include "gateway.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <sodium.h>
#include <string.h>

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

static bool is_safe_method(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

bool gw_session_require(struct cl_http_req *req, struct gw_user *u)
{
	struct gw_app *app = req->app;
	const char *token = cl_http_cookie(req, GW_COOKIE);
	if (!token || strlen(token) > 128) {
		cl_http_error(req, 401, "unauthenticated", "ログインしてください");
		return false;
	}
	char hash[65];
	gw_token_hash(token, hash);
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_user_by_session(pg, hash, app->idle_timeout_s,
				       app->absolute_timeout_s, u);
	if (rc == 1)
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
			cl_http_error(req, 403, "csrf", "the X-CSRF-Token header is missing or wrong");
			return false;
		}
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
