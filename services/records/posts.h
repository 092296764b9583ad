/* posts.h - posts, comments, attachments, confirmations and search inside
 * carelink-records (included by records.h) */
#ifndef REC_POSTS_H
#define REC_POSTS_H

/* ---- HTTP handlers (one file each) ---- */

/* GET /v1/threads/:id/posts (thread_posts.c) */
enum MHD_Result rec_thread_posts(struct cl_http_req *req);
/* POST /v1/threads/:id/posts (post_create.c) */
enum MHD_Result rec_post_create(struct cl_http_req *req);

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
