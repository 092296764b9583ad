/* team_remove.c - DELETE /v1/patients/:id/team/:user_id: a member leaves,
 * or the patient's care manager or primary doctor removes one; access ends
 * with the commit. The team may not become empty. */
#include "patient_parts.h"
#include "carelink/err.h"

#include <string.h>

struct remove_tx {
	struct cl_http_req *req;
	const char *id;
	const char *user_id;
	struct rec_refusal refusal;
};

static int remove_body(struct cl_pg *pg, void *arg)
{
	struct remove_tx *t = arg;
	struct rec_app *app = t->req->app;
	const struct cl_identity *who = &t->req->identity;
	char addr[64], role[REC_PATIENT_ROLE_MAX], theirs[REC_PATIENT_ROLE_MAX];
	struct rec_audit a = rec_audit_of(t->req, t->id, NULL, "team", "ok", addr, sizeof addr);
	t->refusal.status = 0;
	bool self = !strcmp(t->user_id, who->user);
	int rc = rec_patient_enter(pg, who, t->id, role);
	if (rc < 0)
		return rc;
	if (!rec_patient_is_member(role) ||
	    (!self && strcmp(role, "care_manager") && strcmp(role, "primary_doctor")))
		return rec_refuse(&t->refusal, 403, "forbidden",
				  "メンバーを外せるのは本人、ケアマネジャー、主治医だけです");
	rc = rec_db_team_role(pg, t->id, t->user_id, theirs);
	if (rc == CL_ENOENT)
		return rec_refuse(&t->refusal, 404, "member_not_found",
				  "チームのメンバーではありません");
	json_t *ids = NULL;
	if (rc == 0)
		rc = rec_db_team_ids(pg, t->id, &ids);
	size_t n = json_array_size(ids);
	json_decref(ids);
	if (rc == 0 && n <= 1)
		return rec_refuse(&t->refusal, 409, "last_member",
				  "チームを空にすることはできません");
	/* announced first: the one leaving sees no team afterwards */
	if (rc == 0)
		rc = rec_team_event_add(pg, app->svc->schemas, who->tenant, t->id, NULL,
					t->user_id);
	if (rc == 0)
		rc = rec_db_team_leave(pg, who, t->id, t->user_id);
	if (rc == 0)
		rc = rec_audit_add(pg, app->svc->schemas, &a);
	return rc;
}

enum MHD_Result rec_team_remove(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct remove_tx t = {.req = req, .id = req->params[0], .user_id = req->params[1]};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, remove_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT && !t.refusal.status)
		return rec_patient_denied(req, t.id, NULL);
	if (rc < 0 && t.refusal.status == 403)
		rec_audit_refused(req, t.id, "team");
	if (rc < 0)
		return rec_refusal_send(req, &t.refusal, rc, "patient_not_found",
					"利用者が見つかりません");
	return cl_http_empty(req, 204);
}
