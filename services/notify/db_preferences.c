/* db_preferences.c - each person's feed preferences (FEED.md), one
 * function per statement */
#include "feed.h"

#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"

int nt_db_preferences_get(struct cl_pg *pg, const struct cl_identity *who, json_t **prefs)
{
	const char *p[2] = {who->tenant, who->user};
	PGresult *res;
	*prefs = NULL;
	/* one JSON text in the API's shape, mutes spaces first then threads */
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT json_build_object('urgent_only', urgent_only,"
		" 'quiet_hours', CASE WHEN quiet_start IS NULL THEN NULL"
		"  ELSE json_build_object('start', quiet_start, 'end', quiet_end) END,"
		" 'mutes', ARRAY(SELECT json_build_object('kind', 'space', 'id', s)"
		"                FROM unnest(muted_spaces) WITH ORDINALITY AS m(s, o) ORDER BY o)"
		"          || ARRAY(SELECT json_build_object('kind', 'thread', 'id', t)"
		"                FROM unnest(muted_threads) WITH ORDINALITY AS m(t, o) ORDER BY o))"
		" FROM feed_preferences WHERE tenant_id = $1 AND user_id = $2",
		2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 0) {
		*prefs = json_pack("{s:b, s:n, s:[]}", "urgent_only", 0, "quiet_hours", "mutes");
	} else {
		*prefs = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	}
	PQclear(res);
	return *prefs ? 0 : CL_EFATAL;
}

/* the ids of prefs' mutes of kind as a JSON array text; the caller frees */
static char *mute_ids_text(const json_t *prefs, const char *kind)
{
	json_t *ids = json_array();
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(prefs, "mutes"), i, m)
		if (strcmp(json_string_value(json_object_get(m, "kind")), kind) == 0)
			json_array_append(ids, json_object_get(m, "id"));
	char *text = json_dumps(ids, JSON_COMPACT);
	json_decref(ids);
	return text;
}

int nt_db_preferences_put(struct cl_pg *pg, const struct cl_identity *who,
			  const json_t *prefs)
{
	const json_t *quiet = json_object_get(prefs, "quiet_hours");
	char *spaces = mute_ids_text(prefs, "space");
	char *threads = mute_ids_text(prefs, "thread");
	const char *p[7] = {
		who->tenant, who->user,
		json_is_true(json_object_get(prefs, "urgent_only")) ? "true" : "false",
		json_string_value(json_object_get(quiet, "start")),
		json_string_value(json_object_get(quiet, "end")), spaces, threads,
	};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"INSERT INTO feed_preferences (tenant_id, user_id, urgent_only, quiet_start,"
		" quiet_end, muted_spaces, muted_threads)"
		" VALUES ($1, $2, $3::boolean, $4, $5,"
		" ARRAY(SELECT json_array_elements_text($6::json)),"
		" ARRAY(SELECT json_array_elements_text($7::json)))"
		" ON CONFLICT (tenant_id, user_id) DO UPDATE SET"
		" urgent_only = EXCLUDED.urgent_only, quiet_start = EXCLUDED.quiet_start,"
		" quiet_end = EXCLUDED.quiet_end, muted_spaces = EXCLUDED.muted_spaces,"
		" muted_threads = EXCLUDED.muted_threads, updated_at = now()",
		7, p);
	free(spaces);
	free(threads);
	if (rc < 0)
		return rc;
	PQclear(res);
	return 0;
}
