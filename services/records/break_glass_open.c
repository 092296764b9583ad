/* break_glass_open.c - POST /v1/patients/:id/break-glass: a doctor or an
 * emergency service opens any patient file of the tenant with a written
 * reason, for records.break_glass_minutes; the grant, BreakGlassOpened (the
 * team to tell) and the audit row commit together */
#include "patient_parts.h"
#include "carelink/err.h"
#include "carelink/json.h"
#include "carelink/log.h"
#include "carelink/outbox.h"

#include <stdlib.h>
#include <string.h>

/* the professions that may break the glass: doctors and the emergency
 * services of the demo */
static bool may_break_glass(const char *profession)
{
	static const char *const allowed[] = {"doctor", "firefighter", "paramedic",
					      "police_officer", NULL};
	for (size_t i = 0; allowed[i]; i++)
		if (!strcmp(profession, allowed[i]))
			return true;
	return false;
}

struct glass_tx {
	struct cl_http_req *req;
	const char *id;
	const char *reason;
	long minutes;
	const char *outcome; /* of the audit row: ok, or refused when forbidden */
	json_t *grant;
};

static int opened_event_add(struct cl_pg *pg, struct glass_tx *g)
{
	struct rec_app *app = g->req->app;
	json_t *team = NULL;
	int rc = rec_db_team_ids(pg, g->id, &team);
	if (rc < 0)
		return rc;
	json_t *ev = cl_event_new(g->req->identity.tenant);
	json_object_set_new(ev, "patient_id", json_string(g->id));
	json_object_set_new(ev, "user_id", json_string(g->req->identity.user));
	json_object_set_new(ev, "grant_id", json_incref(json_object_get(g->grant, "id")));
	json_object_set_new(ev, "expires_at", json_incref(json_object_get(g->grant, "expires_ms")));
	json_object_set_new(ev, "team", team);
	rc = cl_outbox_add(pg, app->svc->schemas, REC_TOPIC_PATIENTS, g->id, REC_EVENT_BREAK_GLASS,
			   ev);
	json_decref(ev);
	return rc;
}

static int glass_body(struct cl_pg *pg, void *arg)
{
	struct glass_tx *g = arg;
	struct rec_app *app = g->req->app;
	const struct cl_identity *who = &g->req->identity;
	char addr[64], gid[CL_UUID_LEN + 1];
	struct rec_audit a = rec_audit_of(g->req, g->id, NULL, "break_glass", g->outcome, addr,
					  sizeof addr);
	json_decref(g->grant);
	g->grant = NULL;
	bool exists = false;
	int rc = rec_patient_session(pg, who);
	/* refused: only the audit row, whether the patient exists or not (the
	 * answer tells nothing about it) */
	if (rc == 0 && strcmp(g->outcome, "ok"))
		return rec_audit_add(pg, app->svc->schemas, &a);
	if (rc == 0)
		rc = rec_db_patient_exists(pg, g->id, &exists);
	if (rc == 0 && !exists)
		return CL_ENOENT;
	cl_uuid_new(gid);
	if (rc == 0)
		rc = rec_db_break_glass_insert(pg, who, gid, g->id, g->reason, g->minutes,
					       &g->grant);
	if (rc == 0)
		rc = opened_event_add(pg, g);
	if (rc == 0)
		rc = rec_audit_add(pg, app->svc->schemas, &a);
	return rc;
}

enum MHD_Result rec_break_glass_open(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return rec_patient_denied(req, id, NULL);
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	struct glass_tx g = {.req = req, .id = id, .outcome = "ok"};
	g.minutes = cl_cfg_get_int(&app->svc->cfg, "records.break_glass_minutes",
				   REC_BREAK_GLASS_MINUTES);
	if (g.minutes < 1)
		g.minutes = REC_BREAK_GLASS_MINUTES;
	size_t n = 0;
	const char *reason = cl_json_str(body, "reason");
	char *trimmed = reason ? rec_text_trim(reason, &n) : NULL;
	g.reason = trimmed;
	enum MHD_Result r;
	if (n < REC_BREAK_GLASS_REASON_MIN || n > REC_BREAK_GLASS_REASON_MAX) {
		r = cl_http_error(req, 400, "reason_required",
				  "緊急アクセスの理由を10〜1000文字で入力してください");
		goto out;
	}
	if (!may_break_glass(req->identity.profession))
		g.outcome = "refused";
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, glass_body, &g);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT) {
		r = rec_patient_denied(req, id, NULL);
	} else if (rc < 0) {
		r = cl_http_fail(req, rc);
	} else if (strcmp(g.outcome, "ok")) {
		r = cl_http_error(req, 403, "forbidden",
				  "緊急アクセスができるのは医師と救急・消防・警察だけです");
	} else {
		cl_log_info("break-glass opened", "patient_id", id, "user_id", req->identity.user,
			    "tenant_id", req->identity.tenant, NULL);
		json_object_del(g.grant, "expires_ms");
		r = cl_http_json(req, 201, json_pack("{s:O}", "grant", g.grant));
	}
out:
	json_decref(g.grant);
	free(trimmed);
	json_decref(body);
	return r;
}
