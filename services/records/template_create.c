/* template_create.c - POST /v1/entry-templates {name, category, fields,
 * text, shared}: defaults for an entry form, held to the entries' rules */
#include "entries.h"

#include <stdlib.h>

enum MHD_Result rec_template_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	json_error_t jerr;
	const char *name = NULL, *category = NULL, *text = "";
	json_t *fields = NULL;
	int shared = 0;
	enum MHD_Result r;
	/* an optional member given as null is absent */
	const char *key;
	json_t *value;
	void *tmp;
	json_object_foreach_safe(body, tmp, key, value)
		if (json_is_null(value))
			json_object_del(body, key);
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s, s?o, s?s, s?b}", "name", &name,
			   "category", &category, "fields", &fields, "text", &text, "shared",
			   &shared)) {
		r = cl_http_error(req, 400, "invalid_body", jerr.text);
		goto out;
	}
	size_t n = cl_utf8_length(name);
	if (n < 1 || n > REC_TEMPLATE_NAME_MAX) {
		r = cl_http_error(req, 400, "invalid_name", "テンプレート名は 1 から 100 文字です");
		goto out;
	}
	struct rec_entry_problem p = {0};
	if (!rec_template_fields_check(category, fields, &p)) {
		r = cl_http_error(req, 400, p.code, p.message);
		goto out;
	}
	if (cl_utf8_length(text) > REC_ENTRY_TEXT_MAX) {
		r = cl_http_error(req, 400, "invalid_text", "text は 10000 文字までです");
		goto out;
	}
	json_t *empty = json_object();
	char *fields_text = json_dumps(fields ? fields : empty, JSON_COMPACT);
	json_decref(empty);
	json_t *t = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_template_insert(pg, &req->identity, name, category, fields_text, text,
					shared, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	free(fields_text);
	r = rc < 0 ? cl_http_fail(req, rc) : cl_http_json(req, 201, json_pack("{s:o}", "template", t));
out:
	json_decref(body);
	return r;
}
