/* kafka.h - Kafka producer, consumer and dead-letter handling on librdkafka.
 *
 * Configuration: every "kafka.<property>" key of the cl_cfg is handed to
 * librdkafka unchanged (bootstrap.servers, security.protocol, sasl.*,
 * ssl.*, compression.type, ...), so production settings need no rebuild.
 * carelink's own defaults are applied first and can be overridden that way.
 */
#ifndef CARELINK_KAFKA_H
#define CARELINK_KAFKA_H

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "carelink/cfg.h"

#define CL_TOPIC_DEADLETTER "carelink.deadletter"

/* cl_kafka_conf_new() - a conf with carelink's defaults for role ("producer"
 * or "consumer") and then every kafka.* key of cfg. Returns NULL and logs
 * the offending key when librdkafka rejects a property. Caller owns it until
 * handed to rd_kafka_new(). */
rd_kafka_conf_t *cl_kafka_conf_new(const struct cl_cfg *cfg, const char *role);

/* Called for every delivery report, from cl_producer_poll()'s thread.
 * opaque is what cl_producer_send() was given. */
typedef void (*cl_delivery_fn)(void *opaque, rd_kafka_resp_err_t err, void *arg);

struct cl_producer {
	rd_kafka_t *rk;
	cl_delivery_fn on_delivery;
	void *arg;
};

/* cl_producer_open() - idempotent producer (acks=all). on_delivery may be
 * NULL. Returns 0 or CL_EINVAL (bad configuration). */
int cl_producer_open(struct cl_producer *p, const struct cl_cfg *cfg,
		     cl_delivery_fn on_delivery, void *arg);
/* cl_producer_send() - enqueue one message; takes ownership of hdrs (may be
 * NULL) whatever the outcome. Returns 0, CL_ERETRY (queue full) or CL_EIO. */
int cl_producer_send(struct cl_producer *p, const char *topic, const void *key,
		     size_t key_len, const void *value, size_t value_len,
		     rd_kafka_headers_t *hdrs, void *opaque);
/* cl_producer_poll() - serve delivery reports, waiting up to timeout_ms. */
void cl_producer_poll(struct cl_producer *p, int timeout_ms);
/* cl_producer_close() - flush up to timeout_ms, then destroy. */
void cl_producer_close(struct cl_producer *p, int timeout_ms);

/* cl_cloudevents_headers() - CloudEvents Kafka binding headers: ce_id,
 * ce_type, ce_source, ce_time (RFC 3339 of time_ms), ce_specversion "1.0",
 * content-type. Caller owns the result (hand it to cl_producer_send). */
rd_kafka_headers_t *cl_cloudevents_headers(const char *id, const char *type,
					   const char *source, int64_t time_ms,
					   const char *content_type);

/* cl_kafka_header() - borrowed value of header name of msg as a NUL-free
 * byte range; NULL when absent. */
const char *cl_kafka_header(const rd_kafka_message_t *msg, const char *name,
			    size_t *len);

/* What a consumer handler returns for one message:
 *   0          handled (its transaction committed): the offset is stored;
 *   CL_ERETRY  transient: the same message is offered again after a backoff;
 *   any other  cannot be handled: the message goes to the dead-letter topic
 *              with reason in header "dlq_reason", then the offset moves on.
 * reason is a buffer of reason_size bytes for a short lowercase text. */
typedef int (*cl_consume_fn)(const rd_kafka_message_t *msg, void *arg,
			     char *reason, size_t reason_size);

struct cl_consumer {
	rd_kafka_t *rk;
	struct cl_producer dlq;  /* dead-letter producer */
	cl_consume_fn fn;
	void *arg;
	char *group;
	pthread_t thread;
	atomic_bool stop;
	atomic_bool assigned;  /* the group gave this member its partitions */
	bool running;
};

/* cl_consumer_open() - join group and subscribe to topics (NULL-terminated).
 * Offsets are stored only after the handler returns 0 or the message reached
 * the dead-letter topic; they are committed in the background and on close.
 * auto_offset_reset is "earliest" or "latest" for a group without offsets.
 * Returns 0 or CL_EINVAL. */
int cl_consumer_open(struct cl_consumer *c, const struct cl_cfg *cfg,
		     const char *group, const char *const *topics,
		     const char *auto_offset_reset, cl_consume_fn fn, void *arg);
/* cl_consumer_assigned() - true once the group has assigned partitions to
 * this member (a member starting at "latest" sees nothing published before
 * that moment). */
bool cl_consumer_assigned(struct cl_consumer *c);
/* cl_consumer_start() - run the poll loop on a thread of its own (handlers
 * make blocking database calls; they never run on an event loop). */
int cl_consumer_start(struct cl_consumer *c);
/* cl_consumer_close() - stop the thread, commit stored offsets, leave the
 * group and free everything. */
void cl_consumer_close(struct cl_consumer *c);
/* cl_consumer_handle() - the per-message step of the loop (handler, retry
 * with backoff, dead-letter, offset store); exposed for tests. */
void cl_consumer_handle(struct cl_consumer *c, const rd_kafka_message_t *msg);

/* cl_kafka_ping() - true when a metadata request to the cluster succeeds
 * within timeout_ms using rk. */
bool cl_kafka_ping(rd_kafka_t *rk, int timeout_ms);

#endif
