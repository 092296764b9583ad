/* search.c - GET /v1/search: substring search over the posts and comments
 * of every space the caller may see, newest first */
#include "records.h"
#include "carelink/err.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ?limit=: 1..REC_SEARCH_LIMIT_MAX, default REC_SEARCH_LIMIT_DEFAULT; -1 */
static int parse_limit(const char *s)
{
	if (!s)
		return REC_SEARCH_LIMIT_DEFAULT;
	if (*s < '0' || *s > '9')
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || *end || v < 1 || v > REC_SEARCH_LIMIT_MAX ? -1 : (int)v;
}

/* an empty query parameter is one not given */
static const char *param(struct cl_http_req *req, const char *key)
{
	const char *v = cl_http_query(req, key);
	return v && *v ? v : NULL;
}

enum MHD_Result rec_search(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *q = param(req, "q"), *author = param(req, "author");
	const char *space = param(req, "space"), *thread = param(req, "thread");
	const char *from = param(req, "from"), *to = param(req, "to");
	const char *cursor = param(req, "cursor");
	struct rec_search_query sq = {.space_id = space, .thread_id = thread,
				      .author_id = author, .from = from, .to = to};
	char us[24], id[CL_UUID_LEN + 1];

	if (!q && !author)
		return cl_http_error(req, 400, "invalid_query",
				     "検索語（q）か投稿者（author）を指定してください");
	if ((q && (!rec_utf8_valid(q) || rec_utf8_count(q, strlen(q)) > REC_SEARCH_QUERY_MAX)) ||
	    (author && (!rec_utf8_valid(author) || strlen(author) > CL_IDENTITY_FIELD_MAX)))
		return cl_http_error(req, 400, "invalid_query",
				     "検索語は 1 から 200 文字の UTF-8 です");
	if ((from && !rec_date_valid(from)) || (to && !rec_date_valid(to)))
		return cl_http_error(req, 400, "invalid_query",
				     "日付は YYYY-MM-DD の形で指定してください");
	sq.limit = parse_limit(cl_http_query(req, "limit"));
	if (sq.limit < 0)
		return cl_http_error(req, 400, "invalid_limit",
				     "limit は 1 から 100 の整数です");
	if (cursor) {
		if (!rec_search_cursor_parse(cursor, us, id))
			return cl_http_error(req, 400, "invalid_cursor", "cursor が不正です");
		sq.cursor_us = us;
		sq.cursor_id = id;
	}
	/* a space or thread that cannot exist finds nothing, like one that
	 * is not visible */
	if ((space && !cl_uuid_valid(space)) || (thread && !cl_uuid_valid(thread)))
		return cl_http_json(req, 200, json_pack("{s:[], s:n}", "hits", "next_cursor"));

	char *pattern = q ? rec_like_pattern(q) : NULL;
	sq.pattern = pattern;
	json_t *hits = NULL;
	char *next = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_search(pg, &req->identity, &sq, &hits, &next);
	cl_pg_pool_put(&app->svc->pool, pg);
	free(pattern);
	if (rc < 0)
		return cl_http_fail(req, rc);
	json_t *body = json_pack("{s:o, s:o}", "hits", hits, "next_cursor",
				 next ? json_string(next) : json_null());
	free(next);
	return cl_http_json(req, 200, body);
}
