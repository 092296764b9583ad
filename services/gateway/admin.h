/* admin.h - organisations, invitations and user administration: what the
 * admin module's files (org_admin.c, invitation*.c, user_*.c, db_*.c of
 * these entities) share */
#ifndef CARELINK_GATEWAY_ADMIN_H
#define CARELINK_GATEWAY_ADMIN_H

#include "audit.h"
#include "gateway.h"

#include <carelink/pg.h>
#include <carelink/util.h>
#include <jansson.h>
#include <stdbool.h>

/* ---------------------------------------------------------------- roles */

/* Roles as a set of bits; member is part of every set. */
enum gw_role {
	GW_ROLE_MEMBER = 1u << 0,
	GW_ROLE_ORG_ADMIN = 1u << 1,
	GW_ROLE_TENANT_ADMIN = 1u << 2,
	GW_ROLE_PRIVACY_OFFICER = 1u << 3,
};
/* the roles an organisation admin may grant or take away */
#define GW_ROLES_ORG_GRANTABLE (GW_ROLE_MEMBER | GW_ROLE_ORG_ADMIN)

/* gw_roles_parse() - a JSON array of role names as a set, member added.
 * Returns 0, or CL_EINVAL with a reason in *why (a static string) when roles
 * is not an array of known role names. */
int gw_roles_parse(const json_t *roles, unsigned *set, const char **why);
/* gw_roles_json() - the set as a JSON array of names in a fixed order; new
 * reference. */
json_t *gw_roles_json(unsigned set);
/* gw_roles_of() - the set a logged-in person holds. */
unsigned gw_roles_of(const struct gw_user *u);

/* gw_admin_may_manage() - true when u may administer the people of
 * organisation: a tenant admin, or an organisation admin of that organisation. */
bool gw_admin_may_manage(const struct gw_user *u, const char *organisation);

/* ---------------------------------------------------------------- request helpers */

/* gw_admin_limit() - ?limit= (1..200, default 50) into *limit. Answers 400
 * itself and returns false when it is not a number in range. */
bool gw_admin_limit(struct cl_http_req *req, long *limit);
/* gw_admin_cursor() - ?cursor= (a UUID) or NULL into *cursor (borrowed).
 * Answers 400 and returns false when it is malformed. */
bool gw_admin_cursor(struct cl_http_req *req, const char **cursor);
/* gw_admin_page() - {"<key>": items, "next_cursor": ...} from items holding up
 * to limit + 1 objects with an "id": the extra one only says there is a next
 * page and is dropped. Takes ownership of items; new reference. */
json_t *gw_admin_page(const char *key, json_t *items, long limit);

/* gw_admin_text_ok() - true when s is 1..max bytes long and not only blanks. */
bool gw_admin_text_ok(const char *s, size_t max);

/* ---------------------------------------------------------------- organisations */

#define GW_ORG_NAME_MAX 200

/* gw_org_kind_valid() - true for the kinds of sql/001_identity.sql. */
bool gw_org_kind_valid(const char *kind);

/* db_organisation.c. Every statement is scoped by tenant. *out is a new
 * reference: {"id","name","kind","members","created_at"} or an array of
 * them. */
int gw_db_org_list(struct cl_pg *pg, const char *tenant, const char *cursor, long limit,
		   json_t **out);
/* gw_db_org_get() - 0, or CL_ENOENT when the organisation is not the tenant's. */
int gw_db_org_get(struct cl_pg *pg, const char *tenant, const char *id, json_t **out);
/* gw_db_org_create() - 0, or CL_ECONFLICT when the tenant has that name already. */
int gw_db_org_create(struct cl_pg *pg, const char *tenant, const char *id, const char *name,
		     const char *kind);
/* gw_db_org_update() - name and kind may each be NULL (kept). 0, CL_ENOENT
 * or CL_ECONFLICT (name taken). */
int gw_db_org_update(struct cl_pg *pg, const char *tenant, const char *id, const char *name,
		     const char *kind);

/* ---------------------------------------------------------------- accounts */

/* A user as administrators see them, with their state. */
struct gw_account {
	char id[CL_UUID_LEN + 1];
	char tenant[CL_UUID_LEN + 1];
	char organisation[CL_UUID_LEN + 1];
	char organisation_name[GW_ORG_NAME_MAX * 4 + 1];
	char email[256];
	char name[512];
	char profession[128];
	unsigned roles;
	bool active;
};

/* gw_account_json() - {"id","name","email","organisation":{"id","name"},
 * "profession","roles","active"}; new reference. */
json_t *gw_account_json(const struct gw_account *a);
/* gw_account_announce() - write UserChanged of a (its current state) to the
 * outbox, inside the caller's transaction. Returns a cl_outbox_add() code. */
int gw_account_announce(struct cl_pg *pg, struct gw_app *app, const struct gw_account *a);

/* A change to one user of the acting person's tenant, run by
 * gw_user_change_run() in one transaction: the user is locked, the actor's
 * right to manage them checked, apply() decides and writes, and when it
 * changed something the change is audited (action) and announced with
 * UserChanged. */
struct gw_user_change {
	struct cl_http_req *req;
	const struct gw_user *actor;
	const char *action;  /* audit action, e.g. "user.deactivate" */
	/* apply() - change c->acct (locked, current) in the database and in
	 * memory; set c->changed, c->detail, c->end_streams. Returns 0, or what
	 * gw_user_change_refuse() returns, or a cl_pg_exec() code. */
	int (*apply)(struct cl_pg *pg, struct gw_user_change *c);
	const void *arg;     /* for apply, borrowed */
	/* state of one attempt, reset before each */
	struct gw_account acct;
	bool changed;
	bool end_streams;    /* end the user's live streams after commit */
	json_t *detail;      /* audit detail, owned */
	unsigned status;     /* refusal to answer when non-zero */
	const char *code;
	const char *message;
};

/* gw_user_change_refuse() - record the answer the request gets (status 403,
 * 404 or 409) and return the matching CL_E* code to roll back with. */
int gw_user_change_refuse(struct gw_user_change *c, unsigned status, const char *code,
			  const char *message);
/* gw_user_change_run() - for the user named by the request's first path
 * parameter (404 unless a UUID of the actor's tenant): run c, answer
 * 200 {"user": ...} or the refusal, and end the user's streams when asked. */
enum MHD_Result gw_user_change_run(struct gw_user_change *c);
/* gw_user_keep_tenant_admin() - inside apply(), before c->acct (active) loses
 * tenant admin: refuse with 409 last_tenant_admin when no other active tenant
 * admin would be left. Serialises such changes within the tenant. */
int gw_user_keep_tenant_admin(struct cl_pg *pg, struct gw_user_change *c);

/* db_user_admin.c */
/* gw_db_account_lock() - the tenant's user id, locked FOR UPDATE until the
 * transaction ends. 0 or CL_ENOENT. */
int gw_db_account_lock(struct cl_pg *pg, const char *tenant, const char *id,
		       struct gw_account *a);
/* gw_db_account_create() - insert a (active) with the argon2id hash. 0, or
 * CL_ECONFLICT when the email is taken. */
int gw_db_account_create(struct cl_pg *pg, const struct gw_account *a, const char *hash);
int gw_db_account_set_active(struct cl_pg *pg, const char *id, bool active);
int gw_db_account_set_organisation(struct cl_pg *pg, const char *id, const char *organisation,
				   unsigned roles);
int gw_db_account_set_roles(struct cl_pg *pg, const char *id, unsigned roles);
/* gw_db_account_end_sessions() - delete every session of user id; *n (may be
 * NULL) is how many there were. */
int gw_db_account_end_sessions(struct cl_pg *pg, const char *id, long *n);
/* gw_db_account_revoke_tokens() - revoke every API token of user id when the
 * api_tokens table exists; *n (may be NULL) is how many were revoked. */
int gw_db_account_revoke_tokens(struct cl_pg *pg, const char *id, long *n);
/* gw_db_email_taken() - 1 when a user has email (any tenant: emails are
 * unique), 0 when not, or a negative cl_pg_exec() code. */
int gw_db_email_taken(struct cl_pg *pg, const char *email);
/* gw_db_tenant_admins_lock() - serialise, until the transaction ends, every
 * change that could take away the tenant's last tenant admin. */
int gw_db_tenant_admins_lock(struct cl_pg *pg, const char *tenant);
/* gw_db_tenant_admins_other() - how many active tenant admins the tenant has
 * besides user id (>= 0), or a negative cl_pg_exec() code. */
int gw_db_tenant_admins_other(struct cl_pg *pg, const char *tenant, const char *id);

/* ---------------------------------------------------------------- invitations */

struct gw_invitation {
	char id[CL_UUID_LEN + 1];
	char tenant[CL_UUID_LEN + 1];
	char organisation[CL_UUID_LEN + 1];
	char organisation_name[GW_ORG_NAME_MAX * 4 + 1];
	char email[256];
	char profession[128];
	unsigned roles;
	char expires_at[40];  /* RFC 3339 */
	bool used;
	bool expired;
};

/* gw_invitation_json() - {"id","email","organisation_id","profession",
 * "roles","expires_at"}; new reference. */
json_t *gw_invitation_json(const struct gw_invitation *inv);

/* db_invitation.c */
/* gw_db_invitation_create() - insert inv (id, tenant, organisation, email,
 * profession, roles) valid for ttl_s seconds; fills inv->expires_at. */
int gw_db_invitation_create(struct cl_pg *pg, struct gw_invitation *inv,
			    const char *token_hash, const char *invited_by, long ttl_s);
/* gw_db_invitation_by_token() - the invitation of a token hash, locked FOR
 * UPDATE when lock is set. 0 or CL_ENOENT. */
int gw_db_invitation_by_token(struct cl_pg *pg, const char *token_hash, bool lock,
			      struct gw_invitation *inv);
/* gw_db_invitation_get() - the tenant's invitation id. 0 or CL_ENOENT. */
int gw_db_invitation_get(struct cl_pg *pg, const char *tenant, const char *id,
			 struct gw_invitation *inv);
/* gw_db_invitation_list() - the tenant's invitations (of organisation only,
 * when not NULL), newest first, after cursor (an invitation id, may be NULL);
 * *out is a new JSON array. */
int gw_db_invitation_list(struct cl_pg *pg, const char *tenant, const char *organisation,
			  const char *cursor, long limit, json_t **out);
/* gw_db_invitation_accepted() - mark used by user_id. */
int gw_db_invitation_accepted(struct cl_pg *pg, const char *id, const char *user_id);
/* gw_db_invitation_delete() - remove a pending invitation. 0, or CL_ENOENT
 * when it is gone or was used meanwhile. */
int gw_db_invitation_delete(struct cl_pg *pg, const char *tenant, const char *id);

/* ---------------------------------------------------------------- handlers */

enum MHD_Result gw_org_list(struct cl_http_req *req);
enum MHD_Result gw_org_create(struct cl_http_req *req);
enum MHD_Result gw_org_update(struct cl_http_req *req);
enum MHD_Result gw_invitation_create(struct cl_http_req *req);
enum MHD_Result gw_invitation_list(struct cl_http_req *req);
enum MHD_Result gw_invitation_delete(struct cl_http_req *req);
enum MHD_Result gw_invitation_show(struct cl_http_req *req);
enum MHD_Result gw_invitation_accept(struct cl_http_req *req);
enum MHD_Result gw_user_deactivate(struct cl_http_req *req);
/* user_list.c */
enum MHD_Result gw_user_list(struct cl_http_req *req);
int gw_db_account_list(struct cl_pg *pg, const char *tenant, const char *organisation,
		       const char *cursor, long limit, json_t **out);
enum MHD_Result gw_user_reactivate(struct cl_http_req *req);
enum MHD_Result gw_user_transfer(struct cl_http_req *req);
enum MHD_Result gw_user_roles(struct cl_http_req *req);

#endif
