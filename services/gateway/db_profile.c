/* db_profile.c - the SQL of the people directory: profiles and photos */
#include "people.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a person as the directory shows it; the photo's data is never read here */
#define PERSON_COLUMNS                                                              \
	"u.id, u.display_name, u.organisation_id, o.name, u.profession,"            \
	" coalesce(p.work_phone, ''), array_to_json(coalesce(p.areas, '{}'))::text," \
	" coalesce(p.can_help_with, ''), ph.etag, coalesce(p.language, 'ja')"
#define PERSON_FROM                                               \
	" FROM users u JOIN organisations o ON o.id = u.organisation_id" \
	" LEFT JOIN profiles p ON p.user_id = u.id"                      \
	" LEFT JOIN profile_photos ph ON ph.user_id = u.id"

static json_t *person_from_row(PGresult *res, int row, bool with_language)
{
	const char *id = PQgetvalue(res, row, 0);
	json_t *areas = json_loads(PQgetvalue(res, row, 6), 0, NULL);
	if (!json_is_array(areas)) {
		json_decref(areas);
		areas = json_array();
	}
	const char *etag = cl_pg_getvalue(res, row, 8);
	json_t *photo_url = json_null();
	if (etag) {
		/* the version in the url lets the page cache each photo for good */
		char url[160];
		snprintf(url, sizeof url, "/api/v1/people/%s/photo?v=%.12s", id, etag);
		photo_url = json_string(url);
	}
	json_t *p = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:o, s:s, s:b, s:o}",
			      "id", id, "name", PQgetvalue(res, row, 1), "organisation",
			      "id", PQgetvalue(res, row, 2), "name", PQgetvalue(res, row, 3),
			      "profession", PQgetvalue(res, row, 4), "work_phone",
			      PQgetvalue(res, row, 5), "areas", areas, "can_help_with",
			      PQgetvalue(res, row, 7), "has_photo", etag != NULL,
			      "photo_url", photo_url);
	if (!p)
		abort();
	if (with_language)
		json_object_set_new(p, "language", json_string(PQgetvalue(res, row, 9)));
	return p;
}

int gw_db_people_search(struct cl_pg *pg, const struct gw_people_query *q, json_t **out)
{
	char limit[16];
	snprintf(limit, sizeof limit, "%d", q->limit);
	const char *p[7] = {q->tenant,     q->pattern,  q->organisation, q->profession,
			    q->after_name, q->after_id, limit};
	PGresult *res;
	/* each branch of the union can use its own trigram index */
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " PERSON_COLUMNS PERSON_FROM
			    " WHERE u.tenant_id = $1 AND u.active"
			    " AND ($2::text IS NULL OR u.id IN ("
			    "  SELECT id FROM users WHERE tenant_id = $1 AND display_name ILIKE $2"
			    "  UNION SELECT uo.id FROM organisations oo"
			    "   JOIN users uo ON uo.organisation_id = oo.id"
			    "   WHERE oo.tenant_id = $1 AND oo.name ILIKE $2"
			    "  UNION SELECT user_id FROM profiles WHERE search_text ILIKE $2))"
			    " AND ($3::uuid IS NULL OR u.organisation_id = $3::uuid)"
			    " AND ($4::text IS NULL OR u.profession = $4)"
			    " AND ($5::text IS NULL OR (u.display_name, u.id) > ($5, $6::uuid))"
			    " ORDER BY u.display_name, u.id LIMIT $7::int",
			    7, p);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(list, person_from_row(res, i, false));
	PQclear(res);
	*out = list;
	return 0;
}

int gw_db_person_get(struct cl_pg *pg, const char *tenant, const char *user_id,
		     bool with_language, json_t **out)
{
	const char *p[2] = {tenant, user_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " PERSON_COLUMNS PERSON_FROM
			    " WHERE u.tenant_id = $1 AND u.id = $2::uuid AND u.active",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*out = person_from_row(res, 0, with_language);
	PQclear(res);
	return 0;
}

int gw_db_profile_update(struct cl_pg *pg, const char *user_id,
			 const struct gw_profile_patch *d)
{
	const char *p[5] = {user_id, d->work_phone, d->areas_json, d->can_help_with,
			    d->language};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO profiles AS p (user_id, work_phone, areas, can_help_with,"
			  " language)"
			  " VALUES ($1::uuid, coalesce($2, ''),"
			  " coalesce(ARRAY(SELECT json_array_elements_text($3::json)), '{}'),"
			  " coalesce($4, ''), coalesce($5, 'ja'))"
			  " ON CONFLICT (user_id) DO UPDATE SET"
			  " work_phone = coalesce($2, p.work_phone),"
			  " areas = CASE WHEN $3::json IS NULL THEN p.areas"
			  "  ELSE ARRAY(SELECT json_array_elements_text($3::json)) END,"
			  " can_help_with = coalesce($4, p.can_help_with),"
			  " language = coalesce($5, p.language),"
			  " updated_at = now()",
			  5, p);
}

int gw_db_profile_language(struct cl_pg *pg, const char *user_id, char out[3])
{
	const char *p[1] = {user_id};
	PGresult *res;
	cl_strlcpy(out, "ja", 3);
	int rc = cl_pg_exec(pg, &res, "SELECT language FROM profiles WHERE user_id = $1::uuid",
			    1, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 1)
		cl_strlcpy(out, PQgetvalue(res, 0, 0), 3);
	PQclear(res);
	return 0;
}

int gw_db_photo_put(struct cl_pg *pg, const char *user_id, const char *content_type,
		    const void *data, size_t len, const char *etag)
{
	const char *p[4] = {user_id, content_type, data, etag};
	const int lengths[4] = {0, 0, (int)len, 0};
	const int formats[4] = {0, 0, 1, 0};
	return cl_pg_exec_bin(pg, NULL,
			      "INSERT INTO profile_photos (user_id, content_type, data, etag)"
			      " VALUES ($1::uuid, $2, $3::bytea, $4)"
			      " ON CONFLICT (user_id) DO UPDATE SET content_type = $2,"
			      " data = $3::bytea, etag = $4, updated_at = now()",
			      4, p, lengths, formats);
}

int gw_db_photo_get(struct cl_pg *pg, const char *tenant, const char *user_id,
		    const char *if_none_match, struct gw_photo *out)
{
	const char *p[3] = {tenant, user_id, if_none_match};
	PGresult *res;
	memset(out, 0, sizeof *out);
	/* the data only when the client does not hold this version already */
	int rc = cl_pg_exec(pg, &res,
			    "SELECT ph.content_type, ph.etag,"
			    " CASE WHEN $3::text IS NOT NULL AND $3 = '\"' || ph.etag || '\"'"
			    " THEN NULL ELSE ph.data END"
			    " FROM profile_photos ph JOIN users u ON u.id = ph.user_id"
			    " WHERE u.tenant_id = $1 AND u.id = $2::uuid AND u.active",
			    3, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	cl_strlcpy(out->content_type, PQgetvalue(res, 0, 0), sizeof out->content_type);
	snprintf(out->etag, sizeof out->etag, "\"%.32s\"", PQgetvalue(res, 0, 1));
	if (!PQgetisnull(res, 0, 2)) {
		out->data = cl_pg_bytea(res, 0, 2, &out->len);
	}
	PQclear(res);
	return 0;
}

int gw_db_photo_delete(struct cl_pg *pg, const char *user_id)
{
	const char *p[1] = {user_id};
	return cl_pg_exec(pg, NULL, "DELETE FROM profile_photos WHERE user_id = $1::uuid", 1, p);
}
