/* outbox.h - the transactional outbox: an event commits with its row, and a
 * relay publishes committed events to Kafka.
 *
 * Inside a cl_pg_tx() body a service writes its row and calls
 * cl_outbox_add(); both commit or neither does. The relay (one per service
 * process, active in one replica at a time through an advisory lock) reads
 * unsent rows in id order, produces them with the idempotent producer, and
 * marks them sent when the delivery report arrives. It wakes on
 * LISTEN cl_outbox and on a timer. Consumers must be idempotent: after a
 * crash between delivery and marking, a row is published again.
 *
 * The inbox half: cl_inbox_claim() records that a consumer handled an event
 * id, in the consumer's own transaction.
 */
#ifndef CARELINK_OUTBOX_H
#define CARELINK_OUTBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "carelink/avro.h"
#include "carelink/cfg.h"
#include "carelink/kafka.h"
#include "carelink/pg.h"

/* cl_event_new() - a new event object {"event_id": <uuid>, "tenant_id":
 * tenant, "time": <now ms>}; caller owns the reference. */
json_t *cl_event_new(const char *tenant_id);

/* cl_outbox_add() - encode data with schema full_name (single-object Avro)
 * and insert it, within the caller's open transaction. data must hold
 * event_id, tenant_id and time. Borrowed arguments. Returns 0, CL_EINVAL
 * (data does not match the schema) or a cl_pg_exec() code. */
int cl_outbox_add(struct cl_pg *pg, const struct cl_avro_registry *reg,
		  const char *topic, const char *key, const char *full_name,
		  const json_t *data);

/* cl_outbox_add_raw() - insert an event whose payload is not Avro (e.g.
 * CAP XML), within the caller's open transaction: len bytes of payload,
 * published on topic with key and the message header content-type set to
 * content_type (the relay sends the row's content_type; cl_outbox_add()'s
 * rows say application/avro). event_id, event_type (the ce_type header) and
 * tenant_id as for cl_outbox_add(). Borrowed arguments. Returns 0,
 * CL_EINVAL (a NULL or empty argument) or a cl_pg_exec() code. */
int cl_outbox_add_raw(struct cl_pg *pg, const char *topic, const char *key,
		      const char *event_id, const char *event_type, const char *tenant_id,
		      const char *content_type, const void *payload, size_t len);

/* cl_inbox_claim() - record (consumer, event_id) in the open transaction.
 * Returns 1 when this is the first time, 0 when it was already handled,
 * or a negative cl_pg_exec() code. */
int cl_inbox_claim(struct cl_pg *pg, const char *consumer, const char *event_id);

struct cl_outbox_relay {
	uv_loop_t *loop;          /* borrowed */
	struct cl_pg pg;          /* the relay's own connection */
	struct cl_producer prod;
	uv_timer_t timer;
	uv_poll_t poll;
	int poll_fd;              /* socket being polled, -1 when none */
	bool have_lock;
	bool listening;           /* LISTEN cl_outbox issued on this connection */
	bool closing;
	char *source;             /* ce_source, e.g. "/carelink/records" */
	int64_t *inflight;        /* produced, awaiting delivery report */
	size_t n_inflight, cap_inflight;
	int64_t *acked;           /* delivered, not yet marked sent */
	size_t n_acked, cap_acked;
	uint64_t published;       /* counters for /metrics and tests */
};

/* cl_outbox_relay_start() - open the relay's connection and producer and
 * start its timer on loop. Returns 0 or a negative code. */
int cl_outbox_relay_start(struct cl_outbox_relay *r, uv_loop_t *loop,
			  const struct cl_cfg *cfg, const char *conninfo,
			  const char *service);
/* cl_outbox_relay_stop() - stop watching, flush what is in flight (up to
 * 5 s), mark it sent and close handles. The loop must run once more for the
 * handles' close callbacks. */
void cl_outbox_relay_stop(struct cl_outbox_relay *r);

#endif
