/* test_outbox_raw_live.c - cl_outbox_add_raw() against the test system: a
 * non-Avro payload committed in the vacancy database is published by the
 * running vacancy service's relay byte for byte, with the row's
 * content-type header; bad arguments insert nothing */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <carelink/err.h>
#include <carelink/kafka.h>
#include <carelink/log.h>
#include <carelink/outbox.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"

#define RAW_TOPIC "carelink.test.raw"
#define RAW_TYPE "carelink.test.RawDocument"
#define RAW_CT "application/cap+xml"
#define RAW_BODY "<?xml version=\"1.0\"?><a>\xE8\xA9\xA6\x00&amp;</a>"

static struct cl_cfg cfg;

struct raw_arg {
	const char *key;
	const char *event_id;
};

static int add_raw(struct cl_pg *pg, void *varg)
{
	struct raw_arg *a = varg;
	return cl_outbox_add_raw(pg, RAW_TOPIC, a->key, a->event_id, RAW_TYPE,
				 "tenant-live-test", RAW_CT, RAW_BODY, sizeof RAW_BODY - 1);
}

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

static void test_raw_payload_is_published_with_its_content_type(void **state)
{
	char key[CL_UUID_LEN + 1], event_id[CL_UUID_LEN + 1];
	cl_uuid_new(key);
	cl_uuid_new(event_id);
	struct raw_arg a = {key, event_id};
	struct cl_pg pg;
	assert_int_equal(cl_pg_open(&pg, cl_cfg_get(&cfg, "pg.conninfo", "")), 0);
	assert_int_equal(cl_pg_tx(&pg, 0, add_raw, &a), 0);

	rd_kafka_t *rk = reader(RAW_TOPIC);
	rd_kafka_message_t *m = NULL;
	assert_true(read_until_key(rk, key, 20000, &m));
	header_is(m, "ce_type", RAW_TYPE);
	header_is(m, "ce_id", event_id);
	header_is(m, "content-type", RAW_CT);
	assert_int_equal(m->len, sizeof RAW_BODY - 1);
	assert_memory_equal(m->payload, RAW_BODY, m->len);
	rd_kafka_message_destroy(m);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	cl_pg_close(&pg);
}

static int add_bad(struct cl_pg *pg, void *varg)
{
	const char *key = varg;
	assert_int_equal(cl_outbox_add_raw(pg, RAW_TOPIC, key, key, RAW_TYPE, "t", "", "x", 1),
			 CL_EINVAL);
	assert_int_equal(cl_outbox_add_raw(pg, RAW_TOPIC, key, key, RAW_TYPE, "t", RAW_CT, NULL, 3),
			 CL_EINVAL);
	assert_int_equal(cl_outbox_add_raw(pg, NULL, key, key, RAW_TYPE, "t", RAW_CT, "x", 1),
			 CL_EINVAL);
	return 0;
}

static void test_raw_rejects_missing_arguments(void **state)
{
	char key[CL_UUID_LEN + 1];
	cl_uuid_new(key);
	struct cl_pg pg;
	assert_int_equal(cl_pg_open(&pg, cl_cfg_get(&cfg, "pg.conninfo", "")), 0);
	assert_int_equal(cl_pg_tx(&pg, 0, add_bad, key), 0);
	PGresult *res;
	const char *p[1] = {key};
	assert_int_equal(cl_pg_exec(&pg, &res, "SELECT count(*) FROM cl_outbox WHERE key = $1",
				    1, p), 0);
	assert_string_equal(PQgetvalue(res, 0, 0), "0");
	PQclear(res);
	cl_pg_close(&pg);
}

static int setup(void **state)
{
	cl_log_init("test", "error");
	live_cfg(&cfg);
	return 0;
}

static int teardown(void **state)
{
	cl_cfg_release(&cfg);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_payload_is_published_with_its_content_type),
		cmocka_unit_test(test_raw_rejects_missing_arguments),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
