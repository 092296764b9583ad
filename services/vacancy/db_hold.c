/* db_hold.c - the SQL of holds, one function per statement */
#include "vacancy.h"

#include <carelink/err.h>
#include <stdio.h>

#define TS(x) "to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* the JSON of hold h joined with its facility f; a held hold past its
 * expiry reads as expired at once */
#define HOLD_JSON                                                                        \
	"json_build_object('id', h.id, 'tenant_id', h.tenant_id,"                        \
	" 'facility', json_build_object('id', h.facility_id, 'name', f.name),"           \
	" 'facility_id', h.facility_id,"                                                 \
	" 'owner_organisation_id', f.owner_organisation_id,"                             \
	" 'kind', h.kind, 'room', h.room, 'beds', h.beds,"                               \
	" 'from', to_char(h.day_from, 'YYYY-MM-DD'), 'to', to_char(h.day_to, 'YYYY-MM-DD'),"\
	" 'status', CASE WHEN h.status = 'held' AND h.expires_at <= now()"               \
	"   THEN 'expired' ELSE h.status END,"                                           \
	" 'client_label', h.client_label, 'note', h.note,"                               \
	" 'expires_at', CASE WHEN h.status = 'held' THEN " TS("h.expires_at") " END,"    \
	" 'expires_ms', (extract(epoch FROM h.expires_at) * 1000)::bigint,"             \
	" 'holder', json_build_object('id', h.holder_id, 'name', h.holder_name,"         \
	"   'organisation', json_build_object('id', h.holder_organisation_id,"           \
	"   'name', h.holder_organisation_name)),"                                       \
	" 'created_at', " TS("h.created_at") ", 'confirmed_at', " TS("h.confirmed_at") ","\
	" 'released_at', " TS("h.released_at") ")"

int vac_db_hold_nights_lock(struct cl_pg *pg, const char *tenant, const char *facility_id,
			    const char *kind, const char *from, const char *to, long *n)
{
	PGresult *res;
	const char *p[5] = {tenant, facility_id, kind, from, to};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT b.day FROM bed_days b WHERE b.tenant_id = $1"
			    " AND b.facility_id = $2::uuid AND b.kind = $3"
			    " AND b.day BETWEEN $4::date AND $5::date"
			    " ORDER BY b.day FOR UPDATE",
			    5, p);
	if (rc < 0)
		return rc;
	*n = PQntuples(res);
	PQclear(res);
	return 0;
}

int vac_db_hold_short_night(struct cl_pg *pg, const struct vac_hold_input *in,
			    char *day)
{
	PGresult *res;
	char beds[24];
	snprintf(beds, sizeof beds, "%ld", in->beds);
	const char *p[6] = {in->facility_id, in->kind, in->room, beds, in->from, in->to};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT to_char(d, 'YYYY-MM-DD')"
			    " FROM generate_series($5::date, $6::date, '1 day') AS g(d),"
			    " LATERAL vac_day_available($1::uuid, $2, d::date) a"
			    " WHERE CASE $3"
			    "  WHEN 'men' THEN a.avail_men + a.avail_either"
			    "  WHEN 'women' THEN a.avail_women + a.avail_either"
			    "  ELSE a.avail_men + a.avail_women + a.avail_either END < $4::int"
			    " ORDER BY d LIMIT 1",
			    6, p);
	if (rc < 0)
		return rc;
	day[0] = '\0';
	if (PQntuples(res) > 0)
		snprintf(day, VAC_DAY_LEN, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int vac_db_hold_insert(struct cl_pg *pg, const struct cl_identity *who,
		       const struct vac_hold_input *in, long minutes, json_t **out)
{
	PGresult *res;
	char beds[24], mins[24];
	snprintf(beds, sizeof beds, "%ld", in->beds);
	snprintf(mins, sizeof mins, "%ld", minutes);
	const char *p[14] = {who->tenant, in->facility_id, in->kind, in->room, beds, in->from,
			     in->to, in->client_label, in->note ? in->note : "", mins,
			     who->user, who->name, who->organisation, who->organisation_name};
	int rc = cl_pg_exec(pg, &res,
			    "WITH h AS (INSERT INTO holds (id, tenant_id, facility_id, kind, room,"
			    " beds, day_from, day_to, status, client_label, note, expires_at,"
			    " holder_id, holder_name, holder_organisation_id,"
			    " holder_organisation_name)"
			    " VALUES (gen_random_uuid(), $1, $2::uuid, $3, $4, $5::int, $6::date, $7::date, 'held',"
			    " $8, $9, now() + make_interval(mins => $10::int), $11, $12, $13, $14)"
			    " RETURNING *)"
			    " SELECT " HOLD_JSON "::text FROM h"
			    " JOIN facilities f ON f.tenant_id = h.tenant_id AND f.id = h.facility_id",
			    14, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int vac_db_hold_get(struct cl_pg *pg, const char *tenant, const char *id, bool lock,
		    json_t **out)
{
	PGresult *res;
	const char *p[2] = {tenant, id};
	int rc = cl_pg_exec(pg, &res,
			    lock ? "SELECT " HOLD_JSON "::text FROM holds h"
				   " JOIN facilities f ON f.tenant_id = h.tenant_id"
				   " AND f.id = h.facility_id"
				   " WHERE h.tenant_id = $1 AND h.id = $2::uuid FOR UPDATE OF h"
				 : "SELECT " HOLD_JSON "::text FROM holds h"
				   " JOIN facilities f ON f.tenant_id = h.tenant_id"
				   " AND f.id = h.facility_id"
				   " WHERE h.tenant_id = $1 AND h.id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int vac_db_hold_list(struct cl_pg *pg, const char *tenant, const char *holder_id,
		     const char *facility_id, const char *status, json_t **out)
{
	PGresult *res;
	const char *p[4] = {tenant, holder_id, facility_id, status};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(json_agg(j ORDER BY created_at DESC, id DESC), '[]')::text"
			    " FROM (SELECT " HOLD_JSON " AS j, h.created_at, h.id FROM holds h"
			    "  JOIN facilities f ON f.tenant_id = h.tenant_id AND f.id = h.facility_id"
			    "  WHERE h.tenant_id = $1"
			    "  AND ($2::text IS NULL OR h.holder_id = $2)"
			    "  AND ($3::text IS NULL OR h.facility_id::text = $3)) s"
			    " WHERE $4::text IS NULL OR j->>'status' = $4",
			    4, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int vac_db_hold_confirm(struct cl_pg *pg, const char *tenant, const char *id, json_t **out)
{
	PGresult *res;
	const char *p[2] = {tenant, id};
	int rc = cl_pg_exec(pg, &res,
			    "WITH h AS (UPDATE holds SET status = 'confirmed', confirmed_at = now()"
			    " WHERE tenant_id = $1 AND id = $2::uuid AND status = 'held'"
			    " AND expires_at > now() RETURNING *)"
			    " SELECT " HOLD_JSON "::text FROM h"
			    " JOIN facilities f ON f.tenant_id = h.tenant_id AND f.id = h.facility_id",
			    2, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int vac_db_hold_end(struct cl_pg *pg, const char *tenant, const char *id, const char *status,
		    json_t **out)
{
	PGresult *res;
	const char *p[3] = {tenant, id, status};
	int rc = cl_pg_exec(pg, &res,
			    "WITH h AS (UPDATE holds SET status = $3, released_at = now()"
			    " WHERE tenant_id = $1 AND id = $2::uuid"
			    " AND status IN ('held', 'confirmed') RETURNING *)"
			    " SELECT " HOLD_JSON "::text FROM h"
			    " JOIN facilities f ON f.tenant_id = h.tenant_id AND f.id = h.facility_id",
			    3, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int vac_db_holds_expired_claim(struct cl_pg *pg, long limit, json_t **out)
{
	PGresult *res;
	char lim[24];
	snprintf(lim, sizeof lim, "%ld", limit);
	const char *p[1] = {lim};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " HOLD_JSON "::text FROM holds h"
			    " JOIN facilities f ON f.tenant_id = h.tenant_id AND f.id = h.facility_id"
			    " WHERE h.status = 'held' AND h.expires_at <= now()"
			    " ORDER BY h.facility_id, h.expires_at LIMIT $1::int"
			    " FOR UPDATE OF h SKIP LOCKED",
			    1, p);
	if (rc < 0)
		return rc;
	*out = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *h = json_loads(PQgetvalue(res, i, 0), 0, NULL);
		if (!h) {
			rc = CL_EFATAL;
			break;
		}
		json_array_append_new(*out, h);
	}
	PQclear(res);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
