/* db_template.c - SQL for entry templates: personal or shared within the
 * tenant, no patient data */
#include "entries.h"
#include "carelink/err.h"

#define TEMPLATE_JSON                                                                        \
	"json_build_object('id', t.id, 'name', t.name, 'category', t.category,"              \
	" 'fields', t.fields, 'text', t.text, 'shared', t.shared,"                          \
	" 'owner', json_build_object('id', t.owner_id, 'name', t.owner_name),"              \
	" 'created_at', " REC_SQL_TIME("t.created_at") ")"

int rec_db_template_list(struct cl_pg *pg, const struct cl_identity *who, json_t **out)
{
	const char *p[2] = {who->tenant, who->user};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT COALESCE(json_agg(" TEMPLATE_JSON
			    " ORDER BY t.owner_id <> $2, t.name, t.id), '[]')"
			    " FROM entry_templates t WHERE t.tenant_id = $1"
			    " AND (t.owner_id = $2 OR t.shared)",
			    2, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_template_insert(struct cl_pg *pg, const struct cl_identity *who, const char *name,
			   const char *category, const char *fields_json, const char *text,
			   bool shared, json_t **out)
{
	const char *p[7] = {who->tenant, who->user,  who->name,
			    name,        category,   fields_json,
			    text};
	const char *sql_shared = shared ? "true" : "false";
	const char *q[8] = {p[0], p[1], p[2], p[3], p[4], p[5], p[6], sql_shared};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO entry_templates AS t (tenant_id, owner_id, owner_name, name,"
			    " category, fields, text, shared) VALUES ($1, $2, $3, $4, $5, $6::jsonb,"
			    " $7, $8::boolean) RETURNING " TEMPLATE_JSON,
			    8, q);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_template_delete(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			   bool admin)
{
	const char *p[4] = {who->tenant, who->user, id, admin ? "true" : "false"};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "DELETE FROM entry_templates WHERE tenant_id = $1 AND id = $3::uuid"
			    " AND (owner_id = $2 OR (shared AND $4::boolean))",
			    4, p);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n == 1 ? 0 : CL_ENOENT;
}
