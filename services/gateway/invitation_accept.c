/* invitation_accept.c - GET/POST /api/v1/invitations/accept/{token}: whoever
 * holds the one-time link sees who is invited, then sets a name and a
 * password and becomes a user; the link works once */
#include "admin.h"
#include "audit.h"
#include "password.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <sodium.h>
#include <string.h>

#define DISPLAY_NAME_MAX 200 /* bytes */

/* the invitation of the request's token; answers 404/410 itself and returns
 * false when there is none that can be used */
static bool usable_invitation(struct cl_http_req *req, struct gw_invitation *inv,
			      char hash[65])
{
	struct gw_app *app = req->app;
	const char *token = req->params[0];
	int rc = CL_ENOENT;
	if (strlen(token) <= 128) {
		gw_token_hash(token, hash);
		struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
		rc = gw_db_invitation_by_token(pg, hash, false, inv);
		cl_pg_pool_put(&app->svc->pool, pg);
	}
	if (rc == CL_ENOENT)
		cl_http_error(req, 404, "invitation_not_found", "招待が見つかりません");
	else if (rc < 0)
		cl_http_fail(req, rc);
	else if (inv->used)
		cl_http_error(req, 410, "invitation_used", "この招待はすでに使われています");
	else if (inv->expired)
		cl_http_error(req, 410, "invitation_expired",
			      "この招待は有効期限が切れています。招待した方に再発行を依頼してください");
	else
		return true;
	return false;
}

enum MHD_Result gw_invitation_show(struct cl_http_req *req)
{
	struct gw_invitation inv;
	char hash[65];
	if (!usable_invitation(req, &inv, hash))
		return req->result;
	return cl_http_json(req, 200,
			    json_pack("{s:s, s:{s:s, s:s}, s:s, s:o, s:s}", "email", inv.email,
				      "organisation", "id", inv.organisation, "name",
				      inv.organisation_name, "profession", inv.profession, "roles",
				      gw_roles_json(inv.roles), "expires_at", inv.expires_at));
}

struct accept {
	struct cl_http_req *req;
	const char *token_hash;
	const char *hash;  /* argon2id of the password */
	struct gw_account acct;
	unsigned status;
	const char *code, *message;
};

static int accept_tx(struct cl_pg *pg, void *arg)
{
	struct accept *c = arg;
	struct gw_app *app = c->req->app;
	struct gw_invitation inv;
	c->status = 0;
	int rc = gw_db_invitation_by_token(pg, c->token_hash, true, &inv);
	if (rc < 0)
		return rc; /* deleted meanwhile: CL_ENOENT */
	if (inv.used || inv.expired) {
		c->status = 410;
		c->code = inv.used ? "invitation_used" : "invitation_expired";
		c->message = inv.used ? "この招待はすでに使われています"
				      : "この招待は有効期限が切れています";
		return CL_ECONFLICT;
	}
	rc = gw_db_email_taken(pg, inv.email);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		c->status = 409;
		c->code = "email_taken";
		c->message = "このメールアドレスの利用者はすでに登録されています";
		return CL_ECONFLICT;
	}
	struct gw_account *a = &c->acct;
	cl_uuid_new(a->id);
	cl_strlcpy(a->tenant, inv.tenant, sizeof a->tenant);
	cl_strlcpy(a->organisation, inv.organisation, sizeof a->organisation);
	cl_strlcpy(a->organisation_name, inv.organisation_name, sizeof a->organisation_name);
	cl_strlcpy(a->email, inv.email, sizeof a->email);
	cl_strlcpy(a->profession, inv.profession, sizeof a->profession);
	a->roles = inv.roles;
	a->active = true;
	rc = gw_db_account_create(pg, a, c->hash);
	if (rc == 0)
		rc = gw_db_invitation_accepted(pg, inv.id, a->id);
	if (rc == 0)
		rc = gw_account_announce(pg, app, a);
	if (rc < 0)
		return rc;
	char address[64];
	json_t *detail = json_pack("{s:s, s:s}", "invitation_id", inv.id, "email", inv.email);
	struct gw_audit entry = {
		.tenant = a->tenant,
		.actor = a->id,
		.action = "invitation.accept",
		.subject = a->id,
		.address = gw_client_address(c->req, address, sizeof address),
		.outcome = "ok",
		.detail = detail,
	};
	rc = gw_audit_write(pg, &entry);
	json_decref(detail);
	return rc;
}

/* the new user as a logged-in person */
static void account_user(const struct gw_account *a, struct gw_user *u)
{
	memset(u, 0, sizeof *u);
	cl_strlcpy(u->id.user, a->id, sizeof u->id.user);
	cl_strlcpy(u->id.tenant, a->tenant, sizeof u->id.tenant);
	cl_strlcpy(u->id.organisation, a->organisation, sizeof u->id.organisation);
	cl_strlcpy(u->id.organisation_name, a->organisation_name,
		   sizeof u->id.organisation_name);
	cl_strlcpy(u->id.profession, a->profession, sizeof u->id.profession);
	cl_strlcpy(u->id.name, a->name, sizeof u->id.name);
	cl_strlcpy(u->email, a->email, sizeof u->email);
	json_t *roles = gw_roles_json(a->roles);
	size_t i;
	json_t *r;
	json_array_foreach(roles, i, r)
	{
		cl_strlcpy(u->id.roles[u->id.n_roles++], json_string_value(r),
			   sizeof u->id.roles[0]);
	}
	json_decref(roles);
}

static enum MHD_Result accept_invitation(struct cl_http_req *req, json_t *body)
{
	struct gw_app *app = req->app;
	const char *name, *password;
	json_error_t jerr;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s}", "name", &name, "password",
			   &password))
		return cl_http_error(req, 400, "invalid_body", jerr.text);
	if (!gw_admin_text_ok(name, DISPLAY_NAME_MAX))
		return cl_http_error(req, 400, "invalid_name", "お名前を入力してください");
	struct gw_invitation inv;
	char token_hash[65];
	if (!usable_invitation(req, &inv, token_hash))
		return req->result;
	/* a new account has no second factor yet: the long rule applies */
	enum gw_password_rule rule =
		gw_password_check(gw_password_common(app), password, false, inv.email);
	if (rule != GW_PASSWORD_OK)
		return cl_http_error(req, 400, "password_policy", gw_password_message(rule, false));

	struct gw_pwhash_params params;
	char hash[GW_PASSWORD_HASH_SIZE];
	gw_pwhash_params(&app->svc->cfg, &params);
	if (gw_password_hash(&params, password, hash) < 0)
		return cl_http_fail(req, CL_EFATAL);
	struct accept c = {.req = req, .token_hash = token_hash, .hash = hash};
	cl_strlcpy(c.acct.name, name, sizeof c.acct.name);
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, 0, accept_tx, &c);
	cl_pg_pool_put(&app->svc->pool, pg);
	sodium_memzero(hash, sizeof hash);
	if (rc < 0 && c.status)
		return cl_http_error(req, c.status, c.code, c.message);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "invitation_not_found", "招待が見つかりません");
	if (rc == CL_ECONFLICT) /* the email was registered meanwhile */
		return cl_http_error(req, 409, "email_taken",
				     "このメールアドレスの利用者はすでに登録されています");
	if (rc < 0)
		return cl_http_fail(req, rc);
	cl_log_info("user created by invitation", "user_id", c.acct.id, "organisation_id",
		    c.acct.organisation, NULL);

	/* logged in at once, as after POST /login; two-factor enrolment comes
	 * first where the role or profession requires it */
	struct gw_user u;
	bool pending = false;
	account_user(&c.acct, &u);
	rc = gw_session_open(req, &u, &pending);
	if (rc < 0) {
		/* the account exists; the person logs in on the login page */
		cl_log_warn("no session after accepting an invitation", "user_id", c.acct.id,
			    "error", cl_strerror(rc), NULL);
		u.csrf[0] = '\0';
		json_t *doc = gw_session_user_json(app, &u, false, false);
		json_object_set_new(doc, "csrf", json_null());
		return cl_http_json(req, 201, doc);
	}
	return cl_http_json(req, 201, gw_session_user_json(app, &u, false, pending));
}

enum MHD_Result gw_invitation_accept(struct cl_http_req *req)
{
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	enum MHD_Result r = accept_invitation(req, body);
	json_decref(body);
	return r;
}
