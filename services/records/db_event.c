/* db_event.c - SQL for the event calendar: the locked event, registrations,
 * the rows of the iCalendar feed and the reminders */
#include "records.h"
#include "carelink/json.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the start and end of event record r as timestamptz */
#define EV_STARTS "((r.\"values\"->>'starts_at')::timestamptz)"
#define EV_ENDS "((r.\"values\"->>'ends_at')::timestamptz)"
#define EV_MS(t) "(extract(epoch FROM " t ") * 1000)::bigint"
/* the record r is a live event of the tenant $1 */
#define EV_LIVE                                                                \
	"r.tenant_id = $1 AND r.deleted_at IS NULL AND r.app_id = a.id"        \
	" AND a.tenant_id = $1 AND a.key = '" REC_APP_EVENTS "'"

int rec_db_event_lock(struct cl_pg *pg, const char *tenant, const char *app_id,
		      const char *record_id, struct rec_event *ev)
{
	memset(ev, 0, sizeof *ev);
	const char *p[3] = {tenant, app_id, record_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT r.owner_organisation_id, " EV_STARTS " <= now(),"
			    " (r.\"values\"->>'capacity')::float8"
			    " FROM app_records r WHERE r.tenant_id = $1 AND r.app_id = $2::uuid"
			    " AND r.id = $3::uuid AND r.deleted_at IS NULL FOR UPDATE",
			    3, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	ev->owner_org = cl_xstrdup(PQgetvalue(res, 0, 0));
	ev->started = !strcmp(PQgetvalue(res, 0, 1), "t");
	ev->has_capacity = !PQgetisnull(res, 0, 2);
	if (ev->has_capacity)
		ev->capacity = strtod(PQgetvalue(res, 0, 2), NULL);
	PQclear(res);
	return 0;
}

int rec_db_event_registration_count(struct cl_pg *pg, const char *record_id, long *count)
{
	const char *p[1] = {record_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT count(*) FROM event_registrations WHERE record_id = $1::uuid",
			    1, p);
	if (rc < 0)
		return rc;
	*count = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int rec_db_event_registration_insert(struct cl_pg *pg, const struct cl_identity *who,
				     const char *record_id, bool *inserted)
{
	const char *p[6] = {who->tenant, record_id, who->user, who->name, who->organisation,
			    who->organisation_name};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO event_registrations (tenant_id, record_id, user_id,"
			    " user_name, organisation_id, organisation_name)"
			    " VALUES ($1, $2::uuid, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
			    6, p);
	if (rc < 0)
		return rc;
	*inserted = cl_pg_affected(res) == 1;
	PQclear(res);
	return 0;
}

int rec_db_event_registration_delete(struct cl_pg *pg, const char *record_id,
				     const char *user_id)
{
	const char *p[2] = {record_id, user_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "DELETE FROM event_registrations WHERE record_id = $1::uuid"
			    " AND user_id = $2",
			    2, p);
	if (rc < 0)
		return rc;
	PQclear(res);
	return 0;
}

int rec_db_event_registration_state(struct cl_pg *pg, const char *tenant, const char *record_id,
				    const char *user_id, json_t **out)
{
	*out = NULL;
	const char *p[3] = {tenant, record_id, user_id};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT json_build_object('count', n.count, 'capacity', r.\"values\"->'capacity',"
		" 'full', coalesce(n.count >= (r.\"values\"->>'capacity')::float8, false),"
		" 'registered', EXISTS (SELECT 1 FROM event_registrations g"
		" WHERE g.record_id = r.id AND g.user_id = $3),"
		" 'open', coalesce(" EV_STARTS " > now(), false))"
		" FROM app_records r JOIN apps a ON a.id = r.app_id,"
		" LATERAL (SELECT count(*) AS count FROM event_registrations g"
		" WHERE g.record_id = r.id) n"
		" WHERE " EV_LIVE " AND r.id = $2::uuid",
		3, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 1)
		*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_event_record_taken(struct cl_pg *pg, const char *id, bool *taken)
{
	const char *p[1] = {id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT EXISTS (SELECT 1 FROM app_records WHERE id = $1::uuid)", 1, p);
	if (rc < 0)
		return rc;
	*taken = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	return 0;
}

int rec_db_event_watchers(struct cl_pg *pg, const char *tenant, const char *record_id,
			  json_t **out)
{
	const char *p[2] = {tenant, record_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(json_agg(user_id ORDER BY user_id), '[]')"
			    " FROM event_registrations WHERE tenant_id = $1 AND record_id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_event_registrations(struct cl_pg *pg, const char *tenant, const char *record_id,
			       json_t **out)
{
	const char *p[2] = {tenant, record_id};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT json_build_object('people', coalesce(json_agg(json_build_object("
		"'id', g.user_id, 'name', coalesce(pe.display_name, g.user_name),"
		" 'organisation', json_build_object("
		"'id', coalesce(pe.organisation_id, g.organisation_id),"
		" 'name', coalesce(nullif(pe.organisation_name, ''), g.organisation_name)),"
		" 'registered_at', " REC_SQL_TIME("g.created_at") ")"
		" ORDER BY g.created_at, g.user_id), '[]'))"
		" FROM event_registrations g LEFT JOIN people pe"
		" ON pe.tenant_id = g.tenant_id AND pe.user_id = g.user_id"
		" WHERE g.tenant_id = $1 AND g.record_id = $2::uuid",
		2, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_event_calendar(struct cl_pg *pg, const char *tenant, const char *app_id,
			  const char *user, PGresult **res)
{
	char days[24];
	snprintf(days, sizeof days, "%d", REC_ICAL_PAST_DAYS);
	const char *p[4] = {tenant, app_id, user, days};
	return cl_pg_exec(
		pg, res,
		"SELECT r.id, r.\"values\"->>'title', r.\"values\"->>'kind',"
		" r.\"values\"->>'place', r.\"values\"->>'description',"
		" " EV_MS(EV_STARTS) ", " EV_MS(EV_ENDS) ", r.\"values\"->>'organiser',"
		" (SELECT nullif(t.name, '') FROM tenant_organisations t"
		" WHERE t.tenant_id = r.tenant_id AND t.organisation_id = r.\"values\"->>'organiser'),"
		" " EV_MS("r.updated_at") ", r.revision"
		" FROM app_records r WHERE r.tenant_id = $1 AND r.app_id = $2::uuid"
		" AND r.deleted_at IS NULL"
		" AND " EV_STARTS " >= now() - make_interval(days => $4::int)"
		" AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM event_registrations g"
		" WHERE g.record_id = r.id AND g.user_id = $3))"
		" ORDER BY " EV_STARTS ", r.id",
		4, p);
}

/* the record r is due a reminder: starts within $lead hours, has not
 * started, has people registered, was not reminded for this start */
#define EV_DUE(lead)                                                           \
	"r.deleted_at IS NULL AND " EV_STARTS " > now()"                       \
	" AND " EV_STARTS " <= now() + make_interval(hours => " lead "::int)"  \
	" AND EXISTS (SELECT 1 FROM event_registrations g WHERE g.record_id = r.id)" \
	" AND NOT EXISTS (SELECT 1 FROM event_reminders m WHERE m.record_id = r.id" \
	" AND m.starts_at_reminded = " EV_STARTS ")"

int rec_db_event_reminders_due(struct cl_pg *pg, long lead_hours, json_t **ids)
{
	char lead[24];
	snprintf(lead, sizeof lead, "%ld", lead_hours);
	const char *p[1] = {lead};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(json_agg(r.id ORDER BY r.id), '[]')"
			    " FROM app_records r JOIN apps a ON a.id = r.app_id"
			    " AND a.key = '" REC_APP_EVENTS "' WHERE " EV_DUE("$1"),
			    1, p);
	if (rc < 0)
		return rc;
	*ids = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_event_reminder_claim(struct cl_pg *pg, const char *record_id, long lead_hours,
				json_t **out)
{
	*out = NULL;
	char lead[24];
	snprintf(lead, sizeof lead, "%ld", lead_hours);
	const char *p[2] = {record_id, lead};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT json_build_object('tenant_id', r.tenant_id, 'record_id', r.id,"
		" 'app_id', a.id, 'title', coalesce(r.\"values\"->>'title', ''),"
		" 'starts_at', " EV_MS(EV_STARTS) ","
		" 'place', coalesce(r.\"values\"->>'place', ''),"
		" 'users', (SELECT coalesce(json_agg(g.user_id ORDER BY g.user_id), '[]')"
		" FROM event_registrations g WHERE g.record_id = r.id),"
		" 'readers', json_build_object("
		"'professions', coalesce(a.read_rule->'professions', '[]'),"
		" 'organisations', coalesce(a.read_rule->'organisations', '[]')))"
		" FROM app_records r JOIN apps a ON a.id = r.app_id"
		" AND a.key = '" REC_APP_EVENTS "'"
		" WHERE r.id = $1::uuid AND " EV_DUE("$2") " FOR UPDATE OF r SKIP LOCKED",
		2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 1)
		*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_event_reminder_mark(struct cl_pg *pg, const char *tenant, const char *record_id,
			       bool *marked)
{
	const char *p[2] = {tenant, record_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO event_reminders AS m (record_id, tenant_id, starts_at_reminded)"
			    " SELECT r.id, r.tenant_id, " EV_STARTS " FROM app_records r"
			    " WHERE r.tenant_id = $1 AND r.id = $2::uuid"
			    " ON CONFLICT (record_id) DO UPDATE"
			    " SET starts_at_reminded = EXCLUDED.starts_at_reminded, reminded_at = now()"
			    " WHERE m.starts_at_reminded <> EXCLUDED.starts_at_reminded"
			    " RETURNING m.record_id",
			    2, p);
	if (rc < 0)
		return rc;
	*marked = PQntuples(res) == 1;
	PQclear(res);
	return 0;
}
