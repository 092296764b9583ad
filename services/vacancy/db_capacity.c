/* db_capacity.c - the SQL for care-manager capacity */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/json.h>
#include <stdio.h>

#define LEVELS_ZERO                                                                    \
	"'{\"support_1\":0,\"support_2\":0,\"care_1\":0,\"care_2\":0,\"care_3\":0,"   \
	"\"care_4\":0,\"care_5\":0}'::jsonb"

/* $1 tenant, $2 facility id or NULL, $3 district or NULL, $4 care level or
 * NULL, $5 capability or NULL, $6 stale hours, $7 offices only */
static const char capacity_sql[] =
	"SELECT coalesce(json_agg(o ORDER BY places DESC, name, id), '[]')::text FROM ("
	" SELECT json_build_object("
	"  'facility', json_build_object('id', f.id, 'name', f.name, 'district', f.district,"
	"   'kind', f.kind, 'latitude', f.latitude, 'longitude', f.longitude),"
	"  'levels', coalesce(c.levels, " LEVELS_ZERO "),"
	"  'capabilities', to_json(coalesce(c.capabilities, '{}'::text[])),"
	"  'note', coalesce(c.note, ''),"
	"  'updated_at', to_char(c.updated_at AT TIME ZONE 'UTC',"
	"   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	"  'updated_by', CASE WHEN c.facility_id IS NULL THEN NULL"
	"   ELSE json_build_object('id', c.updated_by_id, 'name', c.updated_by_name) END,"
	"  'stale', c.updated_at IS NULL"
	"   OR c.updated_at < now() - make_interval(hours => $6::int)) AS o,"
	"  CASE WHEN $4::text IS NULL THEN 0"
	"   ELSE coalesce((c.levels ->> $4::text)::int, 0) END AS places,"
	"  f.name, f.id"
	" FROM facilities f LEFT JOIN capacity c"
	"  ON c.tenant_id = f.tenant_id AND c.facility_id = f.id"
	" WHERE f.tenant_id = $1 AND NOT f.deleted"
	"  AND (NOT $7::boolean OR f.kind = '居宅介護支援事業所')"
	"  AND ($2::uuid IS NULL OR f.id = $2::uuid)"
	"  AND ($3::text IS NULL OR f.district = $3::text)"
	"  AND ($4::text IS NULL OR coalesce((c.levels ->> $4::text)::int, 0) > 0)"
	"  AND ($5::text IS NULL OR $5::text = ANY (c.capabilities))"
	") s";

static int capacity_query(struct cl_pg *pg, const char *const p[7], json_t **out)
{
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, capacity_sql, 7, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? 0 : CL_EFATAL;
}

int vac_db_capacity_list(struct cl_pg *pg, const char *tenant, const char *district,
			 const char *care_level, const char *capability, long stale_hours,
			 json_t **out)
{
	char hours[24];
	snprintf(hours, sizeof hours, "%ld", stale_hours);
	const char *p[7] = {tenant, NULL, district, care_level, capability, hours, "true"};
	return capacity_query(pg, p, out);
}

int vac_db_capacity_get(struct cl_pg *pg, const char *tenant, const struct vac_facility *f,
			long stale_hours, json_t **out)
{
	char hours[24];
	snprintf(hours, sizeof hours, "%ld", stale_hours);
	const char *p[7] = {tenant, f->id, NULL, NULL, NULL, hours, "false"};
	json_t *list = NULL;
	int rc = capacity_query(pg, p, &list);
	if (rc < 0)
		return rc;
	json_t *one = json_array_get(list, 0);
	*out = json_incref(one);
	json_decref(list);
	return one ? 0 : CL_ENOENT;
}

int vac_db_capacity_put(struct cl_pg *pg, const char *tenant, const char *facility_id,
			const char *levels_json, const char *capabilities_json,
			const char *note, const struct cl_identity *who)
{
	const char *p[7] = {tenant, facility_id, levels_json, capabilities_json, note,
			    who->user, who->name};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO capacity (tenant_id, facility_id, levels, capabilities, note,"
			  " updated_by_id, updated_by_name, updated_at)"
			  " VALUES ($1, $2::uuid, $3::jsonb,"
			  " ARRAY(SELECT json_array_elements_text($4::json)), $5, $6, $7, now())"
			  " ON CONFLICT (tenant_id, facility_id) DO UPDATE SET"
			  " levels = EXCLUDED.levels, capabilities = EXCLUDED.capabilities,"
			  " note = EXCLUDED.note, updated_by_id = EXCLUDED.updated_by_id,"
			  " updated_by_name = EXCLUDED.updated_by_name, updated_at = now()",
			  7, p);
}

int vac_db_capacity_state(struct cl_pg *pg, const char *tenant, const char *facility_id,
			  json_t **out)
{
	PGresult *res;
	const char *p[2] = {tenant, facility_id};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT json_build_object('levels', levels,"
			    " 'capabilities', to_json(capabilities), 'note', note,"
			    " 'updated_at', (extract(epoch FROM updated_at) * 1000)::bigint)::text"
			    " FROM capacity WHERE tenant_id = $1 AND facility_id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	*out = PQntuples(res) == 1 ? cl_json_ours(PQgetvalue(res, 0, 0)) : json_null();
	PQclear(res);
	return *out ? 0 : CL_EFATAL;
}
