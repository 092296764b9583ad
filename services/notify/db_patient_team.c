/* db_patient_team.c - the SQL of notify's copy of the patients' care
 * teams, one function per statement */
#include "notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"

int nt_db_patient_team_upsert(struct cl_pg *pg, const struct nt_patient_team *t)
{
	char *members = nt_array_text(t->members);
	char time[24];
	snprintf(time, sizeof time, "%" PRId64, t->time);
	const char *p[4] = {t->tenant_id, t->patient_id, members, time};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO patient_teams AS t (tenant_id, patient_id, members,"
			    " updated_ms)"
			    " VALUES ($1, $2, ARRAY(SELECT json_array_elements_text($3::json)),"
			    " $4::bigint)"
			    " ON CONFLICT (tenant_id, patient_id) DO UPDATE SET"
			    " members = EXCLUDED.members, updated_ms = EXCLUDED.updated_ms"
			    " WHERE t.updated_ms <= EXCLUDED.updated_ms",
			    4, p);
	free(members);
	if (rc < 0)
		return rc;
	PQclear(res);
	return 0;
}

int nt_db_patient_team_members(struct cl_pg *pg, const char *tenant_id,
			       const char *patient_id, json_t **members)
{
	const char *p[2] = {tenant_id, patient_id};
	PGresult *res;
	*members = json_array();
	int rc = cl_pg_exec(pg, &res,
			    "SELECT unnest(members) FROM patient_teams"
			    " WHERE tenant_id = $1 AND patient_id = $2",
			    2, p);
	if (rc < 0)
		return rc;
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(*members, json_string(PQgetvalue(res, i, 0)));
	PQclear(res);
	return 0;
}
