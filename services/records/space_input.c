/* space_input.c - checks of the values of space and thread requests:
 * trimmed names and titles, profession codes, lists of ids */
#include "records.h"

#include <stdlib.h>
#include <string.h>

/* length of the white space (ASCII blank or U+3000) at s, 0 when none */
static size_t blank_at(const char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
		return 1;
	if (!strncmp(s, "\xe3\x80\x80", 3))
		return 3;
	return 0;
}

char *rec_text_trim(const char *s, size_t *count)
{
	size_t n;
	while ((n = blank_at(s)) > 0)
		s += n;
	/* the end: after the last character that is not white space */
	const char *end = s;
	for (const char *p = s; *p;) {
		n = blank_at(p);
		if (n) {
			p += n;
			continue;
		}
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		end = p;
	}
	size_t len = (size_t)(end - s);
	char *out = cl_xmalloc(len + 1);
	memcpy(out, s, len);
	out[len] = '\0';
	size_t cps = 0;
	for (size_t i = 0; i < len; i++)
		cps += ((unsigned char)out[i] & 0xC0) != 0x80;
	*count = cps;
	return out;
}

bool rec_profession_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > REC_PROFESSION_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return false;
	return true;
}

bool rec_string_array(const json_t *a, size_t max)
{
	size_t i;
	json_t *v;
	if (!json_is_array(a) || json_array_size(a) > max)
		return false;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return false;
	return true;
}

void rec_space_fields_release(struct rec_space_fields *f)
{
	free(f->name);
	free(f->description);
	json_decref(f->professions);
	json_decref(f->organisations);
	json_decref(f->admins);
	memset(f, 0, sizeof *f);
	f->archived = -1;
}

/* a copy of the array a of strings without repeats, in first-seen order */
static json_t *unique_strings(const json_t *a)
{
	json_t *out = json_array();
	size_t i, j;
	json_t *v, *w;
	json_array_foreach(a, i, v) {
		bool seen = false;
		json_array_foreach(out, j, w)
			if (json_equal(v, w))
				seen = true;
		if (!seen)
			json_array_append(out, v);
	}
	return out;
}

json_t *rec_strings_minus(const json_t *a, const json_t *b)
{
	json_t *out = json_array();
	size_t i, j;
	json_t *v, *w;
	json_array_foreach(a, i, v) {
		bool in_b = false;
		json_array_foreach(b, j, w)
			if (json_equal(v, w))
				in_b = true;
		if (!in_b)
			json_array_append(out, v);
	}
	return out;
}

/* answers 400 with code and message; false */
static bool refuse(struct cl_http_req *req, const char *code, const char *message)
{
	cl_http_error(req, 400, code, message);
	return false;
}

static bool read_visibility(struct cl_http_req *req, json_t *vis, struct rec_space_fields *f)
{
	json_t *prof = NULL, *orgs = NULL;
	json_error_t jerr;
	if (json_unpack_ex(vis, &jerr, JSON_STRICT, "{s?o, s?o}", "professions", &prof,
			   "organisations", &orgs))
		return refuse(req, "invalid_body", jerr.text);
	if (prof && !rec_string_array(prof, REC_SPACE_LIST_MAX))
		return refuse(req, "invalid_profession",
			      "職種は200件以内の職種コードの配列で指定してください");
	if (orgs && !rec_string_array(orgs, REC_SPACE_LIST_MAX))
		return refuse(req, "unknown_organisation",
			      "組織は200件以内の組織IDの配列で指定してください");
	size_t i;
	json_t *v;
	json_array_foreach(prof, i, v)
		if (!rec_profession_valid(json_string_value(v)))
			return refuse(req, "invalid_profession",
				      "職種コードは英小文字と _ の64文字以内です");
	f->professions = prof ? unique_strings(prof) : NULL;
	f->organisations = orgs ? unique_strings(orgs) : NULL;
	return true;
}

bool rec_space_fields_read(struct cl_http_req *req, bool with_archived,
			   struct rec_space_fields *f)
{
	memset(f, 0, sizeof *f);
	f->archived = -1;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return false;
	const char *name = NULL, *description = NULL;
	json_t *vis = NULL, *admins = NULL, *archived = NULL;
	json_error_t jerr;
	bool ok = false;
	int bad = with_archived
		? json_unpack_ex(body, &jerr, JSON_STRICT, "{s?s, s?s, s?o, s?o, s?o}",
				 "name", &name, "description", &description,
				 "visibility", &vis, "admins", &admins, "archived", &archived)
		: json_unpack_ex(body, &jerr, JSON_STRICT, "{s?s, s?s, s?o, s?o}",
				 "name", &name, "description", &description,
				 "visibility", &vis, "admins", &admins);
	if (bad) {
		refuse(req, "invalid_body", jerr.text);
		goto out;
	}
	size_t n;
	if (name) {
		f->name = rec_text_trim(name, &n);
		if (n < 1 || n > REC_SPACE_NAME_MAX) {
			refuse(req, "invalid_name", "スペース名は1〜200文字で入力してください");
			goto out;
		}
	}
	if (description) {
		f->description = rec_text_trim(description, &n);
		if (n > REC_SPACE_DESCRIPTION_MAX) {
			refuse(req, "invalid_description", "説明は2000文字以内で入力してください");
			goto out;
		}
	}
	if (archived) {
		if (!json_is_boolean(archived)) {
			refuse(req, "invalid_body", "archived は true か false です");
			goto out;
		}
		f->archived = json_is_true(archived);
	}
	if (vis) {
		if (!json_is_object(vis)) {
			refuse(req, "invalid_body", "visibility はオブジェクトです");
			goto out;
		}
		if (!read_visibility(req, vis, f))
			goto out;
	}
	if (admins) {
		if (!rec_string_array(admins, REC_SPACE_LIST_MAX)) {
			refuse(req, "unknown_user", "管理者は200件以内の利用者IDの配列で指定してください");
			goto out;
		}
		f->admins = unique_strings(admins);
	}
	ok = true;
out:
	json_decref(body);
	if (!ok)
		rec_space_fields_release(f);
	return ok;
}
