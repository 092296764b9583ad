/* app_values.c - checks of the values of app records against their field
 * definitions: the pure per-type rules, the rules across fields, and the
 * lookup of user, organisation and facility ids */
#include "records.h"
#include "carelink/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_type(const json_t *field, const char *t)
{
	const char *v = json_string_value(json_object_get(field, "type"));
	return v && !strcmp(v, t);
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool date_parts(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
		return false;
	*y = num(s, 4);
	*m = num(s + 5, 2);
	*d = num(s + 8, 2);
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1)
		return false;
	return *d <= mdays[*m - 1] + (*m == 2 && leap(*y));
}

/* an RFC 3339 date-time with offset into "YYYY-MM-DDTHH:MM:SS+09:00";
 * false when s is not one */
static bool datetime_normalise(const char *s, char out[48])
{
	int y, mo, d;
	if (strlen(s) < 16 || !date_parts(s, &y, &mo, &d) || (s[10] != 'T' && s[10] != 't'))
		return false;
	const char *p = s + 11;
	if (!digits(p, 2) || p[2] != ':' || !digits(p + 3, 2))
		return false;
	int hh = num(p, 2), mi = num(p + 3, 2), ss = 0;
	p += 5;
	if (*p == ':') {
		if (!digits(p + 1, 2))
			return false;
		ss = num(p + 1, 2);
		p += 3;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return false;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (hh > 23 || mi > 59 || ss > 60)
		return false;
	long off;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' &&
		   digits(p + 4, 2) && p[6] == '\0') {
		int oh = num(p + 1, 2), om = num(p + 4, 2);
		if (oh > 23 || om > 59)
			return false;
		off = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
	} else {
		return false;
	}
	if (ss == 60)
		ss = 59;
	long long t = (long long)cl_days_from_civil(y, mo, d) * 86400 + hh * 3600L + mi * 60L + ss -
		      off + 9 * 3600L;
	long days = (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
	long rest = (long)(t - (long long)days * 86400);
	long cy, cm, cd;
	cl_civil_from_days(days, &cy, &cm, &cd);
	if (cy < 1 || cy > 9999)
		return false;
	y = (int)cy;
	mo = (int)cm;
	d = (int)cd;
	unsigned h = (unsigned)(rest / 3600) % 24, m = (unsigned)(rest / 60) % 60,
		 sec = (unsigned)rest % 60;
	snprintf(out, 48, "%04d-%02d-%02dT%02u:%02u:%02u+09:00", y % 10000, mo % 13, d % 32, h, m,
		 sec);
	return true;
}

static bool phone_valid(const char *s)
{
	int n = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			n++;
		else if (!strchr(" -+()", *p))
			return false;
	}
	return n >= 2 && n <= 20;
}

static bool link_valid(const char *s)
{
	size_t len = strlen(s);
	const char *rest;
	if (len > REC_APP_LINK_MAX)
		return false;
	if (!strncmp(s, "https://", 8))
		rest = s + 8;
	else if (!strncmp(s, "http://", 7))
		rest = s + 7;
	else
		return false;
	if (!*rest || *rest == '/' || *rest == '?' || *rest == '#')
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

static bool in_choices(const json_t *field, const char *s)
{
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(field, "choices"), i, c)
		if (!strcmp(json_string_value(c), s))
			return true;
	return false;
}

/* a trimmed text of 1..max code points; reason or NULL */
static const char *text_value(const json_t *value, size_t max, bool one_line, json_t **out)
{
	if (!json_is_string(value))
		return "文字列ではありません";
	size_t n = 0;
	char *t = rec_text_trim(json_string_value(value), &n);
	const char *why = NULL;
	if (n < 1)
		why = "空です";
	else if (n > max)
		why = max == REC_APP_TEXT_MAX ? "1000文字を超えています" : "10000文字を超えています";
	else if (one_line && strpbrk(t, "\r\n"))
		why = "改行は入れられません";
	if (!why)
		*out = json_string(t);
	free(t);
	return why;
}

const char *rec_app_value_check(const json_t *field, const json_t *value, json_t **out)
{
	*out = NULL;
	const char *s = json_string_value(value);
	if (is_type(field, "text"))
		return text_value(value, REC_APP_TEXT_MAX, true, out);
	if (is_type(field, "long_text"))
		return text_value(value, REC_APP_LONG_TEXT_MAX, false, out);
	if (is_type(field, "number")) {
		if (!json_is_number(value) || !isfinite(json_number_value(value)))
			return "数値ではありません";
		double v = json_number_value(value);
		const json_t *min = json_object_get(field, "min"), *max = json_object_get(field, "max");
		if (json_is_number(min) && v < json_number_value(min))
			return "最小値より小さい値です";
		if (json_is_number(max) && v > json_number_value(max))
			return "最大値より大きい値です";
		*out = json_deep_copy(value);
		return NULL;
	}
	if (is_type(field, "date")) {
		int y, m, d;
		if (!s || strlen(s) != 10 || !date_parts(s, &y, &m, &d))
			return "日付（YYYY-MM-DD）ではありません";
		*out = json_string(s);
		return NULL;
	}
	if (is_type(field, "datetime")) {
		char buf[48];
		if (!s || !datetime_normalise(s, buf))
			return "日時（例 2026-12-01T14:00:00+09:00）ではありません";
		*out = json_string(buf);
		return NULL;
	}
	if (is_type(field, "choice")) {
		if (!s)
			return "文字列ではありません";
		if (!in_choices(field, s))
			return "選択肢にない値です";
		*out = json_string(s);
		return NULL;
	}
	if (is_type(field, "multi_choice")) {
		if (!json_is_array(value))
			return "選択肢の配列ではありません";
		json_t *a = json_array();
		size_t i, j;
		const json_t *c, *o;
		json_array_foreach(value, i, c) {
			const char *v = json_string_value(c);
			const char *why = !v ? "選択肢の配列ではありません"
					     : !in_choices(field, v) ? "選択肢にない値があります" : NULL;
			json_array_foreach(a, j, o)
				if (v && !strcmp(json_string_value(o), v))
					why = "同じ選択肢が重複しています";
			if (why) {
				json_decref(a);
				return why;
			}
			json_array_append_new(a, json_string(v));
		}
		*out = a;
		return NULL;
	}
	if (is_type(field, "user") || is_type(field, "organisation")) {
		if (!s || !*s || strlen(s) >= CL_IDENTITY_FIELD_MAX)
			return "IDではありません";
		*out = json_string(s);
		return NULL;
	}
	if (is_type(field, "facility")) {
		if (!s || !cl_uuid_valid(s))
			return "事業所のIDではありません";
		*out = json_string(s);
		return NULL;
	}
	if (is_type(field, "phone")) {
		size_t n = 0;
		char *t = s ? rec_text_trim(s, &n) : NULL;
		const char *why = !t ? "文字列ではありません"
			       : !phone_valid(t) ? "電話番号（数字2〜20桁と - + ( ) 空白）ではありません"
						 : NULL;
		if (!why)
			*out = json_string(t);
		free(t);
		return why;
	}
	if (is_type(field, "link")) {
		size_t n = 0;
		char *t = s ? rec_text_trim(s, &n) : NULL;
		const char *why = !t ? "文字列ではありません"
			       : !link_valid(t) ? "http:// か https:// で始まるURL（2000文字まで）ではありません"
						: NULL;
		if (!why)
			*out = json_string(t);
		free(t);
		return why;
	}
	return "この種類の値は扱えません";
}

static void error_add(json_t *errors, const char *field, const char *reason)
{
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "reason", reason));
}

/* an empty value: null, an empty or blank string, an empty array */
static bool empty_value(const json_t *v)
{
	if (!v || json_is_null(v))
		return true;
	if (json_is_array(v))
		return json_array_size(v) == 0;
	if (json_is_string(v)) {
		size_t n = 0;
		free(rec_text_trim(json_string_value(v), &n));
		return n == 0;
	}
	return false;
}

json_t *rec_app_values_shape(const json_t *fields, const json_t *values, bool partial,
			     json_t *errors)
{
	json_t *out = json_object();
	const char *key;
	json_t *v;
	if (!json_is_object(values)) {
		error_add(errors, "values", "オブジェクトではありません");
		return out;
	}
	json_object_foreach((json_t *)values, key, v)
		if (!rec_app_field_find(fields, key))
			error_add(errors, key, "この項目はありません");
	size_t i;
	const json_t *f;
	json_array_foreach(fields, i, f) {
		const char *k = json_string_value(json_object_get(f, "key"));
		bool required = json_is_true(json_object_get(f, "required"));
		v = json_object_get(values, k);
		if (partial && !v)
			continue;
		if (empty_value(v)) {
			if (required)
				error_add(errors, k, "必須の項目です");
			else if (partial)
				json_object_set_new(out, k, json_null());
			continue;
		}
		json_t *norm;
		const char *why = rec_app_value_check(f, v, &norm);
		if (why)
			error_add(errors, k, why);
		else
			json_object_set_new(out, k, norm);
	}
	return out;
}

void rec_app_values_rules(const json_t *fields, const json_t *values, json_t *errors)
{
	const json_t *s = rec_app_field_find(fields, "starts_at");
	const json_t *e = rec_app_field_find(fields, "ends_at");
	if (!s || !e || !json_is_true(json_object_get(s, "builtin")) ||
	    !json_is_true(json_object_get(e, "builtin")))
		return;
	const char *sv = json_string_value(json_object_get(values, "starts_at"));
	const char *ev = json_string_value(json_object_get(values, "ends_at"));
	/* both normalised to +09:00: the text order is the time order */
	if (sv && ev && strcmp(ev, sv) < 0)
		error_add(errors, "ends_at", "開始日時より前です");
}

char *rec_app_search_text(const json_t *fields, const json_t *values)
{
	size_t cap = 256, len = 0;
	char *buf = cl_xmalloc(cap);
	buf[0] = '\0';
	size_t i;
	const json_t *f;
	json_array_foreach(fields, i, f) {
		if (!(is_type(f, "text") || is_type(f, "long_text") || is_type(f, "phone") ||
		      is_type(f, "link") || is_type(f, "choice") || is_type(f, "multi_choice")))
			continue;
		const json_t *v = json_object_get(values, json_string_value(json_object_get(f, "key")));
		size_t j, n = json_is_array(v) ? json_array_size(v) : 1;
		for (j = 0; j < n; j++) {
			const char *s = json_string_value(json_is_array(v) ? json_array_get(v, j) : v);
			if (!s)
				continue;
			size_t sl = strlen(s);
			while (len + sl + 2 > cap) {
				cap *= 2;
				buf = cl_xrealloc(buf, cap);
			}
			if (len)
				buf[len++] = '\n';
			memcpy(buf + len, s, sl + 1);
			len += sl;
		}
	}
	return buf;
}

int rec_app_values_check(struct cl_pg *pg, const char *tenant, const json_t *fields,
			 const json_t *values, bool partial, json_t *errors,
			 json_t **normalised)
{
	*normalised = NULL;
	size_t before = json_array_size(errors);
	json_t *out = rec_app_values_shape(fields, values, partial, errors);
	if (!partial)
		rec_app_values_rules(fields, out, errors);
	/* ids: one statement per field that has a value */
	size_t i;
	const json_t *f;
	json_array_foreach(fields, i, f) {
		const char *type = json_string_value(json_object_get(f, "type"));
		const char *k = json_string_value(json_object_get(f, "key"));
		const json_t *v = json_object_get(out, k);
		if (!json_is_string(v) || !(is_type(f, "user") || is_type(f, "organisation") ||
					    is_type(f, "facility")))
			continue;
		json_t *ids = json_pack("[O]", v), *unknown = NULL;
		char *text = json_dumps(ids, JSON_COMPACT);
		int rc = rec_db_app_ids_unknown(pg, tenant, type, text, &unknown);
		free(text);
		json_decref(ids);
		if (rc < 0) {
			json_decref(out);
			return rc;
		}
		if (json_array_size(unknown) > 0)
			error_add(errors, k,
				  is_type(f, "user") ? "この自治体の利用者ではありません"
				  : is_type(f, "organisation") ? "この自治体の組織ではありません"
							       : "事業所一覧にない事業所です");
		json_decref(unknown);
	}
	if (json_array_size(errors) > before) {
		json_decref(out);
		return 0;
	}
	*normalised = out;
	return 0;
}
