/* kafka_consumer.c - group consumer that stores offsets only after its handler
 * committed, with retry and a dead-letter topic for messages it cannot handle */
#include "carelink/kafka.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/metrics.h"
#include "carelink/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct dlq_wait {
	int done;
	rd_kafka_resp_err_t err;
};

static void dlq_delivered(void *opaque, rd_kafka_resp_err_t err, void *arg)
{
	struct dlq_wait *w = opaque;
	(void)arg;
	w->done = 1;
	w->err = err;
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
			 rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	struct cl_consumer *c = opaque;
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		rd_kafka_assign(rk, parts);
		atomic_store(&c->assigned, true);
	} else {
		rd_kafka_assign(rk, NULL);
		atomic_store(&c->assigned, false);
	}
}

bool cl_consumer_assigned(struct cl_consumer *c)
{
	return c->rk && atomic_load(&c->assigned);
}

int cl_consumer_open(struct cl_consumer *c, const struct cl_cfg *cfg,
		     const char *group, const char *const *topics,
		     const char *auto_offset_reset, cl_consume_fn fn, void *arg)
{
	char err[512];
	memset(c, 0, sizeof *c);
	c->fn = fn;
	c->arg = arg;
	c->group = cl_xstrdup(group);
	atomic_init(&c->stop, false);
	atomic_init(&c->assigned, false);

	rd_kafka_conf_t *conf = cl_kafka_conf_new(cfg, "consumer");
	if (!conf)
		goto fail;
	if (rd_kafka_conf_set(conf, "group.id", group, err, sizeof err) ||
	    rd_kafka_conf_set(conf, "auto.offset.reset", auto_offset_reset, err,
			      sizeof err)) {
		cl_log_error("kafka consumer config", "detail", err, NULL);
		rd_kafka_conf_destroy(conf);
		goto fail;
	}
	rd_kafka_conf_set_opaque(conf, c);
	rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
	c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
	if (!c->rk) {
		cl_log_error("kafka consumer failed", "detail", err, NULL);
		rd_kafka_conf_destroy(conf);
		goto fail;
	}
	rd_kafka_poll_set_consumer(c->rk);

	size_t n = 0;
	while (topics[n])
		n++;
	rd_kafka_topic_partition_list_t *subs = rd_kafka_topic_partition_list_new((int)n);
	for (size_t i = 0; i < n; i++)
		rd_kafka_topic_partition_list_add(subs, topics[i], RD_KAFKA_PARTITION_UA);
	rd_kafka_resp_err_t e = rd_kafka_subscribe(c->rk, subs);
	rd_kafka_topic_partition_list_destroy(subs);
	if (e) {
		cl_log_error("kafka subscribe failed", "detail", rd_kafka_err2str(e), NULL);
		goto fail_rk;
	}
	if (cl_producer_open(&c->dlq, cfg, dlq_delivered, NULL) < 0)
		goto fail_rk;
	return 0;

fail_rk:
	rd_kafka_destroy(c->rk);
	c->rk = NULL;
fail:
	free(c->group);
	c->group = NULL;
	return CL_EINVAL;
}

static int send_deadletter(struct cl_consumer *c, const rd_kafka_message_t *msg,
			   const char *reason)
{
	rd_kafka_headers_t *orig = NULL, *h;
	char part[32], off[32];
	if (rd_kafka_message_headers(msg, &orig) == 0 && orig)
		h = rd_kafka_headers_copy(orig);
	else
		h = rd_kafka_headers_new(5);
	snprintf(part, sizeof part, "%d", (int)msg->partition);
	snprintf(off, sizeof off, "%lld", (long long)msg->offset);
	rd_kafka_header_add(h, "dlq_reason", -1, reason, -1);
	rd_kafka_header_add(h, "dlq_topic", -1, rd_kafka_topic_name(msg->rkt), -1);
	rd_kafka_header_add(h, "dlq_partition", -1, part, -1);
	rd_kafka_header_add(h, "dlq_offset", -1, off, -1);
	rd_kafka_header_add(h, "dlq_group", -1, c->group, -1);

	struct dlq_wait w = {0, 0};
	int rc = cl_producer_send(&c->dlq, CL_TOPIC_DEADLETTER, msg->key, msg->key_len,
				  msg->payload, msg->len, h, &w);
	if (rc < 0)
		return CL_ERETRY;
	for (int i = 0; i < 300 && !w.done && !atomic_load(&c->stop); i++)
		cl_producer_poll(&c->dlq, 100);
	if (!w.done || w.err)
		return CL_ERETRY;
	cl_log_warn("message sent to dead-letter topic", "topic",
		    rd_kafka_topic_name(msg->rkt), "partition", part, "offset", off,
		    "reason", reason, NULL);
	return 0;
}

static void store_offset(struct cl_consumer *c, const rd_kafka_message_t *msg)
{
	rd_kafka_resp_err_t e = rd_kafka_offset_store(msg->rkt, msg->partition, msg->offset);
	if (e)
		cl_log_warn("offset store failed", "detail", rd_kafka_err2str(e), NULL);
}

static struct cl_metric *handled, *retried, *dead;
static pthread_once_t metrics_once = PTHREAD_ONCE_INIT;

static void metrics_init(void)
{
	handled = cl_metric_counter("carelink_consumer_handled_total",
				    "messages handled by a consumer");
	retried = cl_metric_counter("carelink_consumer_retries_total",
				    "handler attempts that will be retried");
	dead = cl_metric_counter("carelink_consumer_deadletter_total",
				 "messages sent to the dead-letter topic");
}

void cl_consumer_handle(struct cl_consumer *c, const rd_kafka_message_t *msg)
{
	pthread_once(&metrics_once, metrics_init);
	unsigned backoff_ms = 50;
	while (!atomic_load(&c->stop)) {
		char reason[256] = "";
		int rc = c->fn(msg, c->arg, reason, sizeof reason);
		if (rc == 0) {
			store_offset(c, msg);
			cl_metric_add(handled, 1);
			return;
		}
		if (rc != CL_ERETRY) {
			if (!reason[0])
				cl_strlcpy(reason, cl_strerror(rc), sizeof reason);
			if (send_deadletter(c, msg, reason) == 0) {
				store_offset(c, msg);
				cl_metric_add(dead, 1);
				return;
			}
		}
		cl_metric_add(retried, 1);
		/* transient: offer the same message again; never skip it */
		usleep(backoff_ms * 1000);
		if (backoff_ms < 5000)
			backoff_ms *= 2;
	}
}

static void *consumer_main(void *varg)
{
	struct cl_consumer *c = varg;
	while (!atomic_load(&c->stop)) {
		rd_kafka_message_t *msg = rd_kafka_consumer_poll(c->rk, 200);
		if (!msg)
			continue;
		if (msg->err) {
			if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
				cl_log_warn("kafka consume error", "detail",
					    rd_kafka_message_errstr(msg), NULL);
		} else {
			cl_consumer_handle(c, msg);
		}
		rd_kafka_message_destroy(msg);
	}
	return NULL;
}

int cl_consumer_start(struct cl_consumer *c)
{
	if (pthread_create(&c->thread, NULL, consumer_main, c))
		return CL_EFATAL;
	c->running = true;
	return 0;
}

void cl_consumer_close(struct cl_consumer *c)
{
	if (!c->rk)
		return;
	atomic_store(&c->stop, true);
	if (c->running)
		pthread_join(c->thread, NULL);
	c->running = false;
	rd_kafka_consumer_close(c->rk);
	rd_kafka_destroy(c->rk);
	c->rk = NULL;
	cl_producer_close(&c->dlq, 5000);
	free(c->group);
	c->group = NULL;
}
