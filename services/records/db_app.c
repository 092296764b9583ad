/* db_app.c - SQL for apps: find, JSON, list, insert, update, lock, field
 * usage and the lookup of ids that values refer to */
#include "records.h"
#include "carelink/json.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

/* statements whose $1..$4 are the caller's tenant, profession,
 * organisation and "true" for a tenant admin; apps row aliased a */
#define APP_WHO_PARAMS(who)                                                    \
	(who)->tenant, (who)->profession, (who)->organisation,                 \
		(rec_identity_tenant_admin(who) ? "true" : "false")
#define APP_READABLE                                                           \
	"($4::boolean"                                                         \
	" OR (jsonb_array_length(a.read_rule->'professions') = 0"              \
	" AND jsonb_array_length(a.read_rule->'organisations') = 0)"           \
	" OR (a.read_rule->'professions') ? $2"                                \
	" OR (a.read_rule->'organisations') ? $3)"
#define APP_CAN_WRITE                                                          \
	"($4::boolean OR (" APP_READABLE " AND ("                              \
	"(a.write_rule->'professions') ? $2"                                   \
	" OR (a.write_rule->'organisations') ? $3"                             \
	" OR (a.write_rule->>'owner_organisation')::boolean)))"
#define APP_JSON                                                               \
	"jsonb_build_object('id', a.id, 'key', a.key, 'name', a.name,"         \
	" 'description', a.description, 'builtin', a.builtin,"                 \
	" 'fields', a.fields, 'read', a.read_rule, 'write', a.write_rule,"     \
	" 'calendar_field', (SELECT e.f->>'key' FROM jsonb_array_elements(a.fields)" \
	" WITH ORDINALITY e(f, n) WHERE e.f->>'type' IN ('date', 'datetime')"  \
	" ORDER BY e.n LIMIT 1),"                                              \
	" 'can_write', " APP_CAN_WRITE ", 'can_admin', $4::boolean,"           \
	" 'record_count', (SELECT count(*) FROM app_records r"                 \
	" WHERE r.app_id = a.id AND r.deleted_at IS NULL),"                    \
	" 'created_at', " REC_SQL_TIME("a.created_at") ","                     \
	" 'updated_at', " REC_SQL_TIME("a.updated_at") ")"

void rec_app_def_release(struct rec_app_def *a)
{
	free(a->key);
	free(a->name);
	json_decref(a->fields);
	json_decref(a->read);
	json_decref(a->write);
	memset(a, 0, sizeof *a);
}

int rec_db_app_find(struct cl_pg *pg, const struct cl_identity *who, const char *id_or_key,
		    struct rec_app_def *out)
{
	memset(out, 0, sizeof *out);
	int rc = rec_app_builtin_ensure(pg, who->tenant);
	if (rc < 0)
		return rc;
	const char *p[5] = {APP_WHO_PARAMS(who), id_or_key};
	PGresult *res;
	rc = cl_pg_exec(pg, &res,
			"SELECT a.id, a.key, a.name, a.builtin, a.fields::text, a.read_rule::text,"
			" a.write_rule::text, " APP_CAN_WRITE " FROM apps a"
			" WHERE a.tenant_id = $1 AND (a.id::text = $5 OR a.key = $5)"
			" AND " APP_READABLE,
			5, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	cl_strlcpy(out->id, PQgetvalue(res, 0, 0), sizeof out->id);
	out->key = cl_xstrdup(PQgetvalue(res, 0, 1));
	out->name = cl_xstrdup(PQgetvalue(res, 0, 2));
	out->builtin = !strcmp(PQgetvalue(res, 0, 3), "t");
	out->fields = cl_json_ours(PQgetvalue(res, 0, 4));
	out->read = cl_json_ours(PQgetvalue(res, 0, 5));
	out->write = cl_json_ours(PQgetvalue(res, 0, 6));
	out->can_write = !strcmp(PQgetvalue(res, 0, 7), "t");
	out->can_admin = rec_identity_tenant_admin(who);
	PQclear(res);
	return 0;
}

int rec_db_app_json(struct cl_pg *pg, const struct cl_identity *who, const char *app_id,
		    json_t **out)
{
	const char *p[5] = {APP_WHO_PARAMS(who), app_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " APP_JSON "::text FROM apps a"
			    " WHERE a.tenant_id = $1 AND a.id = $5::uuid AND " APP_READABLE,
			    5, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_app_list(struct cl_pg *pg, const struct cl_identity *who, json_t **out)
{
	int rc = rec_app_builtin_ensure(pg, who->tenant);
	if (rc < 0)
		return rc;
	const char *p[4] = {APP_WHO_PARAMS(who)};
	PGresult *res;
	rc = cl_pg_exec(pg, &res,
			"SELECT coalesce(jsonb_agg(" APP_JSON " ORDER BY NOT a.builtin,"
			" CASE a.key WHEN 'facilities' THEN 0 ELSE 1 END, a.name, a.id), '[]')::text"
			" FROM apps a WHERE a.tenant_id = $1 AND " APP_READABLE,
			4, p);
	if (rc < 0)
		return rc;
	*out = json_pack("{s:o}", "apps", cl_json_ours(PQgetvalue(res, 0, 0)));
	PQclear(res);
	return 0;
}

int rec_db_app_insert(struct cl_pg *pg, const char *tenant, const char *id, const char *key,
		      const char *name, const char *description, bool builtin,
		      const json_t *fields, const json_t *read, const json_t *write)
{
	char *f = json_dumps(fields, JSON_COMPACT), *r = json_dumps(read, JSON_COMPACT),
	     *w = json_dumps(write, JSON_COMPACT);
	const char *p[9] = {id, tenant, key, name, description, builtin ? "true" : "false",
			    f, r, w};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO apps (id, tenant_id, key, name, description, builtin,"
			    " fields, read_rule, write_rule)"
			    " VALUES ($1::uuid, $2, $3, $4, $5, $6::boolean, $7::jsonb, $8::jsonb,"
			    " $9::jsonb) ON CONFLICT (tenant_id, key) DO NOTHING",
			    9, p);
	free(f);
	free(r);
	free(w);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n == 1 ? 0 : CL_ECONFLICT;
}

int rec_db_app_update(struct cl_pg *pg, const char *tenant, const char *id, const char *name,
		      const char *description, const json_t *fields, const json_t *read,
		      const json_t *write)
{
	char *f = fields ? json_dumps(fields, JSON_COMPACT) : NULL;
	char *r = read ? json_dumps(read, JSON_COMPACT) : NULL;
	char *w = write ? json_dumps(write, JSON_COMPACT) : NULL;
	const char *p[7] = {tenant, id, name, description, f, r, w};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE apps SET name = coalesce($3, name),"
			    " description = coalesce($4, description),"
			    " fields = coalesce($5::jsonb, fields),"
			    " read_rule = coalesce($6::jsonb, read_rule),"
			    " write_rule = coalesce($7::jsonb, write_rule), updated_at = now()"
			    " WHERE tenant_id = $1 AND id = $2::uuid",
			    7, p);
	free(f);
	free(r);
	free(w);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n == 1 ? 0 : CL_ENOENT;
}

int rec_db_app_lock(struct cl_pg *pg, const char *tenant, const char *id)
{
	const char *p[2] = {tenant, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT 1 FROM apps WHERE tenant_id = $1 AND id = $2::uuid FOR UPDATE",
			    2, p);
	if (rc < 0)
		return rc;
	int n = PQntuples(res);
	PQclear(res);
	return n == 1 ? 0 : CL_ENOENT;
}

int rec_db_app_readers_share(struct cl_pg *pg, const char *tenant, const char *id,
			     json_t **read)
{
	const char *p[2] = {tenant, id};
	PGresult *res;
	*read = NULL;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT read_rule::text FROM apps WHERE tenant_id = $1 AND id = $2::uuid"
			    " FOR SHARE",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 1)
		*read = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return *read ? 0 : CL_ENOENT;
}

int rec_db_app_field_usage(struct cl_pg *pg, const char *app_id, const char *key,
			   const char *choice, long *with_value, long *with_choice,
			   long *missing)
{
	const char *p[3] = {app_id, key, choice};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT count(*) FILTER (WHERE r.\"values\" ? $2"
			    " AND jsonb_typeof(r.\"values\"->$2) <> 'null'),"
			    " count(*) FILTER (WHERE $3::text IS NOT NULL AND"
			    " (r.\"values\"->>$2 = $3 OR (jsonb_typeof(r.\"values\"->$2) = 'array'"
			    " AND (r.\"values\"->$2) ? $3))),"
			    " count(*) FILTER (WHERE NOT r.\"values\" ? $2"
			    " OR jsonb_typeof(r.\"values\"->$2) = 'null')"
			    " FROM app_records r WHERE r.app_id = $1::uuid AND r.deleted_at IS NULL",
			    3, p);
	if (rc < 0)
		return rc;
	*with_value = atol(PQgetvalue(res, 0, 0));
	*with_choice = atol(PQgetvalue(res, 0, 1));
	*missing = atol(PQgetvalue(res, 0, 2));
	PQclear(res);
	return 0;
}

int rec_db_app_ids_unknown(struct cl_pg *pg, const char *tenant, const char *type,
			   const char *ids, json_t **out)
{
	const char *p[3] = {tenant, type, ids};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(jsonb_agg(x.v), '[]')::text FROM jsonb_array_elements_text($3::jsonb) x(v)"
		" WHERE CASE $2"
		" WHEN 'user' THEN NOT EXISTS (SELECT 1 FROM people pe WHERE pe.tenant_id = $1"
		" AND pe.user_id = x.v AND pe.active)"
		" WHEN 'organisation' THEN NOT EXISTS (SELECT 1 FROM tenant_organisations t"
		" WHERE t.tenant_id = $1 AND t.organisation_id = x.v)"
		" ELSE NOT EXISTS (SELECT 1 FROM app_records r JOIN apps a ON a.id = r.app_id"
		" WHERE r.tenant_id = $1 AND a.key = 'facilities' AND r.deleted_at IS NULL"
		" AND r.id::text = x.v) END",
		3, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}
