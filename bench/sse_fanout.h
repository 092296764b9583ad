/* sse_fanout.h - private to the sse_fanout benchmark: the state its parts
 * share (the run, the control calls, the event streams) and the functions
 * they call across files.
 *
 *   sse_fanout.c  the rounds, the run's end, options and main
 *   sse_call.c    control calls on their own connections: log in, find a
 *                 thread (the setup), and the request behind each post
 *   sse_stream.c  opening the N event streams and parsing their SSE
 *
 * One libuv loop thread runs everything; nothing here is thread-safe.
 */
#ifndef SSE_FANOUT_H
#define SSE_FANOUT_H

#include "fanout.h"
#include "httpresp.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#define OPEN_WINDOW 64            /* streams being opened at once */
#define SSE_LINE_MAX (64 * 1024)  /* longer lines are skipped */
#define ID_MAX 72

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

/* ---- sse_fanout.c: the run -------------------------------------------- */

/* keep the first error for the closing note; fmt has one %s (detail) and
 * one %ld (num) */
void note_error(struct bench *b, const char *fmt, const char *detail, long num);
/* libuv read buffer: one static buffer, every read is consumed at once */
void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
/* realloc that aborts when memory runs out */
void *xrealloc(void *p, size_t n);
/* print the result line, close every call, stream and timer; once */
void bench_finish(struct bench *b);
/* post the next round's message, or finish after K measured rounds */
void round_start(struct bench *b);
/* account the current round and schedule the next after a pause */
void round_end(struct bench *b);

/* ---- sse_call.c: control calls and setup ------------------------------ */

/* Send method path with the given cookie, CSRF token and JSON body (each
 * may be NULL); done runs once with the response. Takes ownership of
 * body_json. NULL (and the run has failed) when it cannot connect. */
struct call *call_start(struct bench *b, const char *method, const char *path,
			const char *cookie, const char *csrf, char *body_json,
			call_done_fn *done);
/* the response's JSON, or NULL (and the run fails) unless status matches */
json_t *call_json(struct bench *b, struct call *c, bool ok, int want, const char *what);
/* close a call's connection; it is freed when its handle has closed */
void call_close(struct call *c);
/* the login request's JSON body for email, with the seed's password */
char *login_body(struct bench *b, const char *email);
/* the listener's login has answered: keep its cookie, log the poster in,
 * find a thread, then open the streams */
void on_listener_login(struct bench *b, struct call *c, bool ok);

/* ---- sse_stream.c: event streams -------------------------------------- */

/* open b->n streams, OPEN_WINDOW at a time, then settle and start the
 * rounds */
void streams_open(struct bench *b);
/* the opening's time limit: every stream not yet ready has failed */
void on_open_timeout(uv_timer_t *t);
/* close a stream's connection (once; only if its handle was initialised) */
void stream_close(struct stream *s);

#endif
