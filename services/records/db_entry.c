/* db_entry.c - SQL for timeline entries, their read marks, attachments and
 * last values; run inside a transaction opened with rec_patient_session(),
 * so row-level security also hides every other team's rows */
#include "entries.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entry object of PATIENTS.md for entries row e, seen by the user $2. */
#define ENTRY_JSON                                                                           \
	"json_build_object('id', e.id, 'patient_id', e.patient_id, 'category', e.category,"  \
	" 'fields', e.fields, 'text', e.text,"                                               \
	" 'author', json_build_object('id', e.author_id, 'name', e.author_name,"             \
	" 'role', e.author_role),"                                                           \
	" 'created_at', " REC_SQL_TIME("e.created_at") ", 'corrects', e.corrects,"          \
	" 'corrected_by', COALESCE((SELECT json_agg(c.id ORDER BY c.seq) FROM entries c"     \
	" WHERE c.corrects = e.id), '[]'),"                                                  \
	" 'addressed_to', COALESCE((SELECT json_agg(json_build_object('id', a.v, 'name',"    \
	" COALESCE(pe.display_name, '')) ORDER BY a.n)"                                      \
	" FROM jsonb_array_elements_text(e.addressed_to) WITH ORDINALITY a (v, n)"           \
	" LEFT JOIN people pe ON pe.tenant_id = e.tenant_id AND pe.user_id = a.v), '[]'),"   \
	" 'attachments', COALESCE((SELECT json_agg(json_build_object('id', x.id,"            \
	" 'filename', x.filename, 'content_type', x.content_type, 'size', x.size)"           \
	" ORDER BY x.created_at, x.id) FROM entry_attachments x WHERE x.entry_id = e.id),"   \
	" '[]'),"                                                                            \
	" 'read_by', COALESCE((SELECT json_agg(json_build_object('id', r.user_id, 'name',"   \
	" r.user_name, 'at', " REC_SQL_TIME("r.at") ") ORDER BY r.at, r.user_id)"            \
	" FROM entry_reads r WHERE r.entry_id = e.id), '[]'),"                               \
	" 'read', EXISTS (SELECT 1 FROM entry_reads r WHERE r.entry_id = e.id"               \
	" AND r.user_id = $2))"

int rec_db_entry_insert(struct cl_pg *pg, const struct cl_identity *who, const char *role,
			const struct rec_entry_input *in, const char *fields_json,
			const char *addressed_json, char id[CL_UUID_LEN + 1])
{
	const char *p[10] = {who->tenant, in->patient_id, in->category, fields_json,
			     in->text ? in->text : "", who->user, who->name, role,
			     addressed_json, in->corrects};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO entries (tenant_id, patient_id, category, fields, text,"
			    " author_id, author_name, author_role, addressed_to, corrects)"
			    " VALUES ($1, $2::uuid, $3, $4::jsonb, $5, $6, $7, $8, $9::jsonb,"
			    " $10::uuid) RETURNING id",
			    10, p);
	if (rc < 0)
		return rc;
	return cl_pg_text(res, id, CL_UUID_LEN + 1);
}

int rec_db_entry_patient(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			 char patient_id[CL_UUID_LEN + 1])
{
	const char *p[2] = {who->tenant, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT patient_id FROM entries WHERE tenant_id = $1 AND id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	return cl_pg_text(res, patient_id, CL_UUID_LEN + 1);
}

int rec_db_entry_json(struct cl_pg *pg, const struct cl_identity *who, const char *id,
		      json_t **out)
{
	const char *p[3] = {who->tenant, who->user, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " ENTRY_JSON " FROM entries e"
			    " WHERE e.tenant_id = $1 AND e.id = $3::uuid",
			    3, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_entry_list(struct cl_pg *pg, const struct cl_identity *who, const char *patient_id,
		      const char *category, const char *before, long limit, json_t **out)
{
	char lim[24];
	snprintf(lim, sizeof lim, "%ld", limit);
	const char *p[6] = {who->tenant, who->user, patient_id, category, before, lim};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT COALESCE(json_agg(x.j ORDER BY x.seq DESC), '[]') FROM"
			    " (SELECT e.seq, " ENTRY_JSON " AS j FROM entries e"
			    " WHERE e.tenant_id = $1 AND e.patient_id = $3::uuid"
			    " AND ($4::text IS NULL OR e.category = $4)"
			    " AND ($5::uuid IS NULL OR e.seq < (SELECT b.seq FROM entries b"
			    " WHERE b.id = $5::uuid AND b.patient_id = $3::uuid))"
			    " ORDER BY e.seq DESC LIMIT $6::int) x",
			    6, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_entry_read_mark(struct cl_pg *pg, const struct cl_identity *who,
			   const char *patient_id, const char *id)
{
	const char *p[5] = {id, who->user, who->name, who->tenant, patient_id};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO entry_reads (entry_id, user_id, user_name, tenant_id,"
			  " patient_id) VALUES ($1::uuid, $2, $3, $4, $5::uuid)"
			  " ON CONFLICT (entry_id, user_id) DO NOTHING",
			  5, p);
}

int rec_db_entry_addressees_check(struct cl_pg *pg, const char *patient_id, const char *ids,
				  size_t n)
{
	const char *p[2] = {patient_id, ids};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT count(DISTINCT m.user_id) FROM care_team_members m"
			    " WHERE m.patient_id = $1::uuid AND m.left_at IS NULL"
			    " AND m.user_id IN (SELECT jsonb_array_elements_text($2::jsonb))",
			    2, p);
	if (rc < 0)
		return rc;
	long got = PQntuples(res) == 1 ? atol(PQgetvalue(res, 0, 0)) : -1;
	PQclear(res);
	return got == (long)n ? 0 : CL_ENOENT;
}

/* the newest value of each field of the patient's entries of category
 * $2, leaving out entries that were corrected */
#define LAST_VALUES(cat)                                                                     \
	"COALESCE((SELECT json_object_agg(s.k, json_build_object('value', s.v, 'at', s.at))"  \
	" FROM (SELECT DISTINCT ON (f.key) f.key AS k, f.value AS v, "                      \
	REC_SQL_TIME("e.created_at") " AS at FROM entries e, jsonb_each(e.fields) f"         \
	" WHERE e.patient_id = $1::uuid AND e.category = '" cat "'"                          \
	" AND NOT EXISTS (SELECT 1 FROM entries c WHERE c.corrects = e.id)"                  \
	" ORDER BY f.key, e.seq DESC) s), '{}')"

int rec_db_entry_last_values(struct cl_pg *pg, const char *patient_id, json_t **out)
{
	const char *p[1] = {patient_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT json_build_object('vitals', " LAST_VALUES("vitals") ","
			    " 'adl', " LAST_VALUES("adl") ")",
			    1, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_entry_attachment_insert(struct cl_pg *pg, const struct rec_patient_file_new *a,
				   char id[CL_UUID_LEN + 1])
{
	char size[24];
	snprintf(size, sizeof size, "%zu", a->size);
	const char *p[7] = {a->tenant_id,    a->patient_id, a->uploader_id, a->filename,
			    a->content_type, size,          a->data};
	int lengths[7] = {0, 0, 0, 0, 0, 0, (int)a->size};
	int formats[7] = {0, 0, 0, 0, 0, 0, 1};
	PGresult *res;
	int rc = cl_pg_exec_bin(pg, &res,
				"INSERT INTO entry_attachments (tenant_id, patient_id, uploader_id,"
				" filename, content_type, size, data) VALUES ($1, $2::uuid, $3, $4,"
				" $5, $6::int, $7::bytea) RETURNING id",
				7, p, lengths, formats);
	if (rc < 0)
		return rc;
	return cl_pg_text(res, id, CL_UUID_LEN + 1);
}

int rec_db_entry_attachment_claim(struct cl_pg *pg, const struct cl_identity *who,
				  const char *patient_id, const char *entry_id,
				  const char *ids_json, size_t n)
{
	const char *p[5] = {who->tenant, who->user, patient_id, entry_id, ids_json};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE entry_attachments SET entry_id = $4::uuid WHERE tenant_id = $1"
			    " AND uploader_id = $2 AND patient_id = $3::uuid AND entry_id IS NULL"
			    " AND id IN (SELECT v::uuid FROM jsonb_array_elements_text($5::jsonb) v)",
			    5, p);
	if (rc < 0)
		return rc;
	long got = cl_pg_affected(res);
	PQclear(res);
	return got == (long)n ? 0 : CL_ENOENT;
}

int rec_db_entry_attachment_patient(struct cl_pg *pg, const struct cl_identity *who,
				    const char *id, char patient_id[CL_UUID_LEN + 1])
{
	const char *p[2] = {who->tenant, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT patient_id FROM entry_attachments"
			    " WHERE tenant_id = $1 AND id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	return cl_pg_text(res, patient_id, CL_UUID_LEN + 1);
}

int rec_db_entry_attachment_get(struct cl_pg *pg, const struct cl_identity *who,
				const char *id, struct rec_attachment_file *out)
{
	const char *p[3] = {who->tenant, id, who->user};
	PGresult *res;
	/* claimed by an entry, or still its uploader's alone */
	int rc = cl_pg_exec(pg, &res,
			    "SELECT content_type, filename, data FROM entry_attachments"
			    " WHERE tenant_id = $1 AND id = $2::uuid"
			    " AND (entry_id IS NOT NULL OR uploader_id = $3)",
			    3, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	out->data = cl_pg_bytea(res, 0, 2, &out->size);
	out->content_type = cl_xstrdup(PQgetvalue(res, 0, 0));
	out->filename = cl_xstrdup(PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

int rec_db_entry_seed(struct cl_pg *pg, const struct cl_identity *who, const char *role,
		      const char *id, const struct rec_entry_input *in, const char *fields_json,
		      const char *addressed_json, long minutes_ago, bool *created)
{
	char ago[24];
	snprintf(ago, sizeof ago, "%ld", minutes_ago);
	const char *p[11] = {id,	  who->tenant, in->patient_id, in->category,
			     fields_json, in->text ? in->text : "", who->user, who->name,
			     role,	  addressed_json, ago};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO entries (id, tenant_id, patient_id, category, fields, text,"
			    " author_id, author_name, author_role, addressed_to, created_at)"
			    " VALUES ($1::uuid, $2, $3::uuid, $4, $5::jsonb, $6, $7, $8, $9,"
			    " $10::jsonb, now() - make_interval(mins => $11::int))"
			    " ON CONFLICT (id) DO NOTHING",
			    11, p);
	if (rc < 0)
		return rc;
	*created = cl_pg_affected(res) == 1;
	PQclear(res);
	return 0;
}
