/* db_app.c - the SQL of notify's copy of the apps' readers, one function
 * per statement */
#include "notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

int nt_db_app_upsert(struct cl_pg *pg, const struct nt_app_readers *a)
{
	char *professions = nt_array_text(a->professions);
	char *organisations = nt_array_text(a->organisations);
	char time[24];
	snprintf(time, sizeof time, "%" PRId64, a->time);
	const char *p[5] = {a->tenant_id, a->app_id, professions, organisations, time};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"INSERT INTO apps AS a (tenant_id, app_id, professions, organisations,"
		" updated_ms)"
		" VALUES ($1, $2,"
		" ARRAY(SELECT json_array_elements_text($3::json)),"
		" ARRAY(SELECT json_array_elements_text($4::json)), $5::bigint)"
		" ON CONFLICT (tenant_id, app_id) DO UPDATE SET"
		" professions = EXCLUDED.professions,"
		" organisations = EXCLUDED.organisations,"
		" updated_ms = EXCLUDED.updated_ms"
		" WHERE a.updated_ms <= EXCLUDED.updated_ms",
		5, p);
	free(professions);
	free(organisations);
	if (rc < 0)
		return rc;
	PQclear(res);
	return 0;
}
