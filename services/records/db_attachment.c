/* db_attachment.c - SQL for attachments: store, purge stale uploads,
 * attach to a post, read one for a caller */
#include "records.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rec_db_attachment_insert(struct cl_pg *pg, const struct rec_attachment_new *a,
			     char id[CL_UUID_LEN + 1])
{
	char size[24];
	snprintf(size, sizeof size, "%zu", a->size);
	const char *p[6] = {a->tenant_id, a->uploader_id, a->filename, a->content_type, size,
			    a->data};
	int lengths[6] = {0, 0, 0, 0, 0, (int)a->size};
	int formats[6] = {0, 0, 0, 0, 0, 1};
	PGresult *res;
	int rc = cl_pg_exec_bin(pg, &res,
				"INSERT INTO attachments (tenant_id, uploader_id, filename,"
				" content_type, size, data) VALUES ($1, $2, $3, $4, $5::int,"
				" $6::bytea) RETURNING id",
				6, p, lengths, formats);
	if (rc < 0)
		return rc;
	return cl_pg_text(res, id, CL_UUID_LEN + 1);
}

int rec_db_attachment_purge(struct cl_pg *pg, const char *tenant_id)
{
	const char *p[1] = {tenant_id};
	return cl_pg_exec(pg, NULL,
			  "DELETE FROM attachments WHERE tenant_id = $1 AND post_id IS NULL"
			  " AND created_at < now() - interval '1 day'",
			  1, p);
}

int rec_db_attachment_claim(struct cl_pg *pg, const char *tenant_id, const char *uploader_id,
			    const char *post_id, const char *ids_json, size_t n)
{
	const char *p[4] = {tenant_id, uploader_id, post_id, ids_json};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE attachments SET post_id = $3::uuid WHERE tenant_id = $1"
			    " AND uploader_id = $2 AND post_id IS NULL"
			    " AND created_at >= now() - interval '1 day'"
			    " AND id IN (SELECT v::uuid FROM jsonb_array_elements_text($4::jsonb) v)",
			    4, p);
	if (rc < 0)
		return rc;
	long got = cl_pg_affected(res);
	PQclear(res);
	return got == (long)n ? 0 : CL_ENOENT;
}

int rec_db_attachment_get(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			  struct rec_attachment_file *out)
{
	const char *p[5] = {who->tenant, who->profession, who->organisation, who->user, id};
	PGresult *res;
	/* an attached file follows its post's space; an unattached one is
	 * its uploader's alone, for a day */
	int rc = cl_pg_exec(pg, &res,
			    "SELECT a.content_type, a.filename, a.data FROM attachments a"
			    " LEFT JOIN posts p ON p.id = a.post_id"
			    " LEFT JOIN spaces s ON s.id = p.space_id"
			    " WHERE a.id = $5::uuid AND a.tenant_id = $1 AND"
			    " ((a.post_id IS NULL AND a.uploader_id = $4"
			    " AND a.created_at >= now() - interval '1 day')"
			    " OR (p.deleted_at IS NULL AND p.tenant_id = $1 AND "
			    REC_SQL_SPACE_VISIBLE "))",
			    5, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	out->data = cl_pg_bytea(res, 0, 2, &out->size);
	out->content_type = cl_xstrdup(PQgetvalue(res, 0, 0));
	out->filename = cl_xstrdup(PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}
