/* db_read.c - a person's read state (FEED.md): single reads and marks,
 * one function per statement */
#include "notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"

/* the same visibility as db_notification.c's feed, restated for the ids of
 * a single read ($1 tenant, $2 user, $3 profession, $4 organisation, $5
 * tenant admin): an id the reader may not see is not stored */
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
		" SELECT $1, $2, n.id FROM notifications n"
		" LEFT JOIN spaces sp ON sp.tenant_id = n.tenant_id AND sp.space_id = n.space_id"
		" LEFT JOIN apps ap ON ap.tenant_id = n.tenant_id AND ap.app_id = n.app_id"
		" WHERE n.id IN (SELECT DISTINCT x::bigint"
		"                FROM json_array_elements_text($6::json) AS x)"
		" AND n.tenant_id = $1 AND NOT n.withdrawn"
		" AND (n.exclude_user IS NULL OR n.exclude_user <> $2)"
		" AND NOT ($2 <> '' AND $2 = ANY (n.exclude_users))"
		" AND (n.audience_everyone"
		"      OR ($2 <> '' AND EXISTS (SELECT 1 FROM notification_recipients r"
		"          WHERE r.tenant_id = n.tenant_id AND r.user_id = $2"
		"          AND r.notification_id = n.id))"
		"      OR ($3 <> '' AND $3 = ANY (n.audience_professions))"
		"      OR ($4 <> '' AND $4 = ANY (n.audience_organisations)))"
		" AND (sp.space_id IS NULL"
		"      OR (cardinality(sp.professions) = 0 AND cardinality(sp.organisations) = 0)"
		"      OR ($3 <> '' AND $3 = ANY (sp.professions))"
		"      OR ($4 <> '' AND $4 = ANY (sp.organisations)))"
		" AND (ap.app_id IS NULL OR $5::boolean"
		"      OR (cardinality(ap.professions) = 0 AND cardinality(ap.organisations) = 0)"
		"      OR ($3 <> '' AND $3 = ANY (ap.professions))"
		"      OR ($4 <> '' AND $4 = ANY (ap.organisations)))"
		" AND (n.patient_id IS NULL OR EXISTS (SELECT 1 FROM patient_teams pt"
		"      WHERE pt.tenant_id = n.tenant_id AND pt.patient_id = n.patient_id"
		"      AND $2 <> '' AND $2 = ANY (pt.members)))"
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
