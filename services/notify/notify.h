/* notify.h - the notify service's internal interface: application state,
 * the notification entity, its SQL and the HTTP and Kafka handlers. */
#ifndef CARELINK_NOTIFY_H
#define CARELINK_NOTIFY_H

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carelink/http.h"
#include "carelink/identity.h"
#include "carelink/kafka.h"
#include "carelink/pg.h"
#include "carelink/service.h"

#define NT_TOPIC_POSTS "carelink.posts"
#define NT_TOPIC_DIRECTORY "carelink.directory"
#define NT_TOPIC_VACANCY "carelink.vacancy"
#define NT_TOPIC_RECORDS "carelink.records"
#define NT_TOPIC_NOTIFICATIONS "carelink.notifications"
#define NT_SCHEMA_SPACE_CHANGED "carelink.posts.SpaceChanged"
#define NT_SCHEMA_POST_CREATED "carelink.posts.PostCreated"
#define NT_SCHEMA_POST_EDITED "carelink.posts.PostEdited"
#define NT_SCHEMA_POST_DELETED "carelink.posts.PostDeleted"
#define NT_SCHEMA_COMMENT_ADDED "carelink.posts.CommentAdded"
#define NT_SCHEMA_POST_CONFIRMED "carelink.posts.PostConfirmed"
#define NT_SCHEMA_APP_RECORD_CREATED "carelink.directory.AppRecordCreated"
#define NT_SCHEMA_APP_RECORD_UPDATED "carelink.directory.AppRecordUpdated"
#define NT_SCHEMA_APP_RECORD_DELETED "carelink.directory.AppRecordDeleted"
#define NT_SCHEMA_EVENT_REMINDER_DUE "carelink.directory.EventReminderDue"
#define NT_SCHEMA_APP_CHANGED "carelink.directory.AppChanged"
#define NT_SCHEMA_VACANCY_WATCH_MATCHED "carelink.vacancy.VacancyWatchMatched"
#define NT_SCHEMA_VACANCY_STALE "carelink.vacancy.VacancyStale"
#define NT_SCHEMA_HOLD_PLACED "carelink.vacancy.HoldPlaced"
#define NT_SCHEMA_HOLD_CONFIRMED "carelink.vacancy.HoldConfirmed"
#define NT_SCHEMA_HOLD_RELEASED "carelink.vacancy.HoldReleased"
#define NT_SCHEMA_PATIENT_ENTRY_ADDED "carelink.records.PatientEntryAdded"
#define NT_SCHEMA_CARE_TEAM_CHANGED "carelink.records.CareTeamChanged"
#define NT_SCHEMA_BREAK_GLASS_OPENED "carelink.records.BreakGlassOpened"
#define NT_SCHEMA_NOTIFICATION_CREATED "carelink.notifications.NotificationCreated"
#define NT_SCHEMA_NOTIFICATIONS_READ "carelink.notifications.NotificationsRead"
#define NT_SCHEMA_PREFERENCES_CHANGED "carelink.notifications.NotificationPreferencesChanged"
/* inbox consumer name for events of carelink.posts */
#define NT_INBOX_POSTS "notify.posts"
/* inbox consumer name for events of carelink.directory */
#define NT_INBOX_DIRECTORY "notify.directory"
/* inbox consumer name for events of carelink.vacancy */
#define NT_INBOX_VACANCY "notify.vacancy"
/* inbox consumer name for events of carelink.records (patient files) */
#define NT_INBOX_RECORDS "notify.records"
/* the key of the event calendar app (its texts speak of events) */
#define NT_APP_KEY_EVENTS "events"
/* the role that reads every app of its tenant */
#define NT_ROLE_TENANT_ADMIN "tenant_admin"

#define NT_FEED_LIMIT_DEFAULT 50
#define NT_FEED_LIMIT_MAX 500
/* code points of a post body kept in a notification */
#define NT_BODY_MAX_CODEPOINTS 200
/* code points of an app record's title kept in a notification's title */
#define NT_RECORD_TITLE_MAX_CODEPOINTS 100

/* notification kinds */
#define NT_KIND_SPACE "space"
#define NT_KIND_POST "post"
#define NT_KIND_MENTION "mention"
#define NT_KIND_COMMENT "comment"
#define NT_KIND_POST_EDITED "post_edited"
#define NT_KIND_CONFIRMATION "confirmation"
#define NT_KIND_APP_RECORD "app_record"
#define NT_KIND_APP_RECORD_UPDATED "app_record_updated"
#define NT_KIND_APP_RECORD_DELETED "app_record_deleted"
#define NT_KIND_REMINDER "reminder"
#define NT_KIND_VACANCY_MATCH "vacancy_match"
#define NT_KIND_VACANCY_STALE "vacancy_stale"
#define NT_KIND_HOLD_PLACED "hold_placed"
#define NT_KIND_HOLD_CONFIRMED "hold_confirmed"
#define NT_KIND_HOLD_RELEASED "hold_released"
#define NT_KIND_PATIENT_MESSAGE "patient_message"
#define NT_KIND_PATIENT_INCIDENT "patient_incident"
#define NT_KIND_BREAK_GLASS "break_glass"
/* the categories of patient entries that notify tells about */
#define NT_ENTRY_MESSAGE "message"
#define NT_ENTRY_INCIDENT "incident"
/* the symbol of HoldReleased's reason when the hold ran out */
#define NT_RELEASE_EXPIRED "EXPIRED"

struct cl_ticker;

struct nt_app {
	struct cl_service *svc;     /* borrowed */
	struct cl_consumer consumer;
	struct cl_pg consumer_pg;   /* used only by the consumer thread */
	struct cl_ticker *alert_ticker;  /* the escalation pass (alert_escalation.c) */
	struct cl_ticker *retention_ticker;  /* the retention pass (retention.c) */
};

/* One notification. Strings are borrowed from the decoded event except
 * title, body and link, which the notification owns; every json_t is a
 * reference the notification owns (NULL: empty). nt_notification_release()
 * frees what it owns. id and created_at are filled in by
 * nt_db_notification_insert(). */
struct nt_notification {
	int64_t id;
	int64_t created_at;  /* ms since the epoch */
	const char *tenant_id;
	const char *source_event_id;
	const char *kind;
	char *title;
	char *body;
	char *link;
	const char *actor_id;
	const char *actor_name;
	bool audience_everyone;
	json_t *audience_users;          /* arrays of strings */
	json_t *audience_professions;
	json_t *audience_organisations;
	const char *exclude_user;        /* NULL: nobody */
	json_t *exclude_users;           /* more users who must not see it */
	const char *subject_id;          /* the post, comment, space or app record */
	const char *post_id;             /* the post of a post or comment subject */
	const char *space_id;            /* NULL: not inside a space */
	const char *app_id;              /* NULL: not about an app's record */
	/* NULL: not about a patient; else shown only to the current members
	 * of the patient's care team as notify copies it */
	const char *patient_id;
	/* the audience is the patient's whole team as notify copies it when
	 * the plan is applied (but exclude_user); audience_users is filled
	 * in then. A patient notice left with nobody to tell is not stored. */
	bool audience_team;
	/* urgent (alerts, FEED.md): shown first, never muted, never silent */
	bool urgent;
	/* NULL: not inside a thread; else a reader who muted the thread does
	 * not get it (unless urgent or a mention) */
	const char *thread_id;
};

void nt_notification_release(struct nt_notification *n);

/* The readers of a space as notify copies them. Borrowed arrays. */
struct nt_space {
	const char *tenant_id;
	const char *space_id;
	const json_t *professions;
	const json_t *organisations;
	int archived;        /* 0 or 1; -1: not said by the event (kept as is) */
	int64_t time;        /* event time, ms: an older event never overwrites */
};

/* The readers of an app as notify copies them (from every event of
 * carelink.directory: AppChanged and the record events). Borrowed arrays. */
struct nt_app_readers {
	const char *tenant_id;
	const char *app_id;
	const json_t *professions;
	const json_t *organisations;
	int64_t time;        /* event time, ms: an older event never overwrites */
};

/* A patient's care team as notify copies it (from CareTeamChanged and the
 * team BreakGlassOpened names). Borrowed array. */
struct nt_patient_team {
	const char *tenant_id;
	const char *patient_id;
	const json_t *members;   /* user ids of the whole current team */
	int64_t time;            /* event time, ms: an older event never overwrites */
};

/* What one event of carelink.posts, carelink.directory or carelink.vacancy
 * does, all in one transaction: claim its id in the inbox, update the copy
 * of its space or app, withdraw notifications, insert notifications (each
 * with a NotificationCreated in the outbox). */
#define NT_PLAN_NOTICES_MAX 2
struct nt_plan {
	const char *inbox;             /* inbox consumer name (NT_INBOX_*) */
	const char *event_id;          /* borrowed from the event */
	const char *tenant_id;
	struct nt_space space;         /* space_id NULL: no copy to update */
	struct nt_app_readers app;     /* app_id NULL: no copy to update */
	struct nt_patient_team team;   /* patient_id NULL: no copy to update */
	const char *withdraw_id;       /* NULL, or the post/comment/record withdrawn */
	const char *thread_id;         /* NULL, or the thread of every notice (posts) */
	struct nt_notification notices[NT_PLAN_NOTICES_MAX];
	size_t n_notices;
	int created;                   /* set by nt_plan_apply() */
	int withdrawn;
};

/* nt_plan_release() - release the notices of p (the plan itself is the
 * caller's). */
void nt_plan_release(struct nt_plan *p);

/* A planner: fill plan from the decoded event ev (borrowed; plan borrows
 * from it). Returns 0, or CL_EINVAL with a reason when the event lacks a
 * value it needs. */
typedef int (*nt_plan_fn)(const json_t *ev, struct nt_plan *plan, char *reason,
			  size_t reason_size);

/* the planners, one file each */
int nt_space_changed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			  size_t reason_size);
int nt_post_created_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			 size_t reason_size);
int nt_comment_added_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			  size_t reason_size);
int nt_post_edited_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			size_t reason_size);
int nt_post_deleted_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			 size_t reason_size);
int nt_post_confirmed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			   size_t reason_size);
int nt_app_record_created_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			       size_t reason_size);
int nt_app_record_updated_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			       size_t reason_size);
int nt_app_record_deleted_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			       size_t reason_size);
int nt_event_reminder_due_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			       size_t reason_size);
int nt_app_changed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			size_t reason_size);
int nt_vacancy_watch_matched_plan(const json_t *ev, struct nt_plan *plan, char *reason,
				  size_t reason_size);
int nt_vacancy_stale_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			  size_t reason_size);
int nt_hold_placed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			size_t reason_size);
int nt_hold_confirmed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			   size_t reason_size);
int nt_hold_released_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			  size_t reason_size);
int nt_care_team_changed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			      size_t reason_size);
int nt_patient_entry_added_plan(const json_t *ev, struct nt_plan *plan, char *reason,
				size_t reason_size);
int nt_break_glass_opened_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			       size_t reason_size);

/* plan.c - what the planners share (pure: no database) */

/* nt_event_str() - borrowed string member of ev, NULL when absent or
 * empty. nt_event_text() - the same but "" is kept (names, bodies). */
const char *nt_event_str(const json_t *ev, const char *key);
const char *nt_event_text(const json_t *ev, const char *key);
/* nt_string_array() - whether a is an array of non-empty strings. */
bool nt_string_array(const json_t *a);
/* nt_plan_begin() - set the plan's event id, tenant and the space copy
 * from the event's event_id, tenant_id, time, space_id and audience, and
 * its thread from the event's thread_id (NULL when the event has none).
 * Returns 0 or CL_EINVAL with a reason. */
int nt_plan_begin(struct nt_plan *plan, const json_t *ev, const char *what,
		  char *reason, size_t reason_size);
/* nt_plan_notice() - the next notice of plan, zeroed, with tenant, source
 * event, kind, space or app, thread and subject set; post_id may be NULL. */
struct nt_notification *nt_plan_notice(struct nt_plan *plan, const char *kind,
				       const char *subject_id, const char *post_id);
/* nt_notice_space_audience() - n is for every reader of plan's space: the
 * tenant when both lists are empty, else the union of the lists. */
void nt_notice_space_audience(struct nt_notification *n, const struct nt_plan *plan);
/* nt_notice_users() - n is for these users only (new reference taken). */
void nt_notice_users(struct nt_notification *n, const json_t *users);
/* nt_mentions_any() - whether a Mentions record names anybody. */
bool nt_mentions_any(const json_t *mentions);
/* nt_plan_mention() - add the "mention" notice of mentions (a Mentions
 * record: its users and organisations) when it names anybody: titled with
 * where ("space / thread"), text cut as the body, link copied. Borrowed
 * arguments. */
void nt_plan_mention(struct nt_plan *plan, const json_t *mentions, const char *subject_id,
		     const char *post_id, const char *actor_id, const char *actor_name,
		     const char *where, const char *text, const char *link);

/* app_plan.c - what the planners of carelink.directory events share (pure:
 * no database) */

/* nt_app_plan_begin() - set the plan's event id, tenant and the app copy
 * from the event's event_id, tenant_id, time, app_id and readers; *record_id
 * is the event's record_id (borrowed). Returns 0 or CL_EINVAL with a
 * reason. */
int nt_app_plan_begin(struct nt_plan *plan, const json_t *ev, const char *what,
		      const char **record_id, char *reason, size_t reason_size);
/* nt_app_plan_readers() - the same for an event about the app itself
 * (AppChanged: no record). */
int nt_app_plan_readers(struct nt_plan *plan, const json_t *ev, const char *what,
			char *reason, size_t reason_size);
/* nt_notice_app_audience() - n is for every reader of plan's app: the
 * tenant when both lists are empty, else the union of the lists. */
void nt_notice_app_audience(struct nt_notification *n, const struct nt_plan *plan);
/* nt_app_record_summary() - one line about an event calendar record for a
 * notification body, from the record's values (JSON object text):
 * "12月1日(火) 14:00 ・ 場所" ("" when neither is known, or values is not
 * an object). The caller frees it. */
char *nt_app_record_summary(const char *values);

/* vacancy_plan.c - what the planners of carelink.vacancy events share
 * (pure: no database) */

/* A hold as HoldPlaced, HoldConfirmed and HoldReleased carry it; strings
 * borrowed from the event. facility_organisation_id is NULL in events
 * written before it was added (the decoder gives ""), facility_name is ""
 * then. */
struct nt_hold {
	const char *hold_id;
	const char *facility_id;
	const char *facility_name;
	const char *facility_organisation_id;
	const char *holder_id;
	const char *kind;
	const char *room;
	const char *from;
	const char *to;
	const char *client_label;
	int beds;
};

/* nt_vacancy_plan_begin() - set the plan's event id and tenant from the
 * event's event_id and tenant_id (time must be there too). No copy of a
 * space or app. Returns 0 or CL_EINVAL with a reason. */
int nt_vacancy_plan_begin(struct nt_plan *plan, const json_t *ev, const char *what,
			  char *reason, size_t reason_size);
/* nt_hold_read() - the hold of a hold event. Returns 0 or CL_EINVAL with a
 * reason (a required field missing, or from/to not dates with from <= to). */
int nt_hold_read(struct nt_hold *h, const json_t *ev, const char *what, char *reason,
		 size_t reason_size);
/* nt_hold_body() - the body of a hold's notifications: "ショートステイ ・
 * 12月1日〜12月3日(3泊) ・ 2床(女性) ・ 利用者: A様" (no label: without its
 * part). The caller frees it. */
char *nt_hold_body(const struct nt_hold *h);
/* nt_vacancy_nights() - "12月1日〜12月3日" ("12月1日" for one night) of the
 * nights from..to (YYYY-MM-DD, inclusive), *nights (may be NULL) their
 * number; NULL when either is not a date or to is before from. The caller
 * frees it. */
char *nt_vacancy_nights(const char *from, const char *to, int *nights);
/* nt_vacancy_kind_label() - ショートステイ, 後方支援病床, ケアマネ空き情報
 * (short_stay, backup, capacity), 空き情報 for anything else. */
const char *nt_vacancy_kind_label(const char *kind);
/* nt_vacancy_room_label() - 男性, 女性 (men, women), 男女可 otherwise. */
const char *nt_vacancy_room_label(const char *room);
/* nt_vacancy_facility_label() - name, or 施設 when it is empty or NULL. */
const char *nt_vacancy_facility_label(const char *name);
/* the vacancy pages' routes: "#/vacancy/watches/<id>",
 * "#/vacancy/facilities/<id>", "#/vacancy/holds/<id>". The caller frees
 * them. */
char *nt_link_vacancy_watch(const char *watch_id);
char *nt_link_vacancy_facility(const char *facility_id);
char *nt_link_vacancy_hold(const char *hold_id);

/* patient_plan.c - what the planners of carelink.records events share
 * (pure: no database). Their notifications name no patient and hold no
 * text of an entry: the events carry ids, a category and times only. */

/* nt_patient_plan_begin() - set the plan's event id and tenant from the
 * event's event_id, tenant_id and time; *patient_id is the event's
 * patient_id (borrowed). No copy of a space, app or team yet. Returns 0
 * or CL_EINVAL with a reason. */
int nt_patient_plan_begin(struct nt_plan *plan, const json_t *ev, const char *what,
			  const char **patient_id, char *reason, size_t reason_size);
/* nt_patient_plan_team() - the plan updates notify's copy of patient_id's
 * team to members (borrowed, an array of non-empty strings) at the
 * event's time. */
void nt_patient_plan_team(struct nt_plan *plan, const json_t *ev, const char *patient_id,
			  const json_t *members);
/* nt_patient_notice() - the next notice of plan about patient_id, with
 * kind, subject and patient set and actor_id as actor (no name: the events
 * carry none). */
struct nt_notification *nt_patient_notice(struct nt_plan *plan, const char *kind,
					  const char *subject_id, const char *patient_id,
					  const char *actor_id);
/* the patient pages' routes: "#/patients/<patient>/entries/<entry>",
 * "#/patients/<patient>/access-history". The caller frees them. */
char *nt_link_patient_entry(const char *patient_id, const char *entry_id);
char *nt_link_patient_access(const char *patient_id);

/* text.c - small text helpers */

/* nt_text_printf() - a new string formatted like printf; the caller frees
 * it. */
char *nt_text_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* nt_array_text() - the JSON text of a string array ("[]" for NULL), the
 * form the SQL statements take arrays in; the caller frees it. */
char *nt_array_text(const json_t *arr);
/* nt_link_post() - "#/threads/<thread>/posts/<post>", the page's route of
 * a post; nt_link_space() - "#/spaces/<space>". The caller frees them. */
char *nt_link_post(const char *thread_id, const char *post_id);
char *nt_link_space(const char *space_id);
/* nt_link_app_record() - "#/app-records/<record>"; the caller frees it. */
char *nt_link_app_record(const char *record_id);
/* nt_text_jst() - ms since the epoch as a day and time in Asia/Tokyo
 * (+09:00, no daylight saving): "12月1日(火) 14:00". The caller frees it. */
char *nt_text_jst(int64_t ms);
/* nt_text_jst_day() - the day (days since 1970-01-01) of ms in Asia/Tokyo. */
int64_t nt_text_jst_day(int64_t ms);
/* nt_text_rfc3339_ms() - an RFC 3339 date-time with seconds and an offset
 * ("2026-12-01T14:00:00+09:00", "…Z", fractions allowed) as ms since the
 * epoch. Returns 0 or CL_EINVAL. */
int nt_text_rfc3339_ms(const char *s, int64_t *out);

/* nt_text_cut() - s cut to at most max code points of UTF-8, with "…"
 * appended when something was cut; never splits a character. The caller
 * frees the result. */
char *nt_text_cut(const char *s, size_t max);
/* nt_parse_id() - s as a decimal integer in 0..INT64_MAX, digits only.
 * Returns 0 or CL_EINVAL. */
int nt_parse_id(const char *s, int64_t *out);

struct nt_feed_query; /* feed.h */

/* db_notification.c - one function per statement. "Visible" to who means:
 * same tenant; who is neither exclude_user nor in exclude_users; not
 * withdrawn; the audience is everyone or names who's profession or
 * organisation, or who has a notification_recipients row of it (a targeted
 * row's named users); the row is outside any space, or notify has no copy of
 * its space yet, or the copy lets who read the space (so narrowing a
 * space's readers hides its earlier notifications at once); and the row is
 * about no app, or notify has no copy of its app, or the copy lets who read
 * the app, or who is a tenant_admin (who reads every app); and the row is
 * about no patient, or who is a current member of the patient's team as
 * notify copies it (no copy: nobody; so leaving a team hides the
 * notifications about the patient at once). */

/* nt_db_notification_insert() - insert n unless a notification of the same
 * kind for n->source_event_id exists. Returns 1 and sets n->id and
 * n->created_at when inserted, 0 when it already existed, or a negative
 * cl_pg_exec() code. */
int nt_db_notification_insert(struct cl_pg *pg, struct nt_notification *n);
/* nt_db_notification_withdraw() - withdraw every notification of tenant
 * about subject_id, or (when subject_id is a post) about any of its
 * comments. Returns the number withdrawn or a cl_pg_exec() code. */
int nt_db_notification_withdraw(struct cl_pg *pg, const char *tenant_id,
				const char *subject_id);
/* nt_db_notification_newest() - append to items (a JSON array) up to
 * q->limit feed items the reader sees with q's filters (FEED.md: the read
 * state, mutes and urgent-only mode of who applied) and id < q->before (0:
 * no bound), newest first. Returns 0 or a cl_pg_exec() code. */
int nt_db_notification_newest(struct cl_pg *pg, const struct cl_identity *who,
			      const struct nt_feed_query *q, json_t *items);
/* nt_db_notification_after() - the same with id > q->after, oldest first. */
int nt_db_notification_after(struct cl_pg *pg, const struct cl_identity *who,
			     const struct nt_feed_query *q, json_t *items);
/* nt_db_notification_exists() - 1 when id is a notification of tenant
 * (withdrawn or not), 0 when not, or a cl_pg_exec() code. */
int nt_db_notification_exists(struct cl_pg *pg, const char *tenant, int64_t id);
/* nt_db_notification_get() - the feed item id when visible to who (with
 * its read state): *item is a new reference. Returns 0, CL_ENOENT or a
 * cl_pg_exec() code. */
int nt_db_notification_get(struct cl_pg *pg, const struct cl_identity *who,
			   int64_t id, json_t **item);
/* nt_db_notification_unread() - *rows (new array) holds up to max
 * {"id","urgent","kind","space_id","app_id","patient_id"} of the visible
 * unread notifications the feed shows who by default (not muted, only
 * urgent ones in urgent-only mode), newest first. */
int nt_db_notification_unread(struct cl_pg *pg, const struct cl_identity *who, int max,
			      json_t **rows);
/* nt_db_notification_max() - the highest notification id of tenant (0:
 * none) into *id. */
int nt_db_notification_max(struct cl_pg *pg, const char *tenant, int64_t *id);
/* nt_db_notification_purge() - delete at most batch notifications (of
 * every tenant) stored more than days days ago, the oldest first, with
 * their per-person rows and single reads; *deleted says how many. */
int nt_db_notification_purge(struct cl_pg *pg, long days, int batch, long *deleted);

/* db_space.c - notify's copy of the spaces */

/* nt_db_space_upsert() - store s unless the copy holds a newer event time.
 * Returns 0 or a cl_pg_exec() code. */
int nt_db_space_upsert(struct cl_pg *pg, const struct nt_space *s);

/* db_patient_team.c - notify's copy of the patients' care teams */

/* nt_db_patient_team_upsert() - store t unless the copy holds a newer
 * event time. Returns 0 or a cl_pg_exec() code. */
int nt_db_patient_team_upsert(struct cl_pg *pg, const struct nt_patient_team *t);
/* nt_db_patient_team_members() - *members (new reference) is the array of
 * user ids of the copy of patient_id's team, empty when notify has no
 * copy. Returns 0 or a cl_pg_exec() code. */
int nt_db_patient_team_members(struct cl_pg *pg, const char *tenant_id,
			       const char *patient_id, json_t **members);

/* db_app.c - notify's copy of the apps' readers */

/* nt_db_app_upsert() - store a unless the copy holds a newer event time.
 * Returns 0 or a cl_pg_exec() code. */
int nt_db_app_upsert(struct cl_pg *pg, const struct nt_app_readers *a);

/* plan_apply.c - nt_plan_apply() runs plan in one transaction of the
 * consumer's connection (retrying serialization failures). Returns 0 (also
 * when the event was handled before), CL_ERETRY, or another code with a
 * reason. */
int nt_plan_apply(struct nt_app *app, struct nt_plan *plan, char *reason,
		  size_t reason_size);
/* nt_notification_event() - the NotificationCreated event of an inserted
 * n; new reference. */
json_t *nt_notification_event(const struct nt_notification *n);

/* nt_db_recipients_add() - the per-person rows of a targeted notification
 * (FEED.md "Fan-out"): one row in notification_recipients for each user id
 * of users (an array of strings; NULL or empty: none) for the inserted
 * notification n (n->id set). Call it in the transaction that inserted n.
 * 0 or a negative CL_E* code. (db_recipients.c) */
int nt_db_recipients_add(struct cl_pg *pg, const struct nt_notification *n,
			 const json_t *users);

/* consume.c - the handler of the consumer of carelink.posts,
 * carelink.directory, carelink.vacancy and carelink.records (cl_consume_fn; arg is the struct nt_app): decodes,
 * picks the planner and the inbox by the schema's full name (other types
 * are ignored), applies the plan. */
int nt_events_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
		      size_t reason_size);

/* retention.c - the pass that deletes notifications older than
 * notify.retention_days (default NT_RETENTION_DAYS_DEFAULT; 0 or less:
 * never) every notify.retention_interval_s seconds. */
#define NT_RETENTION_DAYS_DEFAULT 400
#define NT_RETENTION_INTERVAL_DEFAULT 3600
int nt_retention_start(struct nt_app *app);
void nt_retention_stop(struct nt_app *app);

/* notification.c - GET /v1/notifications/:id */
enum MHD_Result nt_notification_get(struct cl_http_req *req);

#endif
