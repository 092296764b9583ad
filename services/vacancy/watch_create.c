/* watch_create.c - POST /v1/watches: save a bed search; the facilities
 * that match it already join its set at once, without a notification */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

static const char *const body_keys[] = {"name", "kind", "from", "to", "room", "beds",
					"care_level", "conditions", "district", "near",
					"radius_km", NULL};

struct create_tx {
	struct vac_app *app;              /* borrowed */
	const struct cl_identity *who;    /* borrowed */
	const struct vac_watch_input *in; /* borrowed */
	const char *today;
	struct vac_hold_refusal refusal;
	char id[40];
	json_t *watch;                    /* the answer, owned */
};

/* the facilities matching the new watch now join its set */
static int matches_seed(struct cl_pg *pg, struct create_tx *t)
{
	const struct vac_watch_input *in = t->in;
	json_t *results = NULL;
	struct vac_search q = {.tenant = t->who->tenant,
			       .kind = in->kind,
			       .from = in->from,
			       .to = in->to,
			       .room = in->room,
			       .care_level = in->care_level,
			       .conditions_json = in->conditions_json,
			       .district = in->district};
	int rc = vac_db_search_beds(pg, &q, vac_stale_hours(t->app), &results);
	if (rc < 0)
		return rc;
	vac_search_rank(results, in->has_near, in->lat, in->lng, in->radius_km, SIZE_MAX);
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r) {
		long avail = (long)json_integer_value(json_object_get(r, "min_available"));
		const char *fid =
			json_string_value(json_object_get(json_object_get(r, "facility"), "id"));
		bool inserted;
		if (avail < in->beds || !fid)
			continue;
		rc = vac_db_watch_match_set(pg, t->id, fid, avail, &inserted);
		if (rc < 0)
			break;
	}
	json_decref(results);
	return rc;
}

static int create_body(struct cl_pg *pg, void *arg)
{
	struct create_tx *t = arg;
	json_t *row = NULL, *matches = NULL;
	long n;
	memset(&t->refusal, 0, sizeof t->refusal);
	json_decref(t->watch);
	t->watch = NULL;
	int rc = vac_db_watch_active_count(pg, t->who->tenant, t->who->user, t->today, &n);
	if (rc < 0)
		return rc;
	if (n >= VAC_WATCHES_MAX)
		return vac_hold_refuse(&t->refusal, 409, "too_many_watches",
				       "保存できる検索は 20 件までです");
	rc = vac_db_watch_insert(pg, t->who->tenant, t->who->user, t->in, t->id);
	if (rc == 0)
		rc = matches_seed(pg, t);
	if (rc == 0)
		rc = vac_db_watch_get(pg, t->who->tenant, t->who->user, t->id, t->today, &row);
	if (rc == 0)
		rc = vac_db_watch_matches(pg, t->id, &matches);
	if (rc == 0)
		t->watch = vac_watch_json(row, matches);
	json_decref(row);
	json_decref(matches);
	return rc;
}

/* the first key of body that a watch does not have, or NULL */
static const char *unknown_key(const json_t *body)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)body, key, v) {
		bool known = false;
		for (const char *const *k = body_keys; *k && !known; k++)
			known = strcmp(*k, key) == 0;
		if (!known)
			return key;
	}
	return NULL;
}

enum MHD_Result vac_watch_create(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	struct vac_watch_input in = {0};
	char today[VAC_DAY_LEN];
	enum MHD_Result res;
	if (!vac_may_read(app, &req->identity, NULL))
		return cl_http_error(req, 404, "not_found", "見つかりません");
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	if (!json_is_object(body) || unknown_key(body)) {
		res = cl_http_error(req, 400, "invalid_body", "保存する検索の項目が正しくありません");
		goto out;
	}
	const char *message = NULL;
	time_t now = time(NULL);
	const char *code = vac_watch_input_take(body, vac_day_number_today(now), &in, &message);
	if (code) {
		res = cl_http_error(req, 400, code, message);
		goto out;
	}
	vac_day_today(now, today);
	struct create_tx t = {.app = app, .who = &req->identity, .in = &in, .today = today};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		res = vac_hold_refusal_send(req, &t.refusal, rc);
		json_decref(t.watch);
		goto out;
	}
	cl_log_info("watch saved", "watch_id", t.id, "user_id", req->identity.user, NULL);
	res = cl_http_json(req, 201, json_pack("{s:o}", "watch", t.watch));
out:
	vac_watch_input_release(&in);
	json_decref(body);
	return res;
}
