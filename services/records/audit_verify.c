/* audit_verify.c - walk the audit chain and find its first broken link */
#include "patient_parts.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERIFY_BATCH 1000

/* check one row (columns of rec_db_audit_rows()) after the hash prev;
 * false with why filled when it does not hold */
static bool row_holds(PGresult *res, int i, const char *prev, char *why, size_t why_size)
{
	struct rec_audit_row r = {
		.id = cl_pg_getvalue(res, i, 0),
		.at = cl_pg_getvalue(res, i, 1),
		.tenant_id = cl_pg_getvalue(res, i, 2),
		.user_id = cl_pg_getvalue(res, i, 3),
		.user_name = cl_pg_getvalue(res, i, 4),
		.patient_id = cl_pg_getvalue(res, i, 5),
		.entry_id = cl_pg_getvalue(res, i, 6),
		.action = cl_pg_getvalue(res, i, 7),
		.route = cl_pg_getvalue(res, i, 8),
		.address = cl_pg_getvalue(res, i, 9),
		.outcome = cl_pg_getvalue(res, i, 10),
	};
	const char *prev_hash = cl_pg_getvalue(res, i, 11);
	const char *hash = cl_pg_getvalue(res, i, 12);
	if (!prev_hash || strcmp(prev_hash, prev)) {
		snprintf(why, why_size, "prev_hash does not match the hash of the row before");
		return false;
	}
	char want[REC_AUDIT_HASH_HEX + 1];
	char *text = rec_audit_text(&r);
	rec_audit_hash(prev, text, want);
	free(text);
	if (!hash || strcmp(hash, want)) {
		snprintf(why, why_size, "hash does not match the row's contents");
		return false;
	}
	return true;
}

int rec_audit_verify(struct cl_pg *pg, long long *rows, long long *broken, char *why,
		     size_t why_size)
{
	char prev[REC_AUDIT_HASH_HEX + 1];
	cl_strlcpy(prev, rec_audit_genesis, sizeof prev);
	long long after = 0, n = 0;
	*rows = 0;
	*broken = 0;
	for (;;) {
		PGresult *res;
		int rc = rec_db_audit_rows(pg, after, VERIFY_BATCH, &res);
		if (rc < 0)
			return rc;
		int k = PQntuples(res);
		for (int i = 0; i < k; i++) {
			long long id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
			if (!row_holds(res, i, prev, why, why_size)) {
				*broken = id;
				*rows = n;
				PQclear(res);
				return 1;
			}
			cl_strlcpy(prev, PQgetvalue(res, i, 12), sizeof prev);
			after = id;
			n++;
		}
		PQclear(res);
		if (k < VERIFY_BATCH)
			break;
	}
	*rows = n;
	return 0;
}
