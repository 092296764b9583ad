/* db_beds.c - the SQL of bed days and the vacancy history */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/json.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>

int vac_db_beds_range(struct cl_pg *pg, const char *facility_id, const char *kind,
		      const char *from, const char *to, json_t **out)
{
	PGresult *res;
	const char *p[4] = {facility_id, kind, from, to};
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(json_agg(json_build_object("
		" 'day', to_char(d, 'YYYY-MM-DD'), 'men', coalesce(b.men, 0),"
		" 'women', coalesce(b.women, 0), 'either', coalesce(b.either, 0),"
		" 'held', a.held, 'available', json_build_object('men', a.avail_men,"
		"  'women', a.avail_women, 'either', a.avail_either),"
		" 'care_levels', to_json(coalesce(b.care_levels, '{}'::text[])),"
		" 'conditions', to_json(coalesce(b.conditions, '{}'::text[])))"
		" ORDER BY d), '[]')::text"
		" FROM generate_series($3::date, $4::date, interval '1 day') AS g(d)"
		" LEFT JOIN bed_days b ON b.facility_id = $1::uuid AND b.kind = $2"
		"  AND b.day = g.d::date"
		" CROSS JOIN LATERAL vac_day_available($1::uuid, $2, g.d::date) a",
		4, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *out ? 0 : CL_EFATAL;
}

int vac_db_beds_updated(struct cl_pg *pg, const char *facility_id, const char *kind,
			long stale_hours, json_t *into)
{
	PGresult *res;
	char hours[24];
	snprintf(hours, sizeof hours, "%ld", stale_hours);
	const char *p[3] = {facility_id, kind, hours};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT to_char(updated_at AT TIME ZONE 'UTC',"
			    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), updated_by_id, updated_by_name,"
			    " updated_at < now() - make_interval(hours => $3::int)"
			    " FROM bed_days WHERE facility_id = $1::uuid AND kind = $2"
			    " ORDER BY updated_at DESC LIMIT 1",
			    3, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 1) {
		json_object_set_new(into, "updated_at", json_string(PQgetvalue(res, 0, 0)));
		json_object_set_new(into, "updated_by",
				    json_pack("{s:s, s:s}", "id", PQgetvalue(res, 0, 1), "name",
					      PQgetvalue(res, 0, 2)));
		json_object_set_new(into, "stale", json_boolean(PQgetvalue(res, 0, 3)[0] == 't'));
	} else {
		json_object_set_new(into, "updated_at", json_null());
		json_object_set_new(into, "updated_by", json_null());
		json_object_set_new(into, "stale", json_true());
	}
	PQclear(res);
	return 0;
}

int vac_db_beds_set(struct cl_pg *pg, const char *tenant, const char *facility_id,
		    const char *kind, const char *from, const char *to, const int counts[3],
		    const char *care_levels_json, const char *conditions_json,
		    const struct cl_identity *who)
{
	char men[16], women[16], either[16];
	snprintf(men, sizeof men, "%d", counts[0]);
	snprintf(women, sizeof women, "%d", counts[1]);
	snprintf(either, sizeof either, "%d", counts[2]);
	const char *p[12] = {tenant, facility_id, kind, from, to, men, women, either,
			     care_levels_json, conditions_json, who->user, who->name};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO bed_days (tenant_id, facility_id, kind, day, men, women,"
			  " either, care_levels, conditions, updated_by_id, updated_by_name,"
			  " updated_at)"
			  " SELECT $1, $2::uuid, $3, g.d::date, $6::int, $7::int, $8::int,"
			  " ARRAY(SELECT json_array_elements_text($9::json)),"
			  " ARRAY(SELECT json_array_elements_text($10::json)), $11, $12, now()"
			  " FROM generate_series($4::date, $5::date, interval '1 day') AS g(d)"
			  " ORDER BY g.d"
			  " ON CONFLICT (facility_id, kind, day) DO UPDATE SET"
			  " men = EXCLUDED.men, women = EXCLUDED.women, either = EXCLUDED.either,"
			  " care_levels = EXCLUDED.care_levels, conditions = EXCLUDED.conditions,"
			  " updated_by_id = EXCLUDED.updated_by_id,"
			  " updated_by_name = EXCLUDED.updated_by_name, updated_at = now()",
			  12, p);
}

int vac_db_beds_lacking(struct cl_pg *pg, const char *facility_id, const char *kind,
			const char *from, const char *to, char day[VAC_DAY_LEN])
{
	PGresult *res;
	const char *p[4] = {facility_id, kind, from, to};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT to_char(g.d, 'YYYY-MM-DD')"
			    " FROM generate_series($3::date, $4::date, interval '1 day') AS g(d)"
			    " CROSS JOIN LATERAL vac_day_available($1::uuid, $2, g.d::date) a"
			    " WHERE a.lacking > 0 ORDER BY g.d LIMIT 1",
			    4, p);
	if (rc < 0)
		return rc;
	int found = PQntuples(res) == 1;
	if (found)
		cl_strlcpy(day, PQgetvalue(res, 0, 0), VAC_DAY_LEN);
	PQclear(res);
	return found;
}

int vac_db_beds_state(struct cl_pg *pg, const char *facility_id, const char *from,
		      json_t **beds, json_t **updated_ms)
{
	PGresult *res;
	const char *p[2] = {facility_id, from};
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(json_agg(json_build_object('kind', b.kind,"
		" 'day', to_char(b.day, 'YYYY-MM-DD'), 'men', b.men, 'women', b.women,"
		" 'either', b.either, 'available_men', a.avail_men,"
		" 'available_women', a.avail_women, 'available_either', a.avail_either,"
		" 'care_levels', to_json(b.care_levels), 'conditions', to_json(b.conditions))"
		" ORDER BY b.kind, b.day), '[]')::text,"
		" (SELECT (extract(epoch FROM max(updated_at)) * 1000)::bigint FROM bed_days"
		"  WHERE facility_id = $1::uuid)"
		" FROM bed_days b CROSS JOIN LATERAL vac_day_available(b.facility_id, b.kind, b.day) a"
		" WHERE b.facility_id = $1::uuid AND b.day BETWEEN $2::date AND $2::date + 89",
		2, p);
	if (rc < 0)
		return rc;
	*beds = cl_json_ours(PQgetvalue(res, 0, 0));
	*updated_ms = PQgetisnull(res, 0, 1)
			      ? json_null()
			      : json_integer(strtoll(PQgetvalue(res, 0, 1), NULL, 10));
	PQclear(res);
	return *beds ? 0 : CL_EFATAL;
}

int vac_db_history_add(struct cl_pg *pg, const char *tenant, const char *facility_id,
		       const char *kind, const char *from, const char *to,
		       const char *values_json, const struct cl_identity *who)
{
	const char *p[8] = {tenant, facility_id, kind, from, to, values_json, who->user,
			    who->name};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO vacancy_history (tenant_id, facility_id, kind, day_from,"
			  " day_to, \"values\", updated_by_id, updated_by_name)"
			  " VALUES ($1, $2::uuid, $3, $4::date, $5::date, $6::jsonb, $7, $8)",
			  8, p);
}
