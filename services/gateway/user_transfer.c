/* user_transfer.c - POST /api/v1/users/{id}/transfer {organisation_id}: a
 * tenant admin moves a person to another organisation of the tenant */
#include "admin.h"

#include <carelink/err.h>
#include <string.h>

static int transfer(struct cl_pg *pg, struct gw_user_change *c)
{
	const char *to = c->arg;
	if (!(gw_roles_of(c->actor) & GW_ROLE_TENANT_ADMIN))
		return gw_user_change_refuse(c, 403, "forbidden",
					     "所属の変更は自治体の管理者が行います");
	json_t *org = NULL;
	int rc = cl_uuid_valid(to) ? gw_db_org_get(pg, c->actor->id.tenant, to, &org) : CL_ENOENT;
	if (rc == CL_ENOENT)
		return gw_user_change_refuse(c, 404, "organisation_not_found",
					     "移動先の組織が見つかりません");
	if (rc < 0)
		return rc;
	if (!strcmp(c->acct.organisation, to)) {
		json_decref(org);
		return 0;
	}
	/* administering the old organisation does not carry over to the new one */
	unsigned roles = c->acct.roles & ~GW_ROLE_ORG_ADMIN;
	rc = gw_db_account_set_organisation(pg, c->acct.id, to, roles);
	if (rc < 0) {
		json_decref(org);
		return rc;
	}
	c->detail = json_pack("{s:s, s:s, s:o}", "from", c->acct.organisation, "to", to,
			      "roles", gw_roles_json(roles));
	cl_strlcpy(c->acct.organisation, to, sizeof c->acct.organisation);
	cl_strlcpy(c->acct.organisation_name, json_string_value(json_object_get(org, "name")),
		   sizeof c->acct.organisation_name);
	json_decref(org);
	c->acct.roles = roles;
	c->changed = true;
	/* the person's streams reopen with the new organisation as audience */
	c->end_streams = true;
	return 0;
}

enum MHD_Result gw_user_transfer(struct cl_http_req *req)
{
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	const char *to;
	json_error_t jerr;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s}", "organisation_id", &to)) {
		json_decref(body);
		return cl_http_error(req, 400, "invalid_body", jerr.text);
	}
	struct gw_user_change c = {
		.req = req, .actor = &u, .action = "user.transfer", .apply = transfer, .arg = to};
	enum MHD_Result r = gw_user_change_run(&c);
	json_decref(body);
	return r;
}
