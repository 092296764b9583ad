/* outbox_relay.c - publishes committed outbox rows to Kafka in id order and
 * marks them sent on their delivery reports */
#include "carelink/outbox.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/metrics.h"
#include "carelink/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RELAY_BATCH 500
#define RELAY_BATCH_SQL "500"
#define RELAY_INTERVAL_MS 250
/* one replica relays at a time */
#define RELAY_LOCK "7243190642"

static void ids_push(int64_t **v, size_t *n, size_t *cap, int64_t id)
{
	if (*n == *cap)
		*v = cl_xrealloc(*v, (*cap = *cap ? *cap * 2 : 64) * sizeof **v);
	(*v)[(*n)++] = id;
}

static void ids_remove(int64_t *v, size_t *n, int64_t id)
{
	for (size_t i = 0; i < *n; i++) {
		if (v[i] == id) {
			v[i] = v[--*n];
			return;
		}
	}
}

/* "{1,2,3}": a bigint[] parameter in text form */
static char *ids_array(const int64_t *v, size_t n)
{
	size_t cap = 2 + n * 21, len = 0;
	char *s = cl_xmalloc(cap + 1);
	s[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap + 1 - len, "%s%" PRId64, i ? "," : "", v[i]);
	s[len++] = '}';
	s[len] = '\0';
	return s;
}

static void relay_delivered(void *opaque, rd_kafka_resp_err_t err, void *arg)
{
	struct cl_outbox_relay *r = arg;
	int64_t id = (int64_t)(intptr_t)opaque;
	ids_remove(r->inflight, &r->n_inflight, id);
	if (err)
		return; /* still unsent: the next pass produces it again */
	ids_push(&r->acked, &r->n_acked, &r->cap_acked, id);
	r->published++;
	cl_metric_add(cl_metric_counter("carelink_outbox_published_total",
					"outbox events delivered to kafka"),
		      1);
}

static int relay_mark_sent(struct cl_outbox_relay *r)
{
	if (!r->n_acked)
		return 0;
	char *arr = ids_array(r->acked, r->n_acked);
	const char *p[1] = {arr};
	int rc = cl_pg_exec(&r->pg, NULL,
			    "UPDATE cl_outbox SET sent_at = now() WHERE id = ANY($1::bigint[])",
			    1, p);
	free(arr);
	if (rc == 0)
		r->n_acked = 0;
	return rc;
}

static void relay_poll_stop(struct cl_outbox_relay *r)
{
	if (r->poll_fd >= 0) {
		uv_poll_stop(&r->poll);
		uv_close((uv_handle_t *)&r->poll, NULL);
		r->poll_fd = -1;
	}
}

static void relay_tick(struct cl_outbox_relay *r);
static void relay_on_timer(uv_timer_t *t);
static bool relay_woken(struct cl_outbox_relay *r);

static void relay_on_poll(uv_poll_t *h, int status, int events)
{
	struct cl_outbox_relay *r = h->data;
	(void)events;
	if (status < 0 || !r->pg.conn || !PQconsumeInput(r->pg.conn)) {
		relay_poll_stop(r);
		return;
	}
	relay_woken(r); /* drain: the tick looks at the table anyway */
	cl_log_debug("outbox relay woken", NULL);
	relay_tick(r);
}

/* (re)connect, LISTEN and take the relay lock; 0 when this replica relays */
static int relay_ready(struct cl_outbox_relay *r)
{
	if (!r->pg.conn || PQstatus(r->pg.conn) != CONNECTION_OK) {
		/* a new connection holds neither the LISTEN nor the lock */
		relay_poll_stop(r);
		r->have_lock = false;
		r->listening = false;
		if (cl_pg_ensure(&r->pg) < 0)
			return CL_ERETRY;
	}
	if (!r->listening) {
		if (cl_pg_exec(&r->pg, NULL, "LISTEN cl_outbox", 0, NULL) < 0)
			return CL_ERETRY;
		r->listening = true;
	}
	if (!r->have_lock) {
		PGresult *res;
		if (cl_pg_exec(&r->pg, &res, "SELECT pg_try_advisory_lock(" RELAY_LOCK ")",
			       0, NULL) < 0)
			return CL_ERETRY;
		r->have_lock = !strcmp(PQgetvalue(res, 0, 0), "t");
		PQclear(res);
		if (!r->have_lock)
			return CL_ERETRY;
	}
	if (r->poll_fd < 0 && !r->closing) {
		r->poll_fd = PQsocket(r->pg.conn);
		uv_poll_init(r->loop, &r->poll, r->poll_fd);
		r->poll.data = r;
		uv_poll_start(&r->poll, UV_READABLE, relay_on_poll);
	}
	return 0;
}

/* produce unsent rows not already in flight; returns rows produced */
static int relay_publish(struct cl_outbox_relay *r)
{
	char *arr = ids_array(r->inflight, r->n_inflight);
	const char *p[1] = {arr};
	PGresult *res;
	int rc = cl_pg_exec_bin(
		&r->pg, &res,
		"SELECT id, topic, key, event_id, event_type, content_type,"
		" (extract(epoch FROM created_at) * 1000)::bigint, payload"
		" FROM cl_outbox WHERE sent_at IS NULL AND NOT (id = ANY($1::bigint[]))"
		" ORDER BY id LIMIT " RELAY_BATCH_SQL,
		1, p, NULL, NULL);
	free(arr);
	if (rc < 0)
		return rc;
	int n = PQntuples(res), produced = 0;
	for (int i = 0; i < n; i++) {
		int64_t id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		const char *topic = PQgetvalue(res, i, 1);
		const char *key = PQgetvalue(res, i, 2);
		int64_t ms = strtoll(PQgetvalue(res, i, 6), NULL, 10);
		size_t len = 0;
		unsigned char *payload =
			PQunescapeBytea((const unsigned char *)PQgetvalue(res, i, 7), &len);
		rd_kafka_headers_t *h = cl_cloudevents_headers(
			PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), r->source, ms,
			PQgetvalue(res, i, 5));
		rc = cl_producer_send(&r->prod, topic, key, strlen(key), payload, len, h,
				      (void *)(intptr_t)id);
		PQfreemem(payload);
		if (rc < 0)
			break; /* queue full or broker trouble: next pass resumes here */
		ids_push(&r->inflight, &r->n_inflight, &r->cap_inflight, id);
		produced++;
	}
	PQclear(res);
	return produced;
}

/* true when a commit announced new rows since the last look; libpq may
 * have read the announcement while the relay's own queries ran, in which
 * case the socket will not become readable for it */
static bool relay_woken(struct cl_outbox_relay *r)
{
	bool woken = false;
	PGnotify *n;
	if (!r->pg.conn || !PQconsumeInput(r->pg.conn))
		return false;
	while ((n = PQnotifies(r->pg.conn))) {
		PQfreemem(n);
		woken = true;
	}
	return woken;
}

static void relay_tick(struct cl_outbox_relay *r)
{
	if (r->closing)
		return;
	cl_producer_poll(&r->prod, 0);
	if (relay_ready(r) < 0)
		return;
	relay_mark_sent(r);
	for (int pass = 0; pass < 16 && r->n_inflight < RELAY_BATCH * 4; pass++) {
		int n = relay_publish(r);
		if (n == RELAY_BATCH) {
			uv_timer_start(&r->timer, relay_on_timer, 0, RELAY_INTERVAL_MS);
			break;
		}
		if (n < 0 || !relay_woken(r))
			break;
	}
}

static void relay_on_timer(uv_timer_t *t)
{
	relay_tick(t->data);
}

int cl_outbox_relay_start(struct cl_outbox_relay *r, uv_loop_t *loop,
			  const struct cl_cfg *cfg, const char *conninfo,
			  const char *service)
{
	char src[256];
	memset(r, 0, sizeof *r);
	r->loop = loop;
	r->poll_fd = -1;
	snprintf(src, sizeof src, "/carelink/%s", service);
	r->source = cl_xstrdup(src);
	int rc = cl_producer_open(&r->prod, cfg, relay_delivered, r);
	if (rc < 0)
		goto fail;
	cl_pg_open(&r->pg, conninfo); /* a failed connect is retried each tick */
	uv_timer_init(loop, &r->timer);
	r->timer.data = r;
	uv_timer_start(&r->timer, relay_on_timer, 0, RELAY_INTERVAL_MS);
	return 0;
fail:
	free(r->source);
	r->source = NULL;
	return rc;
}

void cl_outbox_relay_stop(struct cl_outbox_relay *r)
{
	r->closing = true;
	uv_timer_stop(&r->timer);
	uv_close((uv_handle_t *)&r->timer, NULL);
	relay_poll_stop(r);
	if (r->prod.rk) {
		rd_kafka_flush(r->prod.rk, 5000);
		cl_producer_poll(&r->prod, 0);
	}
	if (r->pg.conn)
		relay_mark_sent(r);
	cl_producer_close(&r->prod, 1000);
	cl_pg_close(&r->pg);
	free(r->inflight);
	free(r->acked);
	free(r->source);
	r->inflight = r->acked = NULL;
	r->source = NULL;
}
