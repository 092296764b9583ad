/* db_recipients.c - the per-person rows of targeted notifications
 * (FEED.md "Fan-out"), one function per statement */
#include "notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"

int nt_db_recipients_add(struct cl_pg *pg, const struct nt_notification *n,
			 const json_t *users)
{
	if (json_array_size(users) == 0)
		return 0;
	char id[24];
	snprintf(id, sizeof id, "%" PRId64, n->id);
	char *list = nt_array_text(users);
	const char *p[3] = {n->tenant_id, id, list};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO notification_recipients"
			    " (tenant_id, user_id, notification_id)"
			    " SELECT DISTINCT $1, u, $2::bigint"
			    " FROM json_array_elements_text($3::json) AS u WHERE u <> ''"
			    " ON CONFLICT DO NOTHING",
			    3, p);
	free(list);
	if (rc < 0)
		return rc;
	PQclear(res);
	return 0;
}
