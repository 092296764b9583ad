/* db_app_record.c - SQL for app records: JSON, the list query, lock,
 * insert, update, soft delete, history rows and comments */
#include "records.h"
#include "carelink/json.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* display name of user column col of app_records r, else the stored name */
#define USER_NAME(col, stored)                                                 \
	"coalesce((SELECT pe.display_name FROM people pe WHERE pe.tenant_id = r.tenant_id" \
	" AND pe.user_id = " col "), " stored ")"
#define ORG_NAME(expr)                                                         \
	"(SELECT t.name FROM tenant_organisations t WHERE t.tenant_id = r.tenant_id" \
	" AND t.organisation_id = " expr ")"

/* the record JSON (without can_write and registration) of row r of app a */
#define RECORD_JSON                                                            \
	"jsonb_build_object('id', r.id, 'app_id', r.app_id, 'values', r.\"values\"," \
	" 'display', coalesce((SELECT jsonb_object_agg(e.f->>'key', CASE e.f->>'type'" \
	" WHEN 'user' THEN (SELECT pe.display_name FROM people pe WHERE pe.tenant_id = r.tenant_id" \
	" AND pe.user_id = r.\"values\"->>(e.f->>'key'))"                      \
	" WHEN 'organisation' THEN " ORG_NAME("r.\"values\"->>(e.f->>'key')")  \
	" ELSE (SELECT fr.\"values\"->>'name' FROM app_records fr WHERE fr.tenant_id = r.tenant_id" \
	" AND fr.id::text = r.\"values\"->>(e.f->>'key')) END)"                \
	" FROM jsonb_array_elements(a.fields) e(f)"                            \
	" WHERE e.f->>'type' IN ('user', 'organisation', 'facility')"          \
	" AND r.\"values\" ? (e.f->>'key')), '{}'::jsonb),"                    \
	" 'owner_organisation', jsonb_build_object('id', r.owner_organisation_id," \
	" 'name', coalesce(" ORG_NAME("r.owner_organisation_id") ", '')),"     \
	" 'created_at', " REC_SQL_TIME("r.created_at") ","                     \
	" 'created_by', jsonb_build_object('id', r.created_by, 'name', "       \
	USER_NAME("r.created_by", "r.created_by_name") "),"                    \
	" 'updated_at', " REC_SQL_TIME("r.updated_at") ","                     \
	" 'updated_by', jsonb_build_object('id', r.updated_by, 'name', "       \
	USER_NAME("r.updated_by", "r.updated_by_name") "),"                    \
	" 'comment_count', (SELECT count(*) FROM app_record_comments c WHERE c.record_id = r.id))"

int rec_db_app_record_get_json(struct cl_pg *pg, const char *tenant, const char *record_id,
			       json_t **out, char **owner_org)
{
	const char *p[2] = {tenant, record_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " RECORD_JSON "::text, r.owner_organisation_id"
			    " FROM app_records r JOIN apps a ON a.id = r.app_id"
			    " WHERE r.tenant_id = $1 AND r.id = $2::uuid AND r.deleted_at IS NULL",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	*owner_org = cl_xstrdup(PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

int rec_db_app_record_app(struct cl_pg *pg, const char *tenant, const char *record_id,
			  char app_id[CL_UUID_LEN + 1], char **owner_org)
{
	if (!cl_uuid_valid(record_id))
		return CL_ENOENT;
	const char *p[2] = {tenant, record_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT app_id, owner_organisation_id FROM app_records"
			    " WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	cl_strlcpy(app_id, PQgetvalue(res, 0, 0), CL_UUID_LEN + 1);
	if (owner_org)
		*owner_org = cl_xstrdup(PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

int rec_db_app_record_lock(struct cl_pg *pg, const char *tenant, const char *record_id,
			   json_t **values, char **owner_org)
{
	const char *p[2] = {tenant, record_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT \"values\"::text, owner_organisation_id FROM app_records"
			    " WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL FOR UPDATE",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*values = cl_json_ours(PQgetvalue(res, 0, 0));
	*owner_org = cl_xstrdup(PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

static int exec_one(struct cl_pg *pg, const char *sql, int n, const char *const *p)
{
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, sql, n, p);
	if (rc < 0)
		return rc;
	long k = cl_pg_affected(res);
	PQclear(res);
	return k == 1 ? 0 : CL_ENOENT;
}

int rec_db_app_record_insert(struct cl_pg *pg, const char *tenant, const char *app_id,
			     const char *id, const json_t *values, const char *search,
			     const char *owner_org, const char *by_id, const char *by_name)
{
	char *v = json_dumps(values, JSON_COMPACT);
	const char *p[8] = {id, tenant, app_id, v, search, owner_org, by_id, by_name};
	int rc = exec_one(pg,
			  "INSERT INTO app_records (id, tenant_id, app_id, \"values\", search_text,"
			  " owner_organisation_id, created_by, created_by_name, updated_by,"
			  " updated_by_name) VALUES ($1::uuid, $2, $3::uuid, $4::jsonb, $5, $6, $7,"
			  " $8, $7, $8)",
			  8, p);
	free(v);
	return rc;
}

int rec_db_app_record_update(struct cl_pg *pg, const char *tenant, const char *id,
			     const json_t *values, const char *search, const char *owner_org,
			     const char *by_id, const char *by_name)
{
	char *v = json_dumps(values, JSON_COMPACT);
	const char *p[7] = {tenant, id, v, search, owner_org, by_id, by_name};
	int rc = exec_one(pg,
			  "UPDATE app_records SET \"values\" = $3::jsonb, search_text = $4,"
			  " owner_organisation_id = $5, updated_by = $6, updated_by_name = $7,"
			  " updated_at = now(), revision = revision + 1"
			  " WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL",
			  7, p);
	free(v);
	return rc;
}

int rec_db_app_record_mark_deleted(struct cl_pg *pg, const char *tenant, const char *id,
				   const char *by_id, const char *by_name)
{
	const char *p[4] = {tenant, id, by_id, by_name};
	return exec_one(pg,
			"UPDATE app_records SET deleted_at = now(), updated_at = now(),"
			" updated_by = $3, updated_by_name = $4, revision = revision + 1"
			" WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL",
			4, p);
}

int rec_db_app_change_insert(struct cl_pg *pg, const char *tenant, const char *record_id,
			     const char *action, const json_t *fields, const char *by_id,
			     const char *by_name)
{
	char *f = json_dumps(fields, JSON_COMPACT);
	const char *p[6] = {tenant, record_id, action, f, by_id, by_name};
	int rc = exec_one(pg,
			  "INSERT INTO app_record_changes (tenant_id, record_id, action, fields,"
			  " by_id, by_name) VALUES ($1, $2::uuid, $3, $4::jsonb, $5, $6)",
			  6, p);
	free(f);
	return rc;
}

int rec_db_app_changes(struct cl_pg *pg, const char *tenant, const char *record_id,
		       json_t **out)
{
	const char *p[2] = {tenant, record_id};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(jsonb_agg(jsonb_build_object('at', " REC_SQL_TIME("h.at") ","
		" 'by', jsonb_build_object('id', h.by_id, 'name', coalesce((SELECT pe.display_name"
		" FROM people pe WHERE pe.tenant_id = h.tenant_id AND pe.user_id = h.by_id), h.by_name)),"
		" 'action', h.action, 'fields', h.fields) ORDER BY h.id), '[]')::text"
		" FROM app_record_changes h WHERE h.tenant_id = $1 AND h.record_id = $2::uuid",
		2, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_app_comment_insert(struct cl_pg *pg, const struct cl_identity *who,
			      const char *record_id, const char *id, const char *body)
{
	const char *p[8] = {id, who->tenant, record_id, body, who->user, who->name,
			    who->organisation, who->organisation_name};
	return exec_one(pg,
			"INSERT INTO app_record_comments (id, tenant_id, record_id, body, author_id,"
			" author_name, organisation_id, organisation_name)"
			" VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6, $7, $8)",
			8, p);
}

int rec_db_app_comments(struct cl_pg *pg, const char *tenant, const char *record_id,
			const char *comment_id, json_t **out)
{
	const char *p[3] = {tenant, record_id, comment_id};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'body', c.body,"
		" 'author', jsonb_build_object('id', c.author_id, 'name', coalesce((SELECT"
		" pe.display_name FROM people pe WHERE pe.tenant_id = c.tenant_id"
		" AND pe.user_id = c.author_id), c.author_name),"
		" 'organisation', jsonb_build_object('id', c.organisation_id, 'name',"
		" c.organisation_name)),"
		" 'created_at', " REC_SQL_TIME("c.created_at") ") ORDER BY c.created_at, c.id), '[]')::text"
		" FROM app_record_comments c WHERE c.tenant_id = $1 AND c.record_id = $2::uuid"
		" AND ($3::uuid IS NULL OR c.id = $3::uuid)",
		3, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* the order of the list query over rows m ($5 key, $6 kind, $7 descending) */
#define LIST_ORDER                                                             \
	"CASE WHEN $6 = 'num' AND NOT $7::boolean AND jsonb_typeof(m.\"values\"->$5) = 'number'" \
	" THEN (m.\"values\"->$5)::numeric END ASC NULLS LAST,"                \
	" CASE WHEN $6 = 'num' AND $7::boolean AND jsonb_typeof(m.\"values\"->$5) = 'number'" \
	" THEN (m.\"values\"->$5)::numeric END DESC NULLS LAST,"               \
	" CASE WHEN $6 = 'text' AND NOT $7::boolean THEN m.\"values\"->>$5 END ASC NULLS LAST," \
	" CASE WHEN $6 = 'text' AND $7::boolean THEN m.\"values\"->>$5 END DESC NULLS LAST," \
	" CASE WHEN $6 = 'created' AND NOT $7::boolean THEN m.created_at END ASC," \
	" CASE WHEN $6 = 'created' AND $7::boolean THEN m.created_at END DESC," \
	" CASE WHEN $6 = 'updated' AND NOT $7::boolean THEN m.updated_at END ASC," \
	" m.updated_at DESC, m.id"

/* one filter f holds for row r: {"key","op","kind","v"} */
#define FILTER_HOLDS                                                           \
	"coalesce(CASE f->>'op'"                                               \
	" WHEN 'eq' THEN CASE f->>'kind'"                                      \
	" WHEN 'num' THEN jsonb_typeof(r.\"values\"->(f->>'key')) = 'number'"  \
	" AND (r.\"values\"->(f->>'key'))::numeric = (f->>'v')::numeric"        \
	" WHEN 'multi' THEN jsonb_typeof(r.\"values\"->(f->>'key')) = 'array'" \
	" AND (r.\"values\"->(f->>'key')) ? (f->>'v')"                          \
	" ELSE r.\"values\"->>(f->>'key') = f->>'v' END"                        \
	" WHEN 'from' THEN CASE f->>'kind'"                                    \
	" WHEN 'num' THEN jsonb_typeof(r.\"values\"->(f->>'key')) = 'number'"  \
	" AND (r.\"values\"->(f->>'key'))::numeric >= (f->>'v')::numeric"       \
	" ELSE r.\"values\"->>(f->>'key') >= f->>'v' END"                       \
	" WHEN 'to' THEN CASE f->>'kind'"                                      \
	" WHEN 'num' THEN jsonb_typeof(r.\"values\"->(f->>'key')) = 'number'"  \
	" AND (r.\"values\"->(f->>'key'))::numeric <= (f->>'v')::numeric"       \
	" ELSE r.\"values\"->>(f->>'key') <= f->>'v' END END, false)"

int rec_db_app_record_ids(struct cl_pg *pg, const char *tenant, const char *app_id,
			  const struct rec_app_query *query, json_t **ids, long *total)
{
	char *filters = json_dumps(query->filters, JSON_COMPACT);
	char limit[24], offset[24];
	snprintf(limit, sizeof limit, "%ld", query->limit);
	snprintf(offset, sizeof offset, "%ld", query->offset);
	const char *p[9] = {tenant, app_id, query->q, filters, query->sort_key,
			    query->sort_kind, query->descending ? "true" : "false", limit, offset};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"WITH m AS (SELECT r.* FROM app_records r WHERE r.tenant_id = $1"
		" AND r.app_id = $2::uuid AND r.deleted_at IS NULL"
		" AND ($3::text IS NULL OR r.search_text ILIKE $3)"
		" AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements($4::jsonb) x(f)"
		" WHERE NOT " FILTER_HOLDS ")),"
		" o AS (SELECT m.id, row_number() OVER (ORDER BY " LIST_ORDER ") AS n FROM m),"
		" pg AS (SELECT o.id, o.n FROM o ORDER BY o.n LIMIT $8::bigint OFFSET $9::bigint)"
		" SELECT (SELECT count(*) FROM m),"
		" coalesce((SELECT jsonb_agg(pg.id ORDER BY pg.n) FROM pg), '[]')::text",
		9, p);
	free(filters);
	if (rc < 0)
		return rc;
	*total = atol(PQgetvalue(res, 0, 0));
	*ids = cl_json_ours(PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

/* a record r of the facility directory, flattened (APPS.md "facility") */
#define FACILITY_JSON                                                          \
	"jsonb_build_object('id', r.id, 'name', r.\"values\"->'name',"         \
	" 'kind', r.\"values\"->'kind', 'district', r.\"values\"->'district',"  \
	" 'address', r.\"values\"->'address', 'latitude', r.\"values\"->'latitude'," \
	" 'longitude', r.\"values\"->'longitude', 'phone', r.\"values\"->'phone'," \
	" 'fax', r.\"values\"->'fax', 'hours', r.\"values\"->'hours',"          \
	" 'capacity', r.\"values\"->'capacity',"                               \
	" 'contact_person', r.\"values\"->'contact_person',"                   \
	" 'organisation', CASE WHEN r.\"values\" ? 'organisation' THEN jsonb_build_object(" \
	"'id', r.\"values\"->>'organisation', 'name', coalesce("                \
	ORG_NAME("r.\"values\"->>'organisation'") ", '')) END,"                 \
	" 'note', r.\"values\"->'note', 'updated_at', " REC_SQL_TIME("r.updated_at") ")"

int rec_db_facility_list(struct cl_pg *pg, const char *tenant, const char *app_id,
			 const char *district, const char *kind, const char *pattern,
			 long limit, long offset, json_t **out)
{
	char l[24], o[24];
	snprintf(l, sizeof l, "%ld", limit);
	snprintf(o, sizeof o, "%ld", offset);
	const char *p[7] = {tenant, app_id, district, kind, pattern, l, o};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"WITH d AS (SELECT e.c, e.n FROM apps a, jsonb_array_elements(a.fields) f(x),"
		" jsonb_array_elements_text(f.x->'choices') WITH ORDINALITY e(c, n)"
		" WHERE a.id = $2::uuid AND f.x->>'key' = 'district'),"
		" pg AS (SELECT r.*, (SELECT d.n FROM d WHERE d.c = r.\"values\"->>'district') AS dn"
		" FROM app_records r WHERE r.tenant_id = $1 AND r.app_id = $2::uuid"
		" AND r.deleted_at IS NULL"
		" AND ($3::text IS NULL OR r.\"values\"->>'district' = $3)"
		" AND ($4::text IS NULL OR r.\"values\"->>'kind' = $4)"
		" AND ($5::text IS NULL OR r.search_text ILIKE $5)"
		" ORDER BY dn NULLS LAST, r.\"values\"->>'name', r.id"
		" LIMIT $6::bigint OFFSET $7::bigint)"
		" SELECT coalesce(jsonb_agg(" FACILITY_JSON " ORDER BY r.dn NULLS LAST,"
		" r.\"values\"->>'name', r.id), '[]')::text FROM pg r",
		7, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_facility_get(struct cl_pg *pg, const char *tenant, const char *app_id,
			const char *id, json_t **out)
{
	if (!cl_uuid_valid(id))
		return CL_ENOENT;
	const char *p[3] = {tenant, app_id, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " FACILITY_JSON "::text FROM app_records r"
			    " WHERE r.tenant_id = $1 AND r.app_id = $2::uuid AND r.id = $3::uuid"
			    " AND r.deleted_at IS NULL",
			    3, p);
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

int rec_db_facility_districts(struct cl_pg *pg, const char *tenant, const char *app_id,
			      json_t **out)
{
	const char *p[2] = {tenant, app_id};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(jsonb_agg(jsonb_build_object('name', e.c, 'count',"
		" (SELECT count(*) FROM app_records r WHERE r.tenant_id = $1"
		" AND r.app_id = $2::uuid AND r.deleted_at IS NULL"
		" AND r.\"values\"->>'district' = e.c)) ORDER BY e.n), '[]')::text"
		" FROM apps a, jsonb_array_elements(a.fields) f(x),"
		" jsonb_array_elements_text(f.x->'choices') WITH ORDINALITY e(c, n)"
		" WHERE a.id = $2::uuid AND a.tenant_id = $1 AND f.x->>'key' = 'district'",
		2, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}
