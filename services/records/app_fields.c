/* app_fields.c - checks of app definitions: field lists, read and write
 * rules, and small lookups over a field list (pure: no database) */
#include "records.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const field_types[] = {
	"text", "long_text", "number", "date", "datetime", "choice", "multi_choice",
	"user", "organisation", "facility", "phone", "link", NULL,
};

bool rec_app_key_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > REC_APP_KEY_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static bool type_known(const char *t)
{
	for (size_t i = 0; field_types[i]; i++)
		if (!strcmp(field_types[i], t))
			return true;
	return false;
}

const json_t *rec_app_field_find(const json_t *fields, const char *key)
{
	size_t i;
	const json_t *f;
	json_array_foreach(fields, i, f) {
		const char *k = json_string_value(json_object_get(f, "key"));
		if (k && !strcmp(k, key))
			return f;
	}
	return NULL;
}

const char *rec_app_calendar_field(const json_t *fields)
{
	size_t i;
	const json_t *f;
	json_array_foreach(fields, i, f) {
		const char *t = json_string_value(json_object_get(f, "type"));
		if (t && (!strcmp(t, "date") || !strcmp(t, "datetime")))
			return json_string_value(json_object_get(f, "key"));
	}
	return NULL;
}

const char *rec_app_title(const json_t *fields, const json_t *values)
{
	size_t i;
	const json_t *f;
	json_array_foreach(fields, i, f) {
		const char *t = json_string_value(json_object_get(f, "type"));
		if (t && !strcmp(t, "text")) {
			const char *k = json_string_value(json_object_get(f, "key"));
			const char *v = json_string_value(json_object_get(values, k));
			if (v)
				return v;
		}
	}
	return "";
}

/* the checked choices of field f (named key) or NULL with msg */
static json_t *choices_check(const json_t *choices, const char *key, char *msg, size_t size)
{
	if (!json_is_array(choices) || json_array_size(choices) < 1 ||
	    json_array_size(choices) > REC_APP_CHOICES_MAX) {
		snprintf(msg, size, "項目「%s」の選択肢は1〜%d個で指定してください", key,
			 REC_APP_CHOICES_MAX);
		return NULL;
	}
	json_t *out = json_array();
	size_t i;
	const json_t *c;
	json_array_foreach(choices, i, c) {
		size_t n = 0;
		char *t = json_is_string(c) ? rec_text_trim(json_string_value(c), &n) : NULL;
		bool bad = !t || n < 1 || n > REC_APP_CHOICE_MAX || strchr(t, ';');
		size_t j;
		const json_t *o;
		json_array_foreach(out, j, o)
			if (t && !strcmp(json_string_value(o), t))
				bad = true;
		if (bad) {
			snprintf(msg, size,
				 "項目「%s」の選択肢は重複のない1〜%d文字の文字列で指定してください"
				 "（「;」は使えません）",
				 key, REC_APP_CHOICE_MAX);
			free(t);
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, json_string(t));
		free(t);
	}
	return out;
}

/* one field definition, normalised; NULL with msg */
static json_t *field_check(const json_t *f, size_t index, const json_t *old, char *msg,
			   size_t size)
{
	const char *key = NULL, *label = NULL, *type = NULL;
	int required = 0, builtin = 0;
	json_t *choices = NULL, *min = NULL, *max = NULL;
	json_error_t jerr;
	if (!json_is_object(f) ||
	    json_unpack_ex((json_t *)f, &jerr, JSON_STRICT, "{s:s, s?s, s:s, s?b, s?o, s?o, s?o, s?b}",
			   "key", &key, "label", &label, "type", &type, "required", &required,
			   "choices", &choices, "min", &min, "max", &max, "builtin",
			   &builtin)) {
		snprintf(msg, size,
			 "%zu番目の項目の定義が正しくありません（key・type は必須、使える属性は "
			 "key, label, type, required, choices, min, max です）",
			 index + 1);
		return NULL;
	}
	if (!rec_app_key_valid(key)) {
		snprintf(msg, size,
			 "項目のキー「%.60s」は英小文字で始まる英小文字・数字・_の1〜40文字にしてください",
			 key);
		return NULL;
	}
	if (!type_known(type)) {
		snprintf(msg, size, "項目「%s」の種類「%.40s」はありません", key, type);
		return NULL;
	}
	size_t n = 0;
	char *lab = rec_text_trim(label ? label : "", &n);
	if (n < 1 || n > REC_APP_LABEL_MAX) {
		free(lab);
		snprintf(msg, size, "項目「%s」の表示名は1〜%d文字で入力してください", key,
			 REC_APP_LABEL_MAX);
		return NULL;
	}
	bool is_choice = !strcmp(type, "choice") || !strcmp(type, "multi_choice");
	bool is_number = !strcmp(type, "number");
	json_t *out = json_pack("{s:s, s:s, s:s, s:b}", "key", key, "label", lab, "type", type,
				"required", required);
	free(lab);
	if (is_choice) {
		json_t *c = choices_check(choices, key, msg, size);
		if (!c)
			goto bad;
		json_object_set_new(out, "choices", c);
	} else if (choices && !json_is_null(choices)) {
		snprintf(msg, size, "項目「%s」は選択肢の種類ではないので choices は指定できません", key);
		goto bad;
	}
	if ((min && !json_is_null(min)) || (max && !json_is_null(max))) {
		if (!is_number) {
			snprintf(msg, size, "項目「%s」は数値ではないので min・max は指定できません",
				 key);
			goto bad;
		}
		if ((min && !json_is_null(min) && !json_is_number(min)) ||
		    (max && !json_is_null(max) && !json_is_number(max)) ||
		    (json_is_number(min) && json_is_number(max) &&
		     json_number_value(min) > json_number_value(max))) {
			snprintf(msg, size, "項目「%s」の min・max は数値で min ≦ max にしてください",
				 key);
			goto bad;
		}
		if (json_is_number(min))
			json_object_set(out, "min", min);
		if (json_is_number(max))
			json_object_set(out, "max", max);
	}
	const json_t *was = old ? rec_app_field_find(old, key) : NULL;
	bool was_builtin = was && json_is_true(json_object_get(was, "builtin"));
	json_object_set_new(out, "builtin", json_boolean(was_builtin));
	return out;
bad:
	json_decref(out);
	return NULL;
}

json_t *rec_app_fields_check(const json_t *fields, const json_t *old, char *msg, size_t size)
{
	if (!json_is_array(fields) || json_array_size(fields) < 1 ||
	    json_array_size(fields) > REC_APP_FIELDS_MAX) {
		snprintf(msg, size, "項目（fields）は1〜%d個の配列で指定してください",
			 REC_APP_FIELDS_MAX);
		return NULL;
	}
	json_t *out = json_array();
	size_t i;
	const json_t *f;
	json_array_foreach(fields, i, f) {
		json_t *g = field_check(f, i, old, msg, size);
		if (!g) {
			json_decref(out);
			return NULL;
		}
		const char *key = json_string_value(json_object_get(g, "key"));
		if (rec_app_field_find(out, key)) {
			snprintf(msg, size, "項目のキー「%s」が重複しています", key);
			json_decref(g);
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, g);
	}
	return out;
}

/* a list of at most 200 distinct strings; professions as codes */
static json_t *list_check(const json_t *a, bool professions)
{
	if (!a || json_is_null(a))
		return json_array();
	if (!rec_string_array(a, REC_SPACE_LIST_MAX))
		return NULL;
	json_t *out = json_array();
	size_t i;
	const json_t *s;
	json_array_foreach(a, i, s) {
		const char *v = json_string_value(s);
		if (!*v || strlen(v) >= CL_IDENTITY_FIELD_MAX ||
		    (professions && !rec_profession_valid(v))) {
			json_decref(out);
			return NULL;
		}
		size_t j;
		const json_t *o;
		bool dup = false;
		json_array_foreach(out, j, o)
			dup = dup || !strcmp(json_string_value(o), v);
		if (!dup)
			json_array_append_new(out, json_string(v));
	}
	return out;
}

json_t *rec_app_rule_check(const json_t *rule, bool is_write, char *msg, size_t size)
{
	json_t *prof = NULL, *orgs = NULL;
	int owner = is_write ? 1 : 0;
	json_error_t jerr;
	const char *what = is_write ? "書き込みの規則（write）" : "閲覧の規則（read）";
	if (rule && !json_is_null(rule)) {
		int bad = is_write
				  ? json_unpack_ex((json_t *)rule, &jerr, JSON_STRICT, "{s?o, s?o, s?b}",
						   "professions", &prof, "organisations", &orgs,
						   "owner_organisation", &owner)
				  : json_unpack_ex((json_t *)rule, &jerr, JSON_STRICT, "{s?o, s?o}",
						   "professions", &prof, "organisations", &orgs);
		if (bad) {
			snprintf(msg, size, "%sは professions, organisations%s を持つオブジェクトにしてください",
				 what, is_write ? ", owner_organisation" : "");
			return NULL;
		}
	}
	json_t *p = list_check(prof, true), *o = list_check(orgs, false);
	if (!p || !o) {
		json_decref(p);
		json_decref(o);
		snprintf(msg, size, "%sの professions・organisations は文字列の配列（職種は英小文字と_）にしてください",
			 what);
		return NULL;
	}
	json_t *out = json_pack("{s:o, s:o}", "professions", p, "organisations", o);
	if (is_write)
		json_object_set_new(out, "owner_organisation", json_boolean(owner));
	return out;
}
