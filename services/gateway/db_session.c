/* db_session.c - the SQL that writes sessions */
#include "gateway.h"
#include "password.h"

#include <stdlib.h>

int gw_db_session_create(struct cl_pg *pg, const char *token_hash, const char *user_id,
			 const char *csrf)
{
	return gw_db_session_insert(pg, token_hash, user_id, csrf, false);
}

int gw_db_session_insert(struct cl_pg *pg, const char *token_hash, const char *user_id,
			 const char *csrf, bool totp_pending)
{
	const char *p[4] = {token_hash, user_id, csrf, totp_pending ? "t" : "f"};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO sessions (token_hash, user_id, csrf_token, totp_pending)"
			  " VALUES ($1, $2, $3, $4::boolean)",
			  4, p);
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

int gw_db_session_delete_others(struct cl_pg *pg, const char *user_id, const char *keep,
				long *ended)
{
	PGresult *res;
	const char *p[2] = {user_id, keep};
	int rc = cl_pg_exec(pg, &res,
			    "DELETE FROM sessions WHERE user_id = $1::uuid AND token_hash <> $2", 2,
			    p);
	if (rc < 0)
		return rc;
	if (ended)
		*ended = cl_pg_affected(res);
	PQclear(res);
	return 0;
}

int gw_db_session_enrolled(struct cl_pg *pg, const char *token_hash)
{
	const char *p[1] = {token_hash};
	return cl_pg_exec(pg, NULL,
			  "UPDATE sessions SET totp_pending = false WHERE token_hash = $1", 1, p);
}
