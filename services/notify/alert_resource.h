/* alert_resource.h - the urgent alert resource inside carelink-notify
 * (ALERTS.md): input checks and access (pure), its SQL, what every change
 * does, and the HTTP handlers and escalation pass. alerts.h is its
 * interface to the emergency-services stream (Avro and CAP). */
#ifndef NT_ALERT_RESOURCE_H
#define NT_ALERT_RESOURCE_H

#include "notify.h"


#define NT_KIND_ALERT "alert"
/* the role that manages the alerts of its organisation */
#define NT_ROLE_ALERT_MANAGER "alert_manager"
#define NT_ALERT_RAISERS_DEFAULT                                               \
	"city_official,social_worker,care_manager,medical_social_worker,"      \
	"doctor,nurse,police_officer,firefighter"
#define NT_ALERT_ESCALATION_MINUTES_DEFAULT 10
#define NT_ALERT_ESCALATION_INTERVAL_DEFAULT 10
#define NT_ALERT_LIST_MAX 200
#define NT_ALERT_ESCALATED_NOTE "応答がないため通知範囲を広げました"

/* alert_input.c - the checks of an alert's input (pure: no database) */

/* A refusal: code (ALERTS.md) and a Japanese message, both static. */
struct nt_alert_refusal {
	const char *code;
	const char *message;
};

/* nt_alert_input_create() - check body of POST /v1/alerts; on success
 * *out (new reference) holds kind, severity, title, description,
 * instruction ("" when absent), area (all three keys, null when absent),
 * audience (all three keys), requires_ack (default true) and escalation
 * (the implied level of implied_minutes to the whole tenant when
 * requires_ack and none given). Returns 0 or CL_EINVAL with *why set. */
int nt_alert_input_create(const json_t *body, long implied_minutes, json_t **out,
			  struct nt_alert_refusal *why);
/* nt_alert_input_update() - check body of PATCH /v1/alerts/{id}: any of
 * severity, title, description, instruction, area, and note; *out holds
 * the given ones checked (area normalised), note "" when absent. At least
 * one field besides note must be given. Returns 0 or CL_EINVAL. */
int nt_alert_input_update(const json_t *body, json_t **out, struct nt_alert_refusal *why);
/* nt_alert_input_note() - the note of an ack, resolve or cancel body (NULL
 * body: ""); at most 1000 code points. Returns 0 or CL_EINVAL. */
int nt_alert_input_note(const json_t *body, const char **note, struct nt_alert_refusal *why);
/* nt_alert_kind_ok(), nt_alert_severity_ok() - whether s is one of
 * ALERTS.md's words. */
bool nt_alert_kind_ok(const char *s);
bool nt_alert_severity_ok(const char *s);

/* alert_access.c - who may do what with an alert (pure) */

/* nt_alert_audience_has() - whether who is in audience (an audience
 * object). */
bool nt_alert_audience_has(const json_t *audience, const struct cl_identity *who);
/* nt_alert_in_effective() - whether who is in alert's effective audience:
 * the base audience and those of the escalation levels reached. */
bool nt_alert_in_effective(const json_t *alert, const struct cl_identity *who);
/* nt_alert_may_read(), nt_alert_may_manage() - ALERTS.md's readers
 * (effective audience, raiser, tenant admins, and also the managers, who
 * could not otherwise see what they may change) and managers (raiser,
 * alert_manager of the raiser's organisation, tenant admins). */
bool nt_alert_may_read(const json_t *alert, const struct cl_identity *who);
bool nt_alert_may_manage(const json_t *alert, const struct cl_identity *who);
/* nt_alert_may_raise() - whether who's profession is in the
 * comma-separated raisers, or who is a tenant admin. */
bool nt_alert_may_raise(const char *raisers, const struct cl_identity *who);
/* nt_alert_acked_by() - whether alert's acknowledgements name user. */
bool nt_alert_acked_by(const json_t *alert, const char *user);
/* nt_alert_for_reader() - a copy of alert with acknowledged_by_me set for
 * who (new reference). */
json_t *nt_alert_for_reader(const json_t *alert, const struct cl_identity *who);
/* nt_alert_effective_audience() - the union of the base audience and the
 * audiences of levels from..to-1 (from 0: with the base), as a new
 * audience object {"everyone","organisations","professions"}. */
json_t *nt_alert_audience_union(const json_t *alert, int with_base, int from, int to);

/* db_alert.c - one function per statement */

/* nt_db_alert_insert() - insert the alert of input (checked) raised by who;
 * *id set. Returns 0 or a cl_pg_exec() code. */
int nt_db_alert_insert(struct cl_pg *pg, const json_t *input, const struct cl_identity *who,
		       int64_t *id);
/* nt_db_alert_get() - the API's alert object of id in tenant (with
 * acknowledgements and timeline, acknowledged_by_me false, tenant_id
 * added); lock: FOR UPDATE of the alert's row. Returns 0, CL_ENOENT or a
 * cl_pg_exec() code. */
int nt_db_alert_get(struct cl_pg *pg, const char *tenant, int64_t id, bool lock,
		    json_t **alert);
/* nt_db_alert_list() - the alerts of tenant with status "active", "ended"
 * or "all", newest first, at most NT_ALERT_LIST_MAX: *alerts a new array. */
int nt_db_alert_list(struct cl_pg *pg, const char *tenant, const char *status,
		     json_t **alerts);
/* nt_db_alert_update() - apply changes (checked update input) and
 * version + 1. */
int nt_db_alert_update(struct cl_pg *pg, int64_t id, const json_t *changes);
/* nt_db_alert_end() - status resolved or cancelled, ended_at now,
 * version + 1. */
int nt_db_alert_end(struct cl_pg *pg, int64_t id, const char *status);
/* nt_db_alert_escalate() - escalation_level + 1, version + 1. */
int nt_db_alert_escalate(struct cl_pg *pg, int64_t id);
/* nt_db_alert_ack_insert() - who's acknowledgement; 1 inserted, 0 when
 * who had acknowledged already, or a cl_pg_exec() code. */
int nt_db_alert_ack_insert(struct cl_pg *pg, int64_t id, const struct cl_identity *who,
			   const char *note);
/* nt_db_alert_timeline_add() - a timeline entry (by NULL: the system). */
int nt_db_alert_timeline_add(struct cl_pg *pg, int64_t id, const char *action,
			     const struct cl_identity *by, const char *note);
/* nt_db_alert_due() - the id of one active alert requiring
 * acknowledgement, with none, whose next level is due; locked FOR UPDATE
 * SKIP LOCKED. Returns 1 (found), 0 (none) or a cl_pg_exec() code. */
int nt_db_alert_due(struct cl_pg *pg, int64_t *id);
/* nt_db_alert_tenant() - the tenant of alert id (escalation works across
 * tenants) into tenant (size bytes). Returns 0, CL_ENOENT or a
 * cl_pg_exec() code. */
int nt_db_alert_tenant(struct cl_pg *pg, int64_t id, char *tenant, size_t size);

/* alert_change.c - what every change does after its rows: the timeline
 * entry, the stream (nt_alert_stream_add(); the CAP message's web is the
 * alert page under notify.public_url when that is set) and the urgent
 * notification of audience (NULL: none). *alert (new reference) is the
 * alert re-read after the change. Returns 0 or a negative code. */
int nt_alert_change_record(struct cl_pg *pg, const struct nt_app *app, const char *tenant, int64_t id, const char *action,
			   const char *stream_change, const struct cl_identity *by,
			   const char *note, const json_t *notify_audience, json_t **alert);

/* alert_load.c - the alert of the route's :id as the caller may read it
 * (lock: FOR UPDATE): 0, CL_ENOENT (no such alert, or the caller may not
 * read it), CL_EINVAL (not an id) or a cl_pg_exec() code. */
int nt_alert_load(struct cl_pg *pg, struct cl_http_req *req, bool lock, json_t **alert,
		  int64_t *id);
/* nt_alert_load_managed() - nt_alert_load() locked, for a change by a
 * manager: also CL_EFORBID when the caller may not manage the alert and
 * CL_ECONFLICT when it has ended. */
int nt_alert_load_managed(struct cl_pg *pg, struct cl_http_req *req, json_t **alert,
			  int64_t *id);
/* nt_alert_managed_answer() - the answer of a manager's change that ran
 * with rc: 404, 403 forbidden (with forbidden_msg), 409 alert_ended, the
 * failure, or 200 {"alert"} (alert taken). */
enum MHD_Result nt_alert_managed_answer(struct cl_http_req *req, int rc,
					const char *forbidden_msg, json_t *alert);
/* nt_alert_change_told() - nt_alert_change_record() of a manager's change
 * of alert a (as loaded before it) told to the alert's whole effective
 * audience (every level reached so far). */
int nt_alert_change_told(struct cl_pg *pg, const struct nt_app *app, const json_t *a,
			 int64_t id, const char *action, const char *stream_change,
			 const struct cl_identity *by, const char *note, json_t **alert);
/* nt_alert_not_found() - the 404 alert_not_found answer. */
enum MHD_Result nt_alert_not_found(struct cl_http_req *req);
/* nt_alert_answer() - 200/201 {"alert"} as who reads it; alert taken. */
enum MHD_Result nt_alert_answer(struct cl_http_req *req, unsigned status, json_t *alert);
/* nt_alert_body_optional() - the body as JSON, NULL when empty; *bad when
 * it was not JSON (400 queued). */
json_t *nt_alert_body_optional(struct cl_http_req *req, bool *bad);

/* the handlers, one file each */
enum MHD_Result nt_alert_create(struct cl_http_req *req);
enum MHD_Result nt_alerts_list(struct cl_http_req *req);
enum MHD_Result nt_alert_get(struct cl_http_req *req);
enum MHD_Result nt_alert_patch(struct cl_http_req *req);
enum MHD_Result nt_alert_ack(struct cl_http_req *req);
enum MHD_Result nt_alert_resolve(struct cl_http_req *req);
enum MHD_Result nt_alert_cancel(struct cl_http_req *req);
/* alert_end.c - resolve (status "resolved") or cancel ("cancelled") */
enum MHD_Result nt_alert_end(struct cl_http_req *req, const char *status);

/* alert_escalation.c - start and stop the escalation pass */
int nt_alert_escalation_start(struct nt_app *app);
void nt_alert_escalation_stop(struct nt_app *app);

#endif
