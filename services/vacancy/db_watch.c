/* db_watch.c - the SQL of watches and their matches, one function per
 * statement */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/json.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS(x) "to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* the row of watch w; $today is the parameter of today's date */
#define WATCH_JSON(today)                                                                \
	"json_build_object('id', w.id, 'name', w.name, 'kind', w.kind,"                  \
	" 'from', to_char(w.day_from, 'YYYY-MM-DD'), 'to', to_char(w.day_to, 'YYYY-MM-DD'),"\
	" 'room', w.room, 'beds', w.beds, 'care_level', w.care_level,"                   \
	" 'conditions', to_json(w.conditions), 'district', w.district,"                  \
	" 'near_lat', w.near_lat, 'near_lng', w.near_lng, 'radius_km', w.radius_km,"     \
	" 'active', w.day_to >= " today "::date, 'created_at', " TS("w.created_at") ")"

/* a double as a parameter (NULL when absent) */
static const char *number_param(bool given, double v, char buf[40])
{
	if (!given)
		return NULL;
	snprintf(buf, 40, "%.10g", v);
	return buf;
}

int vac_db_watch_insert(struct cl_pg *pg, const char *tenant, const char *user_id,
			const struct vac_watch_input *in, char id[40])
{
	char beds[24], lat[40], lng[40], radius[40];
	char uuid[CL_UUID_LEN + 1];
	cl_uuid_new(uuid);
	snprintf(beds, sizeof beds, "%ld", in->beds);
	const char *p[15] = {uuid,
			     tenant,
			     user_id,
			     in->name,
			     in->kind,
			     in->from,
			     in->to,
			     in->room,
			     beds,
			     in->care_level,
			     in->conditions_json,
			     in->district,
			     number_param(in->has_near, in->lat, lat),
			     number_param(in->has_near, in->lng, lng),
			     number_param(in->radius_km >= 0, in->radius_km, radius)};
	int rc = cl_pg_exec(pg, NULL,
			    "INSERT INTO watches (id, tenant_id, user_id, name, kind, day_from,"
			    " day_to, room, beds, care_level, conditions, district, near_lat,"
			    " near_lng, radius_km) VALUES ($1::uuid, $2, $3, $4, $5, $6::date,"
			    " $7::date, $8, $9::int, $10,"
			    " ARRAY(SELECT json_array_elements_text($11::json)), $12,"
			    " $13::float8, $14::float8, $15::float8)",
			    15, p);
	if (rc == 0)
		cl_strlcpy(id, uuid, 40);
	return rc;
}

int vac_db_watch_active_count(struct cl_pg *pg, const char *tenant, const char *user_id,
			      const char *today, long *n)
{
	PGresult *res;
	const char *p[3] = {tenant, user_id, today};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT count(*) FROM watches WHERE tenant_id = $1 AND user_id = $2"
			    " AND day_to >= $3::date",
			    3, p);
	if (rc < 0)
		return rc;
	*n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int vac_db_watch_get(struct cl_pg *pg, const char *tenant, const char *user_id, const char *id,
		     const char *today, json_t **row)
{
	PGresult *res;
	if (!cl_uuid_valid(id))
		return CL_ENOENT;
	const char *p[4] = {tenant, user_id, id, today};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " WATCH_JSON("$4") "::text FROM watches w"
			    " WHERE w.tenant_id = $1 AND w.user_id = $2 AND w.id = $3::uuid",
			    4, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, row);
}

int vac_db_watch_list(struct cl_pg *pg, const char *tenant, const char *user_id,
		      bool active_only, const char *today, json_t **rows)
{
	PGresult *res;
	const char *p[4] = {tenant, user_id, today, active_only ? "1" : "0"};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(json_agg(" WATCH_JSON("$3")
			    " ORDER BY w.created_at DESC, w.id), '[]')::text FROM watches w"
			    " WHERE w.tenant_id = $1 AND w.user_id = $2"
			    " AND ($4 = '0' OR w.day_to >= $3::date)",
			    4, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, rows);
}

int vac_db_watch_delete(struct cl_pg *pg, const char *tenant, const char *user_id,
			const char *id)
{
	PGresult *res;
	if (!cl_uuid_valid(id))
		return CL_ENOENT;
	const char *p[3] = {tenant, user_id, id};
	int rc = cl_pg_exec(pg, &res,
			    "DELETE FROM watches WHERE tenant_id = $1 AND user_id = $2"
			    " AND id = $3::uuid",
			    3, p);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n ? 0 : CL_ENOENT;
}

int vac_db_watch_matches(struct cl_pg *pg, const char *watch_id, json_t **out)
{
	PGresult *res;
	const char *p[1] = {watch_id};
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(json_agg(json_build_object('facility', json_build_object("
		" 'id', f.id, 'name', f.name, 'district', f.district, 'kind', f.kind,"
		" 'latitude', f.latitude, 'longitude', f.longitude),"
		" 'min_available', m.min_available, 'matched_at', " TS("m.matched_at") ")"
		" ORDER BY f.name, f.id), '[]')::text"
		" FROM watch_matches m JOIN facilities f ON f.id = m.facility_id AND NOT f.deleted"
		" WHERE m.watch_id = $1::uuid",
		1, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int vac_db_watch_match_set(struct cl_pg *pg, const char *watch_id, const char *facility_id,
			   long min_available, bool *inserted)
{
	PGresult *res;
	char avail[24];
	snprintf(avail, sizeof avail, "%ld", min_available);
	const char *p[3] = {watch_id, facility_id, avail};
	/* xmax is 0 on a row this statement inserted, not on one it updated */
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO watch_matches (watch_id, facility_id, min_available)"
			    " VALUES ($1::uuid, $2::uuid, $3::int)"
			    " ON CONFLICT (watch_id, facility_id) DO UPDATE"
			    " SET min_available = EXCLUDED.min_available"
			    " RETURNING xmax = 0",
			    3, p);
	if (rc < 0)
		return rc;
	*inserted = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

int vac_db_watch_unmatch(struct cl_pg *pg, const char *facility_id, const char *keep_json)
{
	const char *p[2] = {facility_id, keep_json};
	return cl_pg_exec(pg, NULL,
			  "DELETE FROM watch_matches WHERE facility_id = $1::uuid"
			  " AND watch_id <> ALL (ARRAY(SELECT json_array_elements_text($2::json))"
			  "::uuid[])",
			  2, p);
}

int vac_db_watch_facility_lock(struct cl_pg *pg, const char *facility_id)
{
	const char *p[1] = {facility_id};
	return cl_pg_exec(pg, NULL, "SELECT pg_advisory_xact_lock(hashtext('vacancy-watch:' || $1))",
			  1, p);
}

int vac_db_watch_candidates(struct cl_pg *pg, const char *tenant, const char *facility_id,
			    const char *kind, const char *today, json_t **out)
{
	PGresult *res;
	const char *p[4] = {tenant, facility_id, kind, today};
	int rc = cl_pg_exec(
		pg, &res,
		"WITH fac AS (SELECT f.district FROM facilities f WHERE f.tenant_id = $1"
		"  AND f.id = $2::uuid AND NOT f.deleted),"
		" w AS (SELECT w.* FROM watches w JOIN fac ON true WHERE w.tenant_id = $1"
		"  AND w.kind = $3 AND w.day_to >= $4::date"
		"  AND (w.district IS NULL OR w.district = fac.district)),"
		" span AS (SELECT min(greatest(w.day_from, $4::date)) AS lo, max(w.day_to) AS hi"
		"  FROM w),"
		/* the facility's nights, counted once for every watch */
		" days AS (SELECT g.d::date AS d, a.avail_men AS am, a.avail_women AS aw,"
		"  a.avail_either AS ae, coalesce(b.care_levels, '{}'::text[]) AS lv,"
		"  coalesce(b.conditions, '{}'::text[]) AS cd"
		"  FROM span CROSS JOIN generate_series(span.lo, span.hi, interval '1 day') AS g(d)"
		"  LEFT JOIN bed_days b ON b.facility_id = $2::uuid AND b.kind = $3"
		"   AND b.day = g.d::date"
		"  CROSS JOIN LATERAL vac_day_available($2::uuid, $3, g.d::date) a),"
		" r AS (SELECT w.id, min(x.avail) AS min_avail,"
		"  bool_and(x.avail >= w.beds AND (w.care_level IS NULL OR w.care_level = ANY (x.lv))"
		"   AND x.cd @> w.conditions) AS ok"
		"  FROM w JOIN LATERAL (SELECT days.lv, days.cd,"
		"   CASE w.room WHEN 'men' THEN days.am + days.ae WHEN 'women' THEN days.aw + days.ae"
		"    ELSE days.am + days.aw + days.ae END AS avail FROM days"
		"   WHERE days.d BETWEEN greatest(w.day_from, $4::date) AND w.day_to) x ON true"
		"  GROUP BY w.id)"
		" SELECT coalesce(json_agg(json_build_object('id', w.id, 'name', w.name,"
		"  'user_id', w.user_id,"
		"  'from', to_char(greatest(w.day_from, $4::date), 'YYYY-MM-DD'),"
		"  'to', to_char(w.day_to, 'YYYY-MM-DD'), 'near_lat', w.near_lat,"
		"  'near_lng', w.near_lng, 'radius_km', w.radius_km, 'ok', r.ok,"
		"  'min_available', r.min_avail) ORDER BY w.id), '[]')::text"
		" FROM w JOIN r ON r.id = w.id",
		4, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}
