/* hold_list.c - GET /v1/holds: ?mine=1 the caller's holds, ?facility=<id>
 * that facility's (its staff only); ?status= filters; newest first */
#include "vacancy.h"

#include <carelink/err.h>
#include <string.h>

static bool status_known(const char *s)
{
	return !strcmp(s, "held") || !strcmp(s, "confirmed") || !strcmp(s, "released") ||
	       !strcmp(s, "expired");
}

enum MHD_Result vac_hold_list(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	const char *mine = cl_http_query(req, "mine");
	const char *facility = cl_http_query(req, "facility");
	const char *status = cl_http_query(req, "status");
	json_t *holds = NULL;
	struct vac_facility f;
	if (status && !*status)
		status = NULL;
	if (status && !status_known(status))
		return cl_http_error(req, 400, "invalid_query",
				     "status は held, confirmed, released, expired のいずれかです");
	bool by_me = mine && !strcmp(mine, "1");
	if (!by_me && !(facility && *facility))
		return cl_http_error(req, 400, "invalid_query", "mine=1 か facility を指定してください");
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = 0;
	if (!by_me) {
		rc = vac_db_facility_get(pg, req->identity.tenant, facility, &f);
		if (rc == 0 && !vac_may_read(app, &req->identity, f.owner_org))
			rc = CL_ENOENT;
		if (rc == 0 && !vac_is_staff(&req->identity, f.owner_org)) {
			cl_pg_pool_put(&app->svc->pool, pg);
			return cl_http_error(req, 403, "forbidden",
					     "施設の仮押さえ一覧は施設の職員だけが見られます");
		}
	} else if (!vac_may_read(app, &req->identity, NULL)) {
		rc = CL_ENOENT;
	}
	if (rc == 0)
		rc = vac_db_hold_list(pg, req->identity.tenant, by_me ? req->identity.user : NULL,
				      by_me ? (facility && *facility ? facility : NULL) : facility,
				      status, &holds);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "facility_not_found", "施設が見つかりません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	json_t *out = json_array();
	size_t i;
	json_t *h;
	json_array_foreach(holds, i, h)
		json_array_append_new(out, vac_hold_public(h));
	json_decref(holds);
	return cl_http_json(req, 200, json_pack("{s:o}", "holds", out));
}
