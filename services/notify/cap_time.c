/* cap_time.c - the times of CAP messages: RFC 3339 in, +09:00 out */
#include "cap_stream.h"

#include "carelink/err.h"
#include "carelink/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nt_cap_time_parse(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19)
		return CL_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return CL_EINVAL;
	const char *p = s + n;
	int64_t frac = 0;
	if (*p == '.') {
		int digits = 0;
		for (p++; isdigit((unsigned char)*p); p++, digits++)
			if (digits < 3)
				frac = frac * 10 + (*p - '0');
		if (digits == 0)
			return CL_EINVAL;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	int64_t offset_min = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om, m = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m) != 2 || m != 5)
			return CL_EINVAL;
		offset_min = (int64_t)(oh * 60 + om) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return CL_EINVAL;
	}
	if (*p)
		return CL_EINVAL;
	int64_t days = cl_days_from_civil(y, mo, d);
	*ms = ((days * 86400 + h * 3600 + mi * 60 + sec) - offset_min * 60) * 1000 + frac;
	return 0;
}

char *nt_cap_time_format(int64_t ms, char out[32])
{
	int64_t secs = ms / 1000 - (ms % 1000 < 0 ? 1 : 0) + NT_CAP_OFFSET_MINUTES * 60;
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	long y, m, d;
	cl_civil_from_days((long)days, &y, &m, &d);
	snprintf(out, 32, "%04ld-%02ld-%02ldT%02d:%02d:%02d+%02d:%02d", y, m, d,
		 (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60),
		 NT_CAP_OFFSET_MINUTES / 60, NT_CAP_OFFSET_MINUTES % 60);
	return out;
}
