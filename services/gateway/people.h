/* people.h - the people directory, profiles, photos and API tokens: what
 * people.c, photo.c, tokens.c and their db_*.c files share */
#ifndef CARELINK_GATEWAY_PEOPLE_H
#define CARELINK_GATEWAY_PEOPLE_H

#include "gateway.h"

#include <carelink/pg.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define GW_PHONE_MAX 20          /* characters: digits, '-', a leading '+' */
#define GW_AREAS_MAX 20          /* areas per profile */
#define GW_AREA_MAX 40           /* characters per area */
#define GW_HELP_MAX 1000         /* characters of can_help_with */
#define GW_QUERY_MAX 100         /* characters of the directory's q */
#define GW_PHOTO_MAX (1u << 20)  /* bytes; the request body limit (http.max_body,
				    1 MiB by default) applies first */
#define GW_TOKEN_NAME_MAX 100    /* characters */

/* ---- paging (people.c) ---- */

/* gw_query_limit() - ?limit= as 1..CL_HTTP_PAGE_MAX (CL_HTTP_PAGE_DEFAULT
 * when absent). Answers 400 invalid_limit itself and returns false when it
 * is not. */
bool gw_query_limit(struct cl_http_req *req, int *limit);
/* gw_cursor_encode() - the opaque cursor of a (key, id) pair: base64url of
 * a JSON array; caller frees. */
char *gw_cursor_encode(const char *key, const char *id);
/* gw_cursor_decode() - the (key, id) of a cursor made by gw_cursor_encode();
 * false (nothing answered) when it is not one or id is not a UUID. */
bool gw_cursor_decode(const char *cursor, char *key, size_t key_size, char id[37]);
/* gw_text_chars() - number of UTF-8 characters of s (valid UTF-8 expected). */
size_t gw_text_chars(const char *s);

/* ---- handlers ---- */

/* people.c */
enum MHD_Result gw_people_list(struct cl_http_req *req);     /* GET /people */
enum MHD_Result gw_person_get(struct cl_http_req *req);      /* GET /people/:id */
enum MHD_Result gw_profile_patch(struct cl_http_req *req);   /* PATCH /me/profile */
/* photo.c */
enum MHD_Result gw_photo_get(struct cl_http_req *req);       /* GET /people/:id/photo */
enum MHD_Result gw_photo_put(struct cl_http_req *req);       /* PUT /me/photo */
enum MHD_Result gw_photo_delete(struct cl_http_req *req);    /* DELETE /me/photo */
/* tokens.c */
enum MHD_Result gw_tokens_list(struct cl_http_req *req);     /* GET /tokens */
enum MHD_Result gw_token_create(struct cl_http_req *req);    /* POST /tokens */
enum MHD_Result gw_token_revoke(struct cl_http_req *req);    /* DELETE /tokens/:id */

/* ---- db_profile.c ---- */

/* A directory search. Every pointer is borrowed; NULL means no filter. */
struct gw_people_query {
	const char *tenant;
	const char *pattern;       /* ILIKE pattern, '%' and '_' of q escaped */
	const char *organisation;  /* UUID */
	const char *profession;
	const char *after_name;    /* cursor: the last (name, id) seen */
	const char *after_id;
	int limit;
};

/* gw_db_people_search() - active users of the tenant matching q, ordered by
 * (name, id), at most q->limit; *out is a new JSON array of person objects
 * (see gw_db_person_get). */
int gw_db_people_search(struct cl_pg *pg, const struct gw_people_query *q, json_t **out);

/* gw_db_person_get() - the profile of an active user of tenant as a new
 * JSON object {id, name, organisation:{id,name}, profession, work_phone,
 * areas, can_help_with, has_photo, photo_url}, plus language when
 * with_language. CL_ENOENT when there is no such user in tenant. */
int gw_db_person_get(struct cl_pg *pg, const char *tenant, const char *user_id,
		     bool with_language, json_t **out);

/* A profile change: NULL fields stay as they are. Borrowed. */
struct gw_profile_patch {
	const char *work_phone;
	const char *areas_json;    /* JSON array of strings */
	const char *can_help_with;
	const char *language;
};

/* gw_db_profile_update() - apply p to user_id's profile (created on first
 * change). CL_EINVAL when the database refuses a value. */
int gw_db_profile_update(struct cl_pg *pg, const char *user_id,
			 const struct gw_profile_patch *p);

/* gw_db_profile_language() - "ja" or "en" for user_id ("ja" until the user
 * chooses). For GET /me. */
int gw_db_profile_language(struct cl_pg *pg, const char *user_id, char out[3]);

/* A stored photo; data and its release belong to the caller. */
struct gw_photo {
	char content_type[16];
	char etag[40];            /* quoted, as the ETag header carries it */
	unsigned char *data;      /* NULL when not modified; free with PQfreemem() */
	size_t len;
};

/* gw_db_photo_put() - store (or replace) user_id's photo. */
int gw_db_photo_put(struct cl_pg *pg, const char *user_id, const char *content_type,
		    const void *data, size_t len, const char *etag);
/* gw_db_photo_get() - the photo of an active user of tenant; data is
 * left NULL when if_none_match (may be NULL) equals its etag. CL_ENOENT
 * when there is none. */
int gw_db_photo_get(struct cl_pg *pg, const char *tenant, const char *user_id,
		    const char *if_none_match, struct gw_photo *out);
/* gw_db_photo_delete() - remove user_id's photo (0 also when none). */
int gw_db_photo_delete(struct cl_pg *pg, const char *user_id);

/* ---- db_token.c ---- */

/* What a bearer token's lookup finds. */
struct gw_token_owner {
	char token_id[37];
	bool revoked;
	bool active;              /* the owner can still log in */
	bool has_scope;           /* the scope asked for is granted */
	bool stale;               /* last_used_at older than a minute (or never) */
};

/* gw_db_user_by_token() - the token whose secret hashes to secret_hash and
 * its owner as a gw_user (roles: member only; the csrf stays empty).
 * CL_ENOENT when no token has that hash. */
int gw_db_user_by_token(struct cl_pg *pg, const char *secret_hash, const char *scope,
			struct gw_user *u, struct gw_token_owner *t);
/* gw_db_token_touch() - last_used_at = now(), unless set within a minute. */
int gw_db_token_touch(struct cl_pg *pg, const char *token_id);

/* gw_db_token_create() - store a token; *out is a new JSON object of the
 * token as listed. */
int gw_db_token_create(struct cl_pg *pg, const char *id, const char *tenant,
		       const char *user_id, const char *name, const char *scopes_json,
		       const char *secret_hash, json_t **out);

/* Which tokens an administrator may see: all of tenant, or (organisation
 * not NULL) those whose owner belongs to organisation. Borrowed. */
struct gw_token_scope {
	const char *tenant;
	const char *organisation;
};

/* gw_db_token_list() - at most limit tokens newest first, after the cursor
 * (created_at text and id, both NULL for the first page); *out is a new
 * JSON array, last_at the exact created_at of its last token (for the next
 * cursor), *more whether tokens follow. CL_EINVAL when the cursor's time
 * does not parse. */
int gw_db_token_list(struct cl_pg *pg, const struct gw_token_scope *s,
		     const char *after_at, const char *after_id, int limit, json_t **out,
		     char last_at[64], bool *more);
/* gw_db_token_revoke() - set revoked_at of token id unless already set;
 * *revoked says whether this call did it, owner is the token's user.
 * CL_ENOENT when the token is not visible in s. */
int gw_db_token_revoke(struct cl_pg *pg, const struct gw_token_scope *s, const char *id,
		       bool *revoked, char owner[37]);
/* gw_db_token_revoke_user() - revoke every token of user_id at once (for
 * deactivation). */
int gw_db_token_revoke_user(struct cl_pg *pg, const char *user_id);

#endif
