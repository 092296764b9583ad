/* watch_input.c - the checks of a watch (POST /v1/watches) that need no
 * database */
#include "vacancy.h"

#include <carelink/util.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CONDITIONS_MAX 40
#define RADIUS_MIN 0.1
#define RADIUS_MAX 200.0

/* the string member key of body; "" and absent are NULL, a non-string sets
 * *bad */
static const char *member(const json_t *body, const char *key, bool *bad)
{
	const json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	const char *s = json_string_value(v);
	return s[0] ? s : NULL;
}

/* whether s has nothing but spaces (ASCII or the ideographic space) */
static bool blank(const char *s)
{
	while (*s) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (strncmp(s, "\xe3\x80\x80", 3) == 0) /* U+3000 */
			s += 3;
		else
			return false;
	}
	return true;
}

static const char *refuse(const char *code, const char *text, const char **message)
{
	*message = text;
	return code;
}

/* beds, room and the codes */
static const char *fit_take(const json_t *body, struct vac_watch_input *in, const char **message)
{
	bool bad = false;
	in->room = member(body, "room", &bad);
	if (bad)
		return refuse("invalid_body", "room は men, women, any のいずれかです", message);
	if (!in->room)
		in->room = "any";
	if (strcmp(in->room, "men") && strcmp(in->room, "women") && strcmp(in->room, "any"))
		return refuse("invalid_body", "room は men, women, any のいずれかです", message);
	const json_t *beds = json_object_get(body, "beds");
	in->beds = 1;
	if (beds && !json_is_null(beds)) {
		if (!json_is_integer(beds) || json_integer_value(beds) < 1 ||
		    json_integer_value(beds) > VAC_HOLD_BEDS_MAX)
			return refuse("invalid_count", "beds は 1 から 10 の整数です", message);
		in->beds = (long)json_integer_value(beds);
	}
	in->care_level = member(body, "care_level", &bad);
	if (bad || (in->care_level && !vac_care_level_ok(in->care_level)))
		return refuse("invalid_code", "要介護度の指定が正しくありません", message);
	const json_t *conditions = json_object_get(body, "conditions");
	json_t *empty = json_array();
	if (!conditions || json_is_null(conditions))
		conditions = empty;
	if (!vac_code_list_ok(conditions, CONDITIONS_MAX)) {
		json_decref(empty);
		return refuse("invalid_code", "受け入れ条件のコードが正しくありません", message);
	}
	in->conditions_json = json_dumps(conditions, JSON_COMPACT);
	json_decref(empty);
	return NULL;
}

/* district, near and radius_km */
static const char *place_take(const json_t *body, struct vac_watch_input *in,
			      const char **message)
{
	bool bad = false;
	in->district = member(body, "district", &bad);
	if (bad)
		return refuse("invalid_query", "district は文字列です", message);
	const char *near = member(body, "near", &bad);
	if (bad || (near && vac_near_parse(near, &in->lat, &in->lng) < 0))
		return refuse("invalid_query", "near は 緯度,経度 です", message);
	in->has_near = near != NULL;
	in->radius_km = -1;
	const json_t *radius = json_object_get(body, "radius_km");
	if (radius && !json_is_null(radius)) {
		double r = json_number_value(radius);
		if (!json_is_number(radius) || !isfinite(r) || r < RADIUS_MIN || r > RADIUS_MAX)
			return refuse("invalid_query", "radius_km は 0.1 から 200 です", message);
		if (!in->has_near)
			return refuse("invalid_query", "radius_km には near が必要です", message);
		in->radius_km = r;
	}
	return NULL;
}

const char *vac_watch_input_take(const json_t *body, long today, struct vac_watch_input *in,
				 const char **message)
{
	bool bad = false;
	long from, to;
	memset(in, 0, sizeof *in);
	in->name = member(body, "name", &bad);
	size_t name_len = in->name ? cl_utf8_length(in->name) : 0;
	if (bad || name_len < 1 || name_len > VAC_WATCH_NAME_MAX || blank(in->name))
		return refuse("invalid_name", "名前は 1 から 60 文字です", message);
	in->kind = member(body, "kind", &bad);
	if (!in->kind || (strcmp(in->kind, "short_stay") && strcmp(in->kind, "backup")))
		return refuse("invalid_kind", "kind は short_stay か backup です", message);
	in->from = member(body, "from", &bad);
	in->to = member(body, "to", &bad);
	if (bad || !in->from || !in->to || vac_day_parse(in->from, &from) < 0 ||
	    vac_day_parse(in->to, &to) < 0 || from > to)
		return refuse("invalid_range", "from と to は YYYY-MM-DD で from <= to です",
			      message);
	if (!vac_day_in_horizon(from, today) || !vac_day_in_horizon(to, today))
		return refuse("out_of_horizon", "日付は今日から 89 日後までです", message);
	const char *code = fit_take(body, in, message);
	if (!code)
		code = place_take(body, in, message);
	return code;
}

void vac_watch_input_release(struct vac_watch_input *in)
{
	free(in->conditions_json);
	in->conditions_json = NULL;
}
