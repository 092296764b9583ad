/* hold_confirm.c - POST /v1/holds/:id/confirm: the facility's staff
 * confirm a hold, which then no longer expires (a hold past its expiry is
 * expired even before the expiry thread marks it) */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <string.h>

struct confirm_tx {
	struct vac_app *app;           /* borrowed */
	const struct cl_identity *who; /* borrowed */
	const char *id;                /* borrowed */
	struct vac_hold_refusal refusal;
	json_t *hold;                  /* owned */
	bool changed;
};

static int confirm_body(struct cl_pg *pg, void *arg)
{
	struct confirm_tx *t = arg;
	json_t *extra = NULL;
	memset(&t->refusal, 0, sizeof t->refusal);
	json_decref(t->hold);
	t->hold = NULL;
	t->changed = false;
	int rc = vac_db_hold_get(pg, t->who->tenant, t->id, true, &t->hold);
	if (rc < 0)
		goto out;
	struct vac_hold_role role = vac_hold_role_of(t->app, t->who, t->hold);
	if (!role.staff) {
		rc = role.holder ? vac_hold_refuse(&t->refusal, 403, "forbidden",
						   "仮押さえを確定できるのは施設の職員だけです")
				 : CL_ENOENT;
		goto out;
	}
	const char *status = json_string_value(json_object_get(t->hold, "status"));
	if (!strcmp(status, "confirmed"))
		goto out; /* already: answered as it is */
	if (!strcmp(status, "expired")) {
		rc = vac_hold_refuse(&t->refusal, 409, "hold_expired", "仮押さえの期限が切れています");
		goto out;
	}
	if (strcmp(status, "held")) {
		rc = vac_hold_refuse(&t->refusal, 409, "hold_released", "仮押さえは解除されています");
		goto out;
	}
	json_decref(t->hold);
	t->hold = NULL;
	rc = vac_db_hold_confirm(pg, t->who->tenant, t->id, &t->hold);
	if (rc == CL_ENOENT) /* expired between the two statements */
		rc = vac_hold_refuse(&t->refusal, 409, "hold_expired", "仮押さえの期限が切れています");
	if (rc < 0)
		goto out;
	extra = json_pack("{s:s}", "confirmed_by_id", t->who->user);
	rc = vac_hold_emit(pg, t->app, VAC_EVENT_HOLD_CONFIRMED, t->hold, extra);
	t->changed = rc == 0;
out:
	json_decref(extra);
	return rc;
}

enum MHD_Result vac_hold_confirm(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	struct confirm_tx t = {.app = app, .who = &req->identity, .id = req->params[0]};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, confirm_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	enum MHD_Result res;
	if (rc == CL_EINVAL)
		rc = CL_ENOENT; /* not a uuid */
	if (rc < 0) {
		res = vac_hold_refusal_send(req, &t.refusal, rc);
		goto out;
	}
	if (t.changed)
		cl_log_info("hold confirmed", "hold_id", t.id, "user_id", req->identity.user, NULL);
	res = cl_http_json(req, 200, json_pack("{s:o}", "hold", vac_hold_public(t.hold)));
out:
	json_decref(t.hold);
	return res;
}
