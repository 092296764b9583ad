/* test_kafka_live.c - the outbox, its relay and the consumer against the
 * test system: an event committed in the vacancy database is published by
 * the running vacancy service's relay with CloudEvents headers; a consumer
 * dead-letters what its handler rejects and still handles what follows */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <carelink/avro.h>
#include <carelink/err.h>
#include <carelink/kafka.h>
#include <carelink/log.h>
#include <carelink/outbox.h>
#include <carelink/util.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"

static struct cl_cfg cfg;
static struct cl_avro_registry *reg;

struct add_arg {
	json_t *event;
	const char *key;
};

static int add_event(struct cl_pg *pg, void *varg)
{
	struct add_arg *a = varg;
	return cl_outbox_add(pg, reg, "carelink.identity", a->key,
			     "carelink.identity.UserChanged", a->event);
}

/* consume topic from the beginning until fn says stop or timeout */
struct wait_arg {
	const char *want_key;
	bool found;
	char headers[6][128];
	json_t *value;
	char reason[256];
};

static rd_kafka_t *reader(const char *topic)
{
	char group[64], id[CL_UUID_LEN + 1];
	cl_uuid_new(id);
	snprintf(group, sizeof group, "test-%s", id);
	rd_kafka_conf_t *conf = cl_kafka_conf_new(&cfg, "consumer");
	char err[256];
	rd_kafka_conf_set(conf, "group.id", group, err, sizeof err);
	rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", err, sizeof err);
	rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
	assert_non_null(rk);
	rd_kafka_poll_set_consumer(rk);
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(l, topic, RD_KAFKA_PARTITION_UA);
	assert_int_equal(rd_kafka_subscribe(rk, l), 0);
	rd_kafka_topic_partition_list_destroy(l);
	return rk;
}

static bool read_until_key(rd_kafka_t *rk, const char *key, int timeout_ms,
			   rd_kafka_message_t **out)
{
	int64_t deadline = cl_now_ms() + timeout_ms;
	while (cl_now_ms() < deadline) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
		if (!m)
			continue;
		if (!m->err && m->key_len == strlen(key) && !memcmp(m->key, key, m->key_len)) {
			*out = m;
			return true;
		}
		rd_kafka_message_destroy(m);
	}
	return false;
}

static void header_is(const rd_kafka_message_t *m, const char *name, const char *want)
{
	size_t n;
	const char *v = cl_kafka_header(m, name, &n);
	assert_non_null(v);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(v, want, n);
}

static void test_outbox_event_is_published_by_the_relay(void **state)
{
	char user[CL_UUID_LEN + 1];
	cl_uuid_new(user);
	json_t *e = cl_event_new("tenant-live-test");
	json_object_set_new(e, "user_id", json_string(user));
	json_object_set_new(e, "organisation_id", json_string("org-1"));
	json_object_set_new(e, "profession", json_string("doctor"));
	json_object_set_new(e, "display_name", json_string("試験 太郎"));
	json_object_set_new(e, "roles", json_pack("[s]", "member"));
	json_object_set_new(e, "active", json_true());
	json_object_set_new(e, "organisation_name", json_string("試験事業所"));
	struct add_arg a = {e, user};
	struct cl_pg pg;
	cl_pg_open(&pg, cl_cfg_get(&cfg, "pg.conninfo", ""));
	assert_int_equal(cl_pg_tx(&pg, 0, add_event, &a), 0);

	rd_kafka_t *rk = reader("carelink.identity");
	rd_kafka_message_t *m = NULL;
	assert_true(read_until_key(rk, user, 20000, &m));
	header_is(m, "ce_specversion", "1.0");
	header_is(m, "ce_type", "carelink.identity.UserChanged");
	header_is(m, "ce_source", "/carelink/vacancy");
	header_is(m, "content-type", "application/avro");
	header_is(m, "ce_id", json_string_value(json_object_get(e, "event_id")));
	json_t *got = NULL;
	const char *type = NULL;
	assert_int_equal(cl_avro_decode(reg, m->payload, m->len, &got, &type), 0);
	assert_string_equal(type, "carelink.identity.UserChanged");
	assert_true(json_equal(got, e));
	json_decref(got);
	rd_kafka_message_destroy(m);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);

	/* marked sent once delivered */
	const char *p[1] = {json_string_value(json_object_get(e, "event_id"))};
	bool sent = false;
	for (int i = 0; i < 100 && !sent; i++) {
		PGresult *res;
		assert_int_equal(cl_pg_exec(&pg, &res,
					    "SELECT sent_at IS NOT NULL FROM cl_outbox"
					    " WHERE event_id = $1",
					    1, p),
				 0);
		sent = !strcmp(PQgetvalue(res, 0, 0), "t");
		PQclear(res);
		if (!sent)
			usleep(100000);
	}
	assert_true(sent);
	cl_pg_close(&pg);
	json_decref(e);
}

/* handler: "bad" messages are rejected, "good" ones counted */
struct seen {
	atomic_int good;
};

static int handler(const rd_kafka_message_t *m, void *arg, char *reason, size_t size)
{
	struct seen *s = arg;
	if (m->len == 4 && !memcmp(m->payload, "good", 4)) {
		atomic_fetch_add(&s->good, 1);
		return 0;
	}
	snprintf(reason, size, "test handler rejects this payload");
	return CL_EINVAL;
}

static void test_consumer_dead_letters_and_moves_on(void **state)
{
	char topic[64], key[CL_UUID_LEN + 1];
	cl_uuid_new(key);
	snprintf(topic, sizeof topic, "carelink.test.%d", (int)getpid());

	struct cl_producer p;
	assert_int_equal(cl_producer_open(&p, &cfg, NULL, NULL), 0);
	/* same key: same partition, the bad one first */
	assert_int_equal(cl_producer_send(&p, topic, key, strlen(key), "bad!", 4, NULL, NULL), 0);
	assert_int_equal(cl_producer_send(&p, topic, key, strlen(key), "good", 4, NULL, NULL), 0);
	cl_producer_close(&p, 10000);

	struct seen s = {0};
	struct cl_consumer c;
	const char *topics[] = {topic, NULL};
	char group[80];
	snprintf(group, sizeof group, "test-dlq-%s", key);
	assert_int_equal(cl_consumer_open(&c, &cfg, group, topics, "earliest", handler, &s), 0);
	assert_int_equal(cl_consumer_start(&c), 0);
	for (int i = 0; i < 200 && atomic_load(&s.good) < 1; i++)
		usleep(100000);
	assert_int_equal(atomic_load(&s.good), 1);
	cl_consumer_close(&c);

	rd_kafka_t *rk = reader(CL_TOPIC_DEADLETTER);
	rd_kafka_message_t *m = NULL;
	assert_true(read_until_key(rk, key, 20000, &m));
	assert_int_equal(m->len, 4);
	assert_memory_equal(m->payload, "bad!", 4);
	header_is(m, "dlq_reason", "test handler rejects this payload");
	header_is(m, "dlq_topic", topic);
	header_is(m, "dlq_group", group);
	rd_kafka_message_destroy(m);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
}

static int setup(void **state)
{
	char dir[1024];
	cl_log_init("test", "error");
	live_cfg(&cfg);
	snprintf(dir, sizeof dir, "%s/schemas", CL_SOURCE_DIR);
	assert_int_equal(cl_avro_registry_load(&reg, dir), 0);
	return 0;
}

static int teardown(void **state)
{
	cl_avro_registry_free(reg);
	cl_cfg_release(&cfg);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outbox_event_is_published_by_the_relay),
		cmocka_unit_test(test_consumer_dead_letters_and_moves_on),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
