/* db_space.c - the SQL of notify's copy of the spaces, one function per
 * statement */
#include "notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>


int nt_db_space_upsert(struct cl_pg *pg, const struct nt_space *s)
{
	char *professions = nt_array_text(s->professions);
	char *organisations = nt_array_text(s->organisations);
	char time[24];
	snprintf(time, sizeof time, "%" PRId64, s->time);
	const char *p[6] = {
		s->tenant_id, s->space_id, professions, organisations,
		s->archived < 0 ? NULL : s->archived ? "true" : "false", time,
	};
	PGresult *res;
	/* an event without "archived" (a post's) keeps what the copy says */
	int rc = cl_pg_exec(
		pg, &res,
		"INSERT INTO spaces AS s (tenant_id, space_id, professions, organisations,"
		" archived, updated_ms)"
		" VALUES ($1, $2,"
		" ARRAY(SELECT json_array_elements_text($3::json)),"
		" ARRAY(SELECT json_array_elements_text($4::json)),"
		" coalesce($5::boolean, false), $6::bigint)"
		" ON CONFLICT (tenant_id, space_id) DO UPDATE SET"
		" professions = EXCLUDED.professions,"
		" organisations = EXCLUDED.organisations,"
		" archived = coalesce($5::boolean, s.archived),"
		" updated_ms = EXCLUDED.updated_ms"
		" WHERE s.updated_ms <= EXCLUDED.updated_ms",
		6, p);
	free(professions);
	free(organisations);
	if (rc < 0)
		return rc;
	PQclear(res);
	return 0;
}
