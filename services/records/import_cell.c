/* import_cell.c - a CSV cell read as the JSON value of an app field, and
 * cells naming people, organisations and facilities resolved to ids */
#include "records.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rec_import_names_release(struct rec_import_names *n)
{
	json_decref(n->users);
	json_decref(n->organisations);
	json_decref(n->facilities);
	memset(n, 0, sizeof *n);
}

const char *rec_import_name_resolve(const json_t *names, const char *cell, const char **reason)
{
	void *it = json_object_iter_at((json_t *)names, cell);
	if (it)
		return json_object_iter_key(it);
	const char *found = NULL, *key;
	const json_t *name;
	json_object_foreach((json_t *)names, key, name) {
		if (strcmp(json_string_value(name) ?: "", cell))
			continue;
		if (found) {
			*reason = "同じ名前が複数あります（IDで指定してください）";
			return NULL;
		}
		found = key;
	}
	if (!found)
		*reason = "その名前またはIDは見つかりません";
	return found;
}

/* digits at *s, between min and max of them, as a number; advances *s */
static bool digits_read(const char **s, int min, int max, int *out)
{
	int n = 0, v = 0;
	while (isdigit((unsigned char)**s) && n < max) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	*out = v;
	return n >= min && !isdigit((unsigned char)**s);
}

/* "YYYY-M-D" or "YYYY/M/D" at *s into "YYYY-MM-DD"; advances *s */
static bool date_read(const char **s, char out[11])
{
	int y, m, d;
	if (!digits_read(s, 4, 4, &y))
		return false;
	char sep = **s;
	if (sep != '-' && sep != '/')
		return false;
	(*s)++;
	if (!digits_read(s, 1, 2, &m) || **s != sep)
		return false;
	(*s)++;
	if (!digits_read(s, 1, 2, &d))
		return false;
	char tmp[48];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
	cl_strlcpy(out, tmp, 11);
	return rec_date_valid(out);
}

static json_t *number_read(const char *cell, const char **reason)
{
	/* thousands separators as a spreadsheet writes them: 1,234,567.5 */
	char buf[64];
	size_t k = 0;
	for (const char *p = cell; *p; p++) {
		if (*p == ',')
			continue;
		if (k + 1 >= sizeof buf)
			goto bad;
		buf[k++] = *p;
	}
	buf[k] = '\0';
	if (!k || strspn(buf, "+-0123456789.eE") != k)
		goto bad;
	char *end;
	double v = strtod(buf, &end);
	if (*end || !isfinite(v))
		goto bad;
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
bad:
	*reason = "数値ではありません";
	return NULL;
}

static json_t *datetime_read(const char *cell, const char **reason)
{
	if (strchr(cell, 'T'))
		return json_string(cell); /* RFC 3339: checked by the field's rules */
	const char *s = cell;
	char date[11];
	int h, mi, sec = 0;
	if (!date_read(&s, date) || (*s != ' ' && *s != '\t'))
		goto bad;
	s += strspn(s, " \t");
	if (!digits_read(&s, 1, 2, &h) || *s++ != ':' || !digits_read(&s, 2, 2, &mi))
		goto bad;
	if (*s == ':') {
		s++;
		if (!digits_read(&s, 2, 2, &sec))
			goto bad;
	}
	if (*s || h > 23 || mi > 59 || sec > 59)
		goto bad;
	char out[80];
	snprintf(out, sizeof out, "%sT%02d:%02d:%02d+09:00", date, h, mi, sec);
	return json_string(out);
bad:
	*reason = "日時は YYYY-MM-DD HH:MM の形で書いてください";
	return NULL;
}

static json_t *choices_read(const char *cell)
{
	json_t *a = json_array();
	const char *p = cell;
	for (;;) {
		size_t n = strcspn(p, ";");
		const char *b = p, *e = p + n;
		while (b < e && strchr(" \t", *b))
			b++;
		while (e > b && strchr(" \t", e[-1]))
			e--;
		if (e > b)
			json_array_append_new(a, json_stringn(b, (size_t)(e - b)));
		if (!p[n])
			break;
		p += n + 1;
	}
	return a;
}

/* long text keeps its line breaks, as LF */
static json_t *long_text_read(const char *cell)
{
	size_t n = strlen(cell);
	char *t = cl_xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (cell[i] == '\r') {
			t[k++] = '\n';
			if (cell[i + 1] == '\n')
				i++;
		} else {
			t[k++] = cell[i];
		}
	}
	json_t *v = json_stringn(t, k);
	free(t);
	return v;
}

json_t *rec_import_cell_value(const json_t *field, const char *cell,
			      const struct rec_import_names *names, const char **reason)
{
	const char *type = json_string_value(json_object_get(field, "type")) ?: "";
	*reason = NULL;
	if (!strcmp(type, "number"))
		return number_read(cell, reason);
	cell = rec_csv_formula_unguard(cell);
	if (!strcmp(type, "date")) {
		const char *s = cell;
		char date[11];
		if (date_read(&s, date) && !*s)
			return json_string(date);
		*reason = "日付は YYYY-MM-DD の形で書いてください";
		return NULL;
	}
	if (!strcmp(type, "datetime"))
		return datetime_read(cell, reason);
	if (!strcmp(type, "multi_choice"))
		return choices_read(cell);
	if (!strcmp(type, "long_text"))
		return long_text_read(cell);
	const json_t *table = NULL;
	if (names && !strcmp(type, "user"))
		table = names->users;
	else if (names && !strcmp(type, "organisation"))
		table = names->organisations;
	else if (names && !strcmp(type, "facility"))
		table = names->facilities;
	if (table) {
		const char *id = rec_import_name_resolve(table, cell, reason);
		return id ? json_string(id) : NULL;
	}
	return json_string(cell);
}
