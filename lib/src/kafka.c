/* kafka.c - configuration, the idempotent producer and CloudEvents headers */
#include "carelink/kafka.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/util.h"

#include <string.h>

struct conf_arg {
	rd_kafka_conf_t *conf;
	int failed;
};

static int conf_apply(const char *key, const char *value, void *varg)
{
	struct conf_arg *a = varg;
	char err[512];
	if (rd_kafka_conf_set(a->conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK) {
		cl_log_error("kafka property rejected", "key", key, "detail", err, NULL);
		a->failed = 1;
		return 1;
	}
	return 0;
}

static const char *const producer_defaults[][2] = {
	{"enable.idempotence", "true"},
	{"acks", "all"},
	{"linger.ms", "5"},
	{"socket.nagle.disable", "true"},
	{"message.send.max.retries", "2147483647"},
};

static const char *const consumer_defaults[][2] = {
	{"enable.auto.offset.store", "false"},
	{"enable.auto.commit", "true"},
	{"auto.commit.interval.ms", "1000"},
	{"fetch.wait.max.ms", "20"},
	{"socket.nagle.disable", "true"},
	{"enable.partition.eof", "false"},
	{"session.timeout.ms", "10000"},
	{"heartbeat.interval.ms", "1000"},
};

rd_kafka_conf_t *cl_kafka_conf_new(const struct cl_cfg *cfg, const char *role)
{
	struct conf_arg a = {rd_kafka_conf_new(), 0};
	const char *const(*defs)[2] = producer_defaults;
	size_t n = sizeof producer_defaults / sizeof producer_defaults[0];
	if (!strcmp(role, "consumer")) {
		defs = consumer_defaults;
		n = sizeof consumer_defaults / sizeof consumer_defaults[0];
	}
	for (size_t i = 0; i < n; i++)
		conf_apply(defs[i][0], defs[i][1], &a);
	const char *svc = cl_cfg_get(cfg, "service.name", "carelink");
	conf_apply("client.id", svc, &a);
	cl_cfg_each(cfg, "kafka.", conf_apply, &a);
	if (a.failed) {
		rd_kafka_conf_destroy(a.conf);
		return NULL;
	}
	return a.conf;
}

static void producer_dr(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
	struct cl_producer *p = opaque;
	(void)rk;
	if (msg->err)
		cl_log_warn("delivery failed", "topic", rd_kafka_topic_name(msg->rkt),
			    "detail", rd_kafka_err2str(msg->err), NULL);
	if (p->on_delivery)
		p->on_delivery(msg->_private, msg->err, p->arg);
}

static void kafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	if (level <= 3)
		cl_log_error("kafka", "facility", fac, "detail", buf, NULL);
	else if (level <= 4)
		cl_log_warn("kafka", "facility", fac, "detail", buf, NULL);
}

int cl_producer_open(struct cl_producer *p, const struct cl_cfg *cfg,
		     cl_delivery_fn on_delivery, void *arg)
{
	char err[512];
	memset(p, 0, sizeof *p);
	rd_kafka_conf_t *conf = cl_kafka_conf_new(cfg, "producer");
	if (!conf)
		return CL_EINVAL;
	p->on_delivery = on_delivery;
	p->arg = arg;
	rd_kafka_conf_set_opaque(conf, p);
	rd_kafka_conf_set_dr_msg_cb(conf, producer_dr);
	rd_kafka_conf_set_log_cb(conf, kafka_log);
	p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
	if (!p->rk) {
		rd_kafka_conf_destroy(conf);
		cl_log_error("kafka producer failed", "detail", err, NULL);
		return CL_EINVAL;
	}
	/* conf is owned by rk now */
	return 0;
}

int cl_producer_send(struct cl_producer *p, const char *topic, const void *key,
		     size_t key_len, const void *value, size_t value_len,
		     rd_kafka_headers_t *hdrs, void *opaque)
{
	rd_kafka_resp_err_t err = rd_kafka_producev(
		p->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, key_len),
		RD_KAFKA_V_VALUE((void *)value, value_len),
		RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
	if (err) {
		if (hdrs)
			rd_kafka_headers_destroy(hdrs);
		if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
			return CL_ERETRY;
		cl_log_error("kafka produce failed", "topic", topic, "detail",
			     rd_kafka_err2str(err), NULL);
		return CL_EIO;
	}
	/* on success the headers belong to the message */
	return 0;
}

void cl_producer_poll(struct cl_producer *p, int timeout_ms)
{
	rd_kafka_poll(p->rk, timeout_ms);
}

void cl_producer_close(struct cl_producer *p, int timeout_ms)
{
	if (!p->rk)
		return;
	if (rd_kafka_flush(p->rk, timeout_ms))
		cl_log_warn("kafka producer closed with undelivered messages", NULL);
	rd_kafka_destroy(p->rk);
	p->rk = NULL;
}

rd_kafka_headers_t *cl_cloudevents_headers(const char *id, const char *type,
					   const char *source, int64_t time_ms,
					   const char *content_type)
{
	char t[32];
	rd_kafka_headers_t *h = rd_kafka_headers_new(6);
	rd_kafka_header_add(h, "ce_specversion", -1, "1.0", -1);
	rd_kafka_header_add(h, "ce_id", -1, id, -1);
	rd_kafka_header_add(h, "ce_type", -1, type, -1);
	rd_kafka_header_add(h, "ce_source", -1, source, -1);
	rd_kafka_header_add(h, "ce_time", -1, cl_time_format(time_ms, t), -1);
	rd_kafka_header_add(h, "content-type", -1, content_type, -1);
	return h;
}

const char *cl_kafka_header(const rd_kafka_message_t *msg, const char *name, size_t *len)
{
	rd_kafka_headers_t *h = NULL;
	const void *v;
	size_t n;
	if (rd_kafka_message_headers(msg, &h) || !h)
		return NULL;
	if (rd_kafka_header_get_last(h, name, &v, &n))
		return NULL;
	if (len)
		*len = n;
	return v;
}

bool cl_kafka_ping(rd_kafka_t *rk, int timeout_ms)
{
	const struct rd_kafka_metadata *md;
	if (rd_kafka_metadata(rk, 0, NULL, &md, timeout_ms))
		return false;
	bool ok = md->broker_cnt > 0;
	rd_kafka_metadata_destroy(md);
	return ok;
}
