/* db_confirmation.c - SQL for read confirmations (確認しました) */
#include "records.h"
#include "carelink/json.h"
#include "carelink/err.h"

#include <stdlib.h>

int rec_db_confirmation_add(struct cl_pg *pg, const struct cl_identity *who,
			    const char *post_id, bool *inserted, int64_t *at_ms)
{
	const char *p[6] = {who->tenant, post_id, who->user, who->name, who->organisation,
			    who->organisation_name};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO post_confirmations (tenant_id, post_id, user_id,"
			    " user_name, organisation_id, organisation_name)"
			    " VALUES ($1, $2::uuid, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
			    " RETURNING floor(extract(epoch FROM confirmed_at) * 1000)::bigint",
			    6, p);
	if (rc < 0)
		return rc;
	*inserted = PQntuples(res) == 1;
	*at_ms = *inserted ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return 0;
}

int rec_db_confirmation_users(struct cl_pg *pg, const char *post_id, json_t **out)
{
	const char *p[1] = {post_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(json_agg(user_id ORDER BY confirmed_at, user_id), '[]')"
			    " FROM post_confirmations WHERE post_id = $1::uuid",
			    1, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_confirmation_status(struct cl_pg *pg, const struct cl_identity *who,
			       const struct rec_post_ref *r, json_t **out)
{
	const char *p[4] = {who->tenant, r->id, who->user, r->author_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT json_build_object('confirmed', EXISTS (SELECT 1"
			    " FROM post_confirmations c WHERE c.post_id = $2::uuid AND c.user_id = $3),"
			    " 'count', (SELECT count(*) FROM post_confirmations c"
			    " WHERE c.post_id = $2::uuid),"
			    " 'audience', " REC_SQL_AUDIENCE("$4") ")"
			    " FROM posts p JOIN spaces s ON s.id = p.space_id"
			    " WHERE p.tenant_id = $1 AND p.id = $2::uuid",
			    4, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_confirmation_list(struct cl_pg *pg, const char *tenant_id,
			     const struct rec_post_ref *r, json_t **out)
{
	const char *p[3] = {tenant_id, r->id, r->author_id};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT json_build_object('confirmed', coalesce((SELECT json_agg("
		" json_build_object('user', json_build_object('id', c.user_id, 'name',"
		" c.user_name, 'organisation', json_build_object('id', c.organisation_id,"
		" 'name', c.organisation_name)), 'at', rec_time(c.confirmed_at))"
		" ORDER BY c.confirmed_at, c.user_id) FROM post_confirmations c"
		" WHERE c.post_id = $2::uuid), '[]'),"
		" 'pending', coalesce((SELECT json_agg(json_build_object('id', pe.user_id,"
		" 'name', pe.display_name, 'organisation', json_build_object('id',"
		" pe.organisation_id, 'name', pe.organisation_name))"
		" ORDER BY pe.organisation_name, pe.display_name, pe.user_id)"
		" FROM people pe WHERE pe.tenant_id = $1 AND pe.active AND pe.user_id <> $3"
		" AND " REC_SQL_PERSON_SEES " AND NOT EXISTS (SELECT 1 FROM post_confirmations c"
		" WHERE c.post_id = $2::uuid AND c.user_id = pe.user_id)), '[]'))"
		" FROM spaces s WHERE s.tenant_id = $1"
		" AND s.id = (SELECT space_id FROM posts WHERE id = $2::uuid)",
		3, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}
