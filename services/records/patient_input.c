/* patient_input.c - the body of POST /v1/patients and PATCH
 * /v1/patients/:id, checked member by member (PATIENTS.md) */
#include "patient_parts.h"
#include "carelink/json.h"

#include <stdlib.h>
#include <string.h>

/* "today" of a Japanese municipality: days since 1970-01-01 in JST */
static long today_jst(void)
{
	return (long)((cl_now_ms() + 9LL * 3600 * 1000) / 86400000LL);
}

static bool refuse(struct cl_http_req *req, struct rec_patient_fields *f, const char *code,
		   const char *message)
{
	rec_patient_fields_release(f);
	cl_http_error(req, 400, code, message);
	return false;
}

/* a trimmed text of 1..max code points, or NULL */
static char *text_of(const json_t *v, size_t max)
{
	if (!json_is_string(v))
		return NULL;
	size_t n;
	char *t = rec_text_trim(json_string_value(v), &n);
	if (n < 1 || n > max) {
		free(t);
		return NULL;
	}
	return t;
}

/* contacts: up to 20 {name, relation?, phone?} as normalised JSON text */
static char *contacts_of(const json_t *v)
{
	if (!json_is_array(v) || json_array_size(v) > REC_PATIENT_CONTACTS_MAX)
		return NULL;
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(v, i, c) {
		const char *keys[] = {"name", "relation", "phone"};
		json_t *o = json_object();
		for (size_t k = 0; k < 3; k++) {
			json_t *s = json_object_get(c, keys[k]);
			if (s && (!json_is_string(s) || cl_utf8_length(json_string_value(s)) > 200)) {
				json_decref(o);
				json_decref(out);
				return NULL;
			}
			json_object_set_new(o, keys[k], json_string(s ? json_string_value(s) : ""));
		}
		if (!json_is_object(c) || !*json_string_value(json_object_get(o, "name"))) {
			json_decref(o);
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, o);
	}
	char *text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	return text;
}

static bool consent_read(struct cl_http_req *req, struct rec_patient_fields *f, const json_t *c)
{
	if (!json_is_object(c) || !json_is_boolean(json_object_get(c, "given")))
		return refuse(req, f, "invalid_body", "同意の内容が正しくありません");
	f->has_consent = true;
	f->consent_given = json_is_true(json_object_get(c, "given"));
	if (!f->consent_given)
		return true;
	f->consent_date = cl_json_str(c, "date");
	if (!rec_patient_date_valid(f->consent_date, today_jst()))
		return refuse(req, f, "invalid_date", "同意日が正しくありません");
	f->consent_scope = cl_json_str(c, "scope");
	if (!rec_consent_scope_valid(f->consent_scope))
		return refuse(req, f, "invalid_code", "同意の範囲が正しくありません");
	json_t *note = json_object_get(c, "note");
	if (note && (!json_is_string(note) || cl_utf8_length(json_string_value(note)) > 1000))
		return refuse(req, f, "invalid_body", "同意の備考は1000文字以内です");
	f->consent_note = note ? json_string_value(note) : "";
	return true;
}

bool rec_patient_fields_read(struct cl_http_req *req, bool create, struct rec_patient_fields *f)
{
	memset(f, 0, sizeof *f);
	f->body = cl_http_body_json(req);
	if (!f->body)
		return false;
	json_t *b = f->body, *v;
	if (!json_is_object(b))
		return refuse(req, f, "invalid_body", "リクエストの形式が正しくありません");
	if ((v = json_object_get(b, "name")) || create)
		if (!(f->name = text_of(v, REC_PATIENT_NAME_MAX)))
			return refuse(req, f, "invalid_name", "氏名は1〜100文字で入力してください");
	if ((v = json_object_get(b, "kana")) || create) {
		f->kana = text_of(v, REC_PATIENT_NAME_MAX);
		if (!f->kana || !rec_kana_valid(f->kana))
			return refuse(req, f, "invalid_kana",
				      "フリガナは全角カタカナ1〜100文字で入力してください");
	}
	if ((v = json_object_get(b, "birth_date")) || create) {
		f->birth_date = json_string_value(v);
		if (!rec_patient_date_valid(f->birth_date, today_jst()))
			return refuse(req, f, "invalid_date", "生年月日が正しくありません");
	}
	if ((v = json_object_get(b, "address"))) {
		f->address = json_string_value(v);
		if (!f->address || cl_utf8_length(f->address) > REC_PATIENT_ADDRESS_MAX)
			return refuse(req, f, "invalid_body", "住所は500文字以内で入力してください");
	}
	if ((v = json_object_get(b, "care_level"))) {
		f->care_level = json_string_value(v);
		if (!rec_care_level_valid(f->care_level))
			return refuse(req, f, "invalid_code", "要介護度が正しくありません");
	}
	if ((v = json_object_get(b, "contacts")) && !(f->contacts = contacts_of(v)))
		return refuse(req, f, "invalid_body", "連絡先の形式が正しくありません");
	if ((v = json_object_get(b, "consent")) && !consent_read(req, f, v))
		return false;
	v = json_object_get(b, "my_role");
	if (!create && v)
		return refuse(req, f, "invalid_body", "担当の役割はチームの画面で変更してください");
	if (create) {
		f->my_role = json_string_value(v);
		if (!rec_team_role_valid(f->my_role))
			return refuse(req, f, "invalid_code", "チームでの役割が正しくありません");
	}
	if (!create && !f->name && !f->kana && !f->birth_date && !f->address && !f->care_level &&
	    !f->contacts && !f->has_consent)
		return refuse(req, f, "invalid_body", "変更する項目がありません");
	return true;
}

void rec_patient_fields_release(struct rec_patient_fields *f)
{
	free(f->name);
	free(f->kana);
	free(f->contacts);
	json_decref(f->body);
	memset(f, 0, sizeof *f);
}
