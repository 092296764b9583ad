/* pg_json.c - JSON that PostgreSQL built, read from a result */
#include "carelink/pg.h"

#include "carelink/err.h"
#include "carelink/json.h"

int cl_pg_json(PGresult *res, json_t **out)
{
	int rc = 0;
	*out = NULL;
	if (PQntuples(res) == 0) {
		rc = CL_ENOENT;
		goto out;
	}
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	if (!*out)
		rc = CL_EFATAL;
out:
	PQclear(res);
	return rc;
}
