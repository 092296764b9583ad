/* import_map.c - the header row of a CSV file mapped to an app's fields */
#include "records.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* index of the field whose label, else key, is name; -1 */
static long field_index(const json_t *fields, const char *name)
{
	size_t i;
	const json_t *f;
	json_array_foreach(fields, i, f)
		if (!strcmp(json_string_value(json_object_get(f, "label")) ?: "", name))
			return (long)i;
	json_array_foreach(fields, i, f)
		if (!strcmp(json_string_value(json_object_get(f, "key")) ?: "", name))
			return (long)i;
	return -1;
}

/* a copy of s without leading and trailing white space */
static char *trimmed(const char *s)
{
	s += strspn(s, " \t\r\n");
	size_t n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	char *t = cl_xmalloc(n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	return t;
}

/* append 「name」 to list, joined by 、 */
static void name_add(struct rec_text_buf *list, const char *name)
{
	if (list->len)
		rec_text_buf_adds(list, "、");
	rec_text_buf_adds(list, "「");
	rec_text_buf_adds(list, name);
	rec_text_buf_adds(list, "」");
}

static char *message_make(const char *head, const struct rec_text_buf *list, const char *tail)
{
	struct rec_text_buf m = {0};
	rec_text_buf_adds(&m, head);
	rec_text_buf_adds(&m, list->data ? list->data : "");
	rec_text_buf_adds(&m, tail ? tail : "");
	return m.data;
}

int rec_import_map_make(const json_t *fields, const struct rec_csv_row *header,
			struct rec_import_map *map, const char **code, char **message)
{
	size_t n_fields = json_array_size(fields);
	map->n = header->n;
	map->field = cl_xcalloc(header->n ? header->n : 1, sizeof *map->field);
	map->id_column = -1;
	bool *seen = cl_xcalloc(n_fields + 1, sizeof *seen);
	struct rec_text_buf unknown = {0}, dup = {0}, missing = {0};
	int rc = 0;

	for (size_t c = 0; c < header->n; c++) {
		char *name = trimmed(header->cells[c]);
		long f = -2; /* -2: a column without a header, ignored */
		if (!*name) {
			f = -2;
		} else if (!strcasecmp(name, "id")) {
			f = -1;
			if (map->id_column >= 0)
				name_add(&dup, name);
			map->id_column = (long)c;
		} else {
			f = field_index(fields, name);
			if (f < 0) {
				name_add(&unknown, name);
				f = -2;
			} else if (seen[f]) {
				name_add(&dup, name);
			}
			if (f >= 0)
				seen[f] = true;
		}
		map->field[c] = f;
		free(name);
	}
	size_t i;
	const json_t *fd;
	json_array_foreach(fields, i, fd)
		if (json_is_true(json_object_get(fd, "required")) && !seen[i])
			name_add(&missing, json_string_value(json_object_get(fd, "label")) ?: "");

	if (dup.len) {
		*code = "invalid_csv";
		*message = message_make("1行目: 同じ列が2回あります: ", &dup, NULL);
		rc = CL_EINVAL;
	} else if (missing.len) {
		*code = "missing_columns";
		struct rec_text_buf tail = {0};
		if (unknown.len) {
			rec_text_buf_adds(&tail, "（どの項目にも当たらない列: ");
			rec_text_buf_adds(&tail, unknown.data);
			rec_text_buf_adds(&tail, "）");
		}
		*message = message_make("必須項目の列がありません: ", &missing, tail.data);
		rec_text_buf_release(&tail);
		rc = CL_EINVAL;
	} else if (unknown.len) {
		*code = "unknown_columns";
		*message = message_make("どの項目の名前にもキーにも当たらない列があります: ", &unknown,
					NULL);
		rc = CL_EINVAL;
	}
	rec_text_buf_release(&unknown);
	rec_text_buf_release(&dup);
	rec_text_buf_release(&missing);
	free(seen);
	if (rc < 0)
		rec_import_map_release(map);
	return rc;
}

void rec_import_map_release(struct rec_import_map *map)
{
	free(map->field);
	map->field = NULL;
	map->n = 0;
	map->id_column = -1;
}
