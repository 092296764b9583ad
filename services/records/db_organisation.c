/* db_organisation.c - SQL for records' copy of the tenant's organisations:
 * upsert from OrganisationChanged */
#include "organisations.h"

#include <inttypes.h>
#include <stdio.h>

int rec_db_organisation_upsert(struct cl_pg *pg, const struct rec_organisation *o,
			       bool *stored)
{
	char ms[24];
	snprintf(ms, sizeof ms, "%" PRId64, o->time_ms);
	const char *v[5] = {o->tenant_id, o->organisation_id, o->name, o->kind, ms};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO organisations AS o (tenant_id, organisation_id, name,"
			    " kind, updated_at) VALUES ($1, $2, $3, $4,"
			    " to_timestamp($5::bigint / 1000.0))"
			    " ON CONFLICT (tenant_id, organisation_id) DO UPDATE SET"
			    " name = EXCLUDED.name, kind = EXCLUDED.kind,"
			    " updated_at = EXCLUDED.updated_at"
			    " WHERE o.updated_at <= EXCLUDED.updated_at",
			    5, v);
	if (rc < 0)
		return rc;
	*stored = cl_pg_affected(res) == 1;
	PQclear(res);
	return 0;
}
