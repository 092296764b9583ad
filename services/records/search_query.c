/* search_query.c - the pure rules of search: LIKE patterns, dates,
 * UTF-8 and cursors */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *rec_like_pattern(const char *q)
{
	size_t n = strlen(q);
	char *out = cl_xmalloc(2 * n + 3);
	size_t k = 0;
	out[k++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '\\' || q[i] == '%' || q[i] == '_')
			out[k++] = '\\';
		out[k++] = q[i];
	}
	out[k++] = '%';
	out[k] = '\0';
	return out;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool rec_date_valid(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) ||
	    !digits(s + 5, 2) || !digits(s + 8, 2))
		return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

bool rec_utf8_valid(const char *s)
{
	/* jansson refuses text that is not UTF-8 */
	json_t *j = json_string(s);
	json_decref(j);
	return j != NULL;
}

bool rec_search_cursor_parse(const char *cursor, char us[24], char id[CL_UUID_LEN + 1])
{
	const char *dot = strchr(cursor, '.');
	size_t n = dot ? (size_t)(dot - cursor) : 0;
	if (!dot || n < 1 || n > 19 || !digits(cursor, n) || !cl_uuid_valid(dot + 1))
		return false;
	memcpy(us, cursor, n);
	us[n] = '\0';
	cl_strlcpy(id, dot + 1, CL_UUID_LEN + 1);
	return true;
}
