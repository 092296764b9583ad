/* cap_db.c - the CAP messages of alerts (alert_cap_messages): one
 * function per statement */
#include "cap_stream.h"

#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nt_cap_db_history(struct cl_pg *pg, int64_t alert_id, json_t **messages)
{
	char id[32];
	PGresult *res;
	snprintf(id, sizeof id, "%lld", (long long)alert_id);
	const char *p[1] = {id};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT identifier, sender, sent FROM alert_cap_messages"
			    " WHERE alert_id = $1 ORDER BY id",
			    1, p);
	if (rc < 0)
		return rc;
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "identifier",
						   PQgetvalue(res, i, 0), "sender",
						   PQgetvalue(res, i, 1), "sent",
						   PQgetvalue(res, i, 2)));
	PQclear(res);
	*messages = a;
	return 0;
}

int nt_cap_db_insert(struct cl_pg *pg, const char *tenant, int64_t alert_id, int version,
		     const char *change, const char *identifier, const char *sender,
		     const char *sent, const char *document)
{
	char id[32], ver[16];
	snprintf(id, sizeof id, "%lld", (long long)alert_id);
	snprintf(ver, sizeof ver, "%d", version);
	const char *p[8] = {tenant, id, ver, change, identifier, sender, sent, document};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO alert_cap_messages (tenant_id, alert_id, version, change,"
			  " identifier, sender, sent, document)"
			  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			  8, p);
}

int nt_cap_db_latest(struct cl_pg *pg, const char *tenant, int64_t alert_id, char **document)
{
	char id[32];
	PGresult *res;
	snprintf(id, sizeof id, "%lld", (long long)alert_id);
	const char *p[2] = {tenant, id};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT document FROM alert_cap_messages"
			    " WHERE tenant_id = $1 AND alert_id = $2 ORDER BY id DESC LIMIT 1",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*document = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return *document ? 0 : CL_EFATAL;
}
