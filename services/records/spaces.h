/* spaces.h - spaces, threads and the copy of the tenant's people inside
 * carelink-records (included by records.h) */
#ifndef REC_SPACES_H
#define REC_SPACES_H

#include <librdkafka/rdkafka.h>

/* Events of spaces (topic REC_TOPIC_POSTS, key: space id) and the identity
 * events records reads its copy of the people from. */
#define REC_EVENT_SPACE_CHANGED "carelink.posts.SpaceChanged"
#define REC_TOPIC_IDENTITY "carelink.identity"
#define REC_EVENT_USER_CHANGED "carelink.identity.UserChanged"
/* consumer group of the people copy */
#define REC_GROUP_IDENTITY "records-identity"

/* Limits of API.md, in code points after trimming (description: not
 * trimmed, may be empty). */
#define REC_SPACE_NAME_MAX 200
#define REC_SPACE_DESCRIPTION_MAX 2000
#define REC_THREAD_TITLE_MAX 200
#define REC_PROFESSION_MAX 64
/* at most this many entries in a visibility list or the admins */
#define REC_SPACE_LIST_MAX 200
/* ?q= of the members, code points */
#define REC_MEMBERS_QUERY_MAX 200

/* RFC 3339 UTC with milliseconds of a timestamptz SQL expression. */
#define REC_SQL_TIME(col)                                                      \
	"to_char((" col ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* Whether the caller is an admin of space s, for statements whose $4 is
 * the caller's user id and $5 "true" when the caller is a tenant_admin
 * (parameters of REC_SPACE_WHO_PARAMS, with REC_SQL_SPACE_VISIBLE's $1..$3). */
#define REC_SQL_SPACE_ADMIN "($4 = ANY (s.admins) OR $5::boolean)"
#define REC_SPACE_WHO_PARAMS(who)                                              \
	(who)->tenant, (who)->profession, (who)->organisation, (who)->user,    \
		(rec_identity_tenant_admin(who) ? "true" : "false")

/* rec_identity_tenant_admin() - true when who has the role tenant_admin
 * (an admin of every space of the tenant) (space_access.c). */
bool rec_identity_tenant_admin(const struct cl_identity *who);

/* rec_space_refusal_send() - answer r when set; else 404 not_found_code
 * ("space_not_found" or "thread_not_found") for CL_ENOENT, 409
 * conflict_code (may be NULL) for CL_ECONFLICT, or the usual answer. */
enum MHD_Result rec_space_refusal_send(struct cl_http_req *req,
				       const struct rec_refusal *r, int rc,
				       const char *not_found_code, const char *conflict_code);
/* rec_space_people_check() - inside the open transaction: refuse (400
 * unknown_organisation) an organisation of organisations (may be NULL)
 * that no person of the tenant belongs to, and (400 unknown_user) a user
 * of admins (may be NULL) who is no active person of the tenant. Returns
 * 0, CL_ECONFLICT with r filled, or a cl_pg_exec() code. */
int rec_space_people_check(struct cl_pg *pg, const char *tenant_id,
			   const json_t *organisations, const json_t *admins,
			   struct rec_refusal *r);

/* ---- HTTP handlers (one file each) ---- */

/* GET /v1/spaces (space_list.c) */
enum MHD_Result rec_space_list(struct cl_http_req *req);
/* POST /v1/spaces (space_create.c) */
enum MHD_Result rec_space_create(struct cl_http_req *req);
/* GET /v1/spaces/:id (space_get.c) */
enum MHD_Result rec_space_get(struct cl_http_req *req);
/* PATCH /v1/spaces/:id (space_patch.c) */
enum MHD_Result rec_space_patch(struct cl_http_req *req);
/* GET /v1/spaces/:id/members (space_members.c) */
enum MHD_Result rec_space_members(struct cl_http_req *req);
/* POST /v1/spaces/:id/threads (thread_create.c) */
enum MHD_Result rec_thread_create(struct cl_http_req *req);
/* PATCH /v1/threads/:id (thread_patch.c) */
enum MHD_Result rec_thread_patch(struct cl_http_req *req);
/* PUT /v1/spaces/:id/thread-order (thread_order.c) */
enum MHD_Result rec_thread_order(struct cl_http_req *req);

/* ---- checks of request values (space_input.c) ---- */

/* rec_text_trim() - s without leading and trailing white space (ASCII
 * blanks and U+3000) as a new string; *count is its length in code points.
 * s must be valid UTF-8 (jansson guarantees it). Caller frees. */
char *rec_text_trim(const char *s, size_t *count);
/* rec_profession_valid() - true when s matches [a-z_]{1,64}. */
bool rec_profession_valid(const char *s);
/* rec_string_array() - true when a is an array of at most max strings. */
bool rec_string_array(const json_t *a, size_t max);
/* rec_strings_minus() - the strings of array a that are not in array b,
 * in a's order; new reference. */
json_t *rec_strings_minus(const json_t *a, const json_t *b);

/* The fields a POST or PATCH of a space gives; NULL or -1: not given. */
struct rec_space_fields {
	char *name;             /* owned, trimmed, 1..200 code points */
	char *description;      /* owned, trimmed, up to 2,000 */
	int archived;           /* -1, 0 or 1 */
	json_t *professions;    /* owned, valid codes, no repeats */
	json_t *organisations;  /* owned, strings, no repeats (not yet checked
				 * against the people) */
	json_t *admins;         /* owned, likewise */
};
/* rec_space_fields_read() - req's JSON body {name?, description?,
 * visibility?:{professions?, organisations?}, admins?, archived? (only
 * with_archived)} into *f. Returns false after queuing the 400 answer
 * (the handler returns req->result); release *f either way. */
bool rec_space_fields_read(struct cl_http_req *req, bool with_archived,
			   struct rec_space_fields *f);
void rec_space_fields_release(struct rec_space_fields *f);

/* rec_thread_title_read() - the "title" member of body, trimmed and 1..200
 * code points, as a new string (caller frees); NULL with *given false when
 * absent and not required, NULL after queuing 400 invalid_title otherwise
 * (thread_create.c). */
char *rec_thread_title_read(struct cl_http_req *req, json_t *body, bool required,
			    bool *given);

/* ---- a space, as the statements below hand it over ---- */

struct rec_space {
	char id[CL_UUID_LEN + 1];
	char *name;            /* owned */
	char *description;     /* owned */
	bool archived;
	json_t *professions;   /* owned: array of profession codes */
	json_t *organisations; /* owned: array of organisation ids */
	json_t *admins;        /* owned: array of user ids (tenant admins besides) */
	bool visible;          /* the caller may see the space */
	bool can_admin;        /* the caller is an admin of the space */
};
/* rec_space_release() - free what s owns; s may be filled again. */
void rec_space_release(struct rec_space *s);

/* rec_space_event_add() - write SpaceChanged (change: "CREATED",
 * "UPDATED", "ARCHIVED" or "UNARCHIVED") with the whole state of s to the
 * outbox in the open transaction; actor_id and actor_name name who made
 * the change. Returns 0 or a cl_outbox_add() code, CL_EINVAL turned into
 * CL_EFATAL (space_event.c). */
int rec_space_event_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			const char *tenant_id, const struct rec_space *s, const char *change,
			const char *actor_id, const char *actor_name);

/* ---- db_space.c ----
 * The JSON of a space is API.md's {"id","name","description","archived",
 * "visibility":{"professions","organisations"},"admins","can_admin",
 * "thread_count","created_at","updated_at"}, can_admin for the caller. */

/* rec_db_space_list() - spaces visible to who (all: every space of who's
 * tenant), by name, as a new JSON array. */
int rec_db_space_list(struct cl_pg *pg, const struct cl_identity *who, bool all,
		      json_t **out);
/* rec_db_space_get() - the JSON of a space visible to who; CL_ENOENT when
 * unknown, of another tenant or not visible. */
int rec_db_space_get(struct cl_pg *pg, const struct cl_identity *who,
		     const char *space_id, json_t **out);
/* rec_db_space_json() - the JSON of a space of who's tenant whatever its
 * visibility (the caller has checked who may have it); CL_ENOENT. */
int rec_db_space_json(struct cl_pg *pg, const struct cl_identity *who,
		      const char *space_id, json_t **out);
/* rec_db_space_find() - a space visible to who into *out (release it);
 * CL_ENOENT when unknown, of another tenant or not visible. */
int rec_db_space_find(struct cl_pg *pg, const struct cl_identity *who,
		      const char *space_id, struct rec_space *out);
/* rec_db_space_lock() - a space of who's tenant that who may see or
 * administer, locked FOR UPDATE until the open transaction ends (writes
 * to the space and its threads take this lock first); CL_ENOENT for any
 * other. Check out->can_admin before changing anything. */
int rec_db_space_lock(struct cl_pg *pg, const struct cl_identity *who,
		      const char *space_id, struct rec_space *out);
/* rec_db_space_insert() - a new space with the state of s (id, name,
 * description, lists) in tenant_id; CL_ECONFLICT when the name is taken. */
int rec_db_space_insert(struct cl_pg *pg, const char *tenant_id, const struct rec_space *s);
/* rec_db_space_update() - write the whole state of s (name, description,
 * archived, lists) and now() as updated_at; CL_ECONFLICT when the name is
 * taken, CL_ENOENT when s is not of tenant_id. */
int rec_db_space_update(struct cl_pg *pg, const char *tenant_id, const struct rec_space *s);

/* A space as the demo seed describes it; all borrowed. The lists are JSON
 * text ("[]" or ["care_manager", ...]). */
struct rec_space_seed {
	const char *tenant_id;
	const char *id;
	const char *name;
	const char *description;
	const char *professions_json;
	const char *organisations_json;
	const char *admins_json;  /* may be NULL: none */
};
/* rec_db_space_seed() - insert the space unless its id exists; *inserted
 * tells which happened. */
int rec_db_space_seed(struct cl_pg *pg, const struct rec_space_seed *s, bool *inserted);

/* ---- db_thread.c ---- */

/* A thread with what a post needs to know of its space. */
struct rec_thread {
	char id[CL_UUID_LEN + 1];
	char space_id[CL_UUID_LEN + 1];
	char *title;            /* owned */
	char *space_name;       /* owned */
	bool closed;
	bool space_archived;
	json_t *professions;    /* owned: the space's visible_professions */
	json_t *organisations;  /* owned: the space's visible_organisations */
	json_t *admins;         /* owned: the space's admins (user ids) */
	bool can_admin;         /* who is an admin of the space (listed in its
				 * admins, or a tenant_admin) */
};
/* rec_thread_release() - free what t owns; t may be filled again. */
void rec_thread_release(struct rec_thread *t);

/* rec_db_thread_list() - the threads of a space, by position, as an array
 * of API.md's thread {"id","space_id","title","position","closed",
 * "post_count","last_post_at"}. The caller has checked that the space is
 * visible. */
int rec_db_thread_list(struct cl_pg *pg, const char *tenant_id, const char *space_id,
		       json_t **out);
/* rec_db_thread_json() - one thread of tenant_id in that shape; CL_ENOENT. */
int rec_db_thread_json(struct cl_pg *pg, const char *tenant_id, const char *thread_id,
		       json_t **out);
/* rec_db_thread_find() - a thread of a space visible to who into *out
 * (release it); CL_ENOENT when unknown or not visible. */
int rec_db_thread_find(struct cl_pg *pg, const struct cl_identity *who,
		       const char *thread_id, struct rec_thread *out);
/* rec_db_thread_lock() - rec_db_thread_find() that also holds a share lock
 * on the thread and its space until the open transaction ends, so that
 * neither is closed or archived under a post being written. */
int rec_db_thread_lock(struct cl_pg *pg, const struct cl_identity *who,
		       const char *thread_id, struct rec_thread *out);
/* rec_db_thread_space() - the space id of a thread of tenant_id into
 * space_id; CL_ENOENT. No visibility check: lock the space next. */
int rec_db_thread_space(struct cl_pg *pg, const char *tenant_id, const char *thread_id,
			char space_id[CL_UUID_LEN + 1]);
/* rec_db_thread_insert() - a new thread at the end of the space; its id
 * into id; CL_ECONFLICT when the space has that title already. */
int rec_db_thread_insert(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			 const char *title, char id[CL_UUID_LEN + 1]);
/* rec_db_thread_update() - title (NULL: kept) and closed (< 0: kept) of a
 * thread of the space; CL_ECONFLICT (title taken) or CL_ENOENT. */
int rec_db_thread_update(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			 const char *thread_id, const char *title, int closed);
/* rec_db_thread_ids() - the ids of the space's threads as a JSON array. */
int rec_db_thread_ids(struct cl_pg *pg, const char *tenant_id, const char *space_id,
		      json_t **out);
/* rec_db_thread_reorder() - positions 1..n in the order of ids_json (a
 * JSON array of every thread id of the space). */
int rec_db_thread_reorder(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			  const char *ids_json);
/* rec_db_thread_seed() - insert a thread unless the space already has one
 * with that title; *inserted tells which happened. */
int rec_db_thread_seed(struct cl_pg *pg, const char *tenant_id, const char *space_id,
		       const char *title, int position, bool *inserted);

/* ---- the people copy: db_person.c, people_consumer.c ----
 * Table people (sql/002_space_admin.sql): (tenant_id, user_id) ->
 * display_name, organisation_id, organisation_name, profession, roles,
 * active, updated_at (the time of the event of that state). */

/* A person as UserChanged carries them; all borrowed. */
struct rec_person {
	const char *tenant_id;
	const char *user_id;
	const char *display_name;
	const char *organisation_id;
	const char *organisation_name;
	const char *profession;
	const char *roles_json;  /* JSON array of role names */
	bool active;
	int64_t time_ms;         /* the event's time */
};
/* rec_db_person_upsert() - store p unless a state at least as new is
 * stored; *stored tells whether it was. */
int rec_db_person_upsert(struct cl_pg *pg, const struct rec_person *p, bool *stored);
/* rec_db_person_members() - active people of the tenant who may see the
 * space, by name, filtered by a name substring q (NULL: all), as an array
 * of {"id","name","organisation":{"id","name"},"profession"}. */
int rec_db_person_members(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			  const char *q, json_t **out);
/* rec_db_person_unknown_orgs() - the first organisation id of ids_json (a
 * JSON array) that is no organisation of the tenant (tenant_organisations:
 * from OrganisationChanged, or a person's) into *unknown (a new string,
 * NULL when every one is known; caller frees). */
int rec_db_person_unknown_orgs(struct cl_pg *pg, const char *tenant_id, const char *ids_json,
			       char **unknown);
/* rec_db_person_unknown_users() - the first user id of ids_json that is
 * no active person of the tenant, likewise. */
int rec_db_person_unknown_users(struct cl_pg *pg, const char *tenant_id, const char *ids_json,
				char **unknown);

/* rec_people_consume() - cl_consume_fn of carelink.identity: UserChanged
 * upserts people, OrganisationChanged organisations, other types are
 * ignored; arg is the struct rec_app. */
int rec_people_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
		       size_t reason_size);

#endif
