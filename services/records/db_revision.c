/* db_revision.c - SQL for the edit history of posts and comments */
#include "records.h"
#include "carelink/json.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>

int rec_db_revision_add(struct cl_pg *pg, const char *tenant_id, const struct rec_post_ref *r)
{
	char *mentions = json_dumps(r->mentions, JSON_COMPACT);
	char written[24];
	snprintf(written, sizeof written, "%lld", (long long)r->written_ms);
	const char *p[7] = {tenant_id, r->id, r->body, mentions, r->author_id, r->author_name,
			    written};
	/* only the author edits: the editor of a text is its author */
	int rc = cl_pg_exec(pg, NULL,
			    "INSERT INTO post_revisions (tenant_id, post_id, body, mentions,"
			    " editor_id, editor_name, written_at) VALUES ($1, $2::uuid, $3,"
			    " $4::jsonb, $5, $6, to_timestamp($7::bigint / 1000.0))",
			    7, p);
	free(mentions);
	return rc;
}

int rec_db_revision_list(struct cl_pg *pg, const char *tenant_id, const char *post_id,
			 json_t **out)
{
	const char *p[2] = {tenant_id, post_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(json_agg(json_build_object('body', body,"
			    " 'created_at', rec_time(written_at), 'editor',"
			    " json_build_object('id', editor_id, 'name', editor_name)) ORDER BY id),"
			    " '[]') FROM post_revisions WHERE tenant_id = $1 AND post_id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}
