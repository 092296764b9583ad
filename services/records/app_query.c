/* app_query.c - the parameters of GET /v1/apps/:id/records: q, sort,
 * limit, cursor and the f. / from. / to. filters, checked against the
 * app's fields */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rec_app_query_release(struct rec_app_query *q)
{
	free(q->q);
	json_decref(q->filters);
	free(q->sort_key);
	memset(q, 0, sizeof *q);
}

struct parse {
	const struct rec_app_def *app;
	struct rec_app_query *q;
	char msg[300];
};

static bool type_in(const json_t *f, const char *const *types)
{
	const char *t = json_string_value(json_object_get(f, "type"));
	for (size_t i = 0; types[i]; i++)
		if (!strcmp(t, types[i]))
			return true;
	return false;
}

static bool number_text(const char *v)
{
	json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);
	bool ok = json_is_number(j);
	json_decref(j);
	return ok;
}

/* one filter parameter; false with msg */
static bool filter_add(struct parse *p, const char *op, const char *key, const char *v)
{
	static const char *const eq_types[] = {"choice", "multi_choice", "user", "organisation",
					       "facility", "date", "number", NULL};
	static const char *const range_types[] = {"date", "datetime", "number", NULL};
	const json_t *f = rec_app_field_find(p->app->fields, key);
	bool eq = !strcmp(op, "eq");
	if (!f || !type_in(f, eq ? eq_types : range_types)) {
		snprintf(p->msg, sizeof p->msg, "項目「%.60s」では絞り込めません", key);
		return false;
	}
	const char *type = json_string_value(json_object_get(f, "type"));
	const char *kind = !strcmp(type, "number") ? "num" : !strcmp(type, "multi_choice") ? "multi"
											   : "text";
	char value[64];
	const char *val = v;
	if (!strcmp(type, "number") && !number_text(v)) {
		snprintf(p->msg, sizeof p->msg, "項目「%s」の絞り込みの値が数値ではありません", key);
		return false;
	}
	if (!strcmp(type, "date") || !strcmp(type, "datetime")) {
		json_t *probe = json_pack("{s:s}", "type", strlen(v) == 10 ? "date" : "datetime");
		json_t *s = json_string(v), *norm = NULL;
		const char *why = rec_app_value_check(probe, s, &norm);
		json_decref(probe);
		json_decref(s);
		if (why || (!strcmp(type, "date") && strlen(v) != 10)) {
			json_decref(norm);
			snprintf(p->msg, sizeof p->msg, "項目「%s」の絞り込みの日付・日時が正しくありません",
				 key);
			return false;
		}
		cl_strlcpy(value, json_string_value(norm), sizeof value);
		json_decref(norm);
		/* a day of a datetime field: the whole day in Asia/Tokyo */
		if (!strcmp(type, "datetime") && strlen(v) == 10)
			snprintf(value, sizeof value, "%sT%s+09:00", v,
				 !strcmp(op, "to") ? "23:59:59" : "00:00:00");
		val = value;
	}
	json_array_append_new(p->q->filters, json_pack("{s:s, s:s, s:s, s:s}", "key", key, "op",
						       op, "kind", kind, "v", val));
	return true;
}

static bool sort_set(struct parse *p, const char *v)
{
	bool desc = *v == '-';
	const char *key = desc ? v + 1 : v;
	p->q->descending = desc;
	if (!strcmp(key, "created_at") || !strcmp(key, "updated_at")) {
		p->q->sort_kind = key[0] == 'c' ? "created" : "updated";
		return true;
	}
	const json_t *f = rec_app_field_find(p->app->fields, key);
	if (!f) {
		snprintf(p->msg, sizeof p->msg, "並べ替えの項目「%.60s」はありません", key);
		return false;
	}
	p->q->sort_key = cl_xstrdup(key);
	p->q->sort_kind = !strcmp(json_string_value(json_object_get(f, "type")), "number") ? "num"
											     : "text";
	return true;
}

static enum MHD_Result arg_visit(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	(void)kind;
	struct parse *p = cls;
	if (p->msg[0])
		return MHD_NO;
	const char *v = value ? value : "";
	if (!strncmp(key, "f.", 2))
		filter_add(p, "eq", key + 2, v);
	else if (!strncmp(key, "from.", 5))
		filter_add(p, "from", key + 5, v);
	else if (!strncmp(key, "to.", 3))
		filter_add(p, "to", key + 3, v);
	else if (!strcmp(key, "sort"))
		sort_set(p, v);
	else if (!strcmp(key, "q") || !strcmp(key, "limit") || !strcmp(key, "cursor") ||
		 !strcmp(key, "encoding"))
		; /* read below; encoding belongs to the export */
	else
		snprintf(p->msg, sizeof p->msg, "知らないパラメータ「%.60s」です", key);
	return p->msg[0] ? MHD_NO : MHD_YES;
}

/* ILIKE pattern for a substring: %, _ and \ escaped; caller frees */
static char *like_pattern(const char *s)
{
	size_t n = strlen(s);
	char *out = cl_xmalloc(2 * n + 3), *o = out;
	*o++ = '%';
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

bool rec_app_query_parse(struct cl_http_req *req, const struct rec_app_def *app,
			 struct rec_app_query *q)
{
	memset(q, 0, sizeof *q);
	q->filters = json_array();
	q->sort_kind = "updated";
	q->descending = true;
	q->limit = CL_HTTP_PAGE_DEFAULT;
	struct parse p = {.app = app, .q = q};
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, arg_visit, &p);
	if (p.msg[0]) {
		cl_http_error(req, 400, "invalid_query", p.msg);
		return false;
	}
	const char *text = cl_http_query(req, "q");
	if (text && *text) {
		size_t n = 0;
		char *t = rec_text_trim(text, &n);
		if (n > 200) {
			free(t);
			cl_http_error(req, 400, "invalid_query", "検索語は200文字までです");
			return false;
		}
		if (n > 0)
			q->q = like_pattern(t);
		free(t);
	}
	const char *limit = cl_http_query(req, "limit"), *cursor = cl_http_query(req, "cursor");
	char *end;
	if (limit) {
		q->limit = strtol(limit, &end, 10);
		if (*end || end == limit || q->limit < 1 || q->limit > CL_HTTP_PAGE_MAX) {
			cl_http_error(req, 400, "invalid_query", "limit は1〜200で指定してください");
			return false;
		}
	}
	if (cursor && *cursor) {
		q->offset = strtol(cursor, &end, 10);
		if (*end || q->offset < 0 || q->offset > 100000000) {
			cl_http_error(req, 400, "invalid_query", "cursor が正しくありません");
			return false;
		}
	}
	return true;
}
