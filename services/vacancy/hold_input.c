/* hold_input.c - the checks of a hold request that need no database */
#include "vacancy.h"

#include <carelink/util.h>

#include <string.h>

const char *vac_hold_input_check(const struct vac_hold_input *in, const json_t *beds, long today,
				 long *beds_out, const char **message)
{
	long from, to;
	if (strcmp(in->kind, "short_stay") && strcmp(in->kind, "backup")) {
		*message = "kind は short_stay か backup です";
		return "invalid_kind";
	}
	if (strcmp(in->room, "men") && strcmp(in->room, "women") && strcmp(in->room, "either")) {
		*message = "room は men, women, either のいずれかです";
		return "invalid_body";
	}
	*beds_out = 1;
	if (beds) {
		if (!json_is_integer(beds) || json_integer_value(beds) < 1 ||
		    json_integer_value(beds) > VAC_HOLD_BEDS_MAX) {
			*message = "beds は 1 から 10 の整数です";
			return "invalid_count";
		}
		*beds_out = (long)json_integer_value(beds);
	}
	size_t label = cl_utf8_length(in->client_label);
	if (label < 1 || label > VAC_LABEL_MAX) {
		*message = "client_label は 1 から 40 文字です";
		return "invalid_label";
	}
	if (in->note && cl_utf8_length(in->note) > 1000) {
		*message = "note は 1000 文字までです";
		return "invalid_body";
	}
	if (vac_day_parse(in->from, &from) < 0 || vac_day_parse(in->to, &to) < 0 || from > to) {
		*message = "from と to は YYYY-MM-DD で from <= to です";
		return "invalid_range";
	}
	if (!vac_day_in_horizon(from, today) || !vac_day_in_horizon(to, today)) {
		*message = "日付は今日から 89 日後までです";
		return "out_of_horizon";
	}
	return NULL;
}

