/* mqtt_fanout.c - the reference for sse_fanout: the same fan-out shape
 * through a mosquitto broker on loopback.
 *
 * N subscribers (MQTT 3.1.1, QoS 0, clean sessions) on one topic and one
 * publisher. For each message the clock starts when the publish has been
 * handed to the publisher's socket and stops when the last of the N
 * subscribers has it.
 *
 * The publisher is a libmosquitto client driven by the libuv loop (its
 * socket watched with uv_poll; mosquitto_loop_read/_write do the protocol).
 * The subscribers are plain libuv TCP connections speaking the three
 * packets they need (mqttwire.h), like sse_fanout's streams: one read per
 * event and one descriptor per connection. (A libmosquitto instance holds
 * three descriptors, its socket and a socket pair, which would cap the
 * subscribers near a third of the descriptor limit, and it reads a packet
 * in several system calls; either would make the reference client, not
 * the broker, the thing measured.)
 *
 * Warm-up rounds, time limits and the result line as in sse_fanout.
 *
 * usage: mqtt_fanout --port P --n N --k K [--pid BROKER_PID] [--warmup 2]
 *        [--round-timeout-ms 20000] [--open-timeout-ms 180000]
 *        [--gap-ms 100] [--gap-jitter-ms 500] [--max-seconds 300]
 *        [--verbose 1]
 */
#include "fanout.h"
#include "mqttwire.h"

#include <mosquitto.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#define OPEN_WINDOW 64
#define KEEPALIVE_S 600 /* longer than any run: no pings to drive */
#define TOPIC "carelink-bench/fanout"
#define READ_BUF (64 * 1024)

enum phase { PH_SETUP, PH_OPENING, PH_SETTLING, PH_ROUNDS, PH_DONE };

struct bench;

/* One subscriber, in bench->subs. */
struct sub {
	uv_tcp_t tcp;
	uv_connect_t connect;
	uv_write_t write;
	struct bench *b;
	struct mw_reader reader;
	uint8_t hello[128];  /* CONNECT then SUBSCRIBE, written at once */
	size_t hello_len;
	int got;             /* last round received */
	bool connacked, inited, ready, failed, closing;
};

/* The publisher; owns its mosquitto instance, destroyed once the poll
 * handle has closed. */
struct pub {
	struct mosquitto *m;
	uv_poll_t poll;
	int events;
	bool polling, ready, dead, closing;
};

struct bench {
	uv_loop_t loop;
	struct sockaddr_in addr;
	int port, n, k, warmup;
	uint64_t round_timeout_ms, open_timeout_ms, gap_ms, jitter_ms, max_ms;
	uint64_t rng;
	bool verbose;
	pid_t broker;
	enum phase phase;
	struct sub *subs;
	struct pub pub;
	int next_open, opening, decided;
	bool in_open_next;
	uint64_t open_start;
	uv_timer_t deadline, phase_timer, round_timer;
	struct fo_round round;
	int seq;
	struct fo_report report;
	char error[256];
	bool failed;
};

static char read_buf[READ_BUF]; /* one loop thread: every read is consumed at once */

static void bench_finish(struct bench *b);
static void round_start(struct bench *b);
static void round_end(struct bench *b);
static void open_next(struct bench *b);
static void open_check_done(struct bench *b);

static void note_error(struct bench *b, const char *what, const char *detail)
{
	if (!b->error[0])
		snprintf(b->error, sizeof b->error, "%s%s%s", what, detail ? ": " : "",
			 detail ? detail : "");
}

/* ---- subscribers -------------------------------------------------------- */

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	buf->base = read_buf;
	buf->len = sizeof read_buf;
}

static void sub_close(struct sub *s)
{
	if (s->closing || !s->inited)
		return;
	s->closing = true;
	uv_close((uv_handle_t *)&s->tcp, NULL);
}

static void sub_failed(struct sub *s, const char *why, const char *detail)
{
	struct bench *b = s->b;
	if (s->failed || s->ready)
		return;
	s->failed = true;
	b->report.open_failed++;
	note_error(b, why, detail);
	b->opening--;
	b->decided++;
	sub_close(s);
	open_next(b);
	open_check_done(b);
}

/* the broker ended or broke a subscription */
static void sub_lost(struct sub *s, const char *why, const char *detail)
{
	if (!s->ready) {
		sub_failed(s, why, detail);
		return;
	}
	if (!s->closing && s->b->phase != PH_DONE) {
		s->b->report.closed++;
		note_error(s->b, why, detail);
	}
	sub_close(s);
}

static void sub_ready(struct sub *s)
{
	struct bench *b = s->b;
	s->ready = true;
	b->report.ready++;
	b->opening--;
	b->decided++;
	open_next(b);
	open_check_done(b);
}

static void sub_message(struct sub *s, const uint8_t *payload, size_t len, uint64_t now)
{
	struct bench *b = s->b;
	char text[32];
	int seq = 0;
	if (len >= sizeof text)
		return;
	memcpy(text, payload, len);
	text[len] = '\0';
	if (sscanf(text, "round=%d", &seq) != 1)
		return;
	if (b->phase != PH_ROUNDS || !b->round.seq || seq != b->round.seq || s->got == seq) {
		b->report.stale++;
		return;
	}
	s->got = seq;
	if (fo_round_arrive(&b->round, now))
		round_end(b);
}

struct packet_ctx {
	struct sub *s;
	uint64_t now;
	bool bad;
};

static void sub_packet(void *arg, int kind, int flags, const uint8_t *body, size_t len)
{
	struct packet_ctx *c = arg;
	struct sub *s = c->s;
	(void)flags;
	if (c->bad || s->closing)
		return;
	if (kind == MW_CONNACK) {
		if (len < 2 || body[1] != 0) {
			sub_failed(s, "connect refused", NULL);
			c->bad = true;
			return;
		}
		s->connacked = true;
	} else if (kind == MW_SUBACK) {
		if (!s->connacked || len < 3 || body[2] == 0x80) {
			sub_failed(s, "subscription refused", NULL);
			c->bad = true;
			return;
		}
		if (!s->ready)
			sub_ready(s);
	} else if (kind == MW_PUBLISH && s->ready) {
		const uint8_t *topic, *payload;
		size_t tlen, plen;
		if ((flags & 0x06) || mw_publish_parse(body, len, &topic, &tlen, &payload, &plen)) {
			c->bad = true; /* only QoS 0 was asked for */
			return;
		}
		sub_message(s, payload, plen, c->now);
	}
}

static void sub_read(uv_stream_t *h, ssize_t nread, const uv_buf_t *buf)
{
	struct sub *s = h->data;
	if (s->closing)
		return;
	if (nread < 0) {
		sub_lost(s, "subscriber closed by the broker", uv_strerror((int)nread));
		return;
	}
	struct packet_ctx c = {s, uv_hrtime(), false};
	if (mw_reader_feed(&s->reader, (const uint8_t *)buf->base, (size_t)nread, sub_packet,
			   &c) < 0 ||
	    c.bad)
		sub_lost(s, "malformed packet from the broker", NULL);
}

static void sub_written(uv_write_t *w, int status)
{
	struct sub *s = w->data;
	if (status < 0 && !s->closing)
		sub_lost(s, "subscriber write failed", uv_strerror(status));
}

static void sub_connected(uv_connect_t *req, int status)
{
	struct sub *s = req->data;
	if (s->closing)
		return;
	if (status < 0) {
		sub_failed(s, "subscriber connect failed", uv_strerror(status));
		return;
	}
	uv_buf_t buf = uv_buf_init((char *)s->hello, (unsigned)s->hello_len);
	s->write.data = s;
	int rc = uv_write(&s->write, (uv_stream_t *)&s->tcp, &buf, 1, sub_written);
	if (rc == 0)
		rc = uv_read_start((uv_stream_t *)&s->tcp, alloc_cb, sub_read);
	if (rc < 0)
		sub_failed(s, "subscriber request failed", uv_strerror(rc));
}

static void sub_start(struct bench *b, struct sub *s)
{
	char id[48];
	s->b = b;
	b->opening++;
	mw_reader_init(&s->reader);
	snprintf(id, sizeof id, "fanout-%ld-%d", (long)getpid(), (int)(s - b->subs));
	s->hello_len = mw_connect(s->hello, sizeof s->hello, id, KEEPALIVE_S);
	s->hello_len += mw_subscribe(s->hello + s->hello_len, sizeof s->hello - s->hello_len, 1,
				     TOPIC);
	int rc = uv_tcp_init(&b->loop, &s->tcp);
	if (rc < 0) {
		sub_failed(s, "subscriber socket", uv_strerror(rc));
		return;
	}
	s->inited = true;
	s->tcp.data = s;
	s->connect.data = s;
	rc = uv_tcp_connect(&s->connect, &s->tcp, (const struct sockaddr *)&b->addr,
			    sub_connected);
	if (rc < 0)
		sub_failed(s, "subscriber connect failed", uv_strerror(rc));
}

/* ---- the publisher (libmosquitto on the loop) --------------------------- */

static void pub_closed(uv_handle_t *h)
{
	struct pub *p = h->data;
	mosquitto_destroy(p->m);
	p->m = NULL;
}

static void pub_close(struct pub *p)
{
	if (p->closing)
		return;
	p->closing = true;
	if (p->polling) {
		uv_poll_stop(&p->poll);
		uv_close((uv_handle_t *)&p->poll, pub_closed);
	} else if (p->m) {
		mosquitto_destroy(p->m);
		p->m = NULL;
	}
}

static void on_pub_poll(uv_poll_t *h, int status, int events);

static void pub_poll_update(struct pub *p)
{
	if (p->closing || !p->polling)
		return;
	int ev = UV_READABLE | (mosquitto_want_write(p->m) ? UV_WRITABLE : 0);
	if (ev != p->events) {
		p->events = ev;
		uv_poll_start(&p->poll, ev, on_pub_poll);
	}
}

static void on_pub_poll(uv_poll_t *h, int status, int events)
{
	struct bench *b = h->loop->data;
	struct pub *p = &b->pub;
	if (p->closing)
		return;
	int rc = status < 0 ? MOSQ_ERR_CONN_LOST : MOSQ_ERR_SUCCESS;
	if (rc == MOSQ_ERR_SUCCESS && (events & UV_READABLE))
		rc = mosquitto_loop_read(p->m, 1);
	if (rc == MOSQ_ERR_SUCCESS && !p->dead && (events & UV_WRITABLE))
		rc = mosquitto_loop_write(p->m, 1);
	if (rc != MOSQ_ERR_SUCCESS || p->dead) {
		/* libmosquitto may have closed the socket: stop watching it
		 * before another socket can take its number */
		note_error(b, "publisher connection lost", mosquitto_strerror(rc));
		pub_close(p);
		b->failed = true;
		bench_finish(b);
		return;
	}
	pub_poll_update(p);
}

static void on_pub_connect(struct mosquitto *m, void *obj, int rc)
{
	struct bench *b = obj;
	(void)m;
	if (rc != 0) {
		b->pub.dead = true;
		note_error(b, "publisher refused", mosquitto_connack_string(rc));
		return;
	}
	b->pub.ready = true;
}

static void on_pub_disconnect(struct mosquitto *m, void *obj, int rc)
{
	struct bench *b = obj;
	(void)m;
	(void)rc;
	b->pub.dead = true;
}

static int pub_start(struct bench *b)
{
	struct pub *p = &b->pub;
	p->m = mosquitto_new(NULL, true, b);
	if (!p->m) {
		note_error(b, "mosquitto_new failed", NULL);
		return -1;
	}
	mosquitto_connect_callback_set(p->m, on_pub_connect);
	mosquitto_disconnect_callback_set(p->m, on_pub_disconnect);
	/* blocking connect: on loopback it returns as soon as the kernel has
	 * the connection; CONNACK arrives on the loop */
	int rc = mosquitto_connect(p->m, "127.0.0.1", b->port, KEEPALIVE_S);
	if (rc != MOSQ_ERR_SUCCESS) {
		note_error(b, "publisher connect", mosquitto_strerror(rc));
		return -1;
	}
	if (uv_poll_init_socket(&b->loop, &p->poll, mosquitto_socket(p->m)) < 0) {
		note_error(b, "publisher poll", NULL);
		return -1;
	}
	p->polling = true;
	p->poll.data = p;
	pub_poll_update(p);
	return 0;
}

/* ---- opening ------------------------------------------------------------ */

static void open_next(struct bench *b)
{
	if (b->in_open_next)
		return;
	b->in_open_next = true;
	while (b->phase == PH_OPENING && b->opening < OPEN_WINDOW && b->next_open < b->n)
		sub_start(b, &b->subs[b->next_open++]);
	b->in_open_next = false;
}

static void on_settled(uv_timer_t *t)
{
	struct bench *b = t->data;
	b->report.rss_after_kb = fo_rss_kb(b->broker);
	b->phase = PH_ROUNDS;
	round_start(b);
}

static void open_check_done(struct bench *b)
{
	if (b->phase != PH_OPENING || b->decided < b->n)
		return;
	uv_timer_stop(&b->phase_timer);
	b->report.open_s = fo_ms(b->open_start, uv_hrtime()) / 1000.0;
	fprintf(stderr, "mqtt_fanout: %d of %d subscribers ready in %.2f s (%d failed)\n",
		b->report.ready, b->n, b->report.open_s, b->report.open_failed);
	if (b->report.ready == 0) {
		note_error(b, "no subscriber could be opened", NULL);
		b->failed = true;
		bench_finish(b);
		return;
	}
	b->phase = PH_SETTLING;
	uv_timer_start(&b->phase_timer, on_settled, 1000, 0);
}

static void on_open_timeout(uv_timer_t *t)
{
	struct bench *b = t->data;
	if (b->phase == PH_SETUP) {
		note_error(b, "publisher did not connect in time", NULL);
		b->failed = true;
		bench_finish(b);
		return;
	}
	int started = b->next_open;
	if (started < b->n) {
		int left = b->n - started;
		b->report.open_failed += left;
		b->decided += left;
		b->next_open = b->n;
		note_error(b, "subscribers not opened before the time limit", NULL);
	}
	for (int i = 0; i < started; i++) {
		struct sub *s = &b->subs[i];
		if (!s->ready && !s->failed)
			sub_failed(s, "subscriber open timed out", NULL);
	}
	open_check_done(b);
}

static void subs_open(struct bench *b)
{
	b->report.rss_before_kb = fo_rss_kb(b->broker);
	b->phase = PH_OPENING;
	b->open_start = uv_hrtime();
	uv_timer_start(&b->phase_timer, on_open_timeout, b->open_timeout_ms, 0);
	open_next(b);
}

/* the publisher connects first: watched until its CONNACK came */
static void on_setup_tick(uv_timer_t *t)
{
	struct bench *b = t->data;
	if (b->phase == PH_SETUP && b->pub.ready) {
		uv_timer_stop(t);
		subs_open(b);
	}
}

/* ---- rounds ------------------------------------------------------------ */

static void on_round_timeout(uv_timer_t *t)
{
	struct bench *b = t->data;
	fprintf(stderr, "mqtt_fanout: round %d timed out: %d of %d received\n", b->round.seq,
		b->round.received, b->round.expected);
	round_end(b);
}

static void on_gap(uv_timer_t *t)
{
	round_start(t->data);
}

static void round_end(struct bench *b)
{
	uv_timer_stop(&b->round_timer);
	if (b->verbose)
		fo_round_print(&b->round, b->report.system, stderr);
	fo_report_round(&b->report, &b->round);
	memset(&b->round, 0, sizeof b->round);
	if (b->phase == PH_ROUNDS)
		uv_timer_start(&b->round_timer, on_gap,
			       fo_gap_ms(&b->rng, b->gap_ms, b->jitter_ms), 0);
}

static void round_start(struct bench *b)
{
	if (b->phase != PH_ROUNDS)
		return;
	if (b->report.rounds >= b->k) {
		bench_finish(b);
		return;
	}
	int open = 0;
	for (int i = 0; i < b->n; i++)
		open += b->subs[i].ready && !b->subs[i].closing;
	memset(&b->round, 0, sizeof b->round);
	b->round.seq = ++b->seq;
	b->round.measured = b->seq > b->warmup;
	b->round.expected = open;
	if (b->round.measured)
		b->report.rounds++;
	if (open == 0) {
		note_error(b, "every subscriber was closed", NULL);
		b->failed = true;
		bench_finish(b);
		return;
	}
	char payload[32];
	int len = snprintf(payload, sizeof payload, "round=%d", b->seq);
	uv_timer_start(&b->round_timer, on_round_timeout, b->round_timeout_ms, 0);
	b->round.sent = uv_hrtime();
	int rc = mosquitto_publish(b->pub.m, NULL, TOPIC, len, payload, 0, false);
	b->round.t0 = uv_hrtime();
	if (rc != MOSQ_ERR_SUCCESS) {
		note_error(b, "publish", mosquitto_strerror(rc));
		b->failed = true;
		bench_finish(b);
		return;
	}
	pub_poll_update(&b->pub);
}

/* ---- run --------------------------------------------------------------- */

static void on_deadline(uv_timer_t *t)
{
	struct bench *b = t->data;
	b->report.aborted = true;
	if (b->phase == PH_OPENING) /* count the unanswered opens as failed */
		on_open_timeout(&b->phase_timer);
	note_error(b, "deadline reached", NULL);
	bench_finish(b);
}

static void bench_finish(struct bench *b)
{
	if (b->phase == PH_DONE)
		return;
	b->phase = PH_DONE;
	fo_report_print(&b->report, stdout);
	if (b->error[0])
		fprintf(stderr, "mqtt_fanout: note: %s\n", b->error);
	for (int i = 0; i < b->n; i++)
		sub_close(&b->subs[i]);
	pub_close(&b->pub);
	uv_close((uv_handle_t *)&b->deadline, NULL);
	uv_close((uv_handle_t *)&b->phase_timer, NULL);
	uv_close((uv_handle_t *)&b->round_timer, NULL);
}

int main(int argc, char **argv)
{
	static struct bench bench;
	struct bench *b = &bench;
	b->port = (int)fo_opt_long(argc, argv, "--port", 0);
	b->n = (int)fo_opt_long(argc, argv, "--n", 100);
	b->k = (int)fo_opt_long(argc, argv, "--k", 15);
	b->warmup = (int)fo_opt_long(argc, argv, "--warmup", 2);
	b->round_timeout_ms = (uint64_t)fo_opt_long(argc, argv, "--round-timeout-ms", 20000);
	b->open_timeout_ms = (uint64_t)fo_opt_long(argc, argv, "--open-timeout-ms", 180000);
	b->gap_ms = (uint64_t)fo_opt_long(argc, argv, "--gap-ms", 100);
	b->jitter_ms = (uint64_t)fo_opt_long(argc, argv, "--gap-jitter-ms", 500);
	b->max_ms = (uint64_t)fo_opt_long(argc, argv, "--max-seconds", 300) * 1000;
	b->broker = (pid_t)fo_opt_long(argc, argv, "--pid", -1);
	b->verbose = fo_opt_long(argc, argv, "--verbose", 0) != 0;
	b->rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)b->n; /* same pauses for the same N */
	if (b->port <= 0 || b->port > 65535 || b->n < 1 || b->k < 1 || b->k > FO_ROUNDS_MAX ||
	    b->warmup < 0) {
		fprintf(stderr, "usage: mqtt_fanout --port P --n N --k K [--pid BROKER_PID]"
				" [--warmup W] [--round-timeout-ms MS] [--open-timeout-ms MS]"
				" [--gap-ms MS] [--gap-jitter-ms MS] [--max-seconds S]"
				" [--verbose 1]\n");
		return 2;
	}
	mosquitto_lib_init();
	fo_report_init(&b->report, "mosquitto", b->n);
	uv_ip4_addr("127.0.0.1", b->port, &b->addr);
	b->subs = calloc((size_t)b->n, sizeof *b->subs);
	if (!b->subs)
		abort();

	uv_loop_init(&b->loop);
	b->loop.data = b;
	uv_timer_init(&b->loop, &b->deadline);
	uv_timer_init(&b->loop, &b->phase_timer);
	uv_timer_init(&b->loop, &b->round_timer);
	b->deadline.data = b->phase_timer.data = b->round_timer.data = b;
	uv_timer_start(&b->deadline, on_deadline, b->max_ms, 0);
	if (pub_start(b) < 0) {
		b->failed = true;
		bench_finish(b);
	} else {
		/* the round timer is idle until the rounds: it watches for the
		 * publisher's CONNACK, and the phase timer bounds the wait */
		uv_timer_start(&b->phase_timer, on_open_timeout, b->open_timeout_ms, 0);
		uv_timer_start(&b->round_timer, on_setup_tick, 10, 10);
	}
	uv_run(&b->loop, UV_RUN_DEFAULT);

	int rc = b->failed || b->report.aborted ? 1 : 0;
	uv_loop_close(&b->loop);
	if (b->pub.m)
		mosquitto_destroy(b->pub.m);
	free(b->subs);
	mosquitto_lib_cleanup();
	return rc;
}
