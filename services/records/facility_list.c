/* facility_list.c - GET /v1/facilities: the facility directory, flattened,
 * by district then name, filtered by district, kind and q */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum MHD_Result rec_facility_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *district = cl_http_query(req, "district"), *kind = cl_http_query(req, "kind");
	const char *q = cl_http_query(req, "q"), *limit = cl_http_query(req, "limit"),
		   *cursor = cl_http_query(req, "cursor");
	long lim = CL_HTTP_PAGE_DEFAULT, off = 0;
	char *end;
	if (limit) {
		lim = strtol(limit, &end, 10);
		if (*end || end == limit || lim < 1 || lim > CL_HTTP_PAGE_MAX)
			return cl_http_error(req, 400, "invalid_query", "limit は1〜200で指定してください");
	}
	if (cursor && *cursor) {
		off = strtol(cursor, &end, 10);
		if (*end || off < 0 || off > 100000000)
			return cl_http_error(req, 400, "invalid_query", "cursor が正しくありません");
	}
	char *pattern = NULL;
	if (q && *q) {
		size_t n = 0, k = 0;
		char *t = rec_text_trim(q, &n);
		if (n > 200) {
			free(t);
			return cl_http_error(req, 400, "invalid_query", "検索語は200文字までです");
		}
		if (n > 0) {
			pattern = cl_xmalloc(2 * strlen(t) + 3);
			pattern[k++] = '%';
			for (const char *s = t; *s; s++) {
				if (*s == '%' || *s == '_' || *s == '\\')
					pattern[k++] = '\\';
				pattern[k++] = *s;
			}
			pattern[k++] = '%';
			pattern[k] = '\0';
		}
		free(t);
	}
	struct rec_app_def def = {0};
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_load(req, pg, REC_APP_FACILITIES, &def)) {
		r = req->result;
		goto out;
	}
	json_t *list = NULL;
	int rc = rec_db_facility_list(pg, req->identity.tenant, def.id,
				      district && *district ? district : NULL,
				      kind && *kind ? kind : NULL, pattern, lim + 1, off, &list);
	if (rc < 0) {
		r = cl_http_fail(req, rc);
		goto out;
	}
	json_t *next = json_null();
	if ((long)json_array_size(list) > lim) {
		char buf[24];
		json_array_remove(list, (size_t)lim);
		snprintf(buf, sizeof buf, "%ld", off + lim);
		next = json_string(buf);
	}
	r = cl_http_json(req, 200, json_pack("{s:o, s:o}", "facilities", list, "next_cursor", next));
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	free(pattern);
	return r;
}
