/* test_workspace_audience.c - who a live notification reaches: the
 * audience (everyone, users, professions, organisations) of its tenant,
 * never the excluded actor (exclude_user) nor anyone in exclude_users
 * (the mentioned people, who get their own mention notification) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

/* the unit under test is internal to the service: build it in */
#include "../../../services/gateway/hub.c"

static struct cl_identity person(const char *user, const char *org, const char *prof)
{
	struct cl_identity id;
	memset(&id, 0, sizeof id);
	cl_strlcpy(id.user, user, sizeof id.user);
	cl_strlcpy(id.organisation, org, sizeof id.organisation);
	cl_strlcpy(id.profession, prof, sizeof id.profession);
	cl_strlcpy(id.tenant, "t1", sizeof id.tenant);
	return id;
}

/* streams are never suspended here, so no connection is touched */
static bool got(const struct gw_stream *s, long id)
{
	char mark[32];
	snprintf(mark, sizeof mark, "id: %ld\n", id);
	if (!s->buf)
		return false;
	char *text = strndup(s->buf + s->off, s->len - s->off);
	bool found = strstr(text, mark) != NULL;
	free(text);
	return found;
}

static json_t *notification(long id, const char *audience, const char *exclude_user,
			    const char *exclude_users)
{
	char text[512];
	snprintf(text, sizeof text,
		 "{\"tenant_id\":\"t1\",\"notification_id\":%ld,\"audience\":%s,"
		 "\"exclude_user\":%s,\"exclude_users\":%s}",
		 id, audience, exclude_user, exclude_users);
	json_t *n = json_loads(text, 0, NULL);
	assert_non_null(n);
	return n;
}

static void test_exclusions(void **state)
{
	(void)state;
	struct gw_hub *hub = gw_hub_new();
	struct cl_identity a = person("ua", "o1", "care_manager");
	struct cl_identity b = person("ub", "o2", "care_worker");
	struct cl_identity c = person("uc", "o3", "police");
	struct gw_stream *sa = gw_stream_open(hub, NULL, &a);
	struct gw_stream *sb = gw_stream_open(hub, NULL, &b);
	struct gw_stream *sc = gw_stream_open(hub, NULL, &c);

	/* everyone but the actor and the mentioned */
	json_t *n = notification(1, "{\"everyone\":true,\"users\":[],\"professions\":[],"
				    "\"organisations\":[]}",
				 "\"ua\"", "[\"uc\"]");
	assert_int_equal(gw_hub_dispatch(hub, n, "{}"), 1);
	json_decref(n);
	assert_false(got(sa, 1));
	assert_true(got(sb, 1));
	assert_false(got(sc, 1));

	/* listed by profession and organisation; exclude_users alone */
	n = notification(2, "{\"everyone\":false,\"users\":[],\"professions\":[\"care_manager\"],"
			    "\"organisations\":[\"o2\",\"o3\"]}",
			 "null", "[\"ub\",\"nobody\"]");
	assert_int_equal(gw_hub_dispatch(hub, n, "{}"), 2);
	json_decref(n);
	assert_true(got(sa, 2));
	assert_false(got(sb, 2));
	assert_true(got(sc, 2));

	/* a mention notification to one user, no exclusions (older events
	 * without exclude_users) */
	n = json_pack("{s:s, s:i, s:{s:b, s:[s], s:[], s:[]}}", "tenant_id", "t1",
		      "notification_id", 3, "audience", "everyone", 0, "users", "uc",
		      "professions", "organisations");
	assert_int_equal(gw_hub_dispatch(hub, n, "{}"), 1);
	json_decref(n);
	assert_true(got(sc, 3));
	assert_false(got(sa, 3));

	/* another tenant's notification reaches no one here */
	n = json_pack("{s:s, s:i, s:{s:b}}", "tenant_id", "t2", "notification_id", 4,
		      "audience", "everyone", 1);
	assert_int_equal(gw_hub_dispatch(hub, n, "{}"), 0);
	json_decref(n);

	gw_stream_unref(sa);
	gw_stream_unref(sa);
	gw_stream_unref(sb);
	gw_stream_unref(sb);
	gw_stream_unref(sc);
	gw_stream_unref(sc);
	gw_hub_free(hub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exclusions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
