/* search_distance.c - great-circle distance (haversine) on a sphere of the
 * Earth's mean radius */
#include "vacancy.h"

#include <math.h>
#include <stdlib.h>

#define EARTH_RADIUS_KM 6371.0088

double vac_distance_km(double lat1, double lng1, double lat2, double lng2)
{
	const double rad = 3.14159265358979323846 / 180.0;
	double dlat = (lat2 - lat1) * rad, dlng = (lng2 - lng1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlng / 2) * sin(dlng / 2);
	if (a > 1)
		a = 1;
	return 2 * EARTH_RADIUS_KM * asin(sqrt(a));
}

int vac_near_parse(const char *s, double *lat, double *lng)
{
	char *end;
	if (!s || !*s)
		return -1;
	*lat = strtod(s, &end);
	if (end == s || *end != ',')
		return -1;
	const char *p = end + 1;
	*lng = strtod(p, &end);
	if (end == p || *end || !isfinite(*lat) || !isfinite(*lng) || *lat < -90 || *lat > 90 ||
	    *lng < -180 || *lng > 180)
		return -1;
	return 0;
}
