/* spaces.h - spaces, threads and the copy of the tenant's people inside
 * carelink-records (included by records.h) */
#ifndef REC_SPACES_H
#define REC_SPACES_H

/* ---- HTTP handlers (one file each) ---- */


/* GET /v1/spaces (space_list.c) */
enum MHD_Result rec_space_list(struct cl_http_req *req);
/* GET /v1/spaces/:id (space_get.c) */
enum MHD_Result rec_space_get(struct cl_http_req *req);
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

#endif
