/* tokens.c - API tokens for machine clients (emergency services, analytics):
 * GET/POST /tokens, DELETE /tokens/:id, and gw_token_require(), which lets
 * a bearer token act as its owner on the routes that name a scope */
#include "audit.h"
#include "people.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/util.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SECRET_PREFIX "clk_"
#define SECRET_RANDOM 32 /* bytes */
/* "clk_" + base64url of 32 bytes without padding */
#define SECRET_LEN (sizeof SECRET_PREFIX - 1 + (4 * SECRET_RANDOM + 2) / 3)

static const char *const known_scopes[] = {"feed:read", "posts:write", "alerts:read",
					   "analytics:read"};

static bool known_scope(const char *s)
{
	for (size_t i = 0; i < sizeof known_scopes / sizeof known_scopes[0]; i++)
		if (!strcmp(s, known_scopes[i]))
			return true;
	return false;
}

static bool b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* the secret of "Authorization: Bearer <secret>" when it has our form */
static bool bearer_secret(const char *auth, char secret[SECRET_LEN + 1])
{
	if (!auth || strncasecmp(auth, "Bearer ", 7))
		return false;
	const char *s = auth + 7;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	if (n != SECRET_LEN || strncmp(s, SECRET_PREFIX, sizeof SECRET_PREFIX - 1))
		return false;
	for (size_t i = sizeof SECRET_PREFIX - 1; i < n; i++)
		if (!b64url_char(s[i]))
			return false;
	memcpy(secret, s, n);
	secret[n] = '\0';
	return true;
}

/* token.denied in the audit log; tenant, actor and token may be NULL */
static void audit_denied(struct cl_http_req *req, struct cl_pg *pg, const char *tenant,
			 const char *actor, const char *token, const char *reason,
			 const char *scope)
{
	char addr[64];
	json_t *detail = json_pack("{s:s, s:s, s:s}", "reason", reason, "scope",
				   scope ? scope : "", "path", req->path);
	struct gw_audit a = {.tenant = tenant,
			     .actor = actor,
			     .action = "token.denied",
			     .subject = token,
			     .address = gw_client_address(req, addr, sizeof addr),
			     .outcome = "denied",
			     .detail = detail};
	gw_audit_write(pg, &a);
	json_decref(detail);
}

static bool invalid_token(struct cl_http_req *req)
{
	cl_http_set_header(req, "WWW-Authenticate",
			   "Bearer realm=\"carelink\", error=\"invalid_token\"");
	cl_http_error(req, 401, "invalid_token", "the API token is not valid");
	return false;
}

bool gw_token_require(struct cl_http_req *req, struct gw_user *u, const char *scope)
{
	struct gw_app *app = req->app;
	char secret[SECRET_LEN + 1], hash[65];
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	struct gw_token_owner t;
	bool ok = false;
	if (!bearer_secret(cl_http_header(req, "Authorization"), secret)) {
		audit_denied(req, pg, NULL, NULL, NULL, "malformed", scope);
		invalid_token(req);
		goto out;
	}
	gw_token_hash(secret, hash);
	sodium_memzero(secret, sizeof secret);
	int rc = gw_db_user_by_token(pg, hash, scope ? scope : "", u, &t);
	if (rc == CL_ENOENT) {
		audit_denied(req, pg, NULL, NULL, NULL, "unknown", scope);
		invalid_token(req);
		goto out;
	}
	if (rc < 0) {
		cl_http_fail(req, rc);
		goto out;
	}
	if (t.revoked || !t.active) {
		audit_denied(req, pg, u->id.tenant, u->id.user, t.token_id,
			     t.revoked ? "revoked" : "owner_inactive", scope);
		invalid_token(req);
		goto out;
	}
	if (!scope || !t.has_scope) {
		char www[160];
		snprintf(www, sizeof www,
			 "Bearer realm=\"carelink\", error=\"insufficient_scope\", scope=\"%s\"",
			 scope ? scope : "");
		audit_denied(req, pg, u->id.tenant, u->id.user, t.token_id,
			     "insufficient_scope", scope);
		cl_http_set_header(req, "WWW-Authenticate", www);
		cl_http_error(req, 403, "insufficient_scope",
			      "the API token does not carry the scope this request needs");
		goto out;
	}
	/* at most one write a minute per token */
	if (t.stale && gw_db_token_touch(pg, t.token_id) < 0)
		cl_log_warn("token last use not recorded", "token_id", t.token_id, NULL);
	ok = true;
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	return ok;
}

/* ---- administration ---- */

/* the tokens u may manage; false (403 answered) when u administers none */
static bool token_admin(struct cl_http_req *req, const struct gw_user *u,
			struct gw_token_scope *s)
{
	s->tenant = u->id.tenant;
	s->organisation = NULL;
	if (cl_identity_has_role(&u->id, "tenant_admin"))
		return true;
	if (cl_identity_has_role(&u->id, "org_admin")) {
		s->organisation = u->id.organisation;
		return true;
	}
	cl_http_error(req, 403, "forbidden",
		      "API トークンを扱えるのは組織管理者と自治体管理者です");
	return false;
}

enum MHD_Result gw_tokens_list(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	struct gw_token_scope s;
	int limit;
	if (!gw_auth_require(req, &u, NULL) || !token_admin(req, &u, &s) ||
	    !gw_query_limit(req, &limit))
		return req->result;
	char after_at[64], after_id[37];
	const char *cursor = cl_http_query(req, "cursor");
	bool paged = cursor && *cursor;
	if (paged && !gw_cursor_decode(cursor, after_at, sizeof after_at, after_id))
		return cl_http_error(req, 400, "invalid_cursor",
				     "cursor は前の答えの next_cursor です");
	json_t *tokens = NULL;
	char last_at[64];
	bool more = false;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_token_list(pg, &s, paged ? after_at : NULL, paged ? after_id : NULL,
				  limit, &tokens, last_at, &more);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_EINVAL && paged)
		return cl_http_error(req, 400, "invalid_cursor",
				     "cursor は前の答えの next_cursor です");
	if (rc < 0)
		return cl_http_fail(req, rc);
	json_t *next = json_null();
	if (more) {
		json_t *last = json_array_get(tokens, json_array_size(tokens) - 1);
		char *c = gw_cursor_encode(last_at, json_string_value(json_object_get(last, "id")));
		next = json_string(c);
		free(c);
	}
	return cl_http_json(req, 200, json_pack("{s:o, s:o}", "tokens", tokens, "next_cursor", next));
}

struct create_tx {
	struct cl_http_req *req;
	const struct gw_user *u;
	const char *id, *name, *scopes_json, *hash;
	json_t *scopes;
	json_t *token; /* out */
};

static int create_tx_fn(struct cl_pg *pg, void *arg)
{
	struct create_tx *c = arg;
	json_decref(c->token);
	c->token = NULL;
	int rc = gw_db_token_create(pg, c->id, c->u->id.tenant, c->u->id.user, c->name,
				    c->scopes_json, c->hash, &c->token);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:s, s:O}", "name", c->name, "scopes", c->scopes);
	rc = gw_audit_action(pg, c->req, c->u, "token.create", c->id, "ok", detail);
	json_decref(detail);
	return rc;
}

/* the scopes' rules; NULL when they hold, else the message to answer */
static const char *scopes_problem(const json_t *scopes)
{
	size_t n = json_array_size(scopes), i, j;
	json_t *a, *b;
	if (n == 0)
		return "scopes に 1 つ以上のスコープを指定してください";
	json_array_foreach(scopes, i, a)
	{
		if (!known_scope(json_string_value(a)))
			return "スコープは feed:read, posts:write, alerts:read, analytics:read のいずれかです";
		json_array_foreach(scopes, j, b)
		{
			if (j >= i)
				break;
			if (!strcmp(json_string_value(a), json_string_value(b)))
				return "スコープが重複しています";
		}
	}
	return NULL;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

enum MHD_Result gw_token_create(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	struct gw_token_scope s;
	if (!gw_auth_require(req, &u, NULL) || !token_admin(req, &u, &s))
		return req->result;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	const char *name;
	json_t *scopes;
	json_error_t jerr;
	enum MHD_Result r;
	const char *problem;
	char *scopes_json = NULL;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:o}", "name", &name, "scopes",
			   &scopes)) {
		r = cl_http_error(req, 400, "invalid_body", jerr.text);
		goto out;
	}
	size_t i;
	json_t *sc;
	bool strings = json_is_array(scopes);
	json_array_foreach(scopes, i, sc) strings = strings && json_is_string(sc);
	if (!strings) {
		r = cl_http_error(req, 400, "invalid_body", "scopes must be an array of strings");
		goto out;
	}
	size_t chars = gw_text_chars(name);
	if (chars == 0 || chars > GW_TOKEN_NAME_MAX || has_control(name) ||
	    strspn(name, " ") == strlen(name)) {
		r = cl_http_error(req, 400, "invalid_name", "名前は 1 文字から 100 文字です");
		goto out;
	}
	if ((problem = scopes_problem(scopes))) {
		r = cl_http_error(req, 400, "invalid_scope", problem);
		goto out;
	}
	scopes_json = json_dumps(scopes, JSON_COMPACT);

	unsigned char rnd[SECRET_RANDOM];
	char secret[SECRET_LEN + 1], hash[65], id[CL_UUID_LEN + 1];
	randombytes_buf(rnd, sizeof rnd);
	memcpy(secret, SECRET_PREFIX, sizeof SECRET_PREFIX - 1);
	sodium_bin2base64(secret + sizeof SECRET_PREFIX - 1,
			  sizeof secret - (sizeof SECRET_PREFIX - 1), rnd, sizeof rnd,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(rnd, sizeof rnd);
	gw_token_hash(secret, hash);
	cl_uuid_new(id);

	struct create_tx c = {.req = req, .u = &u, .id = id, .name = name,
			      .scopes_json = scopes_json, .hash = hash, .scopes = scopes};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_tx_fn, &c);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(c.token);
		r = cl_http_fail(req, rc);
	} else {
		/* the only time the secret leaves the gateway */
		r = cl_http_json(req, 201,
				 json_pack("{s:o, s:s}", "token", c.token, "secret", secret));
	}
	sodium_memzero(secret, sizeof secret);
out:
	free(scopes_json);
	json_decref(body);
	return r;
}

struct revoke_tx {
	struct cl_http_req *req;
	const struct gw_user *u;
	const struct gw_token_scope *s;
	const char *id;
	bool revoked;             /* out: this request revoked it */
	char owner[CL_UUID_LEN + 1]; /* out: the token's owner */
};

static int revoke_tx_fn(struct cl_pg *pg, void *arg)
{
	struct revoke_tx *v = arg;
	int rc = gw_db_token_revoke(pg, v->s, v->id, &v->revoked, v->owner);
	if (rc < 0 || !v->revoked)
		return rc;
	return gw_audit_action(pg, v->req, v->u, "token.revoke", v->id, "ok", NULL);
}

enum MHD_Result gw_token_revoke(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	struct gw_token_scope s;
	if (!gw_auth_require(req, &u, NULL) || !token_admin(req, &u, &s))
		return req->result;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return cl_http_error(req, 404, "not_found", "この API トークンはありません");
	struct revoke_tx v = {.req = req, .u = &u, .s = &s, .id = id};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, revoke_tx_fn, &v);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "not_found", "この API トークンはありません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	if (v.revoked && v.owner[0]) {
		/* a live stream opened with the token ends now too; the hub knows
		 * streams by person only, so the owner's other streams on this
		 * replica end as well (browsers reconnect and resume) */
		char n[24];
		snprintf(n, sizeof n, "%zu", gw_hub_close_user(app->hub, v.owner));
		cl_log_info("live streams ended", "user_id", v.owner, "reason", "token.revoke",
			    "streams", n, NULL);
	}
	return cl_http_empty(req, 204);
}
