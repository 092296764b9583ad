/* export_cell.c - the CSV text of a stored value of an app field */
#include "records.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool num(const char *s, size_t n, long *out)
{
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool rec_datetime_tokyo(const char *t, char out[17])
{
	long y, mo, d, h, mi, oh = 0, om = 0;
	size_t n = strlen(t);
	if (n < 16 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') ||
	    t[13] != ':' || !num(t, 4, &y) || !num(t + 5, 2, &mo) || !num(t + 8, 2, &d) ||
	    !num(t + 11, 2, &h) || !num(t + 14, 2, &mi))
		return false;
	const char *z = t + 16;
	if (*z == ':') { /* seconds and fractions: dropped */
		z++;
		while (isdigit((unsigned char)*z) || *z == '.')
			z++;
	}
	int sign = 0;
	if (*z == 'Z' || *z == 'z') {
		if (z[1])
			return false;
	} else if (*z == '+' || *z == '-') {
		sign = *z == '+' ? 1 : -1;
		if (strlen(z) != 6 || z[3] != ':' || !num(z + 1, 2, &oh) || !num(z + 4, 2, &om))
			return false;
	} else {
		return false;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
		return false;
	long minutes = cl_days_from_civil(y, mo, d) * 1440 + h * 60 + mi -
		       sign * (oh * 60 + om) + 9 * 60;
	long days = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
	long rest = minutes - days * 1440;
	long yy, mm, dd;
	cl_civil_from_days(days, &yy, &mm, &dd);
	char tmp[96];
	snprintf(tmp, sizeof tmp, "%04ld-%02ld-%02ld %02ld:%02ld", yy % 10000, mm, dd, rest / 60,
		 rest % 60);
	cl_strlcpy(out, tmp, 17);
	return true;
}

static char *name_of(const json_t *names, const char *id)
{
	const char *name = names ? json_string_value(json_object_get(names, id)) : NULL;
	return cl_xstrdup(name && *name ? name : id);
}

/* the text of value, before the formula guard */
static char *cell_text(const json_t *field, const json_t *value,
		       const struct rec_import_names *names)
{
	if (!value || json_is_null(value))
		return cl_xstrdup("");
	const char *type = json_string_value(json_object_get(field, "type")) ?: "";
	char buf[64];
	if (json_is_integer(value)) {
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		return cl_xstrdup(buf);
	}
	if (json_is_real(value)) {
		snprintf(buf, sizeof buf, "%.15g", json_real_value(value));
		return cl_xstrdup(buf);
	}
	if (json_is_array(value)) {
		struct rec_text_buf b = {0};
		size_t i;
		const json_t *v;
		json_array_foreach(value, i, v) {
			if (i)
				rec_text_buf_add(&b, ";", 1);
			rec_text_buf_adds(&b, json_string_value(v) ?: "");
		}
		return b.data ? b.data : cl_xstrdup("");
	}
	const char *s = json_string_value(value);
	if (!s)
		return cl_xstrdup("");
	if (!strcmp(type, "datetime")) {
		char t[17];
		return cl_xstrdup(rec_datetime_tokyo(s, t) ? t : s);
	}
	if (!strcmp(type, "user"))
		return name_of(names ? names->users : NULL, s);
	if (!strcmp(type, "organisation"))
		return name_of(names ? names->organisations : NULL, s);
	if (!strcmp(type, "facility"))
		return name_of(names ? names->facilities : NULL, s);
	return cl_xstrdup(s);
}

char *rec_export_cell_text(const json_t *field, const json_t *value,
			   const struct rec_import_names *names)
{
	char *text = cell_text(field, value, names);
	if (json_is_number(value))
		return text; /* a number of ours is never a formula, "-5" stays -5 */
	char *safe = rec_csv_formula_guard(text);
	free(text);
	return safe;
}
