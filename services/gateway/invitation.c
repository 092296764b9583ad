/* invitation.c - POST/GET /api/v1/invitations, DELETE /api/v1/invitations/{id}:
 * organisation admins invite people into their organisation, tenant admins
 * into any; the one-time link is shown to the inviter and logged (there is
 * no mail server) */
#include "admin.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define INVITATION_TTL_DEFAULT (7L * 24 * 3600)

/* email lower-cased into out (size 256) when it looks like an address:
 * one "@" between non-empty parts, no blanks or controls, at most 254 bytes */
static bool email_normalise(const char *email, char out[256])
{
	size_t n = strlen(email);
	const char *at = strchr(email, '@');
	if (n < 3 || n > 254 || !at || at == email || !at[1] || strchr(at + 1, '@'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)email[i];
		if (c <= 0x20 || c == 0x7f)
			return false;
		out[i] = (char)tolower(c);
	}
	out[n] = '\0';
	return true;
}

/* a profession code such as "care_manager" */
static bool profession_valid(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)p[i]) || isdigit((unsigned char)p[i]) || p[i] == '_'))
			return false;
	return true;
}

/* "<gateway.public_url>/#/invite/<token>" into out */
static void invitation_link(struct gw_app *app, const char *token, char *out, size_t size)
{
	char base[512];
	gw_public_base(app, base, sizeof base);
	snprintf(out, size, "%s/#/invite/%s", base, token);
}

struct invite {
	struct cl_http_req *req;
	const struct gw_user *actor;
	struct gw_invitation inv;
	const char *token_hash;
	long ttl_s;
	unsigned status;
	const char *code, *message;
};

static int invite_tx(struct cl_pg *pg, void *arg)
{
	struct invite *c = arg;
	c->status = 0;
	json_t *org = NULL;
	int rc = gw_db_org_get(pg, c->actor->id.tenant, c->inv.organisation, &org);
	if (rc == CL_ENOENT) {
		c->status = 404;
		c->code = "organisation_not_found";
		c->message = "組織が見つかりません";
		return rc;
	}
	if (rc < 0)
		return rc;
	cl_strlcpy(c->inv.organisation_name, json_string_value(json_object_get(org, "name")),
		   sizeof c->inv.organisation_name);
	json_decref(org);
	rc = gw_db_email_taken(pg, c->inv.email);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		c->status = 409;
		c->code = "email_taken";
		c->message = "このメールアドレスの利用者はすでに登録されています";
		return CL_ECONFLICT;
	}
	rc = gw_db_invitation_create(pg, &c->inv, c->token_hash, c->actor->id.user, c->ttl_s);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:s, s:s, s:s, s:o, s:s}", "email", c->inv.email,
				   "organisation_id", c->inv.organisation, "profession",
				   c->inv.profession, "roles", gw_roles_json(c->inv.roles),
				   "expires_at", c->inv.expires_at);
	rc = gw_audit_action(pg, c->req, c->actor, "invitation.create", c->inv.id, "ok", detail);
	json_decref(detail);
	return rc;
}

json_t *gw_invitation_json(const struct gw_invitation *inv)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "id", inv->id, "email", inv->email,
			 "organisation_id", inv->organisation, "profession", inv->profession,
			 "roles", gw_roles_json(inv->roles), "expires_at", inv->expires_at);
}

/* answer 403 and note the refusal in the audit log */
static enum MHD_Result refuse(struct cl_http_req *req, const struct gw_user *u,
			      const char *action, const char *subject, const char *message)
{
	struct gw_app *app = req->app;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	gw_audit_action(pg, req, u, action, subject, "denied", NULL);
	cl_pg_pool_put(&app->svc->pool, pg);
	return cl_http_error(req, 403, "forbidden", message);
}

static enum MHD_Result invite(struct cl_http_req *req, const struct gw_user *u, json_t *body)
{
	struct gw_app *app = req->app;
	const char *email, *org, *profession;
	json_t *roles_j = NULL;
	json_error_t jerr;
	struct invite c = {.req = req, .actor = u};
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s, s:s, s?o}", "email", &email,
			   "organisation_id", &org, "profession", &profession, "roles", &roles_j))
		return cl_http_error(req, 400, "invalid_body", jerr.text);
	if (!email_normalise(email, c.inv.email))
		return cl_http_error(req, 400, "invalid_email", "メールアドレスが正しくありません");
	if (!profession_valid(profession))
		return cl_http_error(req, 400, "invalid_profession",
				     "profession is a code of a-z, 0-9 and _ (at most 64)");
	c.inv.roles = GW_ROLE_MEMBER;
	const char *why;
	if (roles_j && gw_roles_parse(roles_j, &c.inv.roles, &why) < 0)
		return cl_http_error(req, 400, "invalid_role", why);
	if (!cl_uuid_valid(org))
		return cl_http_error(req, 404, "organisation_not_found", "組織が見つかりません");
	if (!gw_admin_may_manage(u, org))
		return refuse(req, u, "invitation.create", c.inv.email,
			      "この組織に招待する権限がありません");
	if (!(gw_roles_of(u) & GW_ROLE_TENANT_ADMIN) &&
	    (c.inv.roles & ~GW_ROLES_ORG_GRANTABLE))
		return refuse(req, u, "invitation.create", c.inv.email,
			      "組織の管理者が付与できるのは member と org_admin だけです");
	cl_strlcpy(c.inv.organisation, org, sizeof c.inv.organisation);
	cl_strlcpy(c.inv.profession, profession, sizeof c.inv.profession);
	cl_strlcpy(c.inv.tenant, u->id.tenant, sizeof c.inv.tenant);
	cl_uuid_new(c.inv.id);

	/* 256 random bits; only their SHA-256 is stored */
	unsigned char raw[32];
	char token[64], hash[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, sizeof token, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	gw_token_hash(token, hash);
	c.token_hash = hash;
	c.ttl_s = cl_cfg_get_int(&app->svc->cfg, "auth.invitation_ttl", INVITATION_TTL_DEFAULT);
	if (c.ttl_s <= 0)
		c.ttl_s = INVITATION_TTL_DEFAULT;

	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, 0, invite_tx, &c);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0 && c.status)
		return cl_http_error(req, c.status, c.code, c.message);
	if (rc < 0)
		return cl_http_fail(req, rc);

	char link[700];
	invitation_link(app, token, link, sizeof link);
	cl_log_info("invitation created; no mail server is configured, give the person this link",
		    "invitation_id", c.inv.id, "email", c.inv.email, "organisation_id",
		    c.inv.organisation, "expires_at", c.inv.expires_at, "link", link, NULL);
	return cl_http_json(req, 201, json_pack("{s:o, s:s}", "invitation",
						 gw_invitation_json(&c.inv), "link", link));
}

enum MHD_Result gw_invitation_create(struct cl_http_req *req)
{
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	enum MHD_Result r = invite(req, &u, body);
	json_decref(body);
	return r;
}

enum MHD_Result gw_invitation_list(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	long limit;
	const char *cursor;
	if (!gw_session_require(req, &u) || !gw_admin_limit(req, &limit) ||
	    !gw_admin_cursor(req, &cursor))
		return req->result;
	unsigned roles = gw_roles_of(&u);
	const char *org = cl_http_query(req, "organisation");
	if (org && !cl_uuid_valid(org))
		return cl_http_error(req, 400, "invalid_organisation", "organisation is not an id");
	if (!(roles & GW_ROLE_TENANT_ADMIN)) {
		if (!(roles & GW_ROLE_ORG_ADMIN))
			return cl_http_error(req, 403, "forbidden", "招待を見る権限がありません");
		org = u.id.organisation; /* an organisation admin sees their own */
	}
	json_t *items = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_invitation_list(pg, u.id.tenant, org, cursor, limit, &items);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, gw_admin_page("invitations", items, limit));
}

struct revoke {
	struct cl_http_req *req;
	const struct gw_user *actor;
	unsigned status;
	const char *code, *message;
};

static int revoke_tx(struct cl_pg *pg, void *arg)
{
	struct revoke *c = arg;
	struct gw_invitation inv;
	c->status = 0;
	int rc = gw_db_invitation_get(pg, c->actor->id.tenant, c->req->params[0], &inv);
	if (rc == CL_ENOENT) {
		c->status = 404;
		c->code = "not_found";
		c->message = "招待が見つかりません";
		return rc;
	}
	if (rc < 0)
		return rc;
	if (!gw_admin_may_manage(c->actor, inv.organisation)) {
		c->status = 403;
		c->code = "forbidden";
		c->message = "この招待を取り消す権限がありません";
		return CL_EFORBID;
	}
	if (inv.used) {
		c->status = 409;
		c->code = "invitation_used";
		c->message = "この招待はすでに使われています";
		return CL_ECONFLICT;
	}
	rc = gw_db_invitation_delete(pg, c->actor->id.tenant, inv.id);
	if (rc < 0)
		return rc == CL_ENOENT ? CL_ERETRY : rc; /* accepted meanwhile: look again */
	json_t *detail = json_pack("{s:s}", "email", inv.email);
	rc = gw_audit_action(pg, c->req, c->actor, "invitation.revoke", inv.id, "ok", detail);
	json_decref(detail);
	return rc;
}

enum MHD_Result gw_invitation_delete(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	if (!cl_uuid_valid(req->params[0]))
		return cl_http_error(req, 404, "not_found", "招待が見つかりません");
	struct revoke c = {.req = req, .actor = &u};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, 0, revoke_tx, &c);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0 && c.status == 403)
		return refuse(req, &u, "invitation.revoke", req->params[0], c.message);
	if (rc < 0 && c.status)
		return cl_http_error(req, c.status, c.code, c.message);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_empty(req, 204);
}
