/* alert_input.c - the checks of an alert's input (ALERTS.md): kind,
 * severity, area, audience, texts, escalation levels; pure */
#include "alert_resource.h"

#include <math.h>
#include <string.h>

#include "carelink/err.h"

static const char *const kinds[] = {"missing_person", "disaster", "road_closure",
				    "infectious_disease", "facility_emergency", "other",
				    NULL};
static const char *const severities[] = {"extreme", "severe", "moderate", "minor", NULL};

static bool word_in(const char *s, const char *const *words)
{
	if (!s)
		return false;
	for (size_t i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

bool nt_alert_kind_ok(const char *s)
{
	return word_in(s, kinds);
}

bool nt_alert_severity_ok(const char *s)
{
	return word_in(s, severities);
}

static int refuse(struct nt_alert_refusal *why, const char *code, const char *message)
{
	why->code = code;
	why->message = message;
	return CL_EINVAL;
}

/* whether every key of o is one of keys */
static bool keys_only(const json_t *o, const char *const *keys)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)o, key, v)
		if (!word_in(key, keys))
			return false;
	return true;
}

static const char *const create_keys[] = {"kind", "severity", "title", "description",
					  "instruction", "area", "audience", "requires_ack",
					  "escalation", NULL};
static const char *const update_keys[] = {"severity", "title", "description",
					  "instruction", "area", "note", NULL};
static const char *const area_keys[] = {"districts", "circle", "polygon", NULL};
static const char *const circle_keys[] = {"lat", "lng", "radius_km", NULL};
static const char *const audience_keys[] = {"everyone", "organisations", "professions",
					    NULL};
static const char *const level_keys[] = {"after_minutes", "audience", NULL};

/* code points of UTF-8 s */
static size_t code_points(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* whether v is a string of min..max code points */
static bool text_ok(const json_t *v, size_t min, size_t max)
{
	if (!json_is_string(v))
		return false;
	size_t n = code_points(json_string_value(v));
	return n >= min && n <= max;
}

static bool number_in(const json_t *v, double lo, double hi, double *out)
{
	if (!json_is_number(v))
		return false;
	double d = json_number_value(v);
	if (!isfinite(d) || d < lo || d > hi)
		return false;
	*out = d;
	return true;
}

static bool circle_ok(const json_t *c)
{
	double lat, lng, r;
	return json_is_object(c) && keys_only(c, circle_keys) && number_in(json_object_get(c, "lat"), -90, 90, &lat) &&
	       number_in(json_object_get(c, "lng"), -180, 180, &lng) &&
	       number_in(json_object_get(c, "radius_km"), 0.01, 100, &r);
}

static bool polygon_ok(const json_t *p)
{
	size_t n = json_array_size(p), i;
	const json_t *pt;
	if (!json_is_array(p) || n < 4 || n > 100)
		return false;
	json_array_foreach(p, i, pt) {
		double lat, lng;
		if (json_array_size(pt) != 2 ||
		    !number_in(json_array_get(pt, 0), -90, 90, &lat) ||
		    !number_in(json_array_get(pt, 1), -180, 180, &lng))
			return false;
	}
	const json_t *a = json_array_get(p, 0), *b = json_array_get(p, n - 1);
	return json_number_value(json_array_get(a, 0)) == json_number_value(json_array_get(b, 0)) &&
	       json_number_value(json_array_get(a, 1)) == json_number_value(json_array_get(b, 1));
}

/* area checked into *out {"districts","circle","polygon"} */
static int area_check(const json_t *area, json_t **out, struct nt_alert_refusal *why)
{
	if (area && ((!json_is_object(area) && !json_is_null(area)) ||
		     (json_is_object(area) && !keys_only(area, area_keys))))
		return refuse(why, "invalid_area", "地域の指定が正しくありません");
	const json_t *d = json_object_get(area, "districts");
	const json_t *c = json_object_get(area, "circle");
	const json_t *p = json_object_get(area, "polygon");
	if (d && !json_is_null(d)) {
		size_t i;
		const json_t *v;
		if (!json_is_array(d) || json_array_size(d) > 100)
			return refuse(why, "invalid_area", "地区の指定が正しくありません");
		json_array_foreach(d, i, v)
			if (!text_ok(v, 1, 100))
				return refuse(why, "invalid_area", "地区の指定が正しくありません");
	}
	if (c && !json_is_null(c) && !circle_ok(c))
		return refuse(why, "invalid_area",
			      "円の指定が正しくありません(半径は0.01〜100km)");
	if (p && !json_is_null(p) && !polygon_ok(p))
		return refuse(why, "invalid_area",
			      "多角形の指定が正しくありません(4〜100点で、最初と最後の点が同じ)");
	bool has_d = json_array_size(d) > 0;
	bool has_c = c && !json_is_null(c), has_p = p && !json_is_null(p);
	if (!has_d && !has_c && !has_p)
		return refuse(why, "area_required", "地域(地区、円または多角形)を指定してください");
	*out = json_object();
	json_object_set_new(*out, "districts", has_d ? json_deep_copy(d) : json_array());
	json_object_set_new(*out, "circle", has_c ? json_deep_copy(c) : json_null());
	json_object_set_new(*out, "polygon", has_p ? json_deep_copy(p) : json_null());
	return 0;
}

static bool string_list_ok(const json_t *a)
{
	size_t i;
	const json_t *v;
	if (!a || json_is_null(a))
		return true;
	if (!json_is_array(a) || json_array_size(a) > 100)
		return false;
	json_array_foreach(a, i, v)
		if (!text_ok(v, 1, 128))
			return false;
	return true;
}

/* audience checked into *out {"everyone","organisations","professions"};
 * code_missing for an empty audience */
static int audience_check(const json_t *aud, json_t **out, struct nt_alert_refusal *why)
{
	if (!aud || json_is_null(aud))
		return refuse(why, "audience_required", "通知先を指定してください");
	const json_t *e = json_object_get(aud, "everyone");
	const json_t *o = json_object_get(aud, "organisations");
	const json_t *p = json_object_get(aud, "professions");
	if (!json_is_object(aud) || !keys_only(aud, audience_keys) ||
	    (e && !json_is_boolean(e)) || !string_list_ok(o) ||
	    !string_list_ok(p))
		return refuse(why, "invalid_audience", "通知先の指定が正しくありません");
	bool everyone = json_is_true(e);
	if (!everyone && json_array_size(o) == 0 && json_array_size(p) == 0)
		return refuse(why, "audience_required", "通知先を指定してください");
	*out = json_pack("{s:b, s:o, s:o}", "everyone", everyone, "organisations",
			 json_is_array(o) ? json_deep_copy(o) : json_array(), "professions",
			 json_is_array(p) ? json_deep_copy(p) : json_array());
	return 0;
}

static int escalation_check(const json_t *esc, bool requires_ack, long implied_minutes,
			    json_t **out, struct nt_alert_refusal *why)
{
	if (!esc || json_is_null(esc)) {
		*out = json_array();
		if (requires_ack)
			json_array_append_new(*out, json_pack("{s:I, s:{s:b, s:[], s:[]}}",
							      "after_minutes",
							      (json_int_t)implied_minutes,
							      "audience", "everyone", 1,
							      "organisations", "professions"));
		return 0;
	}
	if (!json_is_array(esc) || json_array_size(esc) > 3)
		return refuse(why, "invalid_escalation", "段階の指定が正しくありません(最大3段階)");
	json_t *levels = json_array();
	json_int_t last = 0;
	size_t i;
	const json_t *lv;
	json_array_foreach(esc, i, lv) {
		const json_t *m = json_object_get(lv, "after_minutes");
		json_t *aud = NULL;
		struct nt_alert_refusal inner;
		if (!json_is_object(lv) || !keys_only(lv, level_keys) ||
		    !json_is_integer(m) || json_integer_value(m) < 1 ||
		    json_integer_value(m) > 1440 || json_integer_value(m) <= last ||
		    audience_check(json_object_get(lv, "audience"), &aud, &inner) < 0) {
			json_decref(levels);
			return refuse(why, "invalid_escalation",
				      "段階の指定が正しくありません(経過分は1〜1440で増加順、通知先が必要)");
		}
		last = json_integer_value(m);
		json_array_append_new(levels, json_pack("{s:I, s:o}", "after_minutes", last,
							"audience", aud));
	}
	*out = levels;
	return 0;
}

/* the text fields of body that are present into out; create: the
 * required ones must be there */
static int texts_check(const json_t *body, bool create, json_t *out,
		       struct nt_alert_refusal *why)
{
	const json_t *t = json_object_get(body, "title");
	const json_t *d = json_object_get(body, "description");
	const json_t *ins = json_object_get(body, "instruction");
	if ((t || create) && !text_ok(t, 1, 100))
		return refuse(why, "invalid_title", "件名は1〜100文字で入力してください");
	if ((d || create) && !text_ok(d, 1, 4000))
		return refuse(why, "invalid_description", "内容は1〜4000文字で入力してください");
	if (ins && !json_is_null(ins) && !text_ok(ins, 0, 1000))
		return refuse(why, "invalid_body", "指示は1000文字以内で入力してください");
	if (t)
		json_object_set(out, "title", (json_t *)t);
	if (d)
		json_object_set(out, "description", (json_t *)d);
	if (ins && !json_is_null(ins))
		json_object_set(out, "instruction", (json_t *)ins);
	else if (create)
		json_object_set_new(out, "instruction", json_string(""));
	return 0;
}

int nt_alert_input_create(const json_t *body, long implied_minutes, json_t **out,
			  struct nt_alert_refusal *why)
{
	json_t *in = json_object(), *area = NULL, *aud = NULL, *esc = NULL;
	int rc = CL_EINVAL;
	if (!json_is_object(body) || !keys_only(body, create_keys)) {
		refuse(why, "invalid_body",
		       "本文は種類、深刻度、件名、内容、指示、地域、通知先、応答要否、段階のJSONオブジェクトで送ってください");
		goto out;
	}
	const json_t *kind = json_object_get(body, "kind");
	const json_t *sev = json_object_get(body, "severity");
	const json_t *ack = json_object_get(body, "requires_ack");
	if (!nt_alert_kind_ok(json_string_value(kind))) {
		refuse(why, "invalid_kind", "種類が正しくありません");
		goto out;
	}
	if (!nt_alert_severity_ok(json_string_value(sev))) {
		refuse(why, "invalid_severity", "深刻度が正しくありません");
		goto out;
	}
	if (ack && !json_is_boolean(ack)) {
		refuse(why, "invalid_body", "requires_ack は真偽値で指定してください");
		goto out;
	}
	bool requires_ack = !ack || json_is_true(ack);
	if (texts_check(body, true, in, why) < 0 ||
	    area_check(json_object_get(body, "area"), &area, why) < 0 ||
	    audience_check(json_object_get(body, "audience"), &aud, why) < 0 ||
	    escalation_check(json_object_get(body, "escalation"), requires_ack,
			     implied_minutes, &esc, why) < 0)
		goto out;
	json_object_set(in, "kind", (json_t *)kind);
	json_object_set(in, "severity", (json_t *)sev);
	json_object_set_new(in, "requires_ack", json_boolean(requires_ack));
	json_object_set_new(in, "area", area);
	json_object_set_new(in, "audience", aud);
	json_object_set_new(in, "escalation", esc);
	area = aud = esc = NULL;
	*out = in;
	in = NULL;
	rc = 0;
out:
	json_decref(area);
	json_decref(aud);
	json_decref(esc);
	json_decref(in);
	return rc;
}

int nt_alert_input_note(const json_t *body, const char **note, struct nt_alert_refusal *why)
{
	const json_t *n = json_object_get(body, "note");
	*note = "";
	if (body && !json_is_object(body))
		return refuse(why, "invalid_body", "本文はJSONオブジェクトで送ってください");
	if (!n || json_is_null(n))
		return 0;
	if (!text_ok(n, 0, 1000))
		return refuse(why, "invalid_body", "メモは1000文字以内で入力してください");
	*note = json_string_value(n);
	return 0;
}

int nt_alert_input_update(const json_t *body, json_t **out, struct nt_alert_refusal *why)
{
	json_t *in = json_object(), *area = NULL;
	const char *note;
	int rc = CL_EINVAL;
	if (nt_alert_input_note(body, &note, why) < 0)
		goto out;
	if (!body) {
		refuse(why, "invalid_body", "本文はJSONオブジェクトで送ってください");
		goto out;
	}
	if (!keys_only(body, update_keys)) {
		refuse(why, "invalid_body", "変更できるのは深刻度、件名、内容、指示、地域です");
		goto out;
	}
	const json_t *sev = json_object_get(body, "severity");
	if (sev && !nt_alert_severity_ok(json_string_value(sev))) {
		refuse(why, "invalid_severity", "深刻度が正しくありません");
		goto out;
	}
	if (texts_check(body, false, in, why) < 0)
		goto out;
	if (json_object_get(body, "area")) {
		if (area_check(json_object_get(body, "area"), &area, why) < 0)
			goto out;
		json_object_set_new(in, "area", area);
	}
	if (sev)
		json_object_set(in, "severity", (json_t *)sev);
	if (json_object_size(in) == 0) {
		refuse(why, "invalid_body", "変更する項目を指定してください");
		goto out;
	}
	json_object_set_new(in, "note", json_string(note));
	*out = in;
	in = NULL;
	rc = 0;
out:
	json_decref(in);
	return rc;
}
