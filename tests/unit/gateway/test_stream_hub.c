/* test_stream_hub.c - the live streams' events (services/notify/FEED.md
 * "Live push"): the counter in every event, heartbeats repeating it, the
 * preferences applied as notifications are matched (mutes, a mention or an
 * urgent one through a mute, urgent-only, quiet hours silent), a resumed
 * stream's live notifications held back until its catch-up is sent
 * (those the catch-up did not have follow it, none lost, none twice), read
 * marks and changed preferences reaching only the person's streams, and the
 * preferences read from notify's answer and from the event */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/gateway/hub.c"
#include "../../../services/gateway/stream_prefs.c"

static struct cl_identity person(const char *user)
{
	struct cl_identity id;
	memset(&id, 0, sizeof id);
	cl_strlcpy(id.user, user, sizeof id.user);
	cl_strlcpy(id.organisation, "o1", sizeof id.organisation);
	cl_strlcpy(id.profession, "care_worker", sizeof id.profession);
	cl_strlcpy(id.tenant, "t1", sizeof id.tenant);
	return id;
}

/* what the stream has queued (never suspended here: no connection) */
static char *queued(const struct gw_stream *s)
{
	return strndup(s->buf + s->off, s->len - s->off);
}

static void drain(struct gw_stream *s)
{
	s->off = s->len;
}

static void assert_queued(struct gw_stream *s, const char *expected)
{
	char *text = queued(s);
	assert_string_equal(text, expected);
	free(text);
	drain(s);
}

/* a NotificationCreated for the whole tenant */
static json_t *created(long id, const char *kind, const char *space, const char *thread,
		       bool urgent)
{
	json_t *n = json_pack("{s:s, s:i, s:s, s:s?, s:s?, s:b, s:{s:b, s:[], s:[], s:[]}}",
			      "tenant_id", "t1", "notification_id", id, "kind", kind, "space_id",
			      space, "thread_id", thread, "urgent", urgent, "audience", "everyone",
			      1, "users", "professions", "organisations");
	assert_non_null(n);
	return n;
}

static size_t dispatch(struct gw_hub *hub, long id, const char *kind, const char *space,
		       const char *thread, bool urgent)
{
	char data[32];
	snprintf(data, sizeof data, "{\"id\":%ld}", id);
	json_t *n = created(id, kind, space, thread, urgent);
	size_t got = gw_hub_dispatch(hub, n, data);
	json_decref(n);
	return got;
}

static void close_stream(struct gw_stream *s)
{
	gw_stream_unref(s); /* the request's reference */
	gw_stream_unref(s); /* the response's */
}

static void test_seq_and_heartbeat(void **state)
{
	(void)state;
	struct gw_hub *hub = gw_hub_new();
	struct cl_identity a = person("ua");
	struct gw_stream *s = gw_stream_open(hub, NULL, &a);
	gw_hub_heartbeat(hub);
	assert_queued(s, "event: ready\ndata: {\"seq\":0,\"resumed\":false}\n\n"
			 "event: heartbeat\ndata: {\"seq\":0}\n\n");
	assert_int_equal(dispatch(hub, 7, "post", "s1", "th1", false), 1);
	assert_true(gw_stream_push(s, 0, "reset", "{\"reason\":\"unavailable\"}", false));
	assert_int_equal(dispatch(hub, 7, "post", "s1", "th1", false), 1); /* again: dropped */
	gw_hub_heartbeat(hub);
	assert_queued(s, "id: 7\nevent: notification\ndata: {\"id\":7,\"seq\":1}\n\n"
			 "event: reset\ndata: {\"reason\":\"unavailable\",\"seq\":2}\n\n"
			 "event: heartbeat\ndata: {\"seq\":2}\n\n");
	close_stream(s);
	gw_hub_free(hub);
}

static void test_preferences_applied(void **state)
{
	(void)state;
	struct gw_hub *hub = gw_hub_new();
	struct cl_identity a = person("ua"), b = person("ub");
	json_t *doc = json_loads("{\"urgent_only\":false,\"quiet_hours\":null,\"mutes\":["
				 "{\"kind\":\"space\",\"id\":\"s1\"},{\"kind\":\"thread\",\"id\":\"th2\"}]}",
				 0, NULL);
	struct gw_prefs pa, pb;
	gw_prefs_from_json(&pa, doc);
	json_decref(doc);
	gw_prefs_init(&pb);
	struct gw_stream *sa = gw_stream_start(hub, NULL, &a, &pa, false);
	struct gw_stream *sb = gw_stream_start(hub, NULL, &b, &pb, false);
	drain(sa);
	drain(sb);

	assert_int_equal(dispatch(hub, 1, "post", "s1", "th1", false), 1);    /* muted space */
	assert_int_equal(dispatch(hub, 2, "comment", "s3", "th2", false), 1); /* muted thread */
	assert_int_equal(dispatch(hub, 3, "mention", "s1", "th1", false), 2); /* through a mute */
	assert_int_equal(dispatch(hub, 4, "alert", "s1", "th2", true), 2);    /* urgent: never muted */
	assert_int_equal(dispatch(hub, 5, "post", "s3", "th3", false), 2);
	assert_queued(sa, "id: 3\nevent: notification\ndata: {\"id\":3,\"seq\":1}\n\n"
			  "id: 4\nevent: notification\ndata: {\"id\":4,\"seq\":2}\n\n"
			  "id: 5\nevent: notification\ndata: {\"id\":5,\"seq\":3}\n\n");
	drain(sb);

	/* urgent-only, then quiet hours around now: a change reaches ua only */
	json_t *e = json_pack("{s:s, s:s, s:b, s:n, s:n, s:[], s:[]}", "tenant_id", "t1", "user_id",
			      "ua", "urgent_only", 1, "quiet_start", "quiet_end", "muted_spaces",
			      "muted_threads");
	struct gw_prefs changed;
	gw_prefs_from_event(&changed, e);
	json_decref(e);
	assert_int_equal(gw_hub_prefs(hub, "t1", "ua", &changed), 1);
	gw_prefs_release(&changed);
	assert_int_equal(dispatch(hub, 6, "mention", "s3", "th3", false), 1);
	assert_int_equal(dispatch(hub, 7, "alert", "s3", "th3", true), 2);
	assert_queued(sa, "id: 7\nevent: notification\ndata: {\"id\":7,\"seq\":4}\n\n");

	int now = gw_prefs_tokyo_minute((int64_t)time(NULL));
	gw_prefs_init(&changed);
	changed.quiet_start = now;
	changed.quiet_end = (now + 2) % 1440;
	assert_int_equal(gw_hub_prefs(hub, "t1", "ua", &changed), 1);
	assert_int_equal(dispatch(hub, 8, "post", "s3", "th3", false), 2);
	assert_int_equal(dispatch(hub, 9, "alert", "s3", "th3", true), 2);
	assert_queued(sa, "id: 8\nevent: notification\ndata: {\"id\":8,\"seq\":5,\"silent\":true}\n\n"
			  "id: 9\nevent: notification\ndata: {\"id\":9,\"seq\":6}\n\n");
	assert_true(gw_stream_silent(sa, false));
	assert_false(gw_stream_silent(sa, true));
	assert_false(gw_stream_silent(sb, false));
	close_stream(sa);
	close_stream(sb);
	gw_hub_free(hub);
}

static void test_catch_up_first(void **state)
{
	(void)state;
	struct gw_hub *hub = gw_hub_new();
	struct cl_identity a = person("ua");
	struct gw_prefs p;
	gw_prefs_init(&p);
	struct gw_stream *s = gw_stream_start(hub, NULL, &a, &p, true);
	assert_queued(s, "event: ready\ndata: {\"seq\":0,\"resumed\":true}\n\n");
	/* live ones arrive while the catch-up is being read from notify */
	assert_int_equal(dispatch(hub, 12, "post", "s1", NULL, false), 1);
	/* committed after the catch-up's read, with an id below one it has */
	assert_int_equal(dispatch(hub, 10, "post", "s1", NULL, false), 1);
	assert_int_equal(dispatch(hub, 13, "post", "s1", NULL, false), 1);
	char *text = queued(s);
	assert_string_equal(text, "");
	free(text);
	/* the catch-up: 11 and 12 (published meanwhile) */
	assert_true(gw_stream_push(s, 11, "notification", "{\"id\":11}", false));
	assert_true(gw_stream_push(s, 12, "notification", "{\"id\":12}", false));
	gw_stream_caught_up(s, 12);
	assert_int_equal(dispatch(hub, 14, "post", "s1", NULL, false), 1);
	assert_queued(s, "id: 11\nevent: notification\ndata: {\"id\":11,\"seq\":1}\n\n"
			 "id: 12\nevent: notification\ndata: {\"id\":12,\"seq\":2}\n\n"
			 "id: 10\nevent: notification\ndata: {\"id\":10,\"seq\":3}\n\n"
			 "id: 13\nevent: notification\ndata: {\"id\":13,\"seq\":4}\n\n"
			 "id: 14\nevent: notification\ndata: {\"id\":14,\"seq\":5}\n\n");
	close_stream(s);
	gw_hub_free(hub);
}

static void test_read_reaches_the_person(void **state)
{
	(void)state;
	struct gw_hub *hub = gw_hub_new();
	struct cl_identity a = person("ua"), b = person("ub");
	struct gw_stream *a1 = gw_stream_open(hub, NULL, &a);
	struct gw_stream *a2 = gw_stream_open(hub, NULL, &a);
	struct gw_stream *sb = gw_stream_open(hub, NULL, &b);
	drain(a1);
	drain(a2);
	drain(sb);
	json_t *e = json_pack("{s:s, s:s, s:[], s:s, s:I}", "tenant_id", "t1", "user_id", "ua",
			      "ids", "space_id", "s1", "up_to", (json_int_t)42);
	assert_int_equal(gw_hub_read(hub, e), 2);
	json_decref(e);
	const char *want = "event: read\ndata: {\"ids\":[],\"space_id\":\"s1\",\"up_to\":42,"
			   "\"seq\":1}\n\n";
	assert_queued(a1, want);
	assert_queued(a2, want);
	assert_queued(sb, "");
	close_stream(a1);
	close_stream(a2);
	close_stream(sb);
	gw_hub_free(hub);
}

static void test_preferences_read(void **state)
{
	(void)state;
	struct gw_prefs p;
	json_t *doc = json_loads("{\"urgent_only\":true,\"quiet_hours\":{\"start\":\"22:00\","
				 "\"end\":\"07:00\"},\"mutes\":[{\"kind\":\"space\",\"id\":\"a\"},"
				 "{\"kind\":\"other\",\"id\":\"b\"},{\"kind\":\"thread\",\"id\":\"c\"}]}",
				 0, NULL);
	gw_prefs_from_json(&p, doc);
	json_decref(doc);
	assert_true(p.urgent_only);
	assert_int_equal(p.quiet_start, 22 * 60);
	assert_int_equal(p.quiet_end, 7 * 60);
	assert_int_equal(p.n_spaces, 1);
	assert_int_equal(p.n_threads, 1);
	assert_true(gw_prefs_quiet(&p, 23 * 60));
	assert_true(gw_prefs_quiet(&p, 6 * 60 + 59));
	assert_false(gw_prefs_quiet(&p, 7 * 60));
	assert_false(gw_prefs_quiet(&p, 12 * 60));
	gw_prefs_release(&p);

	json_t *e = json_pack("{s:b, s:s, s:s, s:[s], s:[]}", "urgent_only", 0, "quiet_start",
			      "25:00", "quiet_end", "07:00", "muted_spaces", "x", "muted_threads");
	gw_prefs_from_event(&p, e);
	json_decref(e);
	assert_false(p.urgent_only);
	assert_int_equal(p.quiet_start, -1); /* not a time: no quiet hours */
	assert_false(gw_prefs_quiet(&p, 0));
	assert_int_equal(p.n_spaces, 1);
	gw_prefs_release(&p);

	assert_int_equal(gw_prefs_tokyo_minute(0), 9 * 60);
	assert_int_equal(gw_prefs_tokyo_minute(15 * 3600), 0); /* 15:00 UTC is midnight */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_and_heartbeat),
		cmocka_unit_test(test_preferences_applied),
		cmocka_unit_test(test_catch_up_first),
		cmocka_unit_test(test_read_reaches_the_person),
		cmocka_unit_test(test_preferences_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
