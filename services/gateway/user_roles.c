/* user_roles.c - PUT /api/v1/users/{id}/roles {roles}: the whole set of a
 * person's roles. An organisation admin changes only member and org_admin;
 * no one takes away the tenant's last tenant admin. */
#include "admin.h"

static int set_roles(struct cl_pg *pg, struct gw_user_change *c)
{
	unsigned roles = *(const unsigned *)c->arg;
	unsigned diff = roles ^ c->acct.roles;
	if (!diff)
		return 0;
	if (!(gw_roles_of(c->actor) & GW_ROLE_TENANT_ADMIN) && (diff & ~GW_ROLES_ORG_GRANTABLE))
		return gw_user_change_refuse(
			c, 403, "forbidden",
			"組織の管理者が付与できるのは member と org_admin だけです");
	int rc = 0;
	if (!(roles & GW_ROLE_TENANT_ADMIN))
		rc = gw_user_keep_tenant_admin(pg, c);
	if (rc == 0)
		rc = gw_db_account_set_roles(pg, c->acct.id, roles);
	if (rc < 0)
		return rc;
	c->detail = json_pack("{s:o, s:o}", "from", gw_roles_json(c->acct.roles), "to",
			      gw_roles_json(roles));
	c->acct.roles = roles;
	c->changed = true;
	return 0;
}

enum MHD_Result gw_user_roles(struct cl_http_req *req)
{
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	json_t *list;
	json_error_t jerr;
	unsigned roles;
	const char *why;
	enum MHD_Result r;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:o}", "roles", &list))
		r = cl_http_error(req, 400, "invalid_body", jerr.text);
	else if (gw_roles_parse(list, &roles, &why) < 0)
		r = cl_http_error(req, 400, "invalid_role", why);
	else {
		struct gw_user_change c = {.req = req, .actor = &u, .action = "user.roles",
					   .apply = set_roles, .arg = &roles};
		r = gw_user_change_run(&c);
	}
	json_decref(body);
	return r;
}
