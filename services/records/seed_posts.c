/* seed_posts.c - carelink-records --seed-demo: the demo posts and comments
 * of tools/demo/posts.json by the demo users of tools/demo/seed.json,
 * inserted with their events; fixed ids make it idempotent */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct seed_tx {
	struct rec_app *app;    /* borrowed */
	const char *tenant_id;  /* borrowed */
	const char *space_id;   /* borrowed */
	json_t *users;          /* borrowed: seed.json's users */
	json_t *organisations;  /* borrowed: seed.json's organisations */
	json_t *posts;          /* borrowed: posts.json's posts */
	size_t new_posts, new_comments;
};

/* A demo user and their organisation's name; borrowed from the seed. */
struct author {
	const char *id, *name, *organisation_id, *organisation_name;
};

/* the string member key of o, "" when absent */
static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

static int author_find(const struct seed_tx *s, const char *id, struct author *a)
{
	size_t i, k;
	json_t *u, *o;
	json_array_foreach(s->users, i, u) {
		if (strcmp(str(u, "id"), id))
			continue;
		a->id = id;
		a->name = json_string_value(json_object_get(u, "name"));
		a->organisation_id = json_string_value(json_object_get(u, "organisation"));
		json_array_foreach(s->organisations, k, o)
			if (a->organisation_id &&
			    !strcmp(str(o, "id"),
				    a->organisation_id))
				a->organisation_name =
					json_string_value(json_object_get(o, "name"));
		if (a->name && a->organisation_id && a->organisation_name)
			return 0;
	}
	cl_log_error("demo post names an unknown author", "author", id, NULL);
	return CL_EINVAL;
}

/* Insert one post or comment; *thread is set when it was new. */
static int entry_insert(struct cl_pg *pg, struct seed_tx *s, json_t *e, const char *thread,
			const char *parent_id, struct author *a, const char **body,
			json_t **t)
{
	const char *id, *author;
	json_int_t hours;
	json_error_t jerr;
	*t = NULL;
	if (json_unpack_ex(e, &jerr, 0, "{s:s, s:s, s:I, s:s}", "id", &id, "author", &author,
			   "hours_ago", &hours, "body", body) ||
	    !cl_uuid_valid(id)) {
		cl_log_error("demo post is malformed", "detail", jerr.text, NULL);
		return CL_EINVAL;
	}
	int rc = author_find(s, author, a);
	if (rc < 0)
		return rc;
	char ago[24];
	snprintf(ago, sizeof ago, "%lld", (long long)hours);
	struct rec_post_seed p = {
		.tenant_id = s->tenant_id,
		.id = id,
		.space_id = s->space_id,
		.thread_title = thread,
		.parent_id = parent_id,
		.author_id = a->id,
		.author_name = a->name,
		.organisation_id = a->organisation_id,
		.organisation_name = a->organisation_name,
		.body = *body,
		.hours_ago = ago,
	};
	return rec_db_post_seed(pg, &p, t);
}

/* The fields of PostCreated and CommentAdded that come from the thread
 * and the author. */
static json_t *event_base(const struct seed_tx *s, const json_t *t, const struct author *a,
			  const char *body)
{
	json_t *ev = cl_event_new(s->tenant_id);
	json_t *rest = json_pack(
		"{s:s, s:O, s:O, s:O, s:s, s:s, s:s, s:s, s:s, s:O, s:o, s:{s:[], s:[]}}",
		"space_id", s->space_id, "space_name", json_object_get(t, "space_name"),
		"thread_id", json_object_get(t, "thread_id"), "thread_title",
		json_object_get(t, "thread_title"), "author_id", a->id, "author_name", a->name,
		"author_organisation_id", a->organisation_id, "author_organisation_name",
		a->organisation_name, "body", body, "created_at", json_object_get(t, "created_ms"),
		"audience", rec_event_audience(json_object_get(t, "professions"),
					       json_object_get(t, "organisations")),
		"mentions", "users", "organisations");
	if (!ev || !rest)
		abort();
	json_object_update(ev, rest);
	json_decref(rest);
	return ev;
}

static int seed_post(struct cl_pg *pg, struct seed_tx *s, json_t *post)
{
	const char *thread = json_string_value(json_object_get(post, "thread"));
	const char *post_id = json_string_value(json_object_get(post, "id"));
	struct author a;
	const char *body;
	json_t *t;
	if (!thread || !post_id) {
		cl_log_error("demo post lacks thread or id", NULL);
		return CL_EINVAL;
	}
	int rc = entry_insert(pg, s, post, thread, NULL, &a, &body, &t);
	if (rc < 0)
		return rc;
	if (t) {
		json_t *ev = event_base(s, t, &a, body);
		json_object_set_new(ev, "post_id", json_string(post_id));
		json_object_set_new(ev, "attachment_count", json_integer(0));
		rc = rec_event_add(pg, s->app, s->space_id, REC_EVENT_POST_CREATED, ev);
		json_decref(ev);
		json_decref(t);
		s->new_posts++;
		if (rc < 0)
			return rc;
	}
	/* who follows the conversation: the post's author, then commenters */
	json_t *followers = json_pack("[s]", a.id);
	const char *post_author = a.id;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(post, "comments"), i, c) {
		rc = entry_insert(pg, s, c, thread, post_id, &a, &body, &t);
		if (rc < 0)
			break;
		if (t) {
			json_t *participants = json_array(), *f;
			size_t k;
			json_array_foreach(followers, k, f)
				if (strcmp(json_string_value(f), a.id))
					json_array_append(participants, f);
			json_t *ev = event_base(s, t, &a, body);
			json_object_set_new(ev, "comment_id", json_object_get(c, "id") ?
					    json_incref(json_object_get(c, "id")) : json_null());
			json_object_set_new(ev, "post_id", json_string(post_id));
			json_object_set_new(ev, "post_author_id", json_string(post_author));
			json_object_set_new(ev, "participants", participants);
			rc = rec_event_add(pg, s->app, s->space_id, REC_EVENT_COMMENT_ADDED, ev);
			json_decref(ev);
			json_decref(t);
			s->new_comments++;
			if (rc < 0)
				break;
		}
		json_array_append_new(followers, json_string(a.id));
	}
	json_decref(followers);
	return rc;
}

static int seed_body(struct cl_pg *pg, void *arg)
{
	struct seed_tx *s = arg;
	size_t i;
	json_t *post;
	s->new_posts = s->new_comments = 0;
	json_array_foreach(s->posts, i, post) {
		int rc = seed_post(pg, s, post);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rec_seed_demo_posts(struct rec_app *app)
{
	json_t *seed = cl_service_json_file(app->svc, "tools/demo/seed.json");
	json_t *posts = cl_service_json_file(app->svc, "tools/demo/posts.json");
	int rc = CL_EINVAL;
	struct seed_tx s = {.app = app};
	if (!seed || !posts)
		goto out;
	json_error_t jerr;
	if (json_unpack_ex(seed, &jerr, 0, "{s:{s:s}, s:o, s:o}", "tenant", "id", &s.tenant_id,
			   "users", &s.users, "organisations", &s.organisations) ||
	    json_unpack_ex(posts, &jerr, 0, "{s:s, s:o}", "space", &s.space_id, "posts",
			   &s.posts) ||
	    !json_is_array(s.users) || !json_is_array(s.organisations) ||
	    !json_is_array(s.posts)) {
		cl_log_error("demo posts are malformed", "detail", jerr.text, NULL);
		goto out;
	}
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, seed_body, &s);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == 0) {
		char np[32], nc[32];
		snprintf(np, sizeof np, "%zu", s.new_posts);
		snprintf(nc, sizeof nc, "%zu", s.new_comments);
		cl_log_info("demo posts applied", "new_posts", np, "new_comments", nc, NULL);
	} else {
		cl_log_error("demo posts failed", "detail", cl_strerror(rc), NULL);
	}
out:
	json_decref(seed);
	json_decref(posts);
	return rc;
}
