/* db_alert.c - the alerts, their acknowledgements and timelines, and their
 * urgent notifications; one function per statement */
#include "alert_resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"

/* an RFC 3339 UTC time of timestamptz column c */
#define TS(c) "to_char(" c " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* the API's alert object (ALERTS.md) of the row a, with tenant_id */
#define ALERT_JSON                                                                     \
	"json_build_object('id', a.id::text, 'tenant_id', a.tenant_id, 'kind', a.kind,"  \
	" 'severity', a.severity, 'title', a.title, 'description', a.description,"       \
	" 'instruction', a.instruction, 'area', a.area, 'audience', a.audience,"          \
	" 'requires_ack', a.requires_ack, 'escalation', a.escalation,"                     \
	" 'escalation_level', a.escalation_level, 'status', a.status,"                    \
	" 'version', a.version,"                                                           \
	" 'raised_by', json_build_object('id', a.raised_by_id, 'name', a.raised_by_name," \
	"   'organisation', json_build_object('id', a.raised_by_org_id,"                  \
	"   'name', a.raised_by_org_name)),"                                               \
	" 'raised_at', " TS("a.raised_at") ", 'updated_at', " TS("a.updated_at") ","      \
	" 'ended_at', " TS("a.ended_at") ","                                               \
	" 'acknowledgements', COALESCE((SELECT json_agg(json_build_object("               \
	"   'user', json_build_object('id', k.user_id, 'name', k.user_name,"              \
	"   'organisation', json_build_object('id', k.org_id, 'name', k.org_name)),"      \
	"   'at', " TS("k.at") ", 'note', k.note) ORDER BY k.at, k.user_id)"              \
	"   FROM alert_acks k WHERE k.alert_id = a.id), '[]'::json),"                     \
	" 'acknowledged_by_me', false,"                                                    \
	" 'photo', (SELECT json_build_object('url', '/api/v1/alerts/' || a.id || '/photo',"\
	"   'content_type', f.content_type, 'size', f.size, 'sha1', f.sha1)"               \
	"   FROM alert_photos f WHERE f.alert_id = a.id),"                                 \
	" 'timeline', COALESCE((SELECT json_agg(json_build_object("                       \
	"   'at', " TS("t.at") ", 'action', t.action, 'by', CASE WHEN t.by_id IS NULL"    \
	"   THEN NULL ELSE json_build_object('id', t.by_id, 'name', t.by_name) END,"      \
	"   'note', t.note) ORDER BY t.id)"                                               \
	"   FROM alert_timeline t WHERE t.alert_id = a.id), '[]'::json))"

static void id_text(int64_t v, char out[24])
{
	snprintf(out, 24, "%lld", (long long)v);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

int nt_db_alert_insert(struct cl_pg *pg, const json_t *input, const struct cl_identity *who,
		       int64_t *id)
{
	char *area = json_dumps(json_object_get(input, "area"), JSON_COMPACT);
	char *audience = json_dumps(json_object_get(input, "audience"), JSON_COMPACT);
	char *escalation = json_dumps(json_object_get(input, "escalation"), JSON_COMPACT);
	const char *p[14] = {
		who->tenant, str(input, "kind"), str(input, "severity"), str(input, "title"),
		str(input, "description"), str(input, "instruction"), area, audience,
		json_is_true(json_object_get(input, "requires_ack")) ? "true" : "false",
		escalation, who->user, who->name, who->organisation, who->organisation_name,
	};
	PGresult *res;
	char out[24];
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO alerts (tenant_id, kind, severity, title, description,"
			    " instruction, area, audience, requires_ack, escalation, raised_by_id,"
			    " raised_by_name, raised_by_org_id, raised_by_org_name)"
			    " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::boolean,"
			    " $10::jsonb, $11, $12, $13, $14) RETURNING id",
			    14, p);
	free(area);
	free(audience);
	free(escalation);
	if (rc < 0)
		return rc;
	rc = cl_pg_text(res, out, sizeof out);
	if (rc == 0)
		*id = strtoll(out, NULL, 10);
	return rc;
}

int nt_db_alert_get(struct cl_pg *pg, const char *tenant, int64_t id, bool lock,
		    json_t **alert)
{
	char idt[24];
	id_text(id, idt);
	const char *p[2] = {tenant, idt};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    lock ? "SELECT " ALERT_JSON " FROM alerts a"
				   " WHERE a.tenant_id = $1 AND a.id = $2::bigint FOR UPDATE OF a"
				 : "SELECT " ALERT_JSON " FROM alerts a"
				   " WHERE a.tenant_id = $1 AND a.id = $2::bigint",
			    2, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, alert);
}

int nt_db_alert_list(struct cl_pg *pg, const char *tenant, const char *status,
		     json_t **alerts)
{
	char limit[24];
	id_text(NT_ALERT_LIST_MAX, limit);
	const char *p[3] = {tenant, status, limit};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT COALESCE(json_agg(s.x ORDER BY s.id DESC), '[]'::json)"
			    " FROM (SELECT a.id, " ALERT_JSON " AS x FROM alerts a"
			    "  WHERE a.tenant_id = $1"
			    "  AND ($2 = 'all' OR ($2 = 'active') = (a.status = 'active'))"
			    "  ORDER BY a.id DESC LIMIT $3::int) s",
			    3, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, alerts);
}

static int exec_count(struct cl_pg *pg, const char *sql, int n, const char *const *p)
{
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, sql, n, p);
	if (rc < 0)
		return rc;
	long k = cl_pg_affected(res);
	PQclear(res);
	return k > 0 ? 0 : CL_ENOENT;
}

int nt_db_alert_update(struct cl_pg *pg, int64_t id, const json_t *changes)
{
	char idt[24];
	id_text(id, idt);
	const json_t *area = json_object_get(changes, "area");
	char *area_text = area ? json_dumps(area, JSON_COMPACT) : NULL;
	const char *p[6] = {
		idt,
		json_string_value(json_object_get(changes, "severity")),
		json_string_value(json_object_get(changes, "title")),
		json_string_value(json_object_get(changes, "description")),
		json_string_value(json_object_get(changes, "instruction")),
		area_text,
	};
	int rc = exec_count(pg,
			    "UPDATE alerts SET severity = COALESCE($2, severity),"
			    " title = COALESCE($3, title),"
			    " description = COALESCE($4, description),"
			    " instruction = COALESCE($5, instruction),"
			    " area = COALESCE($6::jsonb, area),"
			    " version = version + 1, updated_at = now()"
			    " WHERE id = $1::bigint",
			    6, p);
	free(area_text);
	return rc;
}

int nt_db_alert_end(struct cl_pg *pg, int64_t id, const char *status)
{
	char idt[24];
	id_text(id, idt);
	const char *p[2] = {idt, status};
	return exec_count(pg,
			  "UPDATE alerts SET status = $2, ended_at = now(), updated_at = now(),"
			  " version = version + 1 WHERE id = $1::bigint AND status = 'active'",
			  2, p);
}

int nt_db_alert_escalate(struct cl_pg *pg, int64_t id)
{
	char idt[24];
	id_text(id, idt);
	const char *p[1] = {idt};
	return exec_count(pg,
			  "UPDATE alerts SET escalation_level = escalation_level + 1,"
			  " version = version + 1, updated_at = now() WHERE id = $1::bigint",
			  1, p);
}

int nt_db_alert_ack_insert(struct cl_pg *pg, int64_t id, const struct cl_identity *who,
			   const char *note)
{
	char idt[24];
	id_text(id, idt);
	const char *p[6] = {idt, who->user, who->name, who->organisation,
			    who->organisation_name, note};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO alert_acks (alert_id, user_id, user_name, org_id,"
			    " org_name, note) VALUES ($1::bigint, $2, $3, $4, $5, $6)"
			    " ON CONFLICT (alert_id, user_id) DO NOTHING",
			    6, p);
	if (rc < 0)
		return rc;
	long k = cl_pg_affected(res);
	PQclear(res);
	return k > 0 ? 1 : 0;
}

int nt_db_alert_timeline_add(struct cl_pg *pg, int64_t id, const char *action,
			     const struct cl_identity *by, const char *note)
{
	char idt[24];
	id_text(id, idt);
	const char *p[5] = {idt, action, by ? by->user : NULL, by ? by->name : NULL,
			    note ? note : ""};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO alert_timeline (alert_id, action, by_id, by_name, note)"
			    " VALUES ($1::bigint, $2, $3, $4, $5)",
			    5, p);
	if (rc < 0)
		return rc;
	PQclear(res);
	return 0;
}

int nt_db_alert_due(struct cl_pg *pg, int64_t *id)
{
	PGresult *res;
	char out[24];
	int rc = cl_pg_exec(pg, &res,
			    "SELECT a.id FROM alerts a"
			    " WHERE a.status = 'active' AND a.requires_ack"
			    " AND a.escalation_level < jsonb_array_length(a.escalation)"
			    " AND NOT EXISTS (SELECT 1 FROM alert_acks k WHERE k.alert_id = a.id)"
			    " AND a.raised_at + make_interval(mins =>"
			    "   (a.escalation -> a.escalation_level ->> 'after_minutes')::int)"
			    "   <= now()"
			    " ORDER BY a.raised_at LIMIT 1 FOR UPDATE OF a SKIP LOCKED",
			    0, NULL);
	if (rc < 0)
		return rc;
	rc = cl_pg_text(res, out, sizeof out);
	if (rc == CL_ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	*id = strtoll(out, NULL, 10);
	return 1;
}

int nt_db_alert_tenant(struct cl_pg *pg, int64_t id, char *tenant, size_t size)
{
	char idt[24];
	id_text(id, idt);
	const char *p[1] = {idt};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, "SELECT tenant_id FROM alerts WHERE id = $1::bigint", 1, p);
	if (rc < 0)
		return rc;
	return cl_pg_text(res, tenant, size);
}
