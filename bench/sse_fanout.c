/* sse_fanout.c - how long one carelink post takes to reach N open event
 * streams.
 *
 * One person (the listener) opens N concurrent GET /api/v1/stream
 * connections on loopback and waits for each one's "event: ready". Another person (the
 * poster) then writes posts one at a time to a thread everyone can read;
 * for each post the clock starts at its 201 and stops when the last of the
 * N streams has received the notification whose link names that post. The
 * first rounds are a warm-up and are not counted. Every phase has a time
 * limit and the whole run a deadline; the result is one "result ..." line
 * on stdout (see fanout.h), progress goes to stderr.
 *
 * The listener is suzuki (a social worker) rather than a doctor: doctors
 * are to log in with a second factor, which a benchmark cannot type.
 *
 * usage: sse_fanout --port P --seed tools/demo/seed.json --n N --k K
 *        [--api /api/v1] [--listener EMAIL] [--poster EMAIL]
 *        [--pid-file VAR/run/gateway.pid] [--warmup 2]
 *        [--round-timeout-ms 20000] [--open-timeout-ms 180000]
 *        [--gap-ms 100] [--gap-jitter-ms 500] [--max-seconds 300]
 *        [--verbose 1]
 */
#define _GNU_SOURCE /* memmem */
#include "fanout.h"
#include "httpresp.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define OPEN_WINDOW 64            /* streams being opened at once */
#define SSE_LINE_MAX (64 * 1024)  /* longer lines are skipped */
#define ID_MAX 72
#define READ_BUF (64 * 1024)

enum ev { EV_NONE, EV_READY, EV_NOTIFICATION, EV_OTHER };
enum phase { PH_SETUP, PH_OPENING, PH_SETTLING, PH_ROUNDS, PH_DONE };

struct bench;
struct call;
typedef void call_done_fn(struct bench *b, struct call *c, bool ok);

/* One request of the control flow (login, listings, a post) on its own
 * connection. Owns request and body; freed when its handle has closed. */
struct call {
	uv_tcp_t tcp;
	uv_connect_t connect;
	uv_write_t write;
	struct bench *b;
	char *request;
	struct hr_parser http;
	char *body;
	size_t body_len, body_cap;
	call_done_fn *done;
	int seq;                  /* the round a post belongs to */
	bool finished, closing;
	struct call *prev, *next; /* bench->calls */
};

/* One event stream. Lives in bench->streams; owns its line buffer. */
struct stream {
	uv_tcp_t tcp;
	uv_connect_t connect;
	uv_write_t write;
	struct bench *b;
	struct hr_parser http;
	char *line;
	size_t line_len, line_cap;
	bool skipping;            /* inside an over-long line */
	enum ev event;
	char post[ID_MAX];        /* post id in the link of the data line */
	int got;                  /* last round delivered here */
	bool inited, ready, failed, closing;
};

/* A notification that came before its post's 201 was read. */
struct early {
	int stream;
	uint64_t at;
	char post[ID_MAX];
};

struct bench {
	uv_loop_t loop;
	struct sockaddr_in addr;
	char host[64];
	const char *api; /* path prefix of the public API */
	const char *password, *listener_email, *poster_email;
	char listener_cookie[HR_COOKIE_MAX], poster_cookie[HR_COOKIE_MAX];
	char csrf[128], thread[ID_MAX];
	int n, k, warmup;
	uint64_t round_timeout_ms, open_timeout_ms, gap_ms, jitter_ms, max_ms;
	uint64_t rng;
	bool verbose;
	pid_t gateway;
	enum phase phase;

	struct stream *streams;
	int next_open, opening, decided;
	bool in_open_next;
	uint64_t open_start;
	char stream_request[1024];
	size_t stream_request_len;

	uv_timer_t deadline, phase_timer, round_timer;
	struct fo_round round;
	char round_post[ID_MAX];
	bool round_known;
	struct early *early;
	int n_early;
	int seq;

	struct call *calls;
	struct fo_report report;
	char error[256];
	bool failed;
};

static char read_buf[READ_BUF]; /* one loop thread: every read is consumed at once */

static void bench_finish(struct bench *b);
static void round_start(struct bench *b);

static void note_error(struct bench *b, const char *fmt, const char *detail, long num)
{
	if (b->error[0])
		return;
	snprintf(b->error, sizeof b->error, fmt, detail ? detail : "", num);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	buf->base = read_buf;
	buf->len = sizeof read_buf;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		abort();
	return p;
}

/* ---- control calls ---------------------------------------------------- */

static void call_closed(uv_handle_t *h)
{
	struct call *c = h->data;
	struct bench *b = c->b;
	if (c->prev)
		c->prev->next = c->next;
	else
		b->calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	hr_parser_release(&c->http);
	free(c->request);
	free(c->body);
	free(c);
}

static void call_close(struct call *c)
{
	if (c->closing)
		return;
	c->closing = true;
	uv_close((uv_handle_t *)&c->tcp, call_closed);
}

static void call_end(struct call *c, bool ok)
{
	if (c->finished)
		return;
	c->finished = true;
	if (!c->b->failed && c->b->phase != PH_DONE)
		c->done(c->b, c, ok);
	call_close(c);
}

static void call_body(void *arg, const char *data, size_t len)
{
	struct call *c = arg;
	if (c->body_len + len + 1 > c->body_cap) {
		c->body_cap = (c->body_len + len + 1) * 2;
		c->body = xrealloc(c->body, c->body_cap);
	}
	memcpy(c->body + c->body_len, data, len);
	c->body_len += len;
	c->body[c->body_len] = '\0';
}

static void call_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct call *c = s->data;
	if (nread < 0) {
		call_end(c, hr_parser_end(&c->http) == HR_COMPLETE);
		return;
	}
	int rc = hr_parser_feed(&c->http, buf->base, (size_t)nread, call_body, c);
	if (rc != HR_MORE)
		call_end(c, rc == HR_COMPLETE);
}

static void call_written(uv_write_t *w, int status)
{
	struct call *c = w->data;
	if (status < 0) {
		note_error(c->b, "request write failed: %s", uv_strerror(status), 0);
		call_end(c, false);
	}
}

static void call_connected(uv_connect_t *req, int status)
{
	struct call *c = req->data;
	if (status < 0) {
		note_error(c->b, "connect to the gateway failed: %s", uv_strerror(status), 0);
		call_end(c, false);
		return;
	}
	uv_buf_t buf = uv_buf_init(c->request, (unsigned)strlen(c->request));
	c->write.data = c;
	int rc = uv_write(&c->write, (uv_stream_t *)&c->tcp, &buf, 1, call_written);
	if (rc == 0)
		rc = uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, call_read);
	if (rc < 0) {
		note_error(c->b, "request failed: %s", uv_strerror(rc), 0);
		call_end(c, false);
	}
}

/* Send method path with the given cookie, CSRF token and JSON body (each
 * may be NULL); done runs once with the response. Takes ownership of
 * body_json. */
static struct call *call_start(struct bench *b, const char *method, const char *path,
			       const char *cookie, const char *csrf, char *body_json,
			       call_done_fn *done)
{
	struct call *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->b = b;
	c->done = done;
	hr_parser_init(&c->http);
	size_t blen = body_json ? strlen(body_json) : 0;
	size_t cap = 1024 + strlen(path) + blen;
	c->request = xrealloc(NULL, cap);
	int n = snprintf(c->request, cap,
			 "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
			 "Accept: application/json\r\n",
			 method, path, b->host);
	if (cookie)
		n += snprintf(c->request + n, cap - (size_t)n, "Cookie: %s\r\n", cookie);
	if (csrf)
		n += snprintf(c->request + n, cap - (size_t)n, "X-CSRF-Token: %s\r\n", csrf);
	if (body_json)
		n += snprintf(c->request + n, cap - (size_t)n,
			      "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
			      blen, body_json);
	else
		snprintf(c->request + n, cap - (size_t)n, "\r\n");
	free(body_json);

	c->next = b->calls;
	if (b->calls)
		b->calls->prev = c;
	b->calls = c;
	uv_tcp_init(&b->loop, &c->tcp);
	c->tcp.data = c;
	c->connect.data = c;
	int rc = uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&b->addr,
				call_connected);
	if (rc < 0) {
		note_error(b, "connect to the gateway failed: %s", uv_strerror(rc), 0);
		c->finished = true;
		b->failed = true;
		call_close(c);
		bench_finish(b);
		return NULL;
	}
	return c;
}

/* the response's JSON, or NULL (and the run fails) unless status matches */
static json_t *call_json(struct bench *b, struct call *c, bool ok, int want, const char *what)
{
	if (!ok || c->http.status != want) {
		if (!ok)
			note_error(b, "%s: no complete response", what, 0);
		else
			note_error(b, "%s: answered %ld", what, c->http.status);
		b->failed = true;
		bench_finish(b);
		return NULL;
	}
	json_t *doc = json_loadb(c->body ? c->body : "", c->body_len, 0, NULL);
	if (!doc) {
		note_error(b, "%s: response is not JSON", what, 0);
		b->failed = true;
		bench_finish(b);
	}
	return doc;
}

/* ---- event streams ---------------------------------------------------- */

static void open_next(struct bench *b);

static void stream_closed(uv_handle_t *h)
{
	(void)h;
}

static void stream_close(struct stream *s)
{
	if (s->closing || !s->inited)
		return;
	s->closing = true;
	uv_close((uv_handle_t *)&s->tcp, stream_closed);
}

static void open_check_done(struct bench *b);

static void stream_failed(struct stream *s, const char *why, const char *detail, long num)
{
	struct bench *b = s->b;
	if (s->failed || s->ready)
		return;
	s->failed = true;
	b->report.open_failed++;
	note_error(b, why, detail, num);
	b->opening--;
	b->decided++;
	stream_close(s);
	open_next(b);
	open_check_done(b);
}

static void stream_ready(struct stream *s)
{
	struct bench *b = s->b;
	s->ready = true;
	b->report.ready++;
	b->opening--;
	b->decided++;
	open_next(b);
	open_check_done(b);
}

static void round_end(struct bench *b);

static void delivered(struct stream *s, uint64_t now)
{
	struct bench *b = s->b;
	if (!b->round.seq || b->phase != PH_ROUNDS) {
		b->report.stale++;
		return;
	}
	if (!b->round_known) { /* before the 201: keep it until the id is known */
		if (b->n_early < b->n) {
			struct early *e = &b->early[b->n_early++];
			e->stream = (int)(s - b->streams);
			e->at = now;
			memcpy(e->post, s->post, sizeof e->post);
		}
		return;
	}
	if (strcmp(s->post, b->round_post) || s->got == b->round.seq) {
		b->report.stale++;
		return;
	}
	s->got = b->round.seq;
	if (fo_round_arrive(&b->round, now))
		round_end(b);
}

static void sse_line(struct stream *s, const char *l, size_t n, uint64_t now)
{
	if (n && l[n - 1] == '\r')
		n--;
	if (n == 0) { /* blank line: dispatch the event */
		if (s->event == EV_READY && !s->ready && !s->failed)
			stream_ready(s);
		else if (s->event == EV_NOTIFICATION && s->post[0] && s->ready)
			delivered(s, now);
		s->event = EV_NONE;
		s->post[0] = '\0';
		return;
	}
	if (l[0] == ':') /* comment: heartbeat */
		return;
	if (n >= 6 && !memcmp(l, "event:", 6)) {
		const char *v = l + 6;
		size_t vn = n - 6;
		if (vn && *v == ' ')
			v++, vn--;
		s->event = vn == 5 && !memcmp(v, "ready", 5)           ? EV_READY
			   : vn == 12 && !memcmp(v, "notification", 12) ? EV_NOTIFICATION
									  : EV_OTHER;
	} else if (n >= 5 && !memcmp(l, "data:", 5)) {
		const char *p = memmem(l, n, "/posts/", 7);
		if (!p)
			return;
		p += 7;
		size_t i = 0;
		while (p + i < l + n && p[i] != '"' && i < ID_MAX - 1)
			i++;
		memcpy(s->post, p, i);
		s->post[i] = '\0';
	}
}

/* split decoded body bytes into lines; whole lines are handled in place */
static void sse_feed(struct stream *s, const char *data, size_t len, uint64_t now)
{
	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		if (s->skipping) {
			if (nl)
				s->skipping = false;
		} else if (nl && s->line_len == 0) {
			sse_line(s, data, n, now);
		} else if (s->line_len + n > SSE_LINE_MAX) {
			s->line_len = 0;
			s->skipping = !nl;
		} else {
			if (s->line_len + n > s->line_cap) {
				s->line_cap = s->line_len + n + 256;
				s->line = xrealloc(s->line, s->line_cap);
			}
			memcpy(s->line + s->line_len, data, n);
			s->line_len += n;
			if (nl) {
				sse_line(s, s->line, s->line_len, now);
				s->line_len = 0;
			}
		}
		if (!nl)
			return;
		data += n + 1;
		len -= n + 1;
	}
}

struct feed_ctx {
	struct stream *s;
	uint64_t now;
};

static void stream_body(void *arg, const char *data, size_t len)
{
	struct feed_ctx *f = arg;
	sse_feed(f->s, data, len, f->now);
}

/* the server ended or broke a stream */
static void stream_lost(struct stream *s, const char *why, const char *detail, long num)
{
	if (!s->ready) {
		stream_failed(s, why, detail, num);
		return;
	}
	if (!s->closing && s->b->phase != PH_DONE) {
		s->b->report.closed++;
		note_error(s->b, why, detail, num);
	}
	stream_close(s);
}

static void stream_read(uv_stream_t *h, ssize_t nread, const uv_buf_t *buf)
{
	struct stream *s = h->data;
	if (s->closing)
		return;
	if (nread < 0) {
		stream_lost(s, "stream closed by the server: %s", uv_strerror((int)nread), 0);
		return;
	}
	struct feed_ctx f = {s, uv_hrtime()};
	int rc = hr_parser_feed(&s->http, buf->base, (size_t)nread, stream_body, &f);
	if (s->closing)
		return;
	if (s->http.status && s->http.status != 200)
		stream_lost(s, "stream answered %s%ld", "", s->http.status);
	else if (rc == HR_ERROR)
		stream_lost(s, "stream response malformed%s", "", 0);
	else if (rc == HR_COMPLETE)
		stream_lost(s, "stream ended by the server%s", "", 0);
}

static void stream_written(uv_write_t *w, int status)
{
	struct stream *s = w->data;
	if (status < 0 && !s->closing)
		stream_lost(s, "stream request write failed: %s", uv_strerror(status), 0);
}

static void stream_connected(uv_connect_t *req, int status)
{
	struct stream *s = req->data;
	struct bench *b = s->b;
	if (s->closing)
		return;
	if (status < 0) {
		stream_failed(s, "stream connect failed: %s", uv_strerror(status), 0);
		return;
	}
	uv_buf_t buf = uv_buf_init(b->stream_request, (unsigned)b->stream_request_len);
	s->write.data = s;
	int rc = uv_write(&s->write, (uv_stream_t *)&s->tcp, &buf, 1, stream_written);
	if (rc == 0)
		rc = uv_read_start((uv_stream_t *)&s->tcp, alloc_cb, stream_read);
	if (rc < 0)
		stream_failed(s, "stream request failed: %s", uv_strerror(rc), 0);
}

static void stream_start(struct bench *b, struct stream *s)
{
	s->b = b;
	hr_parser_init(&s->http);
	b->opening++;
	int rc = uv_tcp_init(&b->loop, &s->tcp);
	if (rc < 0) {
		stream_failed(s, "stream socket: %s", uv_strerror(rc), 0);
		return;
	}
	s->inited = true;
	s->tcp.data = s;
	s->connect.data = s;
	rc = uv_tcp_connect(&s->connect, &s->tcp, (const struct sockaddr *)&b->addr,
			    stream_connected);
	if (rc < 0)
		stream_failed(s, "stream connect failed: %s", uv_strerror(rc), 0);
}

/* keep OPEN_WINDOW streams opening; a stream that fails at once calls
 * back in here, which the flag turns into another turn of this loop */
static void open_next(struct bench *b)
{
	if (b->in_open_next)
		return;
	b->in_open_next = true;
	while (b->phase == PH_OPENING && b->opening < OPEN_WINDOW && b->next_open < b->n)
		stream_start(b, &b->streams[b->next_open++]);
	b->in_open_next = false;
}

static void on_settled(uv_timer_t *t)
{
	struct bench *b = t->data;
	b->report.rss_after_kb = fo_rss_kb(b->gateway);
	b->phase = PH_ROUNDS;
	round_start(b);
}

static void open_check_done(struct bench *b)
{
	if (b->phase != PH_OPENING || b->decided < b->n)
		return;
	uv_timer_stop(&b->phase_timer);
	b->report.open_s = fo_ms(b->open_start, uv_hrtime()) / 1000.0;
	fprintf(stderr, "sse_fanout: %d of %d streams ready in %.2f s (%d failed)\n",
		b->report.ready, b->n, b->report.open_s, b->report.open_failed);
	if (b->report.ready == 0) {
		note_error(b, "no stream could be opened%s", "", 0);
		b->failed = true;
		bench_finish(b);
		return;
	}
	/* let the gateway finish with the burst before measuring it */
	b->phase = PH_SETTLING;
	uv_timer_start(&b->phase_timer, on_settled, 1000, 0);
}

static void on_open_timeout(uv_timer_t *t)
{
	struct bench *b = t->data;
	int started = b->next_open;
	if (started < b->n) { /* never started: failed too, and none starts now */
		int left = b->n - started;
		b->report.open_failed += left;
		b->decided += left;
		b->next_open = b->n;
		note_error(b, "streams not opened before the time limit%s", "", 0);
	}
	for (int i = 0; i < started; i++) {
		struct stream *s = &b->streams[i];
		if (!s->ready && !s->failed)
			stream_failed(s, "stream open timed out%s", "", 0);
	}
	open_check_done(b);
}

static void streams_open(struct bench *b)
{
	b->stream_request_len = (size_t)snprintf(
		b->stream_request, sizeof b->stream_request,
		"GET %s/stream HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\n"
		"Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n",
		b->api, b->host, b->listener_cookie);
	b->report.rss_before_kb = fo_rss_kb(b->gateway);
	b->phase = PH_OPENING;
	b->open_start = uv_hrtime();
	uv_timer_start(&b->phase_timer, on_open_timeout, b->open_timeout_ms, 0);
	open_next(b);
}

/* ---- rounds ------------------------------------------------------------ */

static void on_round_timeout(uv_timer_t *t)
{
	struct bench *b = t->data;
	fprintf(stderr, "sse_fanout: round %d timed out: %d of %d received\n", b->round.seq,
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
	b->round_known = false;
	b->n_early = 0;
	if (b->phase == PH_ROUNDS)
		uv_timer_start(&b->round_timer, on_gap,
			       fo_gap_ms(&b->rng, b->gap_ms, b->jitter_ms), 0);
}

static void on_post(struct bench *b, struct call *c, bool ok)
{
	uint64_t now = uv_hrtime();
	json_t *doc = call_json(b, c, ok, 201, "post");
	if (!doc)
		return;
	const char *id = json_string_value(json_object_get(json_object_get(doc, "post"), "id"));
	if (!id || strlen(id) >= ID_MAX) {
		json_decref(doc);
		note_error(b, "post: no post id in the answer%s", "", 0);
		b->failed = true;
		bench_finish(b);
		return;
	}
	if (c->seq != b->round.seq) { /* the round timed out meanwhile */
		json_decref(doc);
		return;
	}
	b->round.t0 = now;
	snprintf(b->round_post, sizeof b->round_post, "%s", id);
	json_decref(doc);
	b->round_known = true;
	for (int i = 0; i < b->n_early; i++) {
		struct early *e = &b->early[i];
		struct stream *s = &b->streams[e->stream];
		if (strcmp(e->post, b->round_post) || s->got == b->round.seq) {
			b->report.stale++;
			continue;
		}
		s->got = b->round.seq;
		if (fo_round_arrive(&b->round, e->at)) {
			round_end(b);
			return;
		}
	}
	b->n_early = 0;
}

static int streams_open_now(struct bench *b)
{
	int open = 0;
	for (int i = 0; i < b->n; i++)
		open += b->streams[i].ready && !b->streams[i].closing;
	return open;
}

static void round_start(struct bench *b)
{
	if (b->phase != PH_ROUNDS)
		return;
	if (b->report.rounds >= b->k) {
		bench_finish(b);
		return;
	}
	memset(&b->round, 0, sizeof b->round);
	b->round.seq = ++b->seq;
	b->round.measured = b->seq > b->warmup;
	b->round.expected = streams_open_now(b);
	if (b->round.measured)
		b->report.rounds++;
	if (b->round.expected == 0) {
		note_error(b, "every stream was closed%s", "", 0);
		b->failed = true;
		bench_finish(b);
		return;
	}
	char text[128];
	snprintf(text, sizeof text, "fan-out benchmark: round %d, %d streams", b->seq, b->n);
	json_t *j = json_pack("{s:s}", "body", text);
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	char path[160];
	snprintf(path, sizeof path, "%s/threads/%s/posts", b->api, b->thread);
	b->round.sent = uv_hrtime();
	uv_timer_start(&b->round_timer, on_round_timeout, b->round_timeout_ms, 0);
	struct call *c = call_start(b, "POST", path, b->poster_cookie, b->csrf, body, on_post);
	if (c)
		c->seq = b->round.seq;
}

/* ---- setup: log in, find a thread ------------------------------------- */

static void on_space(struct bench *b, struct call *c, bool ok)
{
	json_t *doc = call_json(b, c, ok, 200, "space");
	if (!doc)
		return;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(doc, "threads"), i, t)
	{
		const char *id = json_string_value(json_object_get(t, "id"));
		if (id && !json_is_true(json_object_get(t, "closed")) && strlen(id) < ID_MAX) {
			snprintf(b->thread, sizeof b->thread, "%s", id);
			break;
		}
	}
	json_decref(doc);
	if (!b->thread[0]) {
		note_error(b, "no open thread in the first space%s", "", 0);
		b->failed = true;
		bench_finish(b);
		return;
	}
	streams_open(b);
}

static void on_spaces(struct bench *b, struct call *c, bool ok)
{
	json_t *doc = call_json(b, c, ok, 200, "spaces");
	if (!doc)
		return;
	const char *id = json_string_value(
		json_object_get(json_array_get(json_object_get(doc, "spaces"), 0), "id"));
	char path[160];
	if (!id || strlen(id) >= ID_MAX) {
		json_decref(doc);
		note_error(b, "the poster sees no space%s", "", 0);
		b->failed = true;
		bench_finish(b);
		return;
	}
	snprintf(path, sizeof path, "%s/spaces/%s", b->api, id);
	json_decref(doc);
	call_start(b, "GET", path, b->poster_cookie, NULL, NULL, on_space);
}

static char *login_body(struct bench *b, const char *email)
{
	json_t *j = json_pack("{s:s, s:s}", "email", email, "password", b->password);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static void on_poster_login(struct bench *b, struct call *c, bool ok)
{
	json_t *doc = call_json(b, c, ok, 200, "poster login");
	if (!doc)
		return;
	const char *csrf = json_string_value(json_object_get(doc, "csrf"));
	if (!csrf || strlen(csrf) >= sizeof b->csrf || !c->http.cookie[0]) {
		json_decref(doc);
		note_error(b, "poster login: no session cookie or CSRF token%s", "", 0);
		b->failed = true;
		bench_finish(b);
		return;
	}
	snprintf(b->csrf, sizeof b->csrf, "%s", csrf);
	memcpy(b->poster_cookie, c->http.cookie, sizeof b->poster_cookie);
	json_decref(doc);
	char path[160];
	snprintf(path, sizeof path, "%s/spaces", b->api);
	call_start(b, "GET", path, b->poster_cookie, NULL, NULL, on_spaces);
}

static void on_listener_login(struct bench *b, struct call *c, bool ok)
{
	json_t *doc = call_json(b, c, ok, 200, "listener login");
	if (!doc)
		return;
	json_decref(doc);
	if (!c->http.cookie[0]) {
		note_error(b, "listener login: no session cookie%s", "", 0);
		b->failed = true;
		bench_finish(b);
		return;
	}
	memcpy(b->listener_cookie, c->http.cookie, sizeof b->listener_cookie);
	char path[160];
	snprintf(path, sizeof path, "%s/login", b->api);
	call_start(b, "POST", path, NULL, NULL, login_body(b, b->poster_email),
		   on_poster_login);
}

/* ---- run --------------------------------------------------------------- */

static void on_deadline(uv_timer_t *t)
{
	struct bench *b = t->data;
	b->report.aborted = true;
	if (b->phase == PH_OPENING) /* count the unanswered opens as failed */
		on_open_timeout(&b->phase_timer);
	note_error(b, "deadline reached%s", "", 0);
	bench_finish(b);
}

static void bench_finish(struct bench *b)
{
	if (b->phase == PH_DONE)
		return;
	b->phase = PH_DONE;
	fo_report_print(&b->report, stdout);
	if (b->error[0])
		fprintf(stderr, "sse_fanout: note: %s\n", b->error);
	for (struct call *c = b->calls; c; c = c->next) {
		c->finished = true;
		call_close(c);
	}
	for (int i = 0; i < b->n; i++)
		stream_close(&b->streams[i]);
	uv_close((uv_handle_t *)&b->deadline, NULL);
	uv_close((uv_handle_t *)&b->phase_timer, NULL);
	uv_close((uv_handle_t *)&b->round_timer, NULL);
}

static char *seed_password(const char *path)
{
	json_error_t jerr;
	json_t *seed = json_load_file(path, 0, &jerr);
	const char *pw = json_string_value(json_object_get(seed, "password"));
	char *out = pw ? strdup(pw) : NULL;
	if (!out)
		fprintf(stderr, "sse_fanout: no password in '%s'\n", path);
	json_decref(seed);
	return out;
}

int main(int argc, char **argv)
{
	static struct bench bench;
	struct bench *b = &bench;
	int port = (int)fo_opt_long(argc, argv, "--port", 0);
	const char *seed = fo_opt(argc, argv, "--seed", NULL);
	b->n = (int)fo_opt_long(argc, argv, "--n", 100);
	b->k = (int)fo_opt_long(argc, argv, "--k", 15);
	b->warmup = (int)fo_opt_long(argc, argv, "--warmup", 2);
	b->round_timeout_ms = (uint64_t)fo_opt_long(argc, argv, "--round-timeout-ms", 20000);
	b->open_timeout_ms = (uint64_t)fo_opt_long(argc, argv, "--open-timeout-ms", 180000);
	b->gap_ms = (uint64_t)fo_opt_long(argc, argv, "--gap-ms", 100);
	b->jitter_ms = (uint64_t)fo_opt_long(argc, argv, "--gap-jitter-ms", 500);
	b->verbose = fo_opt_long(argc, argv, "--verbose", 0) != 0;
	b->rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)b->n; /* same pauses for the same N */
	b->max_ms = (uint64_t)fo_opt_long(argc, argv, "--max-seconds", 300) * 1000;
	b->api = fo_opt(argc, argv, "--api", "/api/v1");
	b->listener_email = fo_opt(argc, argv, "--listener", "suzuki@demo.carelink.jp");
	b->poster_email = fo_opt(argc, argv, "--poster", "tanaka@demo.carelink.jp");
	b->gateway = fo_pid_from_file(fo_opt(argc, argv, "--pid-file", NULL));
	if (port <= 0 || port > 65535 || !seed || b->n < 1 || b->k < 1 ||
	    b->k > FO_ROUNDS_MAX || b->warmup < 0) {
		fprintf(stderr, "usage: sse_fanout --port P --seed SEED.json --n N --k K"
				" [--api PREFIX] [--listener EMAIL] [--poster EMAIL] [--pid-file FILE]"
				" [--warmup W] [--round-timeout-ms MS] [--open-timeout-ms MS]"
				" [--gap-ms MS] [--gap-jitter-ms MS] [--max-seconds S]"
				" [--verbose 1]\n");
		return 2;
	}
	char *password = seed_password(seed);
	if (!password)
		return 2;
	b->password = password;
	snprintf(b->host, sizeof b->host, "127.0.0.1:%d", port);
	uv_ip4_addr("127.0.0.1", port, &b->addr);
	fo_report_init(&b->report, "carelink", b->n);
	b->streams = calloc((size_t)b->n, sizeof *b->streams);
	b->early = calloc((size_t)b->n, sizeof *b->early);
	if (!b->streams || !b->early)
		abort();

	uv_loop_init(&b->loop);
	uv_timer_init(&b->loop, &b->deadline);
	uv_timer_init(&b->loop, &b->phase_timer);
	uv_timer_init(&b->loop, &b->round_timer);
	b->deadline.data = b->phase_timer.data = b->round_timer.data = b;
	uv_timer_start(&b->deadline, on_deadline, b->max_ms, 0);
	char login[160];
	snprintf(login, sizeof login, "%s/login", b->api);
	call_start(b, "POST", login, NULL, NULL, login_body(b, b->listener_email),
		   on_listener_login);
	uv_run(&b->loop, UV_RUN_DEFAULT);

	int rc = b->failed || b->report.aborted ? 1 : 0;
	if (b->phase != PH_DONE) { /* cannot happen: every path ends in bench_finish */
		fprintf(stderr, "sse_fanout: loop ended early\n");
		rc = 1;
	}
	uv_loop_close(&b->loop);
	for (int i = 0; i < b->n; i++) {
		hr_parser_release(&b->streams[i].http);
		free(b->streams[i].line);
	}
	free(b->streams);
	free(b->early);
	free(password);
	return rc;
}
