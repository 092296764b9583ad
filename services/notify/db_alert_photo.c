/* db_alert_photo.c - the photo of an alert (ALERTS.md "The photo"); one
 * function per statement */
#include "alert_resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "carelink/err.h"
#include "carelink/util.h"

int nt_db_alert_photo_put(struct cl_pg *pg, int64_t id, const char *content_type,
			  const char *sha1, const void *data, size_t size)
{
	char idt[24], sz[24];
	snprintf(idt, sizeof idt, "%lld", (long long)id);
	snprintf(sz, sizeof sz, "%zu", size);
	const char *p[5] = {idt, content_type, sz, sha1, data};
	int lengths[5] = {0, 0, 0, 0, (int)size};
	int formats[5] = {0, 0, 0, 0, 1};
	PGresult *res;
	/* xmax is 0 on a freshly inserted row, the updating transaction's id
	 * on one the ON CONFLICT branch replaced */
	int rc = cl_pg_exec_bin(pg, &res,
				"INSERT INTO alert_photos (alert_id, content_type, size, sha1, data)"
				" VALUES ($1::bigint, $2, $3::int, $4, $5::bytea)"
				" ON CONFLICT (alert_id) DO UPDATE SET"
				" content_type = EXCLUDED.content_type, size = EXCLUDED.size,"
				" sha1 = EXCLUDED.sha1, data = EXCLUDED.data, updated_at = now()"
				" RETURNING (xmax <> 0)::int",
				5, p, lengths, formats);
	if (rc < 0)
		return rc;
	char out[8];
	rc = cl_pg_text(res, out, sizeof out);
	if (rc < 0)
		return rc;
	return out[0] == '1' ? 1 : 0;
}

int nt_db_alert_photo_get(struct cl_pg *pg, int64_t id, struct nt_alert_photo *out)
{
	char idt[24];
	snprintf(idt, sizeof idt, "%lld", (long long)id);
	const char *p[1] = {idt};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT content_type, sha1, data FROM alert_photos"
			    " WHERE alert_id = $1::bigint",
			    1, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	out->data = cl_pg_bytea(res, 0, 2, &out->size);
	out->content_type = cl_xstrdup(PQgetvalue(res, 0, 0));
	snprintf(out->sha1, sizeof out->sha1, "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

void nt_alert_photo_release(struct nt_alert_photo *p)
{
	free(p->content_type);
	if (p->data)
		PQfreemem(p->data);
	memset(p, 0, sizeof *p);
}
