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
 * The listener is ito (a care worker): doctors, police, fire and
 * administrators log in with a second factor, which a benchmark cannot
 * type.
 *
 * usage: sse_fanout --port P --seed tools/demo/seed.json --n N --k K
 *        [--api /api/v1] [--listener EMAIL] [--poster EMAIL]
 *        [--pid-file VAR/run/gateway.pid] [--warmup 2]
 *        [--round-timeout-ms 20000] [--open-timeout-ms 180000]
 *        [--gap-ms 100] [--gap-jitter-ms 500] [--max-seconds 300]
 *        [--verbose 1]
 */
/* The parts: this file (the rounds, the run's end, options and main),
 * sse_call.c (control calls and the setup), sse_stream.c (the event
 * streams and their SSE); sse_fanout.h holds what they share.
 */
#include "sse_fanout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_BUF (64 * 1024)

static char read_buf[READ_BUF]; /* one loop thread: every read is consumed at once */


void note_error(struct bench *b, const char *fmt, const char *detail, long num)
{
	if (b->error[0])
		return;
	snprintf(b->error, sizeof b->error, fmt, detail ? detail : "", num);
}

void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	buf->base = read_buf;
	buf->len = sizeof read_buf;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		abort();
	return p;
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

void round_end(struct bench *b)
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

void round_start(struct bench *b)
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

void bench_finish(struct bench *b)
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
	b->listener_email = fo_opt(argc, argv, "--listener", "ito@demo.carelink.jp");
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
