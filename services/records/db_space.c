/* db_space.c - SQL for spaces: list and read the visible ones, seed */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

/* {"id","name","description","archived"} from columns 0..3 of row. */
static json_t *space_json(const PGresult *res, int row)
{
	json_t *space = json_pack("{s:s, s:s, s:s, s:b}",
				  "id", PQgetvalue(res, row, 0),
				  "name", PQgetvalue(res, row, 1),
				  "description", PQgetvalue(res, row, 2),
				  "archived", !strcmp(PQgetvalue(res, row, 3), "t"));
	if (!space)
		abort();
	return space;
}

int rec_db_space_list(struct cl_pg *pg, const struct cl_identity *who, json_t **out)
{
	const char *p[3] = {who->tenant, who->profession, who->organisation};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT s.id, s.name, s.description, s.archived"
			    " FROM spaces s WHERE " REC_SQL_SPACE_VISIBLE
			    " ORDER BY s.name, s.id",
			    3, p);
	if (rc < 0)
		return rc;
	json_t *spaces = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(spaces, space_json(res, i));
	PQclear(res);
	*out = spaces;
	return 0;
}

int rec_db_space_get(struct cl_pg *pg, const struct cl_identity *who,
		     const char *space_id, json_t **out)
{
	const char *p[4] = {who->tenant, who->profession, who->organisation, space_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT s.id, s.name, s.description, s.archived"
			    " FROM spaces s WHERE s.id = $4 AND " REC_SQL_SPACE_VISIBLE,
			    4, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*out = space_json(res, 0);
	PQclear(res);
	return 0;
}

int rec_db_space_seed(struct cl_pg *pg, const struct rec_space_seed *s, bool *inserted)
{
	const char *p[6] = {s->id, s->tenant_id, s->name, s->description,
			    s->professions_json, s->organisations_json};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO spaces (id, tenant_id, name, description,"
			    " visible_professions, visible_organisations)"
			    " VALUES ($1, $2, $3, $4,"
			    " ARRAY(SELECT json_array_elements_text($5::json)),"
			    " ARRAY(SELECT json_array_elements_text($6::json)))"
			    " ON CONFLICT DO NOTHING",
			    6, p);
	if (rc < 0)
		return rc;
	*inserted = cl_pg_affected(res) == 1;
	PQclear(res);
	return 0;
}
