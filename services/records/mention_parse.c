/* mention_parse.c - the "mentions" object of a request: user and
 * organisation ids, duplicates dropped */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

void rec_mentions_release(struct rec_mentions *m)
{
	for (size_t i = 0; i < m->n_users; i++)
		free(m->users[i]);
	for (size_t i = 0; i < m->n_organisations; i++)
		free(m->organisations[i]);
	free(m->users);
	free(m->organisations);
	memset(m, 0, sizeof *m);
}

/* a: NULL or an array of strings, into *ids / *n without duplicates */
static int ids_parse(const json_t *a, char ***ids, size_t *n)
{
	size_t i;
	json_t *v;
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > REC_MENTIONS_MAX)
		return CL_EINVAL;
	*ids = cl_xcalloc(json_array_size(a) + 1, sizeof **ids);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return CL_EINVAL;
		const char *s = json_string_value(v);
		bool seen = false;
		for (size_t k = 0; k < *n && !seen; k++)
			seen = !strcmp((*ids)[k], s);
		if (!seen)
			(*ids)[(*n)++] = cl_xstrdup(s);
	}
	return 0;
}

int rec_mentions_parse(const json_t *m, struct rec_mentions *out)
{
	memset(out, 0, sizeof *out);
	if (!m || json_is_null(m))
		return 0;
	json_t *users = NULL, *orgs = NULL;
	json_error_t jerr;
	if (json_unpack_ex((json_t *)m, &jerr, JSON_STRICT, "{s?o, s?o}", "users", &users,
			   "organisations", &orgs) ||
	    ids_parse(users, &out->users, &out->n_users) < 0 ||
	    ids_parse(orgs, &out->organisations, &out->n_organisations) < 0) {
		rec_mentions_release(out);
		return CL_EINVAL;
	}
	return 0;
}

/* the "id" members of the objects of a */
static json_t *ids_of(const json_t *a)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		json_t *id = json_object_get(v, "id");
		if (json_is_string(id))
			json_array_append(out, id);
	}
	return out;
}

json_t *rec_mentions_ids_json(const json_t *resolved)
{
	json_t *out = json_pack("{s:o, s:o}", "users", ids_of(json_object_get(resolved, "users")),
				"organisations",
				ids_of(json_object_get(resolved, "organisations")));
	if (!out)
		abort();
	return out;
}
