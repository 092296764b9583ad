/* people.c - the people directory (GET /people, GET /people/:id) and one's
 * own profile (PATCH /me/profile); the paging helpers the module shares */
#include "people.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define GW_CURSOR_MAX 1024 /* characters of an opaque cursor */

size_t gw_text_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* true when s is valid UTF-8 (jansson refuses to make a string otherwise) */
static bool utf8_ok(const char *s)
{
	json_t *j = json_string(s);
	json_decref(j);
	return j != NULL;
}

/* control characters other than tab and line breaks */
static bool has_control(const char *s, bool allow_breaks)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (allow_breaks && (c == '\t' || c == '\n' || c == '\r'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

bool gw_query_limit(struct cl_http_req *req, int *limit)
{
	struct cl_http_page page;
	if (cl_http_page_parse(cl_http_query(req, "limit"), NULL, &page) < 0) {
		cl_http_error(req, 400, "invalid_limit", "limit は 1 から 200 の数です");
		return false;
	}
	*limit = (int)page.limit;
	return true;
}

char *gw_cursor_encode(const char *key, const char *id)
{
	json_t *pair = json_pack("[s, s]", key, id);
	char *text = json_dumps(pair, JSON_COMPACT);
	json_decref(pair);
	if (!text)
		abort();
	size_t len = strlen(text);
	size_t size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = cl_xmalloc(size);
	sodium_bin2base64(out, size, (const unsigned char *)text, len,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(text);
	return out;
}

bool gw_cursor_decode(const char *cursor, char *key, size_t key_size, char id[37])
{
	size_t clen = strlen(cursor);
	if (!clen || clen > GW_CURSOR_MAX)
		return false;
	unsigned char bin[GW_CURSOR_MAX];
	size_t len = 0;
	if (sodium_base642bin(bin, sizeof bin, cursor, clen, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return false;
	json_t *pair = json_loadb((const char *)bin, len, JSON_REJECT_DUPLICATES, NULL);
	const char *k = NULL, *i = NULL;
	bool ok = json_is_array(pair) && json_array_size(pair) == 2 &&
		  !json_unpack(pair, "[s, s]", &k, &i) && cl_uuid_valid(i) &&
		  strlen(k) < key_size;
	if (ok) {
		cl_strlcpy(key, k, key_size);
		cl_strlcpy(id, i, 37);
	}
	json_decref(pair);
	return ok;
}

/* q as an ILIKE pattern matching it anywhere: "%" + q + "%" with the
 * pattern's own characters (% _ \) escaped; caller frees */
static char *like_pattern(const char *q)
{
	size_t n = strlen(q);
	char *out = cl_xmalloc(2 * n + 3);
	char *o = out;
	*o++ = '%';
	for (const char *s = q; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

/* q without the spaces around it (ASCII and the ideographic space) */
static char *trimmed(const char *q)
{
	static const char ideo[] = "\xe3\x80\x80"; /* U+3000 */
	for (;;) {
		if (*q == ' ' || *q == '\t')
			q++;
		else if (!strncmp(q, ideo, 3))
			q += 3;
		else
			break;
	}
	char *out = cl_xstrdup(q);
	size_t n = strlen(out);
	for (;;) {
		if (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
			out[--n] = '\0';
		else if (n >= 3 && !memcmp(out + n - 3, ideo, 3))
			out[n -= 3] = '\0';
		else
			break;
	}
	return out;
}

enum MHD_Result gw_people_list(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_auth_require(req, &u, NULL))
		return req->result;
	struct gw_people_query q = {.tenant = u.id.tenant};
	if (!gw_query_limit(req, &q.limit))
		return req->result;

	const char *org = cl_http_query(req, "organisation");
	if (org && *org) {
		if (!cl_uuid_valid(org))
			return cl_http_error(req, 400, "invalid_query",
					     "organisation は組織の ID です");
		q.organisation = org;
	}
	const char *prof = cl_http_query(req, "profession");
	if (prof && *prof) {
		if (strlen(prof) > 64 || !utf8_ok(prof))
			return cl_http_error(req, 400, "invalid_query", "profession が正しくありません");
		q.profession = prof;
	}
	char after_name[768], after_id[37];
	const char *cursor = cl_http_query(req, "cursor");
	if (cursor && *cursor) {
		if (!gw_cursor_decode(cursor, after_name, sizeof after_name, after_id))
			return cl_http_error(req, 400, "invalid_cursor",
					     "cursor は前の答えの next_cursor です");
		q.after_name = after_name;
		q.after_id = after_id;
	}
	char *pattern = NULL;
	const char *raw = cl_http_query(req, "q");
	if (raw) {
		if (!utf8_ok(raw) || has_control(raw, false))
			return cl_http_error(req, 400, "invalid_query", "q が正しくありません");
		char *t = trimmed(raw);
		if (gw_text_chars(t) > GW_QUERY_MAX) {
			free(t);
			return cl_http_error(req, 400, "invalid_query",
					     "q は 100 文字までです");
		}
		if (*t)
			pattern = like_pattern(t);
		free(t);
	}
	q.pattern = pattern;

	int want = q.limit;
	q.limit = want + 1; /* one more tells whether there is a next page */
	json_t *people = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_people_search(pg, &q, &people);
	cl_pg_pool_put(&app->svc->pool, pg);
	free(pattern);
	if (rc < 0)
		return cl_http_fail(req, rc);

	json_t *next = json_null();
	if (json_array_size(people) > (size_t)want) {
		json_array_remove(people, (size_t)want);
		json_t *last = json_array_get(people, (size_t)want - 1);
		char *c = gw_cursor_encode(json_string_value(json_object_get(last, "name")),
					   json_string_value(json_object_get(last, "id")));
		next = json_string(c);
		free(c);
	}
	return cl_http_json(req, 200,
			    json_pack("{s:o, s:o}", "people", people, "next_cursor", next));
}

enum MHD_Result gw_person_get(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_auth_require(req, &u, NULL))
		return req->result;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return cl_http_error(req, 404, "not_found", "この人は見つかりません");
	json_t *person = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_person_get(pg, u.id.tenant, id, !strcmp(id, u.id.user), &person);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "not_found", "この人は見つかりません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "person", person));
}

/* digits and hyphens, one leading '+' at most, at least one digit first */
static bool phone_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return true; /* clears it */
	if (n > GW_PHONE_MAX || s[n - 1] == '-')
		return false;
	if (*s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

/* the areas' rules; NULL when they hold, else the message to answer */
static const char *areas_problem(const json_t *areas)
{
	if (json_array_size(areas) > GW_AREAS_MAX)
		return "担当地域は 20 件までです";
	size_t i, j;
	json_t *a, *b;
	json_array_foreach(areas, i, a)
	{
		const char *s = json_string_value(a);
		if (!*s)
			return "担当地域に空の項目があります";
		if (gw_text_chars(s) > GW_AREA_MAX)
			return "担当地域の各項目は 40 文字までです";
		if (has_control(s, false))
			return "担当地域に制御文字は使えません";
		json_array_foreach(areas, j, b)
		{
			if (j >= i)
				break;
			if (!strcmp(s, json_string_value(b)))
				return "担当地域が重複しています";
		}
	}
	return NULL;
}

enum MHD_Result gw_profile_patch(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_auth_require(req, &u, NULL))
		return req->result;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;

	struct gw_profile_patch d = {0};
	json_t *areas = NULL;
	json_error_t jerr;
	enum MHD_Result r;
	char *areas_json = NULL;
	const char *problem;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s?s, s?o, s?s, s?s}", "work_phone",
			   &d.work_phone, "areas", &areas, "can_help_with", &d.can_help_with,
			   "language", &d.language)) {
		r = cl_http_error(req, 400, "invalid_body", jerr.text);
		goto out;
	}
	if (d.work_phone && !phone_ok(d.work_phone)) {
		r = cl_http_error(req, 400, "invalid_phone",
				  "電話番号は数字とハイフン（先頭に + も可）で 20 文字までです");
		goto out;
	}
	if (areas) {
		size_t i;
		json_t *a;
		bool strings = json_is_array(areas);
		json_array_foreach(areas, i, a) strings = strings && json_is_string(a);
		if (!strings) {
			r = cl_http_error(req, 400, "invalid_body",
					  "areas must be an array of strings");
			goto out;
		}
		if ((problem = areas_problem(areas))) {
			r = cl_http_error(req, 400, "invalid_areas", problem);
			goto out;
		}
		areas_json = json_dumps(areas, JSON_COMPACT);
		d.areas_json = areas_json;
	}
	if (d.can_help_with && (gw_text_chars(d.can_help_with) > GW_HELP_MAX ||
				has_control(d.can_help_with, true))) {
		r = cl_http_error(req, 400, "invalid_can_help_with",
				  "「お手伝いできること」は 1000 文字までです（制御文字は使えません）");
		goto out;
	}
	if (d.language && strcmp(d.language, "ja") && strcmp(d.language, "en")) {
		r = cl_http_error(req, 400, "invalid_language", "language は ja か en です");
		goto out;
	}

	json_t *person = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_profile_update(pg, u.id.user, &d);
	if (rc == 0)
		rc = gw_db_person_get(pg, u.id.tenant, u.id.user, true, &person);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		r = cl_http_fail(req, rc);
	else
		r = cl_http_json(req, 200, json_pack("{s:o}", "person", person));
out:
	free(areas_json);
	json_decref(body);
	return r;
}
