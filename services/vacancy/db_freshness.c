/* db_freshness.c - the SQL of freshness: the list, the facilities due for
 * a reminder, the reminder recorded */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/json.h>
#include <stdio.h>

#define TS(x) "to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

int vac_db_freshness_list(struct cl_pg *pg, const char *tenant, const char *district,
			  const char *organisation, long stale_hours, json_t **out)
{
	PGresult *res;
	char hours[24];
	snprintf(hours, sizeof hours, "%ld", stale_hours);
	const char *p[4] = {tenant, district, organisation, hours};
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(json_agg(json_build_object('facility', json_build_object("
		"  'id', f.id, 'name', f.name, 'district', f.district, 'kind', f.kind,"
		"  'latitude', f.latitude, 'longitude', f.longitude), 'offers', f.offers,"
		"  'updated_at', " TS("f.at") ","
		"  'stale', f.at IS NULL OR f.at < now() - make_interval(hours => $4::int),"
		"  'own', f.owner_organisation_id <> '' AND f.owner_organisation_id = $3)"
		"  ORDER BY f.district, f.name, f.id), '[]')::text"
		" FROM (SELECT f.*, vac_offers(f.kind) AS offers,"
		"  vac_updated_at(f.id, vac_offers(f.kind)) AS at FROM facilities f"
		"  WHERE f.tenant_id = $1 AND NOT f.deleted AND vac_offers(f.kind) IS NOT NULL"
		"  AND ($2::text IS NULL OR f.district = $2::text)) f",
		4, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int vac_db_freshness_claim(struct cl_pg *pg, long stale_hours, long limit, json_t **out)
{
	PGresult *res;
	char hours[24], n[24];
	snprintf(hours, sizeof hours, "%ld", stale_hours);
	snprintf(n, sizeof n, "%ld", limit);
	const char *p[2] = {hours, n};
	/* stale since: the last update, or when vacancy first knew a facility
	 * never updated; due: never reminded in this stale period, or not for
	 * the stale age */
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(json_agg(json_build_object('tenant_id', x.tenant_id, 'id', x.id,"
		"  'name', x.name, 'owner', x.owner_organisation_id, 'offers', x.offers,"
		"  'updated_ms', (extract(epoch FROM x.at) * 1000)::bigint)), '[]')::text"
		" FROM (SELECT f.tenant_id, f.id, f.name, f.owner_organisation_id,"
		"  vac_offers(f.kind) AS offers, u.at"
		"  FROM facilities f"
		"  CROSS JOIN LATERAL (SELECT vac_updated_at(f.id, vac_offers(f.kind)) AS at) u"
		"  LEFT JOIN freshness_reminders r ON r.facility_id = f.id"
		"  WHERE NOT f.deleted AND vac_offers(f.kind) IS NOT NULL"
		"  AND coalesce(u.at, f.first_seen) < now() - make_interval(hours => $1::int)"
		"  AND (r.reminded_at IS NULL OR r.reminded_at < coalesce(u.at, f.first_seen)"
		"   OR r.reminded_at < now() - make_interval(hours => $1::int))"
		"  ORDER BY f.id LIMIT $2::int FOR UPDATE OF f SKIP LOCKED) x",
		2, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int vac_db_freshness_reminded(struct cl_pg *pg, const char *tenant, const char *facility_id)
{
	const char *p[2] = {tenant, facility_id};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO freshness_reminders (facility_id, tenant_id, reminded_at)"
			  " VALUES ($2::uuid, $1, now()) ON CONFLICT (facility_id) DO UPDATE"
			  " SET reminded_at = now()",
			  2, p);
}
