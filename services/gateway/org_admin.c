/* org_admin.c - GET/POST /api/v1/organisations, PATCH /api/v1/organisations/{id}:
 * everyone in the tenant reads the organisations, tenant admins change them;
 * each change is announced with OrganisationChanged */
#include "admin.h"
#include "org_announce.h"

#include <carelink/err.h>
#include <string.h>

static const char *const org_kinds[] = {
	"city_hall", "support_centre", "home_care_support_office", "care_provider",
	"clinic", "hospital", "doctors_association", "pharmacy",
	"police", "fire", "social_welfare_council", "other",
};

bool gw_org_kind_valid(const char *kind)
{
	for (size_t i = 0; i < sizeof org_kinds / sizeof org_kinds[0]; i++)
		if (!strcmp(org_kinds[i], kind))
			return true;
	return false;
}

/* the person of req when they are a tenant admin; answers 401/403 otherwise */
static bool require_tenant_admin(struct cl_http_req *req, struct gw_user *u)
{
	if (!gw_session_require(req, u))
		return false;
	if (!(gw_roles_of(u) & GW_ROLE_TENANT_ADMIN)) {
		cl_http_error(req, 403, "forbidden", "組織を変更できるのは自治体の管理者だけです");
		return false;
	}
	return true;
}

/* a name and kind of a request body, either optional; answers 400 itself */
static bool check_fields(struct cl_http_req *req, const char *name, const char *kind)
{
	if (name && !gw_admin_text_ok(name, GW_ORG_NAME_MAX)) {
		cl_http_error(req, 400, "invalid_name", "組織名は1〜200バイトで入力してください");
		return false;
	}
	if (kind && !gw_org_kind_valid(kind)) {
		cl_http_error(req, 400, "invalid_kind", "組織の種別が正しくありません");
		return false;
	}
	return true;
}

enum MHD_Result gw_org_list(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	long limit;
	const char *cursor;
	if (!gw_session_require(req, &u) || !gw_admin_limit(req, &limit) ||
	    !gw_admin_cursor(req, &cursor))
		return req->result;
	json_t *items = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_org_list(pg, u.id.tenant, cursor, limit, &items);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, gw_admin_page("organisations", items, limit));
}

/* UserChanged for every user of the organisation id (its name changed), in
 * the open transaction, so that other services' copies of the people
 * carry the new name */
static int org_members_announce(struct cl_pg *pg, struct gw_app *app, const char *tenant,
				 const char *id)
{
	char cursor[CL_UUID_LEN + 1] = "";
	const long page = 200;
	for (;;) {
		json_t *items = NULL;
		int rc = gw_db_account_list(pg, tenant, id, *cursor ? cursor : NULL, page, &items);
		if (rc < 0)
			return rc;
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			if ((long)i >= page)
				break;
			struct gw_account a;
			const char *uid = json_string_value(json_object_get(it, "id"));
			rc = uid ? gw_db_account_lock(pg, tenant, uid, &a) : CL_EFATAL;
			if (rc == 0)
				rc = gw_account_announce(pg, app, &a);
			if (rc < 0) {
				json_decref(items);
				return rc;
			}
			cl_strlcpy(cursor, uid, sizeof cursor);
		}
		bool more = (long)json_array_size(items) > page;
		json_decref(items);
		if (!more)
			return 0;
	}
}

struct org_change {
	struct cl_http_req *req;
	const struct gw_user *actor;
	const char *id;
	const char *name;
	const char *kind;
	bool create;
	json_t *org;  /* the organisation after the change */
};

static int org_change_tx(struct cl_pg *pg, void *arg)
{
	struct org_change *c = arg;
	struct gw_app *app = c->req->app;
	json_decref(c->org);
	c->org = NULL;
	int rc = c->create ? gw_db_org_create(pg, c->actor->id.tenant, c->id, c->name, c->kind)
			   : gw_db_org_update(pg, c->actor->id.tenant, c->id, c->name, c->kind);
	if (rc == 0)
		rc = gw_db_org_get(pg, c->actor->id.tenant, c->id, &c->org);
	if (rc == 0)
		rc = gw_org_announce(pg, app->svc->schemas, c->actor->id.tenant, c->id,
				     json_string_value(json_object_get(c->org, "name")),
				     json_string_value(json_object_get(c->org, "kind")));
	if (rc == 0 && !c->create && c->name)
		rc = org_members_announce(pg, app, c->actor->id.tenant, c->id);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:s?, s:s?}", "name", c->name, "kind", c->kind);
	rc = gw_audit_action(pg, c->req, c->actor,
			    c->create ? "organisation.create" : "organisation.update", c->id, "ok",
			    detail);
	json_decref(detail);
	return rc;
}

/* run c in one transaction and answer with the organisation */
static enum MHD_Result org_change_run(struct cl_http_req *req, struct org_change *c,
				      unsigned status)
{
	struct gw_app *app = req->app;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, 0, org_change_tx, c);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ECONFLICT) {
		json_decref(c->org);
		return cl_http_error(req, 409, "name_taken", "同じ名前の組織がすでにあります");
	}
	if (rc == CL_ENOENT) {
		json_decref(c->org);
		return cl_http_error(req, 404, "not_found", "組織が見つかりません");
	}
	if (rc < 0) {
		json_decref(c->org);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, status, json_pack("{s:o}", "organisation", c->org));
}

enum MHD_Result gw_org_create(struct cl_http_req *req)
{
	struct gw_user u;
	if (!require_tenant_admin(req, &u))
		return req->result;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	json_error_t jerr;
	struct org_change c = {.req = req, .actor = &u, .create = true};
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s}", "name", &c.name, "kind",
			   &c.kind)) {
		json_decref(body);
		return cl_http_error(req, 400, "invalid_body", jerr.text);
	}
	enum MHD_Result r;
	char id[CL_UUID_LEN + 1];
	cl_uuid_new(id);
	c.id = id;
	if (!check_fields(req, c.name, c.kind))
		r = req->result;
	else
		r = org_change_run(req, &c, 201);
	json_decref(body);
	return r;
}

enum MHD_Result gw_org_update(struct cl_http_req *req)
{
	struct gw_user u;
	if (!require_tenant_admin(req, &u))
		return req->result;
	if (!cl_uuid_valid(req->params[0]))
		return cl_http_error(req, 404, "not_found", "組織が見つかりません");
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	json_error_t jerr;
	struct org_change c = {.req = req, .actor = &u, .id = req->params[0]};
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s?s, s?s}", "name", &c.name, "kind",
			   &c.kind)) {
		json_decref(body);
		return cl_http_error(req, 400, "invalid_body", jerr.text);
	}
	enum MHD_Result r;
	if (!c.name && !c.kind)
		r = cl_http_error(req, 400, "invalid_body", "name or kind is required");
	else if (!check_fields(req, c.name, c.kind))
		r = req->result;
	else
		r = org_change_run(req, &c, 200);
	json_decref(body);
	return r;
}
