/* db_thread.c - SQL for threads: list a space's, find a visible one, seed */
#include "records.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rec_thread_release(struct rec_thread *t)
{
	free(t->title);
	free(t->space_name);
	json_decref(t->professions);
	json_decref(t->organisations);
	memset(t, 0, sizeof *t);
}

int rec_db_thread_list(struct cl_pg *pg, const char *tenant_id, const char *space_id,
		       json_t **out)
{
	const char *p[2] = {tenant_id, space_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT id, title, position, closed FROM threads"
			    " WHERE tenant_id = $1 AND space_id = $2"
			    " ORDER BY position, title",
			    2, p);
	if (rc < 0)
		return rc;
	json_t *threads = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *t = json_pack("{s:s, s:s, s:I, s:b}",
				      "id", PQgetvalue(res, i, 0),
				      "title", PQgetvalue(res, i, 1),
				      "position", (json_int_t)strtoll(PQgetvalue(res, i, 2), NULL, 10),
				      "closed", !strcmp(PQgetvalue(res, i, 3), "t"));
		if (!t)
			abort();
		json_array_append_new(threads, t);
	}
	PQclear(res);
	*out = threads;
	return 0;
}

/* The columns both lookups select, in the order thread_row() reads them. */
#define THREAD_COLUMNS                                                         \
	"SELECT t.id, t.space_id, t.title, t.closed, s.archived,"              \
	" array_to_json(s.visible_professions),"                               \
	" array_to_json(s.visible_organisations), s.name"                      \
	" FROM threads t JOIN spaces s ON s.id = t.space_id"                   \
	" AND s.tenant_id = t.tenant_id"                                       \
	" WHERE t.id = $4 AND " REC_SQL_SPACE_VISIBLE

static json_t *json_column(const PGresult *res, int col)
{
	json_t *v = json_loads(PQgetvalue(res, 0, col), 0, NULL);
	if (!json_is_array(v)) {
		json_decref(v);
		v = json_array();
	}
	return v;
}

static int thread_row(PGresult *res, struct rec_thread *out)
{
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	memset(out, 0, sizeof *out);
	cl_strlcpy(out->id, PQgetvalue(res, 0, 0), sizeof out->id);
	cl_strlcpy(out->space_id, PQgetvalue(res, 0, 1), sizeof out->space_id);
	out->title = cl_xstrdup(PQgetvalue(res, 0, 2));
	out->closed = !strcmp(PQgetvalue(res, 0, 3), "t");
	out->space_archived = !strcmp(PQgetvalue(res, 0, 4), "t");
	out->professions = json_column(res, 5);
	out->organisations = json_column(res, 6);
	out->space_name = cl_xstrdup(PQgetvalue(res, 0, 7));
	PQclear(res);
	return 0;
}

int rec_db_thread_find(struct cl_pg *pg, const struct cl_identity *who,
		       const char *thread_id, struct rec_thread *out)
{
	const char *p[4] = {who->tenant, who->profession, who->organisation, thread_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, THREAD_COLUMNS, 4, p);
	if (rc < 0)
		return rc;
	return thread_row(res, out);
}

int rec_db_thread_lock(struct cl_pg *pg, const struct cl_identity *who,
		       const char *thread_id, struct rec_thread *out)
{
	const char *p[4] = {who->tenant, who->profession, who->organisation, thread_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, THREAD_COLUMNS " FOR SHARE OF t, s", 4, p);
	if (rc < 0)
		return rc;
	return thread_row(res, out);
}

int rec_db_thread_seed(struct cl_pg *pg, const char *tenant_id, const char *space_id,
		       const char *title, int position, bool *inserted)
{
	char pos[16];
	snprintf(pos, sizeof pos, "%d", position);
	const char *p[4] = {tenant_id, space_id, title, pos};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO threads (tenant_id, space_id, title, position)"
			    " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			    4, p);
	if (rc < 0)
		return rc;
	*inserted = cl_pg_affected(res) == 1;
	PQclear(res);
	return 0;
}
