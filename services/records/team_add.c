/* team_add.c - POST /v1/patients/:id/team: a member invites a person of
 * the tenant, once consent to sharing is recorded; the member,
 * CareTeamChanged and the audit row commit together */
#include "patient_parts.h"
#include "carelink/err.h"
#include "carelink/json.h"

struct add_tx {
	struct cl_http_req *req;
	const char *id;
	const char *user_id;
	const char *role;
	struct rec_refusal refusal;
	json_t *out;
};

static int add_body(struct cl_pg *pg, void *arg)
{
	struct add_tx *t = arg;
	struct rec_app *app = t->req->app;
	const struct cl_identity *who = &t->req->identity;
	char addr[64], role[REC_PATIENT_ROLE_MAX], profession[64];
	struct rec_audit a = rec_audit_of(t->req, t->id, NULL, "team", "ok", addr, sizeof addr);
	json_decref(t->out);
	t->out = NULL;
	t->refusal.status = 0;
	bool consent = false;
	int rc = rec_patient_enter(pg, who, t->id, role);
	if (rc == 0 && !rec_patient_is_member(role))
		return rec_refuse(&t->refusal, 403, "forbidden",
				  "緊急アクセスではチームを変更できません");
	if (rc == 0)
		rc = rec_db_patient_consent(pg, t->id, &consent);
	if (rc == 0 && !consent)
		return rec_refuse(&t->refusal, 409, "consent_required",
				  "情報共有の同意が記録されるまでチームに追加できません");
	if (rc == 0) {
		rc = rec_db_team_person(pg, who->tenant, t->user_id, profession);
		if (rc == CL_ENOENT)
			return rec_refuse(&t->refusal, 400, "unknown_user",
					  "この自治体の利用者ではありません");
	}
	if (rc == 0) {
		rc = rec_db_team_insert(pg, who, t->id, t->user_id, t->role);
		if (rc == CL_ECONFLICT)
			return rec_refuse(&t->refusal, 409, "already_member",
					  "すでにチームのメンバーです");
	}
	if (rc == 0)
		rc = rec_team_event_add(pg, app->svc->schemas, who->tenant, t->id, t->user_id,
					NULL);
	if (rc == 0)
		rc = rec_audit_add(pg, app->svc->schemas, &a);
	if (rc == 0)
		rc = rec_db_team_member_json(pg, t->id, t->user_id, &t->out);
	return rc;
}

enum MHD_Result rec_team_add(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return rec_patient_denied(req, id, NULL);
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	struct add_tx t = {.req = req, .id = id, .user_id = cl_json_str(body, "user_id"),
			   .role = cl_json_str(body, "role")};
	enum MHD_Result r;
	if (!t.user_id || !*t.user_id || cl_utf8_length(t.user_id) > 128) {
		r = cl_http_error(req, 400, "invalid_body", "追加する人を指定してください");
		goto out;
	}
	if (!rec_team_role_valid(t.role)) {
		r = cl_http_error(req, 400, "invalid_code", "チームでの役割が正しくありません");
		goto out;
	}
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, add_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0 && t.refusal.status == 403)
		rec_audit_refused(req, id, "team");
	if (rc == CL_ENOENT)
		r = rec_patient_denied(req, id, NULL);
	else if (rc < 0)
		r = rec_refusal_send(req, &t.refusal, rc, "patient_not_found",
				     "利用者が見つかりません");
	else
		r = cl_http_json(req, 201, json_pack("{s:O}", "member", t.out));
out:
	json_decref(t.out);
	json_decref(body);
	return r;
}
