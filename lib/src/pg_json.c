/* pg_json.c - one value read from a result: JSON that PostgreSQL built, a
 * text cell, or the bytes of a bytea cell */
#include "carelink/pg.h"

#include <stdlib.h>

#include "carelink/err.h"
#include "carelink/json.h"
#include "carelink/util.h"

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

int cl_pg_text(PGresult *res, char *out, size_t size)
{
	int rc = CL_ENOENT;
	if (PQntuples(res) > 0) {
		cl_strlcpy(out, PQgetvalue(res, 0, 0), size);
		rc = 0;
	}
	PQclear(res);
	return rc;
}

unsigned char *cl_pg_bytea(const PGresult *res, int row, int col, size_t *size)
{
	*size = 0;
	unsigned char *data =
		PQunescapeBytea((const unsigned char *)PQgetvalue(res, row, col), size);
	if (!data)
		abort(); /* out of memory */
	return data;
}
