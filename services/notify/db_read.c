/* db_read.c - a person's read state (FEED.md): single reads and marks,
 * one function per statement */
#include "feed.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"
#include "feed_sql.h"

/* only the ids the reader may see are stored */
int nt_db_read_ids(struct cl_pg *pg, const struct cl_identity *who, const json_t *ids,
		   json_t **read)
{
	char *list = json_dumps(ids, JSON_COMPACT);
	const char *p[6] = {who->tenant, who->user, who->profession, who->organisation,
			    cl_identity_has_role(who, NT_ROLE_TENANT_ADMIN) ? "true" : "false",
			    list};
	PGresult *res;
	*read = NULL;
	int rc = cl_pg_exec(
		pg, &res,
		"INSERT INTO notification_reads (tenant_id, user_id, notification_id)"
		" SELECT $1, $2, n.id" NT_FEED_FROM " WHERE" NT_VISIBLE_TO_READER
		" AND n.id IN (SELECT DISTINCT x::bigint"
		"              FROM json_array_elements_text($6::json) AS x)"
		" ON CONFLICT (tenant_id, user_id, notification_id)"
		" DO UPDATE SET read_at = notification_reads.read_at"
		" RETURNING notification_id",
		6, p);
	free(list);
	if (rc < 0)
		return rc;
	*read = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(*read, json_integer(strtoll(PQgetvalue(res, i, 0),
								  NULL, 10)));
	PQclear(res);
	return 0;
}

int nt_db_read_mark(struct cl_pg *pg, const struct cl_identity *who, const char *space_id,
		    int64_t up_to, int64_t *stored)
{
	char u[24];
	snprintf(u, sizeof u, "%" PRId64, up_to);
	const char *p[4] = {who->tenant, who->user, space_id, u};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO feed_read_marks (tenant_id, user_id, space_id, up_to)"
			    " VALUES ($1, $2, $3, $4::bigint)"
			    " ON CONFLICT (tenant_id, user_id, space_id) DO UPDATE"
			    " SET up_to = GREATEST(feed_read_marks.up_to, EXCLUDED.up_to),"
			    " marked_at = now()"
			    " RETURNING up_to",
			    4, p);
	if (rc < 0)
		return rc;
	*stored = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}
