/* watch_json.c - the API's watch object */
#include "vacancy.h"

#include <stdint.h>

json_t *vac_watch_json(const json_t *row, const json_t *matches)
{
	json_t *w = json_deep_copy(row);
	const json_t *lat = json_object_get(row, "near_lat");
	const json_t *lng = json_object_get(row, "near_lng");
	bool has_near = json_is_number(lat) && json_is_number(lng);
	json_object_set_new(w, "near",
			    has_near ? json_pack("{s:O, s:O}", "lat", lat, "lng", lng) : json_null());
	json_object_del(w, "near_lat");
	json_object_del(w, "near_lng");
	json_t *ranked = matches ? json_deep_copy(matches) : json_array();
	/* the stored set is already filtered by the radius: rank only */
	vac_search_rank(ranked, has_near, json_number_value(lat), json_number_value(lng), -1,
			SIZE_MAX);
	size_t i;
	json_t *m;
	json_array_foreach(ranked, i, m)
		json_object_del(m, "fit");
	json_object_set_new(w, "matches", ranked);
	return w;
}
