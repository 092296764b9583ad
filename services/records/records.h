/* records.h - declarations shared inside carelink-records: the application
 * handle, HTTP handlers, the SQL functions and small helpers. */
#ifndef REC_RECORDS_H
#define REC_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "carelink/http.h"
#include "carelink/identity.h"
#include "carelink/pg.h"
#include "carelink/service.h"
#include "carelink/util.h"

/* Topic and schema of the event written when a post is created. */
#define REC_TOPIC_POSTS "carelink.posts"
#define REC_EVENT_POST_CREATED "carelink.posts.PostCreated"

/* Limits of GET /v1/threads/:id/posts and of a post body (code points). */
#define REC_POSTS_LIMIT_DEFAULT 200
#define REC_POSTS_LIMIT_MAX 500
#define REC_POST_BODY_MAX 10000

/* The application handed to every handler as req->app. */
struct rec_app {
	struct cl_service *svc; /* borrowed: pool, schemas, configuration */
};

/* ---- HTTP handlers (one file each) ---- */

/* GET /v1/spaces (space_list.c) */
enum MHD_Result rec_space_list(struct cl_http_req *req);
/* GET /v1/spaces/:id (space_get.c) */
enum MHD_Result rec_space_get(struct cl_http_req *req);
/* GET /v1/threads/:id/posts (thread_posts.c) */
enum MHD_Result rec_thread_posts(struct cl_http_req *req);
/* POST /v1/threads/:id/posts (post_create.c) */
enum MHD_Result rec_post_create(struct cl_http_req *req);

/* rec_seed_demo() - insert the spaces and threads of tools/demo/seed.json
 * under the service home; running it again changes nothing (seed_demo.c).
 * Returns 0 or a negative CL_E* code (logged). */
int rec_seed_demo(struct rec_app *app);

/* ---- helpers ---- */

/* rec_post_body_check() - the outcome of checking a post body (post_body.c).
 * On REC_BODY_OK *start and *len delimit the text without leading and
 * trailing white space (borrowed from body). */
enum rec_body_check {
	REC_BODY_OK = 0,
	REC_BODY_EMPTY,    /* nothing but white space */
	REC_BODY_TOO_LONG, /* more than REC_POST_BODY_MAX code points */
};
enum rec_body_check rec_post_body_check(const char *body, size_t body_len,
					const char **start, size_t *len);
/* rec_utf8_count() - code points in len bytes of valid UTF-8. */
size_t rec_utf8_count(const char *s, size_t len);

/* rec_post_json() - the JSON shape of a post in answers (post_json.c):
 * {"id","body","created_at","author":{"id","name","organisation":{"id",
 * "name"}}}. Strings are copied; the caller owns the new reference. */
json_t *rec_post_json(const char *id, const char *body, int64_t created_ms,
		      const char *author_id, const char *author_name,
		      const char *organisation_id, const char *organisation_name);

/* ---- SQL: one function per statement ----
 *
 * Each returns 0 or a cl_pg_exec() code; CL_ENOENT where a row must exist.
 * Every statement is scoped by the caller's tenant. JSON outputs are new
 * references the caller owns.
 */

/* The visibility rule, for statements whose parameters $1, $2, $3 are the
 * tenant, profession and organisation of the caller and whose spaces row
 * is aliased s. */
#define REC_SQL_SPACE_VISIBLE                                                  \
	"s.tenant_id = $1 AND ("                                               \
	"(cardinality(s.visible_professions) = 0"                              \
	" AND cardinality(s.visible_organisations) = 0)"                       \
	" OR $2 = ANY (s.visible_professions)"                                 \
	" OR $3 = ANY (s.visible_organisations))"

/* db_space.c */

/* rec_db_space_list() - spaces visible to who, by name, as an array of
 * {"id","name","description","archived"}. */
int rec_db_space_list(struct cl_pg *pg, const struct cl_identity *who, json_t **out);
/* rec_db_space_get() - one visible space as {"id","name","description",
 * "archived"}; CL_ENOENT when unknown or not visible. */
int rec_db_space_get(struct cl_pg *pg, const struct cl_identity *who,
		     const char *space_id, json_t **out);

/* A space as the demo seed describes it; all borrowed. The audience
 * arrays are JSON text ("[]" or ["care_manager", ...]). */
struct rec_space_seed {
	const char *tenant_id;
	const char *id;
	const char *name;
	const char *description;
	const char *professions_json;
	const char *organisations_json;
};
/* rec_db_space_seed() - insert the space unless its id exists; *inserted
 * tells which happened. */
int rec_db_space_seed(struct cl_pg *pg, const struct rec_space_seed *s, bool *inserted);

/* db_thread.c */

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
};
/* rec_thread_release() - free what t owns; t may be filled again. */
void rec_thread_release(struct rec_thread *t);

/* rec_db_thread_list() - the threads of a space, by position, as an array
 * of {"id","title","position","closed"}. The caller has checked that the
 * space is visible. */
int rec_db_thread_list(struct cl_pg *pg, const char *tenant_id, const char *space_id,
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
/* rec_db_thread_seed() - insert a thread unless the space already has one
 * with that title; *inserted tells which happened. */
int rec_db_thread_seed(struct cl_pg *pg, const char *tenant_id, const char *space_id,
		       const char *title, int position, bool *inserted);

/* db_post.c */

/* rec_db_post_list() - the newest limit posts of a thread, oldest first,
 * each shaped by rec_post_json(). */
int rec_db_post_list(struct cl_pg *pg, const char *tenant_id, const char *thread_id,
		     int limit, json_t **out);

/* A post to insert; all borrowed. */
struct rec_post_new {
	const char *tenant_id;
	const char *space_id;
	const char *thread_id;
	const char *author_id;
	const char *author_name;
	const char *author_organisation_id;
	const char *author_organisation_name;
	const char *body;
};
/* rec_db_post_insert() - insert p; fills the new id and its creation time
 * in milliseconds since the epoch. */
int rec_db_post_insert(struct cl_pg *pg, const struct rec_post_new *p,
		       char id[CL_UUID_LEN + 1], int64_t *created_ms);

#endif
