/* db_notification.c - the SQL of the notifications table, one function per
 * statement */
#include "feed.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"
#include "carelink/util.h"
#include "feed_sql.h"

int nt_db_notification_insert(struct cl_pg *pg, struct nt_notification *n)
{
	char *users = nt_array_text(n->audience_users);
	char *professions = nt_array_text(n->audience_professions);
	char *organisations = nt_array_text(n->audience_organisations);
	char *excluded = nt_array_text(n->exclude_users);
	const char *p[21] = {
		n->tenant_id, n->source_event_id, n->kind, n->title, n->body,
		n->link, n->actor_id, n->actor_name,
		n->audience_everyone ? "true" : "false",
		users, professions, organisations, n->exclude_user, excluded,
		n->subject_id, n->post_id, n->space_id, n->app_id, n->patient_id,
		n->thread_id, n->urgent ? "true" : "false",
	};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"INSERT INTO notifications (tenant_id, source_event_id, kind, title,"
		" body, link, actor_id, actor_name, audience_everyone, audience_users,"
		" audience_professions, audience_organisations, exclude_user,"
		" exclude_users, subject_id, post_id, space_id, app_id, patient_id,"
		" thread_id, urgent)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::boolean,"
		" ARRAY(SELECT json_array_elements_text($10::json)),"
		" ARRAY(SELECT json_array_elements_text($11::json)),"
		" ARRAY(SELECT json_array_elements_text($12::json)), $13,"
		" ARRAY(SELECT json_array_elements_text($14::json)), $15, $16, $17, $18, $19,"
		" $20, $21::boolean)"
		" ON CONFLICT (source_event_id, kind) DO NOTHING"
		" RETURNING id, floor(extract(epoch FROM created_at) * 1000)::bigint",
		21, p);
	free(users);
	free(professions);
	free(organisations);
	free(excluded);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	n->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	n->created_at = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return 1;
}

int nt_db_notification_withdraw(struct cl_pg *pg, const char *tenant_id,
				const char *subject_id)
{
	const char *p[2] = {tenant_id, subject_id};
	PGresult *res;
	/* a post's id is the post_id of its comments' notifications too */
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE notifications SET withdrawn = true"
			    " WHERE tenant_id = $1 AND (subject_id = $2 OR post_id = $2)"
			    " AND NOT withdrawn",
			    2, p);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return (int)n;
}

static json_t *col_or_null(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? json_null()
					  : json_string(PQgetvalue(res, row, col));
}

static bool bool_col(const PGresult *res, int row, int col)
{
	return PQgetvalue(res, row, col)[0] == 't';
}

/* the feed item of one row selected with NT_FEED_COLUMNS; new reference
 * (NULL only for text that is not UTF-8) */
static json_t *feed_item(const PGresult *res, int row)
{
	char created[32];
	cl_time_format(strtoll(PQgetvalue(res, row, 7), NULL, 10), created);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:b, s:b,"
			 " s:o, s:o, s:o, s:o}",
			 "id", (json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10),
			 "kind", PQgetvalue(res, row, 1),
			 "title", PQgetvalue(res, row, 2),
			 "body", PQgetvalue(res, row, 3),
			 "link", PQgetvalue(res, row, 4),
			 "actor", "id", PQgetvalue(res, row, 5),
			 "name", PQgetvalue(res, row, 6),
			 "created_at", created,
			 "read", bool_col(res, row, 13),
			 "urgent", bool_col(res, row, 8),
			 "space_id", col_or_null(res, row, 9),
			 "thread_id", col_or_null(res, row, 10),
			 "app_id", col_or_null(res, row, 11),
			 "patient_id", col_or_null(res, row, 12));
}

static void append_items(const PGresult *res, json_t *items)
{
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *item = feed_item(res, i);
		if (item)
			json_array_append_new(items, item);
	}
}

/* $5 of NT_VISIBLE_TO_READER */
static const char *reader_admin(const struct cl_identity *who)
{
	return cl_identity_has_role(who, NT_ROLE_TENANT_ADMIN) ? "true" : "false";
}

static void int_text(int64_t v, char out[24])
{
	snprintf(out, 24, "%" PRId64, v);
}

static const char *truth(bool b)
{
	return b ? "true" : "false";
}

/* run one feed statement (sql: NT_FEED_FILTERS's 16 parameters) */
static int feed_select(struct cl_pg *pg, const char *sql, const struct cl_identity *who,
		       const struct nt_feed_query *q, json_t *items)
{
	char b[24], a[24], l[24];
	int_text(q->before, b);
	int_text(q->after, a);
	int_text(q->limit, l);
	const char *p[16] = {who->tenant, who->user, who->profession, who->organisation,
			     reader_admin(who), q->before > 0 ? b : NULL,
			     q->has_after ? a : NULL, l, truth(q->urgent),
			     truth(q->mentions), q->space, q->app, q->patient,
			     truth(q->unread), truth(q->include_muted), truth(q->all)};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, sql, 16, p);
	if (rc < 0)
		return rc;
	append_items(res, items);
	PQclear(res);
	return 0;
}

int nt_db_notification_newest(struct cl_pg *pg, const struct cl_identity *who,
			      const struct nt_feed_query *q, json_t *items)
{
	return feed_select(pg,
			   "SELECT " NT_FEED_COLUMNS NT_FEED_FROM " WHERE"
			   NT_VISIBLE_TO_READER NT_FEED_FILTERS
			   " ORDER BY n.id DESC LIMIT $8::int",
			   who, q, items);
}

int nt_db_notification_after(struct cl_pg *pg, const struct cl_identity *who,
			     const struct nt_feed_query *q, json_t *items)
{
	return feed_select(pg,
			   "SELECT " NT_FEED_COLUMNS NT_FEED_FROM " WHERE"
			   NT_VISIBLE_TO_READER NT_FEED_FILTERS
			   " ORDER BY n.id ASC LIMIT $8::int",
			   who, q, items);
}

int nt_db_notification_exists(struct cl_pg *pg, const char *tenant, int64_t id)
{
	char i[24];
	int_text(id, i);
	const char *p[2] = {tenant, i};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT 1 FROM notifications WHERE tenant_id = $1 AND id = $2::bigint",
			    2, p);
	if (rc < 0)
		return rc;
	rc = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}

int nt_db_notification_unread(struct cl_pg *pg, const struct cl_identity *who, int max,
			      json_t **rows)
{
	char l[24];
	int_text(max, l);
	const char *p[6] = {who->tenant, who->user, who->profession, who->organisation,
			    reader_admin(who), l};
	PGresult *res;
	*rows = NULL;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT n.id, n.urgent, n.kind, n.space_id, n.app_id, n.patient_id"
			    NT_FEED_FROM " WHERE" NT_VISIBLE_TO_READER
			    " AND (n.urgent OR NOT COALESCE(fp.urgent_only, false))"
			    " AND n.id >" NT_MARK_OF_ALL
			    " AND NOT" NT_READ_BY_READER " AND NOT" NT_MUTED_BY_READER
			    " ORDER BY n.id DESC LIMIT $6::int",
			    6, p);
	if (rc < 0)
		return rc;
	*rows = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(*rows, json_pack(
			"{s:I, s:b, s:s, s:o, s:o, s:o}",
			"id", (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10),
			"urgent", bool_col(res, i, 1), "kind", PQgetvalue(res, i, 2),
			"space_id", col_or_null(res, i, 3), "app_id", col_or_null(res, i, 4),
			"patient_id", col_or_null(res, i, 5)));
	PQclear(res);
	return 0;
}

int nt_db_notification_max(struct cl_pg *pg, const char *tenant, int64_t *id)
{
	const char *p[1] = {tenant};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT COALESCE(max(id), 0) FROM notifications WHERE tenant_id = $1",
			    1, p);
	if (rc < 0)
		return rc;
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int nt_db_notification_purge(struct cl_pg *pg, long days, int batch, long *deleted)
{
	char d[24], b[24];
	snprintf(d, sizeof d, "%ld", days);
	snprintf(b, sizeof b, "%d", batch);
	const char *p[2] = {d, b};
	PGresult *res;
	/* the oldest first; per-person rows and single reads go with them */
	int rc = cl_pg_exec(pg, &res,
			    "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications"
			    " WHERE created_at < now() - make_interval(days => $1::int)"
			    " ORDER BY created_at LIMIT $2::int)",
			    2, p);
	if (rc < 0)
		return rc;
	*deleted = cl_pg_affected(res);
	PQclear(res);
	return 0;
}

int nt_db_notification_get(struct cl_pg *pg, const struct cl_identity *who,
			   int64_t id, json_t **item)
{
	char i[24];
	int_text(id, i);
	const char *p[6] = {who->tenant, who->user, who->profession, who->organisation,
			    reader_admin(who), i};
	PGresult *res;
	*item = NULL;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " NT_FEED_COLUMNS NT_FEED_FROM " WHERE"
			    NT_VISIBLE_TO_READER " AND n.id = $6::bigint",
			    6, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 1) {
		*item = feed_item(res, 0);
		rc = *item ? 0 : CL_EFATAL; /* NULL only for text that is not UTF-8 */
	} else {
		rc = CL_ENOENT;
	}
	PQclear(res);
	return rc;
}
