/* hold_show.c - GET /v1/holds/:id: a hold, to its holder and its
 * facility's staff */
#include "vacancy.h"

#include <carelink/err.h>

enum MHD_Result vac_hold_show(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	json_t *hold = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_hold_get(pg, req->identity.tenant, req->params[0], false, &hold);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == 0) {
		struct vac_hold_role role = vac_hold_role_of(app, &req->identity, hold);
		if (!role.holder && !role.staff)
			rc = CL_ENOENT;
	}
	if (rc < 0) {
		json_decref(hold);
		if (rc == CL_EINVAL)
			rc = CL_ENOENT; /* not a uuid */
		struct vac_hold_refusal none = {0};
		return vac_hold_refusal_send(req, &none, rc);
	}
	enum MHD_Result res =
		cl_http_json(req, 200, json_pack("{s:o}", "hold", vac_hold_public(hold)));
	json_decref(hold);
	return res;
}
