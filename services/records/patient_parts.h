/* patient_parts.h - the inside of patients, care teams, break-glass and the
 * audit chain (PATIENTS.md): input checks, the audit row's text form, and
 * the SQL of db_patient.c, db_team.c and db_audit.c. The interface other
 * parts of records use is patients.h. */
#ifndef REC_PATIENT_PARTS_H
#define REC_PATIENT_PARTS_H

#include "patients.h"

#define REC_PATIENT_NAME_MAX 100
#define REC_PATIENT_ADDRESS_MAX 500
#define REC_PATIENT_CONTACTS_MAX 20
#define REC_BREAK_GLASS_MINUTES 60
#define REC_BREAK_GLASS_REASON_MIN 10
#define REC_BREAK_GLASS_REASON_MAX 1000
#define REC_AUDIT_HASH_HEX 64

/* ---- checks (patient_check.c) ---- */

/* rec_kana_valid() - s is katakana (U+30A1..U+30FA, U+30FC, U+30FB) and
 * spaces (ASCII or U+3000), with at least one katakana. */
bool rec_kana_valid(const char *s);
/* rec_patient_date_valid() - s is a date YYYY-MM-DD that exists and is not after
 * today (today: days since 1970-01-01, UTC). */
bool rec_patient_date_valid(const char *s, long today);
bool rec_care_level_valid(const char *s);
bool rec_team_role_valid(const char *s);
bool rec_consent_scope_valid(const char *s);

/* The members of POST /v1/patients and PATCH; NULL where absent. */
struct rec_patient_fields {
	char *name;         /* owned, trimmed */
	char *kana;         /* owned, trimmed */
	const char *birth_date;
	const char *address;
	const char *care_level;
	char *contacts;     /* owned JSON text of the array */
	bool has_consent;
	bool consent_given;
	const char *consent_date;
	const char *consent_scope;
	const char *consent_note;
	const char *my_role;
	json_t *body;       /* owned: the strings above point into it */
};

/* rec_patient_fields_read() - req's JSON body checked (PATIENTS.md): on
 * false the 400 was answered (req->result) and nothing is left to free.
 * create: name, kana, birth_date and my_role required. */
bool rec_patient_fields_read(struct cl_http_req *req, bool create, struct rec_patient_fields *f);
void rec_patient_fields_release(struct rec_patient_fields *f);

/* ---- the audit row (audit_text.c) ---- */

struct rec_audit_row {
	const char *id;        /* decimal */
	const char *at;        /* YYYY-MM-DDTHH:MM:SS.ffffffZ */
	const char *tenant_id;
	const char *user_id;
	const char *user_name;
	const char *patient_id; /* NULL: none */
	const char *entry_id;   /* NULL: none */
	const char *action;
	const char *route;
	const char *address;
	const char *outcome;
};

/* rec_audit_text() - the row's fixed text form hashed after prev_hash: the
 * columns in table order, each followed by "\n"; NULL is written as
 * "\\N" and "\\" and "\n" in values as "\\\\" and "\\n". Caller frees. */
char *rec_audit_text(const struct rec_audit_row *r);
/* rec_audit_hash() - hex(SHA-256(prev_hash "\n" text)) into out. */
void rec_audit_hash(const char *prev_hash, const char *text, char out[REC_AUDIT_HASH_HEX + 1]);
/* 64 zeros: the prev_hash of the first row */
extern const char rec_audit_genesis[REC_AUDIT_HASH_HEX + 1];

/* rec_patient_enter() - rec_patient_session() then rec_patient_access():
 * 0 with who's role, CL_ENOENT when who may not see the patient
 * (patient_session.c). */
int rec_patient_enter(struct cl_pg *pg, const struct cl_identity *who, const char *patient_id,
		      char role[REC_PATIENT_ROLE_MAX]);
/* rec_audit_refused() - the audit row (outcome refused) of an attempt by
 * someone who may see the patient but not do this, in a transaction of its
 * own (audit_refused.c). */
void rec_audit_refused(struct cl_http_req *req, const char *patient_id, const char *action);
/* rec_patient_is_member() - role names a team membership (not break-glass) */
bool rec_patient_is_member(const char *role);

/* ---- SQL (db_patient.c, db_team.c, db_audit.c): 0 or a cl_pg_exec()
 * code, CL_ENOENT where a row must exist. Run inside a transaction opened
 * with rec_patient_session(): row-level security scopes every statement. */

int rec_db_patient_insert(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			  const struct rec_patient_fields *f);
int rec_db_patient_update(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			  const struct rec_patient_fields *f);
/* one patient as PATIENTS.md shows it to who */
int rec_db_patient_json(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			json_t **out);
/* who's patients (team or break-glass), q a substring of name or kana or NULL */
int rec_db_patient_list(struct cl_pg *pg, const struct cl_identity *who, const char *q,
			json_t **out);
/* the patient of the tenant exists (any, visible or not) */
int rec_db_patient_exists(struct cl_pg *pg, const char *id, bool *exists);
int rec_db_patient_consent(struct cl_pg *pg, const char *id, bool *given);

/* the current role of user in patient's team into role; CL_ENOENT if none */
int rec_db_team_role(struct cl_pg *pg, const char *patient_id, const char *user_id,
		     char role[REC_PATIENT_ROLE_MAX]);
int rec_db_team_insert(struct cl_pg *pg, const struct cl_identity *who,
		       const char *patient_id, const char *user_id, const char *role);
/* end user's membership (left_at); CL_ENOENT when not a member */
int rec_db_team_leave(struct cl_pg *pg, const struct cl_identity *who, const char *patient_id,
		      const char *user_id);
/* JSON array of the current members' user ids */
int rec_db_team_ids(struct cl_pg *pg, const char *patient_id, json_t **out);
/* {"members":[member...]} of PATIENTS.md */
int rec_db_team_json(struct cl_pg *pg, const char *patient_id, json_t **out);
/* one current member */
int rec_db_team_member_json(struct cl_pg *pg, const char *patient_id, const char *user_id,
			    json_t **out);
/* the person of the tenant: active, with profession (caller's buffer) */
int rec_db_team_person(struct cl_pg *pg, const char *tenant_id, const char *user_id,
		       char profession[64]);
/* who holds an unexpired break-glass grant for patient: CL_ENOENT if not */
int rec_db_break_glass_held(struct cl_pg *pg, const struct cl_identity *who,
			    const char *patient_id);
int rec_db_break_glass_insert(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			      const char *patient_id, const char *reason, long minutes,
			      json_t **grant);

int rec_db_audit_lock(struct cl_pg *pg);
/* the chain's head: its hash (rec_audit_genesis when empty) */
int rec_db_audit_head(struct cl_pg *pg, char hash[REC_AUDIT_HASH_HEX + 1]);
/* the next id and the time now, for the row about to be written */
int rec_db_audit_next(struct cl_pg *pg, char id[24], char at[40]);
int rec_db_audit_insert(struct cl_pg *pg, const struct rec_audit_row *r, const char *prev_hash,
			const char *hash);
/* {"accesses":[...]} of patient, newest first */
int rec_db_audit_history(struct cl_pg *pg, const char *tenant_id, const char *patient_id,
			 json_t **out);

/* up to limit rows after id after, in id order: id, at, tenant_id, user_id,
 * user_name, patient_id, entry_id, action, route, address, outcome,
 * prev_hash, hash (at in the text form of rec_audit_text()) */
int rec_db_audit_rows(struct cl_pg *pg, long long after, int limit, PGresult **res);

/* CareTeamChanged to the outbox: added / removed a user id or NULL; the
 * members are the current team without removed, so that a removal is
 * announced before its row changes (the one leaving sees no team after) */
int rec_team_event_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
		       const char *tenant_id, const char *patient_id, const char *added,
		       const char *removed);

/* handlers */
enum MHD_Result rec_patient_create(struct cl_http_req *req);
enum MHD_Result rec_patient_list(struct cl_http_req *req);
enum MHD_Result rec_patient_get(struct cl_http_req *req);
enum MHD_Result rec_patient_patch(struct cl_http_req *req);
enum MHD_Result rec_team_list(struct cl_http_req *req);
enum MHD_Result rec_team_add(struct cl_http_req *req);
enum MHD_Result rec_team_remove(struct cl_http_req *req);
enum MHD_Result rec_break_glass_open(struct cl_http_req *req);
enum MHD_Result rec_access_history(struct cl_http_req *req);

#endif
