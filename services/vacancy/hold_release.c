/* hold_release.c - POST /v1/holds/:id/release: its holder or the
 * facility's staff end a held or confirmed hold */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <string.h>

struct release_tx {
	struct vac_app *app;           /* borrowed */
	const struct cl_identity *who; /* borrowed */
	const char *id;                /* borrowed */
	struct vac_hold_refusal refusal;
	json_t *hold;                  /* owned */
};

static int release_body(struct cl_pg *pg, void *arg)
{
	struct release_tx *t = arg;
	json_t *extra = NULL;
	memset(&t->refusal, 0, sizeof t->refusal);
	json_decref(t->hold);
	t->hold = NULL;
	int rc = vac_db_hold_get(pg, t->who->tenant, t->id, true, &t->hold);
	if (rc < 0)
		goto out;
	struct vac_hold_role role = vac_hold_role_of(t->app, t->who, t->hold);
	if (!role.holder && !role.staff) {
		rc = CL_ENOENT;
		goto out;
	}
	const char *status = json_string_value(json_object_get(t->hold, "status"));
	if (!strcmp(status, "expired")) {
		rc = vac_hold_refuse(&t->refusal, 409, "hold_expired", "仮押さえの期限が切れています");
		goto out;
	}
	if (!strcmp(status, "released")) {
		rc = vac_hold_refuse(&t->refusal, 409, "hold_released", "仮押さえは解除されています");
		goto out;
	}
	json_decref(t->hold);
	t->hold = NULL;
	rc = vac_db_hold_end(pg, t->who->tenant, t->id, "released", &t->hold);
	if (rc < 0)
		goto out;
	extra = json_pack("{s:s, s:s}", "reason", "RELEASED", "released_by_id", t->who->user);
	rc = vac_hold_emit(pg, t->app, VAC_EVENT_HOLD_RELEASED, t->hold, extra);
out:
	json_decref(extra);
	return rc;
}

enum MHD_Result vac_hold_release(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	struct release_tx t = {.app = app, .who = &req->identity, .id = req->params[0]};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, release_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	enum MHD_Result res;
	if (rc == CL_EINVAL)
		rc = CL_ENOENT; /* not a uuid */
	if (rc < 0) {
		res = vac_hold_refusal_send(req, &t.refusal, rc);
		goto out;
	}
	cl_log_info("hold released", "hold_id", t.id, "user_id", req->identity.user, NULL);
	res = cl_http_json(req, 200, json_pack("{s:o}", "hold", vac_hold_public(t.hold)));
out:
	json_decref(t.hold);
	return res;
}
