/* patients.h - patient files inside carelink-records: the access rule,
 * row-level security, the audit chain (PATIENTS.md). Shared by the
 * patient, team, break-glass, entry, template and round handlers. */
#ifndef REC_PATIENTS_H
#define REC_PATIENTS_H

#include "records.h"

#define REC_TOPIC_PATIENTS "carelink.records"
#define REC_TOPIC_AUDIT "carelink.audit"
#define REC_EVENT_ENTRY_ADDED "carelink.records.PatientEntryAdded"
#define REC_EVENT_TEAM_CHANGED "carelink.records.CareTeamChanged"
#define REC_EVENT_BREAK_GLASS "carelink.records.BreakGlassOpened"
#define REC_EVENT_ACCESS_AUDITED "carelink.audit.AccessAudited"
#define REC_PATIENT_ROLE_MAX 32

/* The routes of patients, teams, break-glass and access history
 * (patient_routes.c) and of entries, attachments, templates and rounds
 * (entry_routes.c), joined by main.c. */
extern const struct cl_http_route rec_routes_patients[];
extern const struct cl_http_route rec_routes_entries[];

/* rec_patient_session() - first statement of every transaction that
 * touches patient data: set_config('carelink.user_id', who's user, true)
 * and 'carelink.tenant_id', so the row-level security policies see the
 * caller. Returns 0 or a cl_pg_exec() code. */
int rec_patient_session(struct cl_pg *pg, const struct cl_identity *who);

/* rec_patient_access() - inside a transaction opened with
 * rec_patient_session(): 0 when who is a current member of the patient's
 * team (role copied into role, may be NULL) or holds an unexpired
 * break-glass grant for it (role "break_glass"); CL_ENOENT when not, when
 * the patient is unknown or of another tenant, or id is not a uuid. */
int rec_patient_access(struct cl_pg *pg, const struct cl_identity *who, const char *patient_id,
		       char role[REC_PATIENT_ROLE_MAX]);

/* One row of the audit chain. patient_id / entry_id may be NULL. action:
 * read, write, denied, break_glass, team; outcome: ok, denied, refused. */
struct rec_audit {
	const struct cl_identity *who;
	const char *patient_id;
	const char *entry_id;
	const char *action;
	const char *route;    /* "GET /v1/patients/:id" */
	const char *address;  /* the client's, cl_http_client_address() */
	const char *outcome;
};

/* rec_audit_add() - append a to the chain (under the chain's lock) and
 * add AccessAudited to the outbox, inside the caller's transaction: a
 * read or write and its audit row commit together. Returns 0 or a
 * negative CL_E* code. */
int rec_audit_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
		  const struct rec_audit *a);

/* rec_audit_of() - a rec_audit for req (who, route from its method and
 * route pattern, address) with the given action and outcome; strings
 * borrowed from req and the arguments; addr is the caller's buffer (>= 64);
 * the route's text is the thread's own, kept until its next call. */
struct rec_audit rec_audit_of(struct cl_http_req *req, const char *patient_id,
			      const char *entry_id, const char *action, const char *outcome,
			      char *addr, size_t addr_size);

/* rec_patient_denied() - the answer to anyone outside a patient's team:
 * append a "denied" audit row in a transaction of its own (the request's
 * own transaction rolled back) and answer 404 patient_not_found,
 * byte-identical whatever the reason. */
enum MHD_Result rec_patient_denied(struct cl_http_req *req, const char *patient_id,
				   const char *entry_id);

/* rec_audit_verify() - walk the whole chain with pg (the owner's or the
 * app's connection): 0 and *rows when intact; 1 with the first broken
 * row's id and why in broken/why when not; or a negative CL_E* code. Used
 * by carelink-records --verify-audit. */
int rec_audit_verify(struct cl_pg *pg, long long *rows, long long *broken, char *why,
		     size_t why_size);

#endif
