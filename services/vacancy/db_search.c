/* db_search.c - the SQL of the board and the bed search */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/json.h>
#include <stdio.h>

#define FACILITY_JSON                                                                  \
	"json_build_object('id', f.id, 'name', f.name, 'district', f.district,"       \
	" 'kind', f.kind, 'latitude', f.latitude, 'longitude', f.longitude)"

const char *vac_kind_directory_kinds(const char *kind)
{
	return kind[0] == 's' ? "{短期入所生活介護,短期入所療養介護}" : "{病院,診療所}";
}

int vac_db_board(struct cl_pg *pg, const char *tenant, const char *kind, const char *district,
		 const char *from, long stale_hours, json_t **out)
{
	PGresult *res;
	char hours[24];
	snprintf(hours, sizeof hours, "%ld", stale_hours);
	const char *p[6] = {tenant, vac_kind_directory_kinds(kind), district, from, kind, hours};
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(json_agg(json_build_object('facility', " FACILITY_JSON ","
		" 'days', (SELECT json_agg(json_build_object('day', to_char(g.d, 'YYYY-MM-DD'),"
		"   'available', json_build_object('men', a.avail_men, 'women', a.avail_women,"
		"   'either', a.avail_either)) ORDER BY g.d)"
		"  FROM generate_series($4::date, $4::date + 13, interval '1 day') AS g(d)"
		"  CROSS JOIN LATERAL vac_day_available(f.id, $5, g.d::date) a),"
		" 'updated_at', to_char(u.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
		" 'stale', u.at IS NULL OR u.at < now() - make_interval(hours => $6::int))"
		" ORDER BY f.district, f.name, f.id), '[]')::text"
		" FROM facilities f"
		" LEFT JOIN LATERAL (SELECT max(b.updated_at) AS at FROM bed_days b"
		"  WHERE b.facility_id = f.id AND b.kind = $5) u ON true"
		" WHERE f.tenant_id = $1 AND NOT f.deleted AND f.kind = ANY ($2::text[])"
		"  AND ($3::text IS NULL OR f.district = $3::text)",
		6, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? 0 : CL_EFATAL;
}

int vac_db_search_beds(struct cl_pg *pg, const struct vac_search *q, long stale_hours,
		       json_t **out)
{
	PGresult *res;
	char hours[24];
	snprintf(hours, sizeof hours, "%ld", stale_hours);
	const char *p[10] = {q->tenant, vac_kind_directory_kinds(q->kind), q->district,
			     q->from,	q->to,
			     q->kind,	q->room,
			     q->care_level, q->conditions_json,
			     hours};
	int rc = cl_pg_exec(
		pg, &res,
		/* f: the facilities whose declared beds could match on every night
		 * (what holds take is counted only for these) */
		"WITH f AS (SELECT * FROM facilities f WHERE f.tenant_id = $1 AND NOT f.deleted"
		"  AND f.kind = ANY ($2::text[]) AND ($3::text IS NULL OR f.district = $3::text)"
		"  AND (SELECT count(*) FROM bed_days x WHERE x.facility_id = f.id AND x.kind = $6"
		"   AND x.day BETWEEN $4::date AND $5::date"
		"   AND CASE $7 WHEN 'men' THEN x.men + x.either WHEN 'women' THEN x.women + x.either"
		"    ELSE x.men + x.women + x.either END > 0"
		"   AND ($8::text IS NULL OR $8::text = ANY (x.care_levels))"
		"   AND x.conditions @> ARRAY(SELECT json_array_elements_text($9::json)))"
		"   = $5::date - $4::date + 1),"
		" n AS (SELECT f.id, g.d::date AS d,"
		"  CASE $7 WHEN 'men' THEN a.avail_men + a.avail_either"
		"   WHEN 'women' THEN a.avail_women + a.avail_either"
		"   ELSE a.avail_men + a.avail_women + a.avail_either END AS avail,"
		"  coalesce(b.care_levels, '{}'::text[]) AS levels,"
		"  coalesce(b.conditions, '{}'::text[]) AS conditions"
		"  FROM f CROSS JOIN generate_series($4::date, $5::date, interval '1 day') AS g(d)"
		"  LEFT JOIN LATERAL (SELECT x.care_levels, x.conditions FROM bed_days x"
		"   WHERE x.facility_id = f.id AND x.kind = $6 AND x.day = g.d::date) b ON true"
		"  CROSS JOIN LATERAL vac_day_available(f.id, $6, g.d::date) a),"
		" m AS (SELECT id, min(avail) AS min_avail,"
		"  bool_and(avail > 0 AND ($8::text IS NULL OR $8::text = ANY (levels))"
		"   AND conditions @> ARRAY(SELECT json_array_elements_text($9::json))) AS ok,"
		"  json_agg(json_build_object('day', to_char(d, 'YYYY-MM-DD'), 'available', avail)"
		"   ORDER BY d) AS nights FROM n GROUP BY id)"
		" SELECT coalesce(json_agg(json_build_object('facility', " FACILITY_JSON ","
		"  'nights', m.nights, 'min_available', m.min_avail,"
		"  'updated_at', to_char(u.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
		"  'stale', u.at IS NULL OR u.at < now() - make_interval(hours => $10::int))"
		"  ORDER BY m.min_avail DESC, f.name, f.id), '[]')::text"
		" FROM f JOIN m ON m.id = f.id"
		" LEFT JOIN LATERAL (SELECT max(b.updated_at) AS at FROM bed_days b"
		"  WHERE b.facility_id = f.id AND b.kind = $6) u ON true"
		" WHERE m.ok",
		10, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? 0 : CL_EFATAL;
}
