/* app_record_list.c - GET /v1/apps/:id/records: filter, search, sort and
 * page the live records of a readable app */
#include "records.h"

#include <stdio.h>

enum MHD_Result rec_app_record_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct rec_app_def def = {0};
	struct rec_app_query q = {0};
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_load(req, pg, req->params[0], &def) ||
	    !rec_app_query_parse(req, &def, &q)) {
		r = req->result;
		goto out;
	}
	json_t *ids = NULL;
	long total = 0;
	int rc = rec_db_app_record_ids(pg, req->identity.tenant, def.id, &q, &ids, &total);
	if (rc < 0) {
		r = cl_http_fail(req, rc);
		goto out;
	}
	json_t *records = json_array();
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id) {
		json_t *rec = rec_app_record_json_for(pg, &req->identity, &def, json_string_value(id));
		if (rec)
			json_array_append_new(records, rec);
	}
	long next = q.offset + (long)json_array_size(ids);
	json_t *cursor = json_null();
	if (next < total && json_array_size(ids) > 0) {
		char buf[24];
		snprintf(buf, sizeof buf, "%ld", next);
		cursor = json_string(buf);
	}
	json_decref(ids);
	r = cl_http_json(req, 200, json_pack("{s:o, s:I, s:o}", "records", records, "total",
					     (json_int_t)total, "next_cursor", cursor));
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_query_release(&q);
	rec_app_def_release(&def);
	return r;
}
