/* db_facility.c - the SQL of the facility copy */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vac_db_facility_get(struct cl_pg *pg, const char *tenant, const char *id,
			struct vac_facility *out)
{
	if (!cl_uuid_valid(id))
		return CL_ENOENT;
	PGresult *res;
	const char *p[2] = {tenant, id};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT id::text, name, kind, district, latitude, longitude,"
			    " owner_organisation_id FROM facilities"
			    " WHERE tenant_id = $1 AND id = $2::uuid AND NOT deleted",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	memset(out, 0, sizeof *out);
	cl_strlcpy(out->id, PQgetvalue(res, 0, 0), sizeof out->id);
	cl_strlcpy(out->name, PQgetvalue(res, 0, 1), sizeof out->name);
	cl_strlcpy(out->kind, PQgetvalue(res, 0, 2), sizeof out->kind);
	cl_strlcpy(out->district, PQgetvalue(res, 0, 3), sizeof out->district);
	out->has_coords = !PQgetisnull(res, 0, 4) && !PQgetisnull(res, 0, 5);
	if (out->has_coords) {
		out->latitude = strtod(PQgetvalue(res, 0, 4), NULL);
		out->longitude = strtod(PQgetvalue(res, 0, 5), NULL);
	}
	cl_strlcpy(out->owner_org, PQgetvalue(res, 0, 6), sizeof out->owner_org);
	PQclear(res);
	return 0;
}

int vac_db_facility_upsert(struct cl_pg *pg, const char *tenant, const char *id,
			   const struct vac_facility *f, bool deleted, long long event_ms)
{
	char lat[40], lng[40], ms[32];
	snprintf(lat, sizeof lat, "%.10g", f->latitude);
	snprintf(lng, sizeof lng, "%.10g", f->longitude);
	snprintf(ms, sizeof ms, "%lld", event_ms);
	const char *p[10] = {tenant,	  id,
			     f->name,	  f->kind,
			     f->district, f->has_coords ? lat : NULL,
			     f->has_coords ? lng : NULL,
			     f->owner_org, deleted ? "true" : "false",
			     ms};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO facilities (tenant_id, id, name, kind, district,"
			  " latitude, longitude, owner_organisation_id, deleted, event_time)"
			  " VALUES ($1, $2::uuid, $3, $4, $5, $6::float8, $7::float8, $8,"
			  " $9::boolean, to_timestamp($10::bigint / 1000.0))"
			  " ON CONFLICT (tenant_id, id) DO UPDATE SET"
			  " name = CASE WHEN $9::boolean THEN facilities.name ELSE EXCLUDED.name END,"
			  " kind = CASE WHEN $9::boolean THEN facilities.kind ELSE EXCLUDED.kind END,"
			  " district = CASE WHEN $9::boolean THEN facilities.district"
			  "  ELSE EXCLUDED.district END,"
			  " latitude = CASE WHEN $9::boolean THEN facilities.latitude"
			  "  ELSE EXCLUDED.latitude END,"
			  " longitude = CASE WHEN $9::boolean THEN facilities.longitude"
			  "  ELSE EXCLUDED.longitude END,"
			  " owner_organisation_id = EXCLUDED.owner_organisation_id,"
			  " deleted = EXCLUDED.deleted, event_time = EXCLUDED.event_time"
			  " WHERE facilities.event_time <= EXCLUDED.event_time",
			  10, p);
}

const char *vac_facility_offers(const struct vac_facility *f)
{
	if (strcmp(f->kind, "居宅介護支援事業所") == 0)
		return "capacity";
	if (strcmp(f->kind, "短期入所生活介護") == 0 || strcmp(f->kind, "短期入所療養介護") == 0)
		return "short_stay";
	if (strcmp(f->kind, "病院") == 0 || strcmp(f->kind, "診療所") == 0)
		return "backup";
	return NULL;
}

json_t *vac_facility_json(const struct vac_facility *f)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "id", f->id, "name", f->name,
			 "district", f->district, "kind", f->kind, "latitude",
			 f->has_coords ? json_real(f->latitude) : json_null(), "longitude",
			 f->has_coords ? json_real(f->longitude) : json_null());
}
