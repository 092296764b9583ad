/* db_search.c - SQL of search: posts and comments of every visible space */
#include "records.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>

int rec_db_search(struct cl_pg *pg, const struct cl_identity *who,
		  const struct rec_search_query *q, json_t **hits, char **next_cursor)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", q->limit + 1);
	const char *p[14] = {REC_SPACE_WHO_PARAMS(who), q->pattern,
			     q->space_id, q->thread_id, q->author_id, q->from, q->to,
			     q->cursor_us, q->cursor_id, lim};
	PGresult *res;
	/* ILIKE on the trigram index finds substrings, Japanese included; the
	 * dates are days in Asia/Tokyo, both ends inclusive */
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT json_build_object('post', rec_post_json(p, $4, " REC_SQL_SPACE_ADMIN ","
		" NOT t.closed AND NOT s.archived, s.archived,"
		" " REC_SQL_AUDIENCE("p.author_id") "),"
		" 'space', json_build_object('id', s.id, 'name', s.name),"
		" 'thread', json_build_object('id', t.id, 'title', t.title)),"
		" (floor(extract(epoch FROM p.created_at) * 1000000)::bigint)::text || '.' || p.id"
		" FROM posts p JOIN threads t ON t.id = p.thread_id"
		" JOIN spaces s ON s.id = p.space_id"
		" WHERE p.tenant_id = $1 AND " REC_SQL_SPACE_VISIBLE
		" AND p.deleted_at IS NULL"
		" AND ($6::text IS NULL OR p.body ILIKE $6::text)"
		" AND ($7::uuid IS NULL OR p.space_id = $7::uuid)"
		" AND ($8::uuid IS NULL OR p.thread_id = $8::uuid)"
		" AND ($9::text IS NULL OR p.author_id = $9::text)"
		" AND ($10::date IS NULL OR p.created_at >="
		" ($10::date::timestamp AT TIME ZONE 'Asia/Tokyo'))"
		" AND ($11::date IS NULL OR p.created_at <"
		" (($11::date + 1)::timestamp AT TIME ZONE 'Asia/Tokyo'))"
		" AND ($12::bigint IS NULL OR (p.created_at, p.id) <"
		" ('epoch'::timestamptz + $12::bigint * interval '1 microsecond', $13::uuid))"
		" ORDER BY p.created_at DESC, p.id DESC LIMIT $14::int",
		14, p);
	if (rc < 0)
		return rc;
	int n = PQntuples(res);
	json_t *out = json_array();
	for (int i = 0; i < n && i < q->limit; i++) {
		json_t *hit = json_loads(PQgetvalue(res, i, 0), 0, NULL);
		if (!hit)
			abort();
		json_array_append_new(out, hit);
	}
	*next_cursor = n > q->limit ? cl_xstrdup(PQgetvalue(res, q->limit - 1, 1)) : NULL;
	PQclear(res);
	*hits = out;
	return 0;
}
