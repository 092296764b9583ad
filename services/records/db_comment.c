/* db_comment.c - SQL for comments: who follows a post's conversation */
#include "records.h"
#include "carelink/json.h"
#include "carelink/err.h"

#include <stdlib.h>

int rec_db_comment_participants(struct cl_pg *pg, const char *tenant_id, const char *post_id,
				const char *except_user, json_t **out)
{
	const char *p[3] = {tenant_id, post_id, except_user};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(json_agg(pe.user_id ORDER BY pe.user_id), '[]')"
			    " FROM people pe JOIN spaces s ON s.tenant_id = pe.tenant_id"
			    " AND s.id = (SELECT space_id FROM posts WHERE id = $2::uuid)"
			    " WHERE pe.tenant_id = $1 AND pe.active AND pe.user_id <> $3"
			    " AND " REC_SQL_PERSON_SEES " AND pe.user_id IN (SELECT author_id"
			    " FROM posts WHERE tenant_id = $1 AND (id = $2::uuid OR parent_id = $2::uuid))",
			    3, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}
