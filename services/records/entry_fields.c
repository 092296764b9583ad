/* entry_fields.c - the pure rules of timeline entries: categories, the
 * structured fields of each with their ranges and codes, text */
#include "entries.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const categories[] = {
	"visit_note", "vitals", "medication", "adl", "incident", "message",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}
#define IN(s, list) in_list((s), (list), sizeof(list) / sizeof(list)[0])

bool rec_entry_category_ok(const char *category)
{
	return IN(category, categories);
}

static bool problem(struct rec_entry_problem *p, const char *code, const char *fmt,
		    const char *field)
{
	p->code = code;
	snprintf(p->message, sizeof p->message, fmt, field);
	return false;
}

/* ---- vitals ---- */

static const struct vital {
	const char *name;
	double min, max;
	bool integer;
	const char *unit;
} vitals[] = {
	{"systolic", 40, 300, true, "mmHg"},  {"diastolic", 20, 200, true, "mmHg"},
	{"pulse", 20, 250, true, "回/分"},    {"temperature", 30.0, 45.0, false, "℃"},
	{"spo2", 50, 100, true, "%"},         {"weight", 1.0, 300.0, false, "kg"},
	{"respiration", 4, 60, true, "回/分"},
};

static const struct vital *vital_of(const char *name)
{
	for (size_t i = 0; i < sizeof vitals / sizeof vitals[0]; i++)
		if (!strcmp(vitals[i].name, name))
			return &vitals[i];
	return NULL;
}

static bool vital_check(const struct vital *v, const json_t *value, double *out,
			struct rec_entry_problem *p)
{
	double d;
	if (json_is_integer(value))
		d = (double)json_integer_value(value);
	else if (json_is_real(value) && !v->integer)
		d = json_real_value(value);
	else
		return problem(p, "invalid_vitals", v->integer ? "%s は整数で指定してください"
							     : "%s は数値で指定してください",
			       v->name);
	if (!isfinite(d) || d < v->min || d > v->max) {
		p->code = "invalid_vitals";
		snprintf(p->message, sizeof p->message, "%s は %g から %g %s の範囲で指定してください",
			 v->name, v->min, v->max, v->unit);
		return false;
	}
	*out = d;
	return true;
}

static bool vitals_check(const json_t *fields, struct rec_entry_problem *p)
{
	const char *key;
	const json_t *value;
	double systolic = 0, diastolic = 0, d;
	bool has_sys = false, has_dia = false;
	json_object_foreach((json_t *)fields, key, value) {
		const struct vital *v = vital_of(key);
		if (!v)
			return problem(p, "invalid_fields", "バイタルに %s という項目はありません", key);
		if (!vital_check(v, value, &d, p))
			return false;
		if (!strcmp(key, "systolic")) {
			systolic = d;
			has_sys = true;
		} else if (!strcmp(key, "diastolic")) {
			diastolic = d;
			has_dia = true;
		}
	}
	if (has_sys && has_dia && diastolic >= systolic)
		return problem(p, "invalid_vitals", "%s は収縮期血圧より低い値にしてください",
			       "diastolic");
	return true;
}

/* ---- medication, adl, incident ---- */

static bool text_field(const char *key, const json_t *value, size_t min, size_t max,
		       struct rec_entry_problem *p)
{
	size_t n = json_is_string(value) ? cl_utf8_length(json_string_value(value)) : 0;
	if (!json_is_string(value) || n < min || n > max) {
		p->code = "invalid_fields";
		snprintf(p->message, sizeof p->message, "%s は %zu から %zu 文字の文字列にしてください",
			 key, min, max);
		return false;
	}
	return true;
}

static bool code_field(const char *key, const json_t *value, const char *const *codes,
		       size_t n, struct rec_entry_problem *p)
{
	if (!json_is_string(value) || !in_list(json_string_value(value), codes, n))
		return problem(p, "invalid_code", "%s の値が正しくありません", key);
	return true;
}

static const char *const changes[] = {"start", "stop", "dose", "other"};

static bool medication_check(const json_t *fields, struct rec_entry_problem *p)
{
	const char *key;
	const json_t *value;
	json_object_foreach((json_t *)fields, key, value) {
		if (!strcmp(key, "drug")) {
			if (!text_field(key, value, 1, 200, p))
				return false;
		} else if (!strcmp(key, "change")) {
			if (!code_field(key, value, changes, 4, p))
				return false;
		} else if (!strcmp(key, "dose")) {
			if (!text_field(key, value, 0, 200, p))
				return false;
		} else {
			return problem(p, "invalid_fields", "服薬変更に %s という項目はありません", key);
		}
	}
	return true;
}

static const char *const adl_levels[] = {"independent", "watch", "partial", "full"};
static const char *const adl_items[] = {"eating", "toileting", "mobility", "bathing"};

static bool adl_check(const json_t *fields, struct rec_entry_problem *p)
{
	const char *key;
	const json_t *value;
	json_object_foreach((json_t *)fields, key, value) {
		if (IN(key, adl_items)) {
			if (!code_field(key, value, adl_levels, 4, p))
				return false;
		} else if (!strcmp(key, "condition")) {
			if (!text_field(key, value, 0, 2000, p))
				return false;
		} else {
			return problem(p, "invalid_fields", "ADL に %s という項目はありません", key);
		}
	}
	return true;
}

/* "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+hh:mm|-hh:mm)" with plausible numbers */
static bool rfc3339_ok(const char *s)
{
	int y, mo, d, h, mi, n = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16)
		return false;
	if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
		return false;
	const char *t = s + n;
	if (t[0] == ':') {
		if (!(t[1] >= '0' && t[1] <= '5' && t[2] >= '0' && t[2] <= '9'))
			return false;
		t += 3;
		if (*t == '.') {
			t++;
			if (!(*t >= '0' && *t <= '9'))
				return false;
			while (*t >= '0' && *t <= '9')
				t++;
		}
	}
	if (!strcmp(t, "Z"))
		return true;
	int oh, om;
	n = 0;
	return (t[0] == '+' || t[0] == '-') && sscanf(t + 1, "%2d:%2d%n", &oh, &om, &n) == 2 &&
	       n == 5 && t[6] == '\0' && oh <= 14 && om <= 59;
}

static const char *const incident_kinds[] = {"fall", "choking", "wandering", "injury", "other"};

static bool incident_check(const json_t *fields, struct rec_entry_problem *p)
{
	const char *key;
	const json_t *value;
	json_object_foreach((json_t *)fields, key, value) {
		if (!strcmp(key, "kind")) {
			if (!code_field(key, value, incident_kinds, 5, p))
				return false;
		} else if (!strcmp(key, "injury")) {
			if (!json_is_boolean(value))
				return problem(p, "invalid_fields", "%s は true か false にしてください",
					       key);
		} else if (!strcmp(key, "occurred_at")) {
			if (!json_is_string(value) || !rfc3339_ok(json_string_value(value)))
				return problem(p, "invalid_fields",
					       "%s は RFC 3339 の日時にしてください", key);
		} else {
			return problem(p, "invalid_fields", "事故・転倒に %s という項目はありません",
				       key);
		}
	}
	return true;
}

static bool fields_of(const char *category, const json_t *fields, struct rec_entry_problem *p)
{
	if (!strcmp(category, "vitals"))
		return vitals_check(fields, p);
	if (!strcmp(category, "medication"))
		return medication_check(fields, p);
	if (!strcmp(category, "adl"))
		return adl_check(fields, p);
	if (!strcmp(category, "incident"))
		return incident_check(fields, p);
	/* visit_note, message: free text only */
	if (json_object_size(fields) > 0) {
		const char *key = json_object_iter_key(json_object_iter((json_t *)fields));
		return problem(p, "invalid_fields", "この種類の記録に %s という項目はありません", key);
	}
	return true;
}

static bool shape_check(const char *category, const json_t *fields, struct rec_entry_problem *p)
{
	if (!rec_entry_category_ok(category))
		return problem(p, "invalid_code", "記録の種類 %s はありません",
			       category ? category : "(なし)");
	if (fields && !json_is_object(fields))
		return problem(p, "invalid_fields", "%s はオブジェクトにしてください", "fields");
	return !fields || fields_of(category, fields, p);
}

bool rec_template_fields_check(const char *category, const json_t *fields,
			       struct rec_entry_problem *p)
{
	return shape_check(category, fields, p);
}

bool rec_entry_fields_check(const char *category, const json_t *fields, const char *text,
			    struct rec_entry_problem *p)
{
	if (!shape_check(category, fields, p))
		return false;
	if (text && cl_utf8_length(text) > REC_ENTRY_TEXT_MAX)
		return problem(p, "invalid_text", "%s は 10000 文字までです", "text");
	bool has_text = false;
	for (const char *t = text; t && *t; t++)
		if (*t != ' ' && *t != '\n' && *t != '\r' && *t != '\t')
			has_text = true;
	if ((!strcmp(category, "visit_note") || !strcmp(category, "message")) && !has_text)
		return problem(p, "text_required", "%s を入力してください", "text");
	if (!has_text && json_object_size(fields) == 0)
		return problem(p, "empty_entry", "項目か %s を 1 つ以上入力してください", "text");
	return true;
}
