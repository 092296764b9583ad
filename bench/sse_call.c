/* sse_call.c - the benchmark's control calls: one HTTP request each on its
 * own connection (log in, list the spaces, read a space, write a post),
 * and the setup they chain into: both people log in, the poster finds an
 * open thread in the first space, then the streams open (sse_stream.c).
 */
#include "sse_fanout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void call_close(struct call *c)
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
struct call *call_start(struct bench *b, const char *method, const char *path,
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
json_t *call_json(struct bench *b, struct call *c, bool ok, int want, const char *what)
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

char *login_body(struct bench *b, const char *email)
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

void on_listener_login(struct bench *b, struct call *c, bool ok)
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
