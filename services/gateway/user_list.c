/* user_list.c - GET /api/v1/users: the accounts an administrator manages,
 * with their state and roles (the people directory shows active people
 * only and no roles) */
#include "admin.h"

#include <carelink/err.h>
#include <stdio.h>
#include <string.h>

int gw_db_account_list(struct cl_pg *pg, const char *tenant, const char *organisation,
		       const char *cursor, long limit, json_t **out)
{
	char lim[24];
	snprintf(lim, sizeof lim, "%ld", limit + 1);
	const char *p[4] = {tenant, organisation, cursor, lim};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(json_agg(json_build_object('id', u.id, 'name', u.display_name,"
		" 'email', u.email, 'organisation', json_build_object('id', o.id, 'name', o.name),"
		" 'profession', u.profession, 'roles', array_to_json(u.roles),"
		" 'active', u.active) ORDER BY u.display_name, u.id), '[]')::text"
		" FROM (SELECT * FROM users u WHERE u.tenant_id = $1"
		"  AND ($2::uuid IS NULL OR u.organisation_id = $2::uuid)"
		"  AND ($3::uuid IS NULL OR (u.display_name, u.id) >"
		"   (SELECT c.display_name, c.id FROM users c WHERE c.id = $3::uuid AND c.tenant_id = $1))"
		"  ORDER BY u.display_name, u.id LIMIT $4::int) u"
		" JOIN organisations o ON o.id = u.organisation_id",
		4, p);
	if (rc < 0)
		return rc;
	*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return *out ? 0 : CL_EFATAL;
}

enum MHD_Result gw_user_list(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	long limit;
	const char *cursor;
	if (!gw_session_require(req, &u))
		return req->result;
	if (!gw_admin_limit(req, &limit) || !gw_admin_cursor(req, &cursor))
		return req->result;
	const char *org = cl_http_query(req, "organisation");
	if (org && !*org)
		org = NULL;
	if (org && !cl_uuid_valid(org))
		return cl_http_error(req, 400, "invalid_query", "organisation is not an id");
	bool tenant_admin = gw_roles_of(&u) & GW_ROLE_TENANT_ADMIN;
	if (!tenant_admin && !org)
		org = u.id.organisation; /* an organisation admin sees their own */
	if (!gw_admin_may_manage(&u, org ? org : ""))
		return cl_http_error(req, 403, "forbidden",
				     "only administrators of the organisation may list its accounts");
	json_t *items = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_account_list(pg, u.id.tenant, org, cursor, limit, &items);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, gw_admin_page("users", items, limit));
}
