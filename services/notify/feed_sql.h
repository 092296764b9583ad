/* feed_sql.h - the SQL fragments the feed's statements share
 * (db_notification.c, db_read.c): which rows a reader may see, whether the
 * reader read or muted a row, and the feed's filters. Parameters $1..$5
 * are the reader's identity (NT_VISIBLE_TO_READER). */
#ifndef CARELINK_NOTIFY_FEED_SQL_H
#define CARELINK_NOTIFY_FEED_SQL_H

/* Columns every feed query selects, in the order feed_item() reads them
 * (the last one, whether the reader has read it, needs NT_FEED_FROM). */
#define NT_FEED_COLUMNS                                                        \
	"n.id, n.kind, n.title, n.body, n.link, n.actor_id, n.actor_name,"     \
	" floor(extract(epoch FROM n.created_at) * 1000)::bigint,"             \
	" n.urgent, n.space_id, n.thread_id, n.app_id, n.patient_id,"          \
	NT_READ_BY_READER

/* Who may see a row n (with sp, notify's copy of its space, and ap, the
 * copy of its app; a row about a patient only by a current member of the
 * copy of the patient's team): $1 tenant, $2 user, $3 profession, $4
 * organisation of the reader, $5 "true" when the reader is a tenant_admin
 * (who reads every app). Empty identity fields never match a list entry.
 * The users a targeted row names are its notification_recipients rows
 * (FEED.md "Fan-out"). ma is the reader's mark for all of the feed, fp
 * the reader's preferences (both may be missing). */
#define NT_FEED_FROM                                                           \
	" FROM notifications n LEFT JOIN spaces sp"                            \
	" ON sp.tenant_id = n.tenant_id AND sp.space_id = n.space_id"          \
	" LEFT JOIN apps ap"                                                   \
	" ON ap.tenant_id = n.tenant_id AND ap.app_id = n.app_id"              \
	" LEFT JOIN feed_read_marks ma"                                        \
	" ON ma.tenant_id = $1 AND ma.user_id = $2 AND ma.space_id = ''"       \
	" LEFT JOIN feed_preferences fp"                                       \
	" ON fp.tenant_id = $1 AND fp.user_id = $2"
#define NT_VISIBLE_TO_READER                                                   \
	" n.tenant_id = $1 AND NOT n.withdrawn"                                \
	" AND (n.exclude_user IS NULL OR n.exclude_user <> $2)"                \
	" AND NOT ($2 <> '' AND $2 = ANY (n.exclude_users))"                   \
	" AND (n.audience_everyone"                                            \
	"      OR ($2 <> '' AND EXISTS (SELECT 1 FROM notification_recipients r" \
	"          WHERE r.tenant_id = n.tenant_id AND r.user_id = $2"         \
	"          AND r.notification_id = n.id))"                             \
	"      OR ($3 <> '' AND $3 = ANY (n.audience_professions))"            \
	"      OR ($4 <> '' AND $4 = ANY (n.audience_organisations)))"         \
	" AND (sp.space_id IS NULL"                                            \
	"      OR (cardinality(sp.professions) = 0"                            \
	"          AND cardinality(sp.organisations) = 0)"                     \
	"      OR ($3 <> '' AND $3 = ANY (sp.professions))"                    \
	"      OR ($4 <> '' AND $4 = ANY (sp.organisations)))"                 \
	" AND (ap.app_id IS NULL OR $5::boolean"                               \
	"      OR (cardinality(ap.professions) = 0"                            \
	"          AND cardinality(ap.organisations) = 0)"                     \
	"      OR ($3 <> '' AND $3 = ANY (ap.professions))"                    \
	"      OR ($4 <> '' AND $4 = ANY (ap.organisations)))"                 \
	" AND (n.patient_id IS NULL OR EXISTS (SELECT 1 FROM patient_teams pt"  \
	"      WHERE pt.tenant_id = n.tenant_id AND pt.patient_id = n.patient_id" \
	"      AND $2 <> '' AND $2 = ANY (pt.members)))"
/* Whether the reader has read n: at or below their mark for all, or for
 * n's space, or a single read (FEED.md "read state"). */
#define NT_READ_BY_READER                                                      \
	" (n.id <= COALESCE(ma.up_to, 0)"                                      \
	"  OR n.id <= COALESCE((SELECT ms.up_to FROM feed_read_marks ms"       \
	"      WHERE ms.tenant_id = $1 AND ms.user_id = $2"                    \
	"      AND ms.space_id = n.space_id), 0)"                              \
	"  OR EXISTS (SELECT 1 FROM notification_reads nr"                     \
	"      WHERE nr.tenant_id = $1 AND nr.user_id = $2"                    \
	"      AND nr.notification_id = n.id))"
/* The reader's mark for all (0: none), as a value computed once, so that
 * the scan of unread rows starts above it on the (tenant_id, id) index. */
#define NT_MARK_OF_ALL                                                         \
	" COALESCE((SELECT mk.up_to FROM feed_read_marks mk"                   \
	"  WHERE mk.tenant_id = $1 AND mk.user_id = $2 AND mk.space_id = ''), 0)"
/* Whether the reader muted n: its space or thread is muted and it is
 * neither urgent nor a mention. */
#define NT_MUTED_BY_READER                                                     \
	" (fp.user_id IS NOT NULL AND NOT n.urgent AND n.kind <> 'mention'"    \
	"  AND ((n.space_id IS NOT NULL AND n.space_id = ANY (fp.muted_spaces))" \
	"       OR (n.thread_id IS NOT NULL"                                   \
	"           AND n.thread_id = ANY (fp.muted_threads))))"
/* The feed's filters (FEED.md "GET /v1/feed"), after the five identity
 * parameters: $6 before, $7 after (NULL: no bound), $8 limit, $9 urgent,
 * $10 mentions, $11 space, $12 app, $13 patient (NULL: any), $14 unread,
 * $15 include_muted, $16 all (urgent-only mode not applied). */
#define NT_FEED_FILTERS                                                        \
	" AND ($6::bigint IS NULL OR n.id < $6::bigint)"                       \
	" AND ($7::bigint IS NULL OR n.id > $7::bigint)"                       \
	" AND (n.urgent OR NOT ($9::boolean"                                   \
	"      OR (COALESCE(fp.urgent_only, false) AND NOT $16::boolean)))"    \
	" AND (NOT $10::boolean OR n.kind = 'mention')"                        \
	" AND ($11::text IS NULL OR n.space_id = $11)"                         \
	" AND ($12::text IS NULL OR n.app_id = $12)"                           \
	" AND ($13::text IS NULL OR n.patient_id = $13)"                       \
	" AND (NOT $14::boolean OR NOT" NT_READ_BY_READER ")"                  \
	" AND n.id > CASE WHEN $14::boolean THEN" NT_MARK_OF_ALL " ELSE 0 END"  \
	" AND ($15::boolean OR NOT" NT_MUTED_BY_READER ")"

#endif
