/* db_space.c - SQL for spaces: list, read, lock, insert, update, seed */
#include "records.h"
#include "carelink/json.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

/* The JSON of space s for the caller ($1..$5 of REC_SPACE_WHO_PARAMS). */
#define SPACE_JSON                                                             \
	"jsonb_build_object('id', s.id, 'name', s.name,"                       \
	" 'description', s.description, 'archived', s.archived,"               \
	" 'visibility', jsonb_build_object("                                   \
	"'professions', to_jsonb(s.visible_professions),"                      \
	" 'organisations', to_jsonb(s.visible_organisations)),"                \
	" 'admins', to_jsonb(s.admins), 'can_admin', " REC_SQL_SPACE_ADMIN "," \
	" 'thread_count', (SELECT count(*) FROM threads t"                     \
	" WHERE t.space_id = s.id AND t.tenant_id = s.tenant_id),"             \
	" 'created_at', " REC_SQL_TIME("s.created_at") ","                     \
	" 'updated_at', " REC_SQL_TIME("s.updated_at") ")::text"

void rec_space_release(struct rec_space *s)
{
	free(s->name);
	free(s->description);
	json_decref(s->professions);
	json_decref(s->organisations);
	json_decref(s->admins);
	memset(s, 0, sizeof *s);
}

int rec_db_space_list(struct cl_pg *pg, const struct cl_identity *who, bool all,
		      json_t **out)
{
	const char *p[6] = {REC_SPACE_WHO_PARAMS(who), all ? "true" : "false"};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(jsonb_agg(x.j ORDER BY x.name, x.id), '[]')::text"
			    " FROM (SELECT s.id, s.name, " SPACE_JSON "::jsonb AS j"
			    " FROM spaces s WHERE s.tenant_id = $1 AND ($6::boolean OR "
			    REC_SQL_SPACE_VISIBLE ")) x",
			    6, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* the JSON of one space of who's tenant, visible to who unless any */
static int space_json(struct cl_pg *pg, const struct cl_identity *who, const char *space_id,
		      bool any, json_t **out)
{
	const char *p[7] = {REC_SPACE_WHO_PARAMS(who), space_id, any ? "true" : "false"};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " SPACE_JSON " FROM spaces s"
			    " WHERE s.id = $6::uuid AND s.tenant_id = $1"
			    " AND ($7::boolean OR " REC_SQL_SPACE_VISIBLE ")",
			    7, p);
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

int rec_db_space_get(struct cl_pg *pg, const struct cl_identity *who,
		     const char *space_id, json_t **out)
{
	return space_json(pg, who, space_id, false, out);
}

int rec_db_space_json(struct cl_pg *pg, const struct cl_identity *who,
		      const char *space_id, json_t **out)
{
	return space_json(pg, who, space_id, true, out);
}

/* The columns both lookups select, in the order space_row() reads them. */
#define SPACE_COLUMNS                                                          \
	"SELECT s.id, s.name, s.description, s.archived,"                      \
	" array_to_json(s.visible_professions),"                               \
	" array_to_json(s.visible_organisations), array_to_json(s.admins),"    \
	" " REC_SQL_SPACE_VISIBLE ", " REC_SQL_SPACE_ADMIN                     \
	" FROM spaces s WHERE s.id = $6::uuid AND s.tenant_id = $1"

static int space_row(PGresult *res, struct rec_space *out)
{
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	memset(out, 0, sizeof *out);
	cl_strlcpy(out->id, PQgetvalue(res, 0, 0), sizeof out->id);
	out->name = cl_xstrdup(PQgetvalue(res, 0, 1));
	out->description = cl_xstrdup(PQgetvalue(res, 0, 2));
	out->archived = !strcmp(PQgetvalue(res, 0, 3), "t");
	out->professions = cl_json_ours(PQgetvalue(res, 0, 4));
	out->organisations = cl_json_ours(PQgetvalue(res, 0, 5));
	out->admins = cl_json_ours(PQgetvalue(res, 0, 6));
	out->visible = !strcmp(PQgetvalue(res, 0, 7), "t");
	out->can_admin = !strcmp(PQgetvalue(res, 0, 8), "t");
	PQclear(res);
	return 0;
}

int rec_db_space_find(struct cl_pg *pg, const struct cl_identity *who,
		      const char *space_id, struct rec_space *out)
{
	const char *p[6] = {REC_SPACE_WHO_PARAMS(who), space_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, SPACE_COLUMNS " AND " REC_SQL_SPACE_VISIBLE, 6, p);
	if (rc < 0)
		return rc;
	return space_row(res, out);
}

int rec_db_space_lock(struct cl_pg *pg, const struct cl_identity *who,
		      const char *space_id, struct rec_space *out)
{
	const char *p[6] = {REC_SPACE_WHO_PARAMS(who), space_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    SPACE_COLUMNS " AND (" REC_SQL_SPACE_VISIBLE
			    " OR " REC_SQL_SPACE_ADMIN ") FOR UPDATE OF s",
			    6, p);
	if (rc < 0)
		return rc;
	return space_row(res, out);
}

/* the three lists of s as JSON text (free each) */
static void lists_dump(const struct rec_space *s, char *out[3])
{
	out[0] = json_dumps(s->professions, JSON_COMPACT);
	out[1] = json_dumps(s->organisations, JSON_COMPACT);
	out[2] = json_dumps(s->admins, JSON_COMPACT);
	if (!out[0] || !out[1] || !out[2])
		abort();
}

/* text[] of a JSON array parameter */
#define TEXT_ARRAY(n) "ARRAY(SELECT json_array_elements_text(" n "::json))"

int rec_db_space_insert(struct cl_pg *pg, const char *tenant_id, const struct rec_space *s)
{
	char *lists[3];
	lists_dump(s, lists);
	const char *p[7] = {s->id, tenant_id, s->name, s->description,
			    lists[0], lists[1], lists[2]};
	int rc = cl_pg_exec(pg, NULL,
			    "INSERT INTO spaces (id, tenant_id, name, description,"
			    " visible_professions, visible_organisations, admins)"
			    " VALUES ($1::uuid, $2, $3, $4, " TEXT_ARRAY("$5") ", "
			    TEXT_ARRAY("$6") ", " TEXT_ARRAY("$7") ")",
			    7, p);
	for (int i = 0; i < 3; i++)
		free(lists[i]);
	return rc;
}

int rec_db_space_update(struct cl_pg *pg, const char *tenant_id, const struct rec_space *s)
{
	char *lists[3];
	lists_dump(s, lists);
	const char *p[8] = {s->id, tenant_id, s->name, s->description,
			    s->archived ? "true" : "false", lists[0], lists[1], lists[2]};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE spaces SET name = $3, description = $4,"
			    " archived = $5::boolean,"
			    " visible_professions = " TEXT_ARRAY("$6") ","
			    " visible_organisations = " TEXT_ARRAY("$7") ","
			    " admins = " TEXT_ARRAY("$8") ", updated_at = now()"
			    " WHERE id = $1::uuid AND tenant_id = $2",
			    8, p);
	for (int i = 0; i < 3; i++)
		free(lists[i]);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n == 1 ? 0 : CL_ENOENT;
}

int rec_db_space_seed(struct cl_pg *pg, const struct rec_space_seed *s, bool *inserted)
{
	const char *p[7] = {s->id, s->tenant_id, s->name, s->description,
			    s->professions_json, s->organisations_json,
			    s->admins_json ? s->admins_json : "[]"};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO spaces (id, tenant_id, name, description,"
			    " visible_professions, visible_organisations, admins)"
			    " VALUES ($1, $2, $3, $4, " TEXT_ARRAY("$5") ", "
			    TEXT_ARRAY("$6") ", " TEXT_ARRAY("$7") ")"
			    " ON CONFLICT (id) DO NOTHING",
			    7, p);
	if (rc < 0)
		return rc;
	*inserted = cl_pg_affected(res) == 1;
	PQclear(res);
	return 0;
}
