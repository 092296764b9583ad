/* sse_stream.c - the N event streams: opening them OPEN_WINDOW at a time
 * (GET /api/v1/stream with the listener's cookie) until each has sent
 * "event: ready", reading their server-sent events line by line, and
 * telling the current round (sse_fanout.c) which post each notification
 * names.
 */
#define _GNU_SOURCE /* memmem */
#include "sse_fanout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- event streams ---------------------------------------------------- */

static void open_next(struct bench *b);

static void stream_closed(uv_handle_t *h)
{
	(void)h;
}

void stream_close(struct stream *s)
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
	/* a comment line; heartbeats are "event: heartbeat" with data
	 * {"seq":N}: EV_OTHER with no post, dropped at the blank line */
	if (l[0] == ':')
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
		/* the link "#/threads/T/posts/P"; "seq" and the rest follow */
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

void on_open_timeout(uv_timer_t *t)
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

void streams_open(struct bench *b)
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
