/* posts.h - posts, comments, attachments, confirmations and search inside
 * carelink-records (included by records.h) */
#ifndef REC_POSTS_H
#define REC_POSTS_H

/* Schemas of the events of posts (topic REC_TOPIC_POSTS, key: space id). */
#define REC_EVENT_POST_EDITED "carelink.posts.PostEdited"
#define REC_EVENT_POST_DELETED "carelink.posts.PostDeleted"
#define REC_EVENT_COMMENT_ADDED "carelink.posts.CommentAdded"
#define REC_EVENT_POST_CONFIRMED "carelink.posts.PostConfirmed"

/* Defaults of the configuration keys records.post_body_max (code points)
 * and records.attachment_max_bytes. */
#define REC_ATTACHMENT_MAX_BYTES (10L << 20)
/* At most this many attachments on a post or comment, mentions of each
 * kind, search hits per page. */
#define REC_ATTACHMENTS_PER_POST 10
#define REC_MENTIONS_MAX 100
#define REC_SEARCH_LIMIT_DEFAULT 20
#define REC_SEARCH_LIMIT_MAX 100
#define REC_SEARCH_QUERY_MAX 200

/* Statements take the caller as $1..$5 (REC_SPACE_WHO_PARAMS, spaces.h) and
 * use REC_SQL_SPACE_VISIBLE and REC_SQL_SPACE_ADMIN with the space as s. */
/* The audience of a post by author (an SQL expression) in space s: active
 * people who may see the space, without the author. */
#define REC_SQL_AUDIENCE(author)                                               \
	"(SELECT count(*)::int FROM people pe WHERE pe.tenant_id = s.tenant_id" \
	" AND pe.active AND pe.user_id <> " author " AND " REC_SQL_PERSON_SEES ")"

/* ---- HTTP handlers (one file each) ---- */

/* GET /v1/threads/:id/posts (thread_posts.c) */
enum MHD_Result rec_thread_posts(struct cl_http_req *req);
/* POST /v1/threads/:id/posts (post_create.c) */
enum MHD_Result rec_post_create(struct cl_http_req *req);
/* GET /v1/posts/:id (post_get.c) */
enum MHD_Result rec_post_get(struct cl_http_req *req);
/* PATCH /v1/posts/:id (post_edit.c) */
enum MHD_Result rec_post_edit(struct cl_http_req *req);
/* DELETE /v1/posts/:id (post_delete.c) */
enum MHD_Result rec_post_delete(struct cl_http_req *req);
/* GET /v1/posts/:id/history (post_history.c) */
enum MHD_Result rec_post_history(struct cl_http_req *req);
/* POST /v1/posts/:id/comments (comment_create.c) */
enum MHD_Result rec_comment_create(struct cl_http_req *req);
/* POST /v1/posts/:id/confirm (confirm_post.c) */
enum MHD_Result rec_confirm_post(struct cl_http_req *req);
/* GET /v1/posts/:id/confirmations (confirm_list.c) */
enum MHD_Result rec_confirm_list(struct cl_http_req *req);
/* POST /v1/attachments (attachment_upload.c) */
enum MHD_Result rec_attachment_upload(struct cl_http_req *req);
/* GET /v1/attachments/:id (attachment_get.c) */
enum MHD_Result rec_attachment_get(struct cl_http_req *req);
/* GET /v1/search (search.c) */
enum MHD_Result rec_search(struct cl_http_req *req);

/* ---- post bodies (post_body.c) ---- */

/* rec_post_body_check_max() - the outcome of checking a post body of at
 * most max code points. On REC_BODY_OK *start and *len delimit the text
 * without leading and trailing white space (borrowed from body). */
enum rec_body_check {
	REC_BODY_OK = 0,
	REC_BODY_EMPTY,    /* nothing but white space */
	REC_BODY_TOO_LONG, /* more than the limit of code points */
};
enum rec_body_check rec_post_body_check_max(const char *body, size_t body_len, size_t max,
					    const char **start, size_t *len);
/* rec_post_body_check() - the same with the default REC_POST_BODY_MAX. */
enum rec_body_check rec_post_body_check(const char *body, size_t body_len,
					const char **start, size_t *len);
/* rec_utf8_count() - code points in len bytes of valid UTF-8. */
size_t rec_utf8_count(const char *s, size_t len);

/* ---- mentions (mention_parse.c, mention_check.c) ---- */

/* Ids named in a request's "mentions" object; owned strings, no duplicates. */
struct rec_mentions {
	char **users;
	size_t n_users;
	char **organisations;
	size_t n_organisations;
};
/* rec_mentions_parse() - m (may be NULL: none) as {"users"?:[string...],
 * "organisations"?:[string...]} into *out, duplicates dropped. Returns 0,
 * or CL_EINVAL (another shape, a non-string id, more than
 * REC_MENTIONS_MAX of a kind) with *out empty. Release *out either way. */
int rec_mentions_parse(const json_t *m, struct rec_mentions *out);
/* rec_mentions_release() - free what m owns; m is empty afterwards. */
void rec_mentions_release(struct rec_mentions *m);
/* rec_mentions_ids_json() - {"users":[ids],"organisations":[ids]} of a
 * resolved mentions object {"users":[{"id","name"}],...} (new reference). */
json_t *rec_mentions_ids_json(const json_t *resolved);

/* rec_mentions_resolve() - check m against the tenant's people and the
 * space inside the open transaction: every user active and able to see
 * the space, every organisation having an active member and being named
 * by the space's visibility when it is restricted. On 0 *resolved is
 * {"users":[{"id","name"}],"organisations":[{"id","name"}]} (new
 * reference); a failed check fills r (400 unknown_mention or
 * mention_outside_space) and returns CL_ECONFLICT. */
int rec_mentions_resolve(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			 const struct rec_mentions *m, json_t **resolved, struct rec_refusal *r);

/* ---- the body of a post, comment or edit (post_input.c) ---- */

struct rec_post_input {
	char *body;                  /* owned: trimmed text */
	bool has_mentions;           /* "mentions" was given */
	struct rec_mentions mentions;
	char *attachments_json;      /* owned: JSON array of attachment ids */
	size_t n_attachments;
};
/* rec_post_input_read() - parse req's JSON body {body, mentions?,
 * attachments?} (attachments only when with_attachments) into *in.
 * Returns false after queuing the 400 answer (the handler returns
 * req->result); release *in either way. */
bool rec_post_input_read(struct cl_http_req *req, bool with_attachments,
			 struct rec_post_input *in);
void rec_post_input_release(struct rec_post_input *in);
/* rec_post_input_attach() - inside the open transaction, attach the uploads
 * in names to the new post or comment post_id of who; an upload that is
 * not who's, already used or gone refuses (400 unknown_attachment) into r.
 * Returns 0, CL_ECONFLICT with r filled, or a cl_pg_exec() code. */
int rec_post_input_attach(struct cl_pg *pg, const struct cl_identity *who,
			  const char *post_id, const struct rec_post_input *in,
			  struct rec_refusal *r);
/* rec_cfg_post_body_max() - records.post_body_max, at least 1. */
size_t rec_cfg_post_body_max(const struct rec_app *app);

/* ---- events (post_event.c) ---- */

/* rec_event_audience() - {"professions":[...],"organisations":[...]} of
 * the space (copies; new reference). */
json_t *rec_event_audience(const json_t *professions, const json_t *organisations);
/* rec_event_add() - cl_outbox_add() of ev (borrowed) on the posts topic
 * keyed by space_id; a schema mismatch is ours and becomes CL_EFATAL. */
int rec_event_add(struct cl_pg *pg, const struct rec_app *app, const char *space_id,
		  const char *full_name, json_t *ev);

/* ---- attachments' pure rules (attachment_type.c) ---- */

/* rec_attachment_type() - the accepted type of a Content-Type value
 * (parameters and case ignored) as a static string, or NULL. */
const char *rec_attachment_type(const char *content_type);
/* rec_attachment_magic_ok() - true when the first bytes of data agree with
 * type (one rec_attachment_type() gave). */
bool rec_attachment_magic_ok(const char *type, const unsigned char *data, size_t len);
/* rec_attachment_filename_ok() - 1..255 bytes of valid UTF-8 without
 * control characters, '/' or '\\'. */
bool rec_attachment_filename_ok(const char *name);
/* rec_content_disposition() - "inline" for images, "attachment" otherwise,
 * with an ASCII filename= fallback and filename*=UTF-8''<RFC 5987
 * percent-encoding>. malloc'd; the caller frees. */
char *rec_content_disposition(const char *type, const char *filename);
/* rec_cfg_attachment_max() - records.attachment_max_bytes, at least 1. */
size_t rec_cfg_attachment_max(const struct rec_app *app);

/* ---- search's pure rules (search_query.c) ---- */

/* rec_like_pattern() - "%<q with \\, %% and _ escaped by \\>%" for ILIKE.
 * malloc'd; the caller frees. */
char *rec_like_pattern(const char *q);
/* rec_date_valid() - true for a real calendar date "YYYY-MM-DD". */
bool rec_date_valid(const char *s);
/* rec_utf8_valid() - true when s is valid UTF-8 without NUL. */
bool rec_utf8_valid(const char *s);
/* rec_search_cursor_parse() - a cursor "<microseconds>.<post uuid>" into
 * its parts (us holds digits only). Returns false when malformed. */
bool rec_search_cursor_parse(const char *cursor, char us[24], char id[CL_UUID_LEN + 1]);

/* ---- SQL (db_post.c, db_comment.c, db_revision.c, db_attachment.c,
 * db_confirmation.c, db_search.c) ---- */

/* A post or comment found for a caller, with what its thread and space
 * allow. Strings and JSON owned; release with rec_post_ref_release(). */
struct rec_post_ref {
	char id[CL_UUID_LEN + 1];
	char parent_id[CL_UUID_LEN + 1]; /* "" for a post */
	char thread_id[CL_UUID_LEN + 1];
	char space_id[CL_UUID_LEN + 1];
	char *author_id, *author_name, *author_organisation_id, *author_organisation_name;
	char *body;
	char *space_name, *thread_title;
	json_t *mentions;       /* resolved mentions as stored */
	json_t *professions;    /* the space's visibility */
	json_t *organisations;
	bool deleted, closed, archived, can_admin;
	int64_t written_ms;     /* when the current text was written */
};
void rec_post_ref_release(struct rec_post_ref *p);

/* rec_db_post_find() - the post or comment post_id of a space visible to
 * who; with lock, the post is locked for update and its thread and space
 * for share until the transaction ends. CL_ENOENT when unknown or not
 * visible. */
int rec_db_post_find(struct cl_pg *pg, const struct cl_identity *who, const char *post_id,
		     bool lock, struct rec_post_ref *out);
/* rec_db_post_json() - the post or comment as answered to who (API.md
 * "post"); CL_ENOENT when unknown or not visible. */
int rec_db_post_json(struct cl_pg *pg, const struct cl_identity *who, const char *post_id,
		     json_t **out);
/* rec_db_post_thread_head() - {"thread"...} and {"space":{"id","name",
 * "archived","can_admin"}} of a thread visible to who; CL_ENOENT otherwise. */
int rec_db_post_thread_head(struct cl_pg *pg, const struct cl_identity *who,
			    const char *thread_id, json_t **thread, json_t **space);
/* rec_db_post_list() - the newest limit posts of a visible thread before
 * the post before (NULL: the newest), oldest first, as answered to who;
 * *has_more tells whether older ones exist. */
int rec_db_post_list(struct cl_pg *pg, const struct cl_identity *who, const char *thread_id,
		     const char *before, int limit, json_t **out, bool *has_more);

/* A post or comment to insert; all borrowed. */
struct rec_post_new {
	const char *tenant_id;
	const char *space_id;
	const char *thread_id;
	const char *parent_id;  /* NULL for a post */
	const char *author_id;
	const char *author_name;
	const char *author_organisation_id;
	const char *author_organisation_name;
	const char *body;
	const char *mentions_json; /* resolved mentions */
};
/* rec_db_post_insert() - insert p; fills the new id and its creation time
 * in milliseconds since the epoch. */
int rec_db_post_insert(struct cl_pg *pg, const struct rec_post_new *p,
		       char id[CL_UUID_LEN + 1], int64_t *created_ms);
/* rec_db_post_update() - new body and mentions of post_id; *edited_ms is
 * the time of the edit. */
int rec_db_post_update(struct cl_pg *pg, const char *tenant_id, const char *post_id,
		       const char *body, const char *mentions_json, int64_t *edited_ms);
/* rec_db_post_mark_deleted() - soft delete by user_id; *deleted_ms. */
int rec_db_post_mark_deleted(struct cl_pg *pg, const char *tenant_id, const char *post_id,
			     const char *user_id, int64_t *deleted_ms);
/* rec_db_post_audit() - append (action "edited"/"deleted", actor, the body
 * before the change) to the audit table. */
int rec_db_post_audit(struct cl_pg *pg, const char *tenant_id, const char *post_id,
		      const char *action, const char *actor_id, const char *actor_name,
		      const char *body);
/* A demo post or comment of tools/demo/posts.json; all borrowed. */
struct rec_post_seed {
	const char *tenant_id;
	const char *id;
	const char *space_id;
	const char *thread_title;
	const char *parent_id;  /* NULL for a post */
	const char *author_id, *author_name, *organisation_id, *organisation_name;
	const char *body;
	const char *hours_ago;  /* decimal */
};
/* rec_db_post_seed() - insert s unless its id exists. When inserted,
 * *thread (new reference) is {"thread_id","thread_title","space_name",
 * "professions","organisations","created_ms"}; otherwise NULL. */
int rec_db_post_seed(struct cl_pg *pg, const struct rec_post_seed *s, json_t **thread);

/* rec_db_comment_participants() - as a JSON array (new reference): the
 * author of post_id and its commenters, active and able to see the space,
 * without except_user. */
int rec_db_comment_participants(struct cl_pg *pg, const char *tenant_id, const char *post_id,
				const char *except_user, json_t **out);

/* rec_db_revision_add() - keep p's current text as a revision. */
int rec_db_revision_add(struct cl_pg *pg, const char *tenant_id, const struct rec_post_ref *p);
/* rec_db_revision_list() - the revisions of post_id, oldest first, as
 * [{"body","created_at","editor":{"id","name"}}]. */
int rec_db_revision_list(struct cl_pg *pg, const char *tenant_id, const char *post_id,
			 json_t **out);

/* A new upload; all borrowed. */
struct rec_attachment_new {
	const char *tenant_id;
	const char *uploader_id;
	const char *filename;
	const char *content_type;
	const char *data;
	size_t size;
};
/* rec_db_attachment_insert() - store a; fills its id. */
int rec_db_attachment_insert(struct cl_pg *pg, const struct rec_attachment_new *a,
			     char id[CL_UUID_LEN + 1]);
/* rec_db_attachment_purge() - remove the tenant's uploads unattached for
 * more than a day. */
int rec_db_attachment_purge(struct cl_pg *pg, const char *tenant_id);
/* rec_db_attachment_claim() - attach the uploads ids_json (JSON array of n
 * distinct ids) of uploader to post_id. Returns CL_ENOENT unless every one
 * is the uploader's, unattached and fresh. */
int rec_db_attachment_claim(struct cl_pg *pg, const char *tenant_id, const char *uploader_id,
			    const char *post_id, const char *ids_json, size_t n);
/* An attachment as served; owned. */
struct rec_attachment_file {
	char *content_type, *filename;
	unsigned char *data; /* PQfreemem() it */
	size_t size;
};
/* rec_db_attachment_get() - attachment id if who may see it: unattached
 * and theirs, or on a post or comment (not deleted) of a visible space.
 * CL_ENOENT otherwise. */
int rec_db_attachment_get(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			  struct rec_attachment_file *out);

/* rec_db_confirmation_add() - who confirms post_id; *inserted is false when
 * they had already. */
int rec_db_confirmation_add(struct cl_pg *pg, const struct cl_identity *who,
			    const char *post_id, bool *inserted, int64_t *at_ms);
/* rec_db_confirmation_users() - user ids that confirmed post_id, as a
 * JSON array (new reference). */
int rec_db_confirmation_users(struct cl_pg *pg, const char *post_id, json_t **out);
/* rec_db_confirmation_status() - {"confirmed","count","audience"} for who. */
int rec_db_confirmation_status(struct cl_pg *pg, const struct cl_identity *who,
			       const struct rec_post_ref *p, json_t **out);
/* rec_db_confirmation_list() - {"confirmed":[...],"pending":[...]} of a
 * post (API.md). */
int rec_db_confirmation_list(struct cl_pg *pg, const char *tenant_id,
			     const struct rec_post_ref *p, json_t **out);

/* What GET /v1/search looks for; all borrowed, NULL when not given. */
struct rec_search_query {
	const char *pattern;     /* rec_like_pattern() of q */
	const char *space_id, *thread_id, *author_id;
	const char *from, *to;   /* YYYY-MM-DD, Asia/Tokyo days */
	const char *cursor_us, *cursor_id;
	int limit;
};
/* rec_db_search() - hits for who, newest first, as [{"post","space",
 * "thread"}]; *next_cursor is malloc'd when more follow, else NULL. */
int rec_db_search(struct cl_pg *pg, const struct cl_identity *who,
		  const struct rec_search_query *q, json_t **hits, char **next_cursor);

#endif
