/* audit_list.c - GET /api/v1/audit: the tenant's audit log, newest first,
 * paged by entry id, filtered by action and actor; for tenant admins and
 * privacy officers */
#include "audit.h"
#include "gateway.h"
#include "platform.h"

#include <carelink/err.h>
#include <carelink/json.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_AUDIT_ACTION_MAX 64

struct audit_query {
	const char *tenant;
	const char *action; /* NULL: any */
	const char *actor;  /* NULL: any */
	struct cl_http_page page;
};

/* actions are dotted lowercase names ("login.failure") */
static bool action_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > GW_AUDIT_ACTION_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_'))
			return false;
	return true;
}

static json_t *text_or_null(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

static json_t *entry_json(const PGresult *res, int row)
{
	char at[32];
	cl_time_format(strtoll(PQgetvalue(res, row, 1), NULL, 10), at);
	json_t *actor = json_null();
	if (!PQgetisnull(res, row, 2))
		actor = json_pack("{s:s, s:o}", "id", PQgetvalue(res, row, 2), "name",
				  text_or_null(res, row, 3));
	char err[200];
	json_t *detail = cl_json_parse(PQgetvalue(res, row, 8),
				       (size_t)PQgetlength(res, row, 8), 64, err, sizeof err);
	json_t *e = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:s, s:o}",
			      "id", (json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10),
			      "at", at,
			      "action", PQgetvalue(res, row, 4),
			      "actor", actor ? actor : json_null(),
			      "subject", text_or_null(res, row, 5),
			      "address", text_or_null(res, row, 6),
			      "outcome", PQgetvalue(res, row, 7),
			      "detail", detail ? detail : json_object());
	if (!e)
		abort();
	return e;
}

/* one page of entries, limit + 1 rows to know whether more follow */
static int db_audit_page(struct cl_pg *pg, const struct audit_query *q, json_t *entries,
			 bool *more, int64_t *last_id)
{
	char cursor[24], limit[24];
	snprintf(cursor, sizeof cursor, "%lld", (long long)q->page.cursor);
	snprintf(limit, sizeof limit, "%ld", q->page.limit + 1);
	const char *p[5] = {q->tenant, cursor, q->action, q->actor, limit};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT a.id, (extract(epoch FROM a.at) * 1000)::bigint, a.actor_id,"
			    " u.display_name, a.action, a.subject, a.address, a.outcome, a.detail"
			    " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
			    " WHERE a.tenant_id = $1::uuid"
			    " AND ($2::bigint = 0 OR a.id < $2::bigint)"
			    " AND ($3::text IS NULL OR a.action = $3::text)"
			    " AND ($4::uuid IS NULL OR a.actor_id = $4::uuid)"
			    " ORDER BY a.id DESC LIMIT $5::int",
			    5, p);
	if (rc < 0)
		return rc;
	int n = PQntuples(res);
	*more = n > q->page.limit;
	if (*more)
		n = (int)q->page.limit;
	for (int i = 0; i < n; i++)
		json_array_append_new(entries, entry_json(res, i));
	*last_id = n ? strtoll(PQgetvalue(res, n - 1, 0), NULL, 10) : 0;
	PQclear(res);
	return 0;
}

enum MHD_Result gw_api_audit(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_session_require(req, &u))
		return req->result;
	if (!cl_identity_has_role(&u.id, "tenant_admin") &&
	    !cl_identity_has_role(&u.id, "privacy_officer"))
		return cl_http_error(req, 403, "forbidden",
				     "監査ログを見られるのは自治体管理者と個人情報保護責任者です");
	struct audit_query q = {.tenant = u.id.tenant};
	if (!cl_http_page(req, &q.page))
		return req->result;
	q.action = cl_http_query(req, "action");
	q.actor = cl_http_query(req, "actor");
	if (q.action && !*q.action)
		q.action = NULL;
	if (q.actor && !*q.actor)
		q.actor = NULL;
	if ((q.action && !action_ok(q.action)) || (q.actor && !cl_uuid_valid(q.actor)))
		return cl_http_error(req, 400, "invalid_query",
				     "action is an action name such as login.failure, actor a user id");

	json_t *entries = json_array();
	bool more = false;
	int64_t last_id = 0;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = db_audit_page(pg, &q, entries, &more, &last_id);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(entries);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200,
			    json_pack("{s:o, s:o}", "entries", entries, "next_cursor",
				      cl_http_cursor_json(more, last_id)));
}
