/* thread_order.c - PUT /v1/spaces/:id/thread-order {thread_ids}: a space
 * admin puts every thread of the space in a new order */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>
#include <string.h>

struct order_tx {
	const struct cl_identity *who; /* borrowed */
	const char *space_id;          /* borrowed */
	const json_t *ids;             /* borrowed: array of UUID strings */
	struct rec_refusal refusal;
};

/* true when a and b hold the same strings (each without repeats) */
static bool same_set(const json_t *a, const json_t *b)
{
	if (json_array_size(a) != json_array_size(b))
		return false;
	json_t *extra = rec_strings_minus(a, b);
	bool same = json_array_size(extra) == 0;
	json_decref(extra);
	return same;
}

static int order_body(struct cl_pg *pg, void *arg)
{
	struct order_tx *c = arg;
	c->refusal.status = 0;
	struct rec_space s;
	json_t *current = NULL;
	int rc = rec_db_space_lock(pg, c->who, c->space_id, &s);
	if (rc < 0)
		return rc;
	if (!s.can_admin) {
		rc = rec_refuse(&c->refusal, 403, "forbidden",
				      "スレッドを並べ替えられるのはスペースの管理者だけです");
		goto out;
	}
	if (s.archived) {
		rc = rec_refuse(&c->refusal, 409, "space_archived",
				      "アーカイブされたスペースのスレッドは並べ替えられません");
		goto out;
	}
	rc = rec_db_thread_ids(pg, c->who->tenant, c->space_id, &current);
	if (rc < 0)
		goto out;
	if (!same_set(c->ids, current)) {
		rc = rec_refuse(&c->refusal, 400, "invalid_order",
				      "スペースのすべてのスレッドを一度ずつ並べてください");
		goto out;
	}
	char *text = json_dumps(c->ids, JSON_COMPACT);
	rc = rec_db_thread_reorder(pg, c->who->tenant, c->space_id, text);
	free(text);
out:
	json_decref(current);
	rec_space_release(&s);
	return rc;
}

/* true when ids is an array of distinct canonical lowercase UUIDs */
static bool ids_valid(const json_t *ids)
{
	if (!json_is_array(ids) || json_array_size(ids) > 10000)
		return false;
	size_t i, j;
	json_t *v, *w;
	json_array_foreach(ids, i, v) {
		const char *s = json_string_value(v);
		if (!s || !cl_uuid_valid(s))
			return false;
		for (const char *p = s; *p; p++)
			if (*p >= 'A' && *p <= 'F')
				return false;
		json_array_foreach(ids, j, w)
			if (j < i && json_equal(v, w))
				return false;
	}
	return true;
}

enum MHD_Result rec_thread_order(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *space_id = req->params[0];
	if (!cl_uuid_valid(space_id))
		return cl_http_error(req, 404, "space_not_found", "スペースが見つかりません");
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	json_t *ids = NULL;
	json_error_t jerr;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:o}", "thread_ids", &ids)) {
		json_decref(body);
		return cl_http_error(req, 400, "invalid_body", jerr.text);
	}
	if (!ids_valid(ids)) {
		json_decref(body);
		return cl_http_error(req, 400, "invalid_order",
				     "thread_ids はスレッドIDの重複のない配列です");
	}
	struct order_tx c = {.who = &req->identity, .space_id = space_id, .ids = ids};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, order_body, &c);
	json_t *threads = NULL;
	if (rc == 0)
		rc = rec_db_thread_list(pg, req->identity.tenant, space_id, &threads);
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(body);
	if (rc < 0)
		return rec_space_refusal_send(req, &c.refusal, rc, "space_not_found", NULL);
	cl_log_info("threads reordered", "space_id", space_id, NULL);
	return cl_http_json(req, 200, json_pack("{s:o}", "threads", threads));
}
