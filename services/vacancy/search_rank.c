/* search_rank.c - distance, the radius and the ranking of bed search
 * results */
#include "vacancy.h"

#include <stdlib.h>
#include <string.h>

struct ranked {
	json_t *r;
	long fit;
	double distance; /* < 0: none */
	const char *name;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->fit != y->fit)
		return x->fit > y->fit ? -1 : 1;
	if ((x->distance < 0) != (y->distance < 0))
		return x->distance < 0 ? 1 : -1;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return strcmp(x->name, y->name);
}

void vac_search_rank(json_t *results, bool has_near, double lat, double lng,
		     double radius_km, size_t limit)
{
	size_t n = json_array_size(results), k = 0;
	struct ranked *all = calloc(n ? n : 1, sizeof *all);
	if (!all)
		abort();
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(results, i);
		json_t *f = json_object_get(r, "facility");
		json_t *flat = json_object_get(f, "latitude"), *flng = json_object_get(f, "longitude");
		double d = -1;
		if (has_near && json_is_number(flat) && json_is_number(flng)) {
			d = vac_distance_km(lat, lng, json_number_value(flat), json_number_value(flng));
			d = (double)(long long)(d * 100 + 0.5) / 100; /* 10 m */
		}
		if (has_near && radius_km >= 0 && (d < 0 || d > radius_km))
			continue;
		long fit = (long)json_integer_value(json_object_get(r, "min_available"));
		json_object_set_new(r, "distance_km", d < 0 ? json_null() : json_real(d));
		json_object_set_new(r, "fit", json_integer(fit));
		const char *name = json_string_value(json_object_get(f, "name"));
		all[k++] = (struct ranked){json_incref(r), fit, d, name ? name : ""};
	}
	qsort(all, k, sizeof *all, ranked_cmp);
	json_array_clear(results);
	for (size_t i = 0; i < k; i++) {
		if (i < limit)
			json_array_append(results, all[i].r);
		json_decref(all[i].r);
	}
	free(all);
}
