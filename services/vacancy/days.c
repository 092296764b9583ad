/* days.c - day arithmetic in Asia/Tokyo (UTC+9, no daylight saving) and
 * the 90-day horizon */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <stdio.h>
#include <string.h>

#define TOKYO_OFFSET_S (9 * 3600)

static long floor_div(long a, long b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void vac_day_today(time_t now, char out[VAC_DAY_LEN])
{
	vac_day_format(floor_div((long)now + TOKYO_OFFSET_S, 86400), out);
}

long vac_day_number_today(time_t now)
{
	return floor_div((long)now + TOKYO_OFFSET_S, 86400);
}

int vac_day_parse(const char *s, long *day)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return CL_EINVAL;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return CL_EINVAL;
	long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	long m = (s[5] - '0') * 10 + (s[6] - '0');
	long d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return CL_EINVAL;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return CL_EINVAL;
	*day = cl_days_from_civil(y, m, d);
	return 0;
}

void vac_day_format(long day, char out[VAC_DAY_LEN])
{
	long y, m, d;
	cl_civil_from_days(day, &y, &m, &d);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04ld-%02ld-%02ld", y, m, d);
	cl_strlcpy(out, tmp, VAC_DAY_LEN);
}

bool vac_day_in_horizon(long day, long today)
{
	return day >= today && day <= today + VAC_HORIZON_DAYS - 1;
}

bool vac_range_take(struct cl_http_req *req, const char *from, const char *to,
		    long default_days, const char *bad_code, char from_out[VAC_DAY_LEN],
		    char to_out[VAC_DAY_LEN])
{
	long today = vac_day_number_today(time(NULL));
	long f = today, t;
	if (from && vac_day_parse(from, &f) < 0) {
		cl_http_error(req, 400, bad_code, "日付は YYYY-MM-DD です");
		return false;
	}
	t = f + default_days - 1;
	if (to && vac_day_parse(to, &t) < 0) {
		cl_http_error(req, 400, bad_code, "日付は YYYY-MM-DD です");
		return false;
	}
	if (t < f || t - f + 1 > VAC_HORIZON_DAYS) {
		cl_http_error(req, 400, strcmp(bad_code, "invalid_query") == 0 ? bad_code
									       : "invalid_range",
			      "期間は開始日から終了日まで 90 日以内です");
		return false;
	}
	if (!vac_day_in_horizon(f, today) || !vac_day_in_horizon(t, today)) {
		cl_http_error(req, 400, "out_of_horizon",
			      "日付は今日から 89 日後までです");
		return false;
	}
	vac_day_format(f, from_out);
	vac_day_format(t, to_out);
	return true;
}

const char *vac_kind_take(struct cl_http_req *req, const char *kind,
			  const struct vac_facility *f)
{
	const char *offers = f ? vac_facility_offers(f) : NULL;
	if (!kind && offers && strcmp(offers, "capacity") != 0)
		return offers;
	if (!kind || (strcmp(kind, "short_stay") != 0 && strcmp(kind, "backup") != 0) ||
	    (f && (!offers || strcmp(offers, kind) != 0))) {
		cl_http_error(req, 400, "invalid_kind",
			      f ? "この施設はこの種類の空床を扱っていません"
				: "kind は short_stay か backup です");
		return NULL;
	}
	return strcmp(kind, "short_stay") == 0 ? "short_stay" : "backup";
}
