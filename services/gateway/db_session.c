/* db_session.c - the SQL that writes sessions */
#include "gateway.h"

int gw_db_session_create(struct cl_pg *pg, const char *token_hash, const char *user_id,
			 const char *csrf)
{
	const char *p[3] = {token_hash, user_id, csrf};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO sessions (token_hash, user_id, csrf_token)"
			  " VALUES ($1, $2, $3)",
			  3, p);
}

int gw_db_session_delete(struct cl_pg *pg, const char *token_hash)
{
	const char *p[1] = {token_hash};
	return cl_pg_exec(pg, NULL, "DELETE FROM sessions WHERE token_hash = $1", 1, p);
}

int gw_db_session_touch(struct cl_pg *pg, const char *token_hash)
{
	const char *p[1] = {token_hash};
	return cl_pg_exec(pg, NULL,
			  "UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1", 1,
			  p);
}
