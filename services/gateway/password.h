/* password.h - passwords: the policy of the health ministry's security
 * guideline for medical information systems (v6.0), argon2id hashes, and
 * the sessions a password login opens.
 *
 * Policy (gw_password_check()):
 *   - at least 13 characters mixing letters, digits and symbols, or at
 *     least 8 (still mixed) when the account uses two-factor;
 *   - at most 128 characters; characters are Unicode code points, so
 *     "あ" counts as one;
 *   - not one of the most common breached passwords
 *     (data/common-passwords.txt), compared case-insensitively as typed and
 *     with leading or trailing digits and symbols removed;
 *   - not containing the name part of the person's e-mail address.
 * Non-ASCII characters are letters, except full-width digits (digits) and
 * the punctuation, symbol and emoji blocks (symbols). Control characters
 * are refused.
 */
#ifndef CARELINK_GATEWAY_PASSWORD_H
#define CARELINK_GATEWAY_PASSWORD_H

#include "gateway.h"

#include <carelink/cfg.h>
#include <carelink/pg.h>
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>

#define GW_PASSWORD_MIN 13      /* characters, without two-factor */
#define GW_PASSWORD_MIN_2FA 8   /* characters, with two-factor */
#define GW_PASSWORD_MAX 128     /* characters */
#define GW_PASSWORD_MAX_BYTES (GW_PASSWORD_MAX * 4)
#define GW_PASSWORD_HASH_SIZE crypto_pwhash_STRBYTES

/* ---------------------------------------------------------------- policy */

enum gw_password_rule {
	GW_PASSWORD_OK = 0,
	GW_PASSWORD_TOO_SHORT,
	GW_PASSWORD_TOO_LONG,
	GW_PASSWORD_NO_LETTER,
	GW_PASSWORD_NO_DIGIT,
	GW_PASSWORD_NO_SYMBOL,
	GW_PASSWORD_CONTROL,      /* a control character */
	GW_PASSWORD_INVALID_UTF8,
	GW_PASSWORD_COMMON,       /* among the most common breached passwords */
	GW_PASSWORD_PERSONAL,     /* contains the e-mail address's name part */
};

/* The common passwords, lowercase and sorted. _init allocates nothing. */
struct gw_password_list {
	char **words;  /* owned */
	size_t n;
};

void gw_password_list_init(struct gw_password_list *l);
/* gw_password_list_load() - read one password a line ('#' starts a comment
 * line), lowercased. Returns 0, CL_ENOENT (no such file) or CL_EIO. */
int gw_password_list_load(struct gw_password_list *l, const char *path);
void gw_password_list_release(struct gw_password_list *l);
/* gw_password_list_has() - true when pw, ASCII-lowercased, is listed. */
bool gw_password_list_has(const struct gw_password_list *l, const char *pw);

/* gw_password_check() - the first rule pw breaks, or GW_PASSWORD_OK.
 * common may be NULL (no list); email may be NULL. */
enum gw_password_rule gw_password_check(const struct gw_password_list *common, const char *pw,
					bool two_factor, const char *email);
/* gw_password_message() - the rule in Japanese, for the person choosing
 * the password; static string. */
const char *gw_password_message(enum gw_password_rule rule, bool two_factor);

/* gw_password_chars() - code points of a UTF-8 string; -1 when it is not
 * valid UTF-8. */
long gw_password_chars(const char *s);

/* gw_password_common() - the gateway's list: config auth.common_passwords
 * or <home>/services/gateway/data/common-passwords.txt, loaded at first use
 * and kept for the process. Never NULL (empty when the file is missing;
 * that is logged as an error). */
const struct gw_password_list *gw_password_common(const struct gw_app *app);

/* ---------------------------------------------------------------- hashes */

/* argon2id cost: config auth.pwhash_ops and auth.pwhash_mem (bytes);
 * libsodium's INTERACTIVE limits when unset or out of range. */
struct gw_pwhash_params {
	unsigned long long ops;
	size_t mem;
};

void gw_pwhash_params(const struct cl_cfg *cfg, struct gw_pwhash_params *p);
/* gw_password_hash() - argon2id string of pw into out. 0, or CL_EFATAL
 * (out of memory). */
int gw_password_hash(const struct gw_pwhash_params *p, const char *pw,
		     char out[GW_PASSWORD_HASH_SIZE]);
/* gw_password_verify() - true when pw matches hash. */
bool gw_password_verify(const char *hash, const char *pw);
/* gw_password_needs_rehash() - true when hash was made with other limits
 * or another algorithm than p. */
bool gw_password_needs_rehash(const struct gw_pwhash_params *p, const char *hash);
/* gw_password_dummy_verify() - the same work as a verification, against a
 * hash of nothing: an unknown account takes as long as a wrong password. */
void gw_password_dummy_verify(const struct gw_pwhash_params *p, const char *pw);

/* db_user.c - the password of one user. */
/* gw_db_user_password_hash() - 0, or CL_ENOENT (no such active user). */
int gw_db_user_password_hash(struct cl_pg *pg, const char *user_id, char *hash, size_t size);
/* gw_db_user_password_set() - 0 or a cl_pg_exec() code. */
int gw_db_user_password_set(struct cl_pg *pg, const char *user_id, const char *hash);
/* gw_db_user_password_rehash() - replace old_hash by new_hash unless the
 * password changed meanwhile. 0 or a cl_pg_exec() code. */
int gw_db_user_password_rehash(struct cl_pg *pg, const char *user_id, const char *old_hash,
			       const char *new_hash);

/* ---------------------------------------------------------------- sessions
 *
 * The session cookie is "__Host-carelink_session" with Secure when the
 * gateway serves TLS (config http.tls_cert) or session.secure_cookie is
 * set, "carelink_session" otherwise; always HttpOnly, SameSite=Strict,
 * Path=/. Tokens are 256 random bits; the database keeps their SHA-256.
 */

/* gw_session_secure() - true when cookies carry Secure (and the __Host-
 * name). */
bool gw_session_secure(const struct gw_app *app);
/* gw_session_cookie_name() - the cookie's name; static string. */
const char *gw_session_cookie_name(const struct gw_app *app);
/* gw_session_request_hash() - the token hash of the request's session
 * cookie into out; false when the request has none. */
bool gw_session_request_hash(struct cl_http_req *req, char out[65]);

/* gw_session_open() - a new session for u after the password (and code)
 * were checked: the session of the request's own cookie ends, a new token
 * and CSRF token (into u->csrf) are made, the cookie is set on the answer
 * about to be queued. The session waits for two-factor enrolment (only
 * /me, /logout, /me/password and /me/totp/setup|confirm answer) when
 * two-factor is required for u and u has none; *pending (may be NULL) says
 * so. Returns 0 or a cl_pg_exec() code. */
int gw_session_open(struct cl_http_req *req, struct gw_user *u, bool *pending);
/* gw_session_clear_cookie() - expire the cookie on the answer to come. */
void gw_session_clear_cookie(struct cl_http_req *req);

/* gw_session_user_json() - gw_user_json() with the two-factor state
 * (user.totp_enabled, user.totp_required, user.totp_pending) and the
 * person's language (user.language, "ja" or "en"). New reference. */
json_t *gw_session_user_json(const struct gw_app *app, const struct gw_user *u,
			     bool totp_enabled, bool totp_pending);

/* what the database holds of a session beyond its person */
struct gw_session_state {
	bool stale;         /* last seen over a minute ago: worth touching */
	bool totp_pending;  /* opened while two-factor enrolment was owed */
	bool totp_enabled;  /* the person has confirmed two-factor */
};

/* db_user.c - gw_db_session_load() - the person and state of a live
 * session (idle and absolute timeouts applied, active users only).
 * 0, or CL_ENOENT. */
int gw_db_session_load(struct cl_pg *pg, const char *token_hash, long idle_s, long absolute_s,
		       struct gw_user *u, struct gw_session_state *st);
/* db_session.c */
int gw_db_session_insert(struct cl_pg *pg, const char *token_hash, const char *user_id,
			 const char *csrf, bool totp_pending);
/* gw_db_session_delete_others() - end every session of user but keep;
 * *ended (may be NULL) is how many. */
int gw_db_session_delete_others(struct cl_pg *pg, const char *user_id, const char *keep,
				long *ended);
/* gw_db_session_enrolled() - the session no longer waits for enrolment. */
int gw_db_session_enrolled(struct cl_pg *pg, const char *token_hash);

#endif
