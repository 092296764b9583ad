/* db_patient.c - SQL of patients: insert, update, one as JSON, my
 * patients, existence and consent; row-level security scopes each */
#include "patient_parts.h"
#include "carelink/err.h"

#include <string.h>

/* patient p as PATIENTS.md shows it to the caller of the session */
#define PATIENT_JSON                                                           \
	"json_build_object('id', p.id, 'name', p.name, 'kana', p.kana,"        \
	" 'birth_date', to_char(p.birth_date, 'YYYY-MM-DD'),"                  \
	" 'address', p.address, 'care_level', p.care_level,"                   \
	" 'contacts', p.contacts, 'consent', CASE WHEN p.consent_given THEN"   \
	" json_build_object('given', true, 'date',"                            \
	" to_char(p.consent_date, 'YYYY-MM-DD'), 'scope', p.consent_scope,"    \
	" 'note', p.consent_note) ELSE json_build_object('given', false) END," \
	" 'created_at', to_char(p.created_at AT TIME ZONE 'UTC',"              \
	" 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'created_by', json_build_object(" \
	"'id', p.created_by, 'name', p.created_by_name), 'my_role', coalesce(" \
	"(SELECT m.role FROM care_team_members m WHERE m.patient_id = p.id"    \
	" AND m.left_at IS NULL AND m.user_id ="                               \
	" current_setting('carelink.user_id', true)), 'break_glass'),"         \
	" 'updated_at', to_char(p.updated_at AT TIME ZONE 'UTC',"              \
	" 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"

int rec_db_patient_insert(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			  const struct rec_patient_fields *f)
{
	const char *p[14] = {id,
			     who->tenant,
			     f->name,
			     f->kana,
			     f->birth_date,
			     f->address ? f->address : "",
			     f->care_level ? f->care_level : "none",
			     f->contacts ? f->contacts : "[]",
			     f->has_consent && f->consent_given ? "true" : "false",
			     f->has_consent && f->consent_given ? f->consent_date : NULL,
			     f->has_consent && f->consent_given ? f->consent_scope : NULL,
			     f->consent_note ? f->consent_note : "",
			     who->user,
			     who->name};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO patients (id, tenant_id, name, kana, birth_date, address,"
			    " care_level, contacts, consent_given, consent_date, consent_scope,"
			    " consent_note, created_by, created_by_name) VALUES ($1::uuid, $2, $3,"
			    " $4, $5::date, $6, $7, $8::jsonb, $9::boolean, $10::date, $11, $12,"
			    " $13, $14)",
			    14, p);
	if (rc == 0)
		PQclear(res);
	return rc;
}

int rec_db_patient_update(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			  const struct rec_patient_fields *f)
{
	(void)who;
	const char *p[12] = {id,
			     f->name,
			     f->kana,
			     f->birth_date,
			     f->address,
			     f->care_level,
			     f->contacts,
			     f->has_consent ? "true" : "false",
			     f->consent_given ? "true" : "false",
			     f->consent_given ? f->consent_date : NULL,
			     f->consent_given ? f->consent_scope : NULL,
			     f->consent_note};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"UPDATE patients SET name = coalesce($2, name), kana = coalesce($3, kana),"
		" birth_date = coalesce($4::date, birth_date), address = coalesce($5, address),"
		" care_level = coalesce($6, care_level),"
		" contacts = coalesce($7::jsonb, contacts),"
		" consent_given = CASE WHEN $8::boolean THEN $9::boolean ELSE consent_given END,"
		" consent_date = CASE WHEN $8::boolean THEN $10::date ELSE consent_date END,"
		" consent_scope = CASE WHEN $8::boolean THEN $11 ELSE consent_scope END,"
		" consent_note = CASE WHEN $8::boolean THEN coalesce($12, '') ELSE"
		" consent_note END, updated_at = now()"
		" WHERE id = $1::uuid AND tenant_id = current_setting('carelink.tenant_id', true)",
		12, p);
	if (rc < 0)
		return rc;
	rc = cl_pg_affected(res) == 1 ? 0 : CL_ENOENT;
	PQclear(res);
	return rc;
}

int rec_db_patient_json(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			json_t **out)
{
	const char *p[2] = {id, who->tenant};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " PATIENT_JSON "::text FROM patients p"
			    " WHERE p.id = $1::uuid AND p.tenant_id = $2",
			    2, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_patient_list(struct cl_pg *pg, const struct cl_identity *who, const char *q,
			json_t **out)
{
	const char *p[3] = {who->tenant, q, who->user};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT json_build_object('patients', coalesce(json_agg(" PATIENT_JSON
		" ORDER BY p.kana, p.name, p.id), '[]'))::text FROM patients p"
		" WHERE p.tenant_id = $1 AND p.id IN (SELECT m.patient_id FROM"
		" care_team_members m WHERE m.tenant_id = $1 AND m.user_id = $3"
		" AND m.left_at IS NULL UNION SELECT g.patient_id FROM break_glass_grants g"
		" WHERE g.tenant_id = $1 AND g.user_id = $3 AND g.expires_at > now())"
		" AND ($2::text IS NULL OR strpos(p.name, $2) > 0 OR strpos(p.kana, $2) > 0)",
		3, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_patient_exists(struct cl_pg *pg, const char *id, bool *exists)
{
	const char *p[1] = {id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, "SELECT rec_patient_exists($1::uuid)", 1, p);
	if (rc < 0)
		return rc;
	*exists = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	return 0;
}

int rec_db_patient_consent(struct cl_pg *pg, const char *id, bool *given)
{
	const char *p[1] = {id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT consent_given FROM patients WHERE id = $1::uuid"
			    " AND tenant_id = current_setting('carelink.tenant_id', true)",
			    1, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return CL_ENOENT;
	}
	*given = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	return 0;
}
