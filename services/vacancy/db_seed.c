/* db_seed.c - the SQL only the demo seed needs */
#include "vacancy.h"

#include <stdio.h>
#include <string.h>

int vac_db_seed_has_data(struct cl_pg *pg, const char *facility_id, const char *kind, bool *has)
{
	PGresult *res;
	const char *p[2] = {facility_id, kind};
	int rc = cl_pg_exec(pg, &res, "SELECT vac_updated_at($1::uuid, $2) IS NOT NULL", 2, p);
	if (rc < 0)
		return rc;
	*has = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

int vac_db_seed_backdate(struct cl_pg *pg, const char *facility_id, const char *kind,
			 long long hours)
{
	char h[24];
	snprintf(h, sizeof h, "%lld", hours);
	const char *p[3] = {facility_id, kind, h};
	int rc = cl_pg_exec(pg, NULL,
			    "UPDATE bed_days SET updated_at = now() - make_interval(hours => $3::int)"
			    " WHERE facility_id = $1::uuid AND kind = $2",
			    3, p);
	if (rc == 0)
		rc = cl_pg_exec(pg, NULL,
				"UPDATE capacity SET updated_at = now()"
				" - make_interval(hours => $3::int)"
				" WHERE facility_id = $1::uuid AND $2 = 'capacity'",
				3, p);
	if (rc == 0)
		rc = cl_pg_exec(pg, NULL,
				"UPDATE vacancy_history SET updated_at = now()"
				" - make_interval(hours => $3::int)"
				" WHERE facility_id = $1::uuid AND kind = $2 AND updated_by_id = 'seed'",
				3, p);
	return rc;
}
