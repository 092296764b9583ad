/* db_capacity.c - the SQL for care-manager capacity */
#include "vacancy.h"

#include <carelink/err.h>

int vac_db_capacity_list(struct cl_pg *pg, const char *tenant, json_t **out)
{
	PGresult *res;
	const char *p[1] = {tenant};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(json_agg(json_build_object("
			    " 'office_id', office_id, 'office_name', office_name,"
			    " 'new_clients', new_clients, 'note', note,"
			    " 'updated_by', updated_by,"
			    " 'updated_at', to_char(updated_at AT TIME ZONE 'UTC',"
			    "   'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))"
			    " ORDER BY office_name), '[]')::text"
			    " FROM office_capacity WHERE tenant_id = $1",
			    1, p);
	if (rc < 0)
		return rc;
	*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return *out ? 0 : CL_EFATAL;
}
