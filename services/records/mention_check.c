/* mention_check.c - mentions checked against the tenant's people and the
 * space: who is mentioned must exist, be active and be able to read it */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>

/* the ids as a JSON array text; malloc'd */
static char *ids_json(char *const *ids, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(ids[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (!s)
		abort();
	return s;
}

/* For each user id, in order: name (NULL when no such active person) and
 * whether they may see the space. */
static int users_lookup(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			const char *ids, PGresult **res)
{
	const char *p[3] = {tenant_id, ids, space_id};
	return cl_pg_exec(pg, res,
			  "SELECT u.id, pe.display_name, coalesce(" REC_SQL_PERSON_SEES ", false)"
			  " FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY u(id, n)"
			  " JOIN spaces s ON s.id = $3::uuid AND s.tenant_id = $1"
			  " LEFT JOIN people pe ON pe.tenant_id = $1 AND pe.user_id = u.id"
			  " AND pe.active ORDER BY u.n",
			  3, p);
}

/* For each organisation id, in order: its name (NULL when the tenant has no
 * such organisation) and whether the space admits it as a whole. */
static int organisations_lookup(struct cl_pg *pg, const char *tenant_id, const char *space_id,
				const char *ids, PGresult **res)
{
	const char *p[3] = {tenant_id, ids, space_id};
	return cl_pg_exec(pg, res,
			  "SELECT o.id, (SELECT t.name FROM tenant_organisations t"
			  " WHERE t.tenant_id = $1 AND t.organisation_id = o.id),"
			  " (cardinality(s.visible_professions) = 0"
			  " AND cardinality(s.visible_organisations) = 0)"
			  " OR o.id = ANY (s.visible_organisations)"
			  " FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY o(id, n)"
			  " JOIN spaces s ON s.id = $3::uuid AND s.tenant_id = $1 ORDER BY o.n",
			  3, p);
}

/* rows of a lookup into [{"id","name"}], or a refusal */
static int rows_resolve(PGresult *res, json_t *into, struct rec_refusal *r)
{
	for (int i = 0; i < PQntuples(res); i++) {
		if (PQgetisnull(res, i, 1))
			return rec_refuse(r, 400, "unknown_mention",
					  "メンション先が見つかりません");
		if (PQgetvalue(res, i, 2)[0] != 't')
			return rec_refuse(r, 400, "mention_outside_space",
					  "このスペースを見られない人・機関はメンションできません");
		json_array_append_new(into, json_pack("{s:s, s:s}", "id", PQgetvalue(res, i, 0),
						      "name", PQgetvalue(res, i, 1)));
	}
	return 0;
}

int rec_mentions_resolve(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			 const struct rec_mentions *m, json_t **resolved, struct rec_refusal *r)
{
	json_t *users = json_array(), *orgs = json_array();
	PGresult *res = NULL;
	int rc = 0;
	if (m->n_users) {
		char *ids = ids_json(m->users, m->n_users);
		rc = users_lookup(pg, tenant_id, space_id, ids, &res);
		free(ids);
		if (rc < 0)
			goto out;
		rc = rows_resolve(res, users, r);
		PQclear(res);
		if (rc < 0)
			goto out;
	}
	if (m->n_organisations) {
		char *ids = ids_json(m->organisations, m->n_organisations);
		rc = organisations_lookup(pg, tenant_id, space_id, ids, &res);
		free(ids);
		if (rc < 0)
			goto out;
		rc = rows_resolve(res, orgs, r);
		PQclear(res);
		if (rc < 0)
			goto out;
	}
	*resolved = json_pack("{s:O, s:O}", "users", users, "organisations", orgs);
out:
	json_decref(users);
	json_decref(orgs);
	return rc;
}
