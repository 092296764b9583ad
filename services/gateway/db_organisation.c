/* db_organisation.c - the SQL of organisations, every statement scoped by tenant */
#include "admin.h"

#include <carelink/err.h>
#include <stdio.h>

/* the order organisations are listed in: by kind as sql/001_identity.sql
 * declares the kinds, then by name */
#define ORG_KIND_ORDER(t)                                                                  \
	"array_position(ARRAY['city_hall', 'support_centre', 'home_care_support_office',"  \
	" 'care_provider', 'clinic', 'hospital', 'doctors_association', 'pharmacy',"        \
	" 'police', 'fire', 'social_welfare_council', 'other']::text[], " t ".kind)"

#define ORG_JSON                                                                       \
	"json_build_object('id', o.id, 'name', o.name, 'kind', o.kind,"                 \
	" 'members', (SELECT count(*) FROM users m"                                      \
	" WHERE m.organisation_id = o.id AND m.active),"                                 \
	" 'created_at', to_char(o.created_at AT TIME ZONE 'UTC',"                         \
	" 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))::text"

/* a single JSON text column of res as one object or as an array of all rows */
static json_t *json_rows(PGresult *res, bool array)
{
	json_t *out = array ? json_array() : NULL;
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *row = json_loads(PQgetvalue(res, i, 0), 0, NULL);
		if (!array)
			return row;
		json_array_append_new(out, row);
	}
	return out;
}

int gw_db_org_list(struct cl_pg *pg, const char *tenant, const char *cursor, long limit,
		   json_t **out)
{
	char lim[24];
	snprintf(lim, sizeof lim, "%ld", limit + 1);
	const char *p[3] = {tenant, cursor, lim};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT " ORG_JSON " FROM organisations o WHERE o.tenant_id = $1"
		" AND ($2::uuid IS NULL OR (" ORG_KIND_ORDER("o") ", o.name, o.id) >"
		" (SELECT " ORG_KIND_ORDER("c") ", c.name, c.id FROM organisations c"
		"  WHERE c.id = $2::uuid AND c.tenant_id = $1))"
		" ORDER BY " ORG_KIND_ORDER("o") ", o.name, o.id LIMIT $3::int",
		3, p);
	if (rc < 0)
		return rc;
	*out = json_rows(res, true);
	PQclear(res);
	return 0;
}

int gw_db_org_get(struct cl_pg *pg, const char *tenant, const char *id, json_t **out)
{
	const char *p[2] = {tenant, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " ORG_JSON " FROM organisations o"
			    " WHERE o.tenant_id = $1 AND o.id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	*out = json_rows(res, false);
	PQclear(res);
	return *out ? 0 : CL_ENOENT;
}

int gw_db_org_create(struct cl_pg *pg, const char *tenant, const char *id, const char *name,
		     const char *kind)
{
	const char *p[4] = {id, tenant, name, kind};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO organisations (id, tenant_id, name, kind)"
			  " VALUES ($1, $2, $3, $4)",
			  4, p);
}

int gw_db_org_update(struct cl_pg *pg, const char *tenant, const char *id, const char *name,
		     const char *kind)
{
	const char *p[4] = {tenant, id, name, kind};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE organisations SET name = coalesce($3, name),"
			    " kind = coalesce($4, kind)"
			    " WHERE tenant_id = $1 AND id = $2::uuid",
			    4, p);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n ? 0 : CL_ENOENT;
}
