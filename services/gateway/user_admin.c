/* user_admin.c - POST /api/v1/users/{id}/deactivate and /reactivate, and
 * the transaction every administrative change to a user runs in */
#include "admin.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/outbox.h>
#include <stdio.h>
#include <string.h>

json_t *gw_account_json(const struct gw_account *a)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:o, s:b}", "id", a->id, "name",
			 a->name, "email", a->email, "organisation", "id", a->organisation,
			 "name", a->organisation_name, "profession", a->profession, "roles",
			 gw_roles_json(a->roles), "active", a->active);
}

int gw_account_announce(struct cl_pg *pg, struct gw_app *app, const struct gw_account *a)
{
	json_t *e = cl_event_new(a->tenant);
	json_object_set_new(e, "user_id", json_string(a->id));
	json_object_set_new(e, "organisation_id", json_string(a->organisation));
	json_object_set_new(e, "organisation_name", json_string(a->organisation_name));
	json_object_set_new(e, "profession", json_string(a->profession));
	json_object_set_new(e, "display_name", json_string(a->name));
	json_object_set_new(e, "roles", gw_roles_json(a->roles));
	json_object_set_new(e, "active", json_boolean(a->active));
	int rc = cl_outbox_add(pg, app->svc->schemas, "carelink.identity", a->id,
			       "carelink.identity.UserChanged", e);
	json_decref(e);
	return rc;
}

int gw_user_change_refuse(struct gw_user_change *c, unsigned status, const char *code,
			  const char *message)
{
	c->status = status;
	c->code = code;
	c->message = message;
	switch (status) {
	case 403: return CL_EFORBID;
	case 404: return CL_ENOENT;
	default: return CL_ECONFLICT;
	}
}

static int user_change_tx(struct cl_pg *pg, void *arg)
{
	struct gw_user_change *c = arg;
	struct gw_app *app = c->req->app;
	json_decref(c->detail);
	c->detail = NULL;
	c->changed = c->end_streams = false;
	c->status = 0;
	int rc = gw_db_account_lock(pg, c->actor->id.tenant, c->req->params[0], &c->acct);
	if (rc == CL_ENOENT)
		return gw_user_change_refuse(c, 404, "not_found", "利用者が見つかりません");
	if (rc < 0)
		return rc;
	bool tenant_admin = gw_roles_of(c->actor) & GW_ROLE_TENANT_ADMIN;
	if (!gw_admin_may_manage(c->actor, c->acct.organisation))
		return gw_user_change_refuse(c, 403, "forbidden",
					     "この利用者を管理する権限がありません");
	/* an organisation admin does not manage the tenant's own administrators */
	if (!tenant_admin && (c->acct.roles & ~GW_ROLES_ORG_GRANTABLE))
		return gw_user_change_refuse(c, 403, "forbidden",
					     "自治体の管理者・個人情報保護責任者は自治体の管理者が管理します");
	rc = c->apply(pg, c);
	if (rc < 0 || !c->changed)
		return rc;
	rc = gw_audit_action(pg, c->req, c->actor, c->action, c->acct.id, "ok", c->detail);
	if (rc == 0)
		rc = gw_account_announce(pg, app, &c->acct);
	return rc;
}

enum MHD_Result gw_user_change_run(struct gw_user_change *c)
{
	struct cl_http_req *req = c->req;
	struct gw_app *app = req->app;
	if (!cl_uuid_valid(req->params[0]))
		return cl_http_error(req, 404, "not_found", "利用者が見つかりません");
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, 0, user_change_tx, c);
	if (rc < 0 && c->status == 403) {
		json_t *detail = json_pack("{s:s}", "reason", c->code);
		gw_audit_action(pg, req, c->actor, c->action, req->params[0], "denied", detail);
		json_decref(detail);
	}
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(c->detail);
	c->detail = NULL;
	if (rc < 0 && c->status)
		return cl_http_error(req, c->status, c->code, c->message);
	if (rc < 0)
		return cl_http_fail(req, rc);
	if (c->end_streams) {
		char n[24];
		snprintf(n, sizeof n, "%zu", gw_hub_close_user(app->hub, c->acct.id));
		cl_log_info("live streams ended", "user_id", c->acct.id, "reason", c->action,
			    "streams", n, NULL);
	}
	return cl_http_json(req, 200, json_pack("{s:o}", "user", gw_account_json(&c->acct)));
}

/* refuse when taking away tenant admin from a would leave the tenant without
 * an active one */
int gw_user_keep_tenant_admin(struct cl_pg *pg, struct gw_user_change *c)
{
	if (!(c->acct.roles & GW_ROLE_TENANT_ADMIN) || !c->acct.active)
		return 0;
	int rc = gw_db_tenant_admins_lock(pg, c->acct.tenant);
	if (rc < 0)
		return rc;
	rc = gw_db_tenant_admins_other(pg, c->acct.tenant, c->acct.id);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return gw_user_change_refuse(c, 409, "last_tenant_admin",
					     "自治体の最後の管理者です。先に別の管理者を指名してください");
	return 0;
}

static int deactivate(struct cl_pg *pg, struct gw_user_change *c)
{
	if (!strcmp(c->acct.id, c->actor->id.user))
		return gw_user_change_refuse(c, 409, "self", "自分自身を無効にはできません");
	if (!c->acct.active)
		return 0; /* already: nothing to do, nothing to announce */
	int rc = gw_user_keep_tenant_admin(pg, c);
	if (rc < 0)
		return rc;
	long sessions, tokens;
	rc = gw_db_account_set_active(pg, c->acct.id, false);
	if (rc == 0)
		rc = gw_db_account_end_sessions(pg, c->acct.id, &sessions);
	if (rc == 0)
		rc = gw_db_account_revoke_tokens(pg, c->acct.id, &tokens);
	if (rc < 0)
		return rc;
	c->acct.active = false;
	c->changed = c->end_streams = true;
	c->detail = json_pack("{s:I, s:I}", "sessions_ended", (json_int_t)sessions,
			      "tokens_revoked", (json_int_t)tokens);
	return 0;
}

static int reactivate(struct cl_pg *pg, struct gw_user_change *c)
{
	if (c->acct.active)
		return 0;
	int rc = gw_db_account_set_active(pg, c->acct.id, true);
	if (rc < 0)
		return rc;
	c->acct.active = true;
	c->changed = true;
	return 0;
}

enum MHD_Result gw_user_deactivate(struct cl_http_req *req)
{
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	struct gw_user_change c = {
		.req = req, .actor = &u, .action = "user.deactivate", .apply = deactivate};
	return gw_user_change_run(&c);
}

enum MHD_Result gw_user_reactivate(struct cl_http_req *req)
{
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	struct gw_user_change c = {
		.req = req, .actor = &u, .action = "user.reactivate", .apply = reactivate};
	return gw_user_change_run(&c);
}
