/* cap_stream.h - inside notify's emergency-services stream (alerts.h): the
 * stored CAP messages of alerts and the times they carry */
#ifndef NT_CAP_STREAM_H
#define NT_CAP_STREAM_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "alerts.h"
#include "carelink/pg.h"

/* the offset of the times in CAP messages: Japan, +09:00 */
#define NT_CAP_OFFSET_MINUTES (9 * 60)
/* how long ended alerts stay in the Atom index */
#define NT_CAP_ATOM_ENDED_MS (24LL * 3600 * 1000)

/* cap_xml.c - s (NULL: "") as XML character data on f: markup escaped,
 * characters XML 1.0 forbids (C0 controls but tab, LF and CR) dropped. */
void nt_cap_xml_text(FILE *f, const char *s);

/* cap_db.c - one function per statement */

/* nt_cap_db_history() - the CAP messages of alert_id, oldest first: *messages
 * a new array of {"identifier","sender","sent"}. Returns 0 or a
 * cl_pg_exec() code. */
int nt_cap_db_history(struct cl_pg *pg, int64_t alert_id, json_t **messages);
/* nt_cap_db_insert() - record one message. Returns 0 or a cl_pg_exec()
 * code (CL_ECONFLICT: identifier taken). */
int nt_cap_db_insert(struct cl_pg *pg, const char *tenant, int64_t alert_id, int version,
		     const char *change, const char *identifier, const char *sender,
		     const char *sent, const char *document);
/* nt_cap_db_latest() - the latest document of alert_id in tenant (caller
 * frees). Returns 0, CL_ENOENT or a cl_pg_exec() code. */
int nt_cap_db_latest(struct cl_pg *pg, const char *tenant, int64_t alert_id, char **document);

/* cap_time.c */

/* nt_cap_time_parse() - an RFC 3339 time ("2026-11-25T00:01:08.123Z",
 * "...+09:00") as ms since the epoch. Returns 0 or CL_EINVAL. */
int nt_cap_time_parse(const char *s, int64_t *ms);
/* nt_cap_time_format() - ms as CAP's dateTime in +09:00
 * ("2026-11-25T09:01:08+09:00") into out; returns out. */
char *nt_cap_time_format(int64_t ms, char out[32]);

#endif
