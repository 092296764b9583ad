/* test_http.c - the HTTP server helpers: route matching, header injection,
 * security headers, CORS, client address behind proxies, paging, and a
 * real server on loopback answering them */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "carelink/err.h"
#include "carelink/http.h"
#include "carelink/log.h"

/* ------------------------------------------------------------------ */
/* route matching                                                      */

struct match_case {
	const char *pattern, *path;
	bool match;
	size_t n;
	const char *p0, *p1;
};

static const struct match_case match_cases[] = {
	{"/api/v1/spaces", "/api/v1/spaces", true, 0, NULL, NULL},
	{"/api/v1/spaces", "/api/v1/spaces/", false, 0, NULL, NULL},
	{"/api/v1/spaces", "/api/v1/space", false, 0, NULL, NULL},
	{"/api/v1/spaces/:id", "/api/v1/spaces/abc", true, 1, "abc", NULL},
	{"/api/v1/spaces/:id", "/api/v1/spaces/", false, 0, NULL, NULL},
	{"/api/v1/spaces/:id", "/api/v1/spaces/a/b", false, 0, NULL, NULL},
	{"/api/v1/spaces/:id", "/api/v1/spaces", false, 0, NULL, NULL},
	{"/api/v1/threads/:id/posts", "/api/v1/threads/t1/posts", true, 1, "t1", NULL},
	{"/api/v1/threads/:id/posts", "/api/v1/threads//posts", false, 0, NULL, NULL},
	{"/api/v1/threads/:id/posts", "/api/v1/threads/t1/postsx", false, 0, NULL, NULL},
	{"/a/:x/b/:y", "/a/1/b/2", true, 2, "1", "2"},
	{"/a/:x/b/:y", "/a/1/c/2", false, 0, NULL, NULL},
	{"/a/:x/b/:y", "/a/1/b/", false, 0, NULL, NULL},
	{"/*", "/index.html", true, 0, NULL, NULL},
	{"/*", "/", true, 0, NULL, NULL},
	{"/static/*", "/other", false, 0, NULL, NULL},
	{"/:a/:b/:c/:d/:e", "/1/2/3/4/5", false, 0, NULL, NULL}, /* more than MAX_PARAMS */
	{"/:a/:b/:c/:d", "/1/2/3/4", true, 4, "1", "2"},
	{"", "", true, 0, NULL, NULL},
	{"/x", "", false, 0, NULL, NULL},
};

static void test_route_match(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof match_cases / sizeof match_cases[0]; i++) {
		const struct match_case *c = &match_cases[i];
		char *params[CL_HTTP_MAX_PARAMS];
		size_t n = 99;
		bool got = cl_http_route_match(c->pattern, c->path, params, &n);
		if (got != c->match)
			fail_msg("%s against %s: expected %s", c->pattern, c->path,
				 c->match ? "a match" : "no match");
		assert_int_equal(n, c->n);
		if (c->p0)
			assert_string_equal(params[0], c->p0);
		if (c->p1)
			assert_string_equal(params[1], c->p1);
		for (size_t k = 0; k < n; k++)
			free(params[k]);
	}
}

/* ------------------------------------------------------------------ */
/* header injection                                                    */

static void req_free_headers(struct cl_http_req *req)
{
	for (size_t i = 0; i < req->n_headers; i++) {
		free(req->headers[i][0]);
		free(req->headers[i][1]);
	}
	req->n_headers = 0;
}

static void test_set_header_refuses_injection(void **state)
{
	(void)state;
	struct cl_http_req req;
	memset(&req, 0, sizeof req);
	static const char *const bad_values[] = {
		"a\r\nSet-Cookie: evil=1", "a\nX: y", "a\rb", "\r\n", "x\001y", "x\177",
	};
	for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
		assert_int_equal(cl_http_set_header(&req, "X-Test", bad_values[i]), CL_EINVAL);
		assert_false(cl_http_header_ok("X-Test", bad_values[i]));
	}
	static const char *const bad_names[] = {
		"", "X Test", "X-Test:", "X\r\nY", "X(", "ヘッダ", "X\tY",
	};
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
		assert_int_equal(cl_http_set_header(&req, bad_names[i], "v"), CL_EINVAL);
	assert_int_equal(cl_http_set_header(&req, NULL, "v"), CL_EINVAL);
	assert_int_equal(cl_http_set_header(&req, "X", NULL), CL_EINVAL);
	assert_int_equal(req.n_headers, 0);

	/* ordinary values, tabs, UTF-8 bytes and empty values are fine */
	assert_int_equal(cl_http_set_header(&req, "Retry-After", "2"), 0);
	assert_int_equal(cl_http_set_header(&req, "X-A", "a\tb c"), 0);
	assert_int_equal(cl_http_set_header(&req, "X-B", "ファイル"), 0);
	assert_int_equal(cl_http_set_header(&req, "X-C", ""), 0);
	assert_int_equal(req.n_headers, 4);
	while (req.n_headers < CL_HTTP_MAX_HEADERS)
		assert_int_equal(cl_http_set_header(&req, "X-Fill", "1"), 0);
	assert_int_equal(cl_http_set_header(&req, "X-One-Too-Many", "1"), CL_ETOOBIG);
	assert_int_equal(req.n_headers, CL_HTTP_MAX_HEADERS);
	req_free_headers(&req);
}

/* ------------------------------------------------------------------ */
/* client address behind trusted proxies                               */

struct xff_case {
	const char *peer, *xff, *trusted, *want;
};

static const struct xff_case xff_cases[] = {
	/* no trusted proxies: the header is ignored */
	{"127.0.0.1", "203.0.113.9", NULL, "127.0.0.1"},
	{"127.0.0.1", "203.0.113.9", "", "127.0.0.1"},
	/* an untrusted peer's header is ignored */
	{"198.51.100.4", "203.0.113.9", "127.0.0.1", "198.51.100.4"},
	/* a trusted peer: the nearest untrusted hop */
	{"127.0.0.1", "203.0.113.9", "127.0.0.1", "203.0.113.9"},
	{"127.0.0.1", " 203.0.113.9 ", "127.0.0.1", "203.0.113.9"},
	{"127.0.0.1", "1.1.1.1, 203.0.113.9", "127.0.0.1", "203.0.113.9"},
	{"127.0.0.1", "1.1.1.1, 203.0.113.9, 10.0.0.2", "127.0.0.1, 10.0.0.2", "203.0.113.9"},
	{"127.0.0.1", "1.1.1.1,10.0.0.2", "127.0.0.1 10.0.0.2", "1.1.1.1"},
	/* every hop trusted: the leftmost */
	{"127.0.0.1", "10.0.0.2,10.0.0.3", "127.0.0.1,10.0.0.2,10.0.0.3", "10.0.0.2"},
	/* a forged, unparsable hop stops the walk at the last real address */
	{"127.0.0.1", "evil, 10.0.0.2", "127.0.0.1,10.0.0.2", "10.0.0.2"},
	{"127.0.0.1", "<script>", "127.0.0.1", "127.0.0.1"},
	{"127.0.0.1", "", "127.0.0.1", "127.0.0.1"},
	{"127.0.0.1", ",,,", "127.0.0.1", "127.0.0.1"},
	{"127.0.0.1", "203.0.113.9:4711", "127.0.0.1", "127.0.0.1"},
	/* IPv6, compared as addresses */
	{"::1", "2001:db8::1", "0:0:0:0:0:0:0:1", "2001:db8::1"},
	{"127.0.0.1", "2001:db8::1, ::ffff:10.0.0.2", "127.0.0.1", "::ffff:10.0.0.2"},
	/* a list entry that is not an address never matches */
	{"127.0.0.1", "203.0.113.9", "localhost", "127.0.0.1"},
	{"", "203.0.113.9", "127.0.0.1", ""},
};

static void test_forwarded_client(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof xff_cases / sizeof xff_cases[0]; i++) {
		const struct xff_case *c = &xff_cases[i];
		char buf[64];
		const char *got = cl_http_forwarded_client(c->peer, c->xff, c->trusted, buf,
							   sizeof buf);
		if (strcmp(got, c->want))
			fail_msg("peer %s, X-Forwarded-For %s, trusted %s: expected %s, got %s",
				 c->peer, c->xff, c->trusted ? c->trusted : "(none)", c->want,
				 got);
	}
	/* a small buffer truncates, never overflows */
	char small[4];
	cl_http_forwarded_client("127.0.0.1", "203.0.113.9", "127.0.0.1", small, sizeof small);
	assert_string_equal(small, "203");
}

/* ------------------------------------------------------------------ */
/* paging                                                              */

static void test_page_parse(void **state)
{
	(void)state;
	struct cl_http_page p;
	assert_int_equal(cl_http_page_parse(NULL, NULL, &p), 0);
	assert_int_equal(p.limit, CL_HTTP_PAGE_DEFAULT);
	assert_int_equal(p.cursor, 0);
	assert_int_equal(cl_http_page_parse("1", "42", &p), 0);
	assert_int_equal(p.limit, 1);
	assert_int_equal(p.cursor, 42);
	assert_int_equal(cl_http_page_parse("200", "9223372036854775807", &p), 0);
	assert_int_equal(p.cursor, INT64_MAX);
	static const char *const bad_limits[] = {"0", "201", "-1", "", "1x", " 5", "+5",
						 "99999999999999999999", "0x10"};
	for (size_t i = 0; i < sizeof bad_limits / sizeof bad_limits[0]; i++)
		assert_int_equal(cl_http_page_parse(bad_limits[i], NULL, &p), CL_EINVAL);
	static const char *const bad_cursors[] = {"0", "-3", "", "abc", "12 ", "012",
						  "9223372036854775808", "1e3"};
	for (size_t i = 0; i < sizeof bad_cursors / sizeof bad_cursors[0]; i++)
		assert_int_equal(cl_http_page_parse(NULL, bad_cursors[i], &p), CL_EINVAL);

	json_t *c = cl_http_cursor_json(false, 17);
	assert_true(json_is_null(c));
	json_decref(c);
	c = cl_http_cursor_json(true, 17);
	assert_string_equal(json_string_value(c), "17");
	json_decref(c);
}

/* ------------------------------------------------------------------ */
/* a real server                                                       */

static enum MHD_Result h_hello(struct cl_http_req *req)
{
	return cl_http_json(req, 200, json_pack("{s:s}", "hello", "world"));
}

static enum MHD_Result h_inject(struct cl_http_req *req)
{
	int a = cl_http_set_header(req, "X-Evil", "ok\r\nSet-Cookie: stolen=1");
	int b = cl_http_set_header(req, "X-Good", "fine");
	return cl_http_json(req, 200, json_pack("{s:i, s:i}", "evil", a, "good", b));
}

static enum MHD_Result h_bad_type(struct cl_http_req *req)
{
	/* e.g. a content type passed on from another service's answer */
	return cl_http_bytes(req, 200, "text/plain\r\nSet-Cookie: stolen=1", "x", 1);
}

static enum MHD_Result h_page(struct cl_http_req *req)
{
	cl_http_set_header(req, "Cache-Control", "no-cache");
	cl_http_set_header(req, "Content-Security-Policy", "default-src 'self'");
	return cl_http_bytes(req, 200, "text/html; charset=utf-8", "<p>hi</p>", 9);
}

static enum MHD_Result h_body(struct cl_http_req *req)
{
	json_t *j = cl_http_body_json(req);
	if (!j)
		return req->result;
	json_decref(j);
	return cl_http_empty(req, 204);
}

static enum MHD_Result h_cut_message(struct cl_http_req *req)
{
	/* "left unpacked: あ" cut inside the last character */
	char msg[64];
	snprintf(msg, sizeof msg, "left unpacked: %s", "\xe3\x81\x82\xe3\x81");
	return cl_http_error(req, 400, "invalid_body", msg);
}

static enum MHD_Result h_address(struct cl_http_req *req)
{
	char buf[64];
	return cl_http_json(req, 200,
			    json_pack("{s:s}", "address",
				      cl_http_client_address(req, buf, sizeof buf)));
}

static const struct cl_http_route routes[] = {
	{"GET", "/hello", h_hello, 0},
	{"POST", "/hello", h_hello, CL_HTTP_JSON},
	{"GET", "/inject", h_inject, 0},
	{"GET", "/page", h_page, 0},
	{"GET", "/bad-type", h_bad_type, 0},
	{"POST", "/body", h_body, CL_HTTP_JSON},
	{"GET", "/cut", h_cut_message, 0},
	{"GET", "/address", h_address, 0},
	{"GET", "/items/:id", h_hello, 0},
	{"DELETE", "/items/:id", h_hello, 0},
	{NULL, NULL, NULL, 0},
};

struct reply {
	long status;
	char headers[8192];
	size_t hlen;
	char body[8192];
	size_t blen;
};

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;
	size_t len = size * n;
	if (r->hlen + len < sizeof r->headers) {
		memcpy(r->headers + r->hlen, p, len);
		r->hlen += len;
		r->headers[r->hlen] = '\0';
	}
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;
	size_t len = size * n;
	if (r->blen + len < sizeof r->body) {
		memcpy(r->body + r->blen, p, len);
		r->blen += len;
		r->body[r->blen] = '\0';
	}
	return len;
}

/* one request; extra is a NULL-terminated list of header lines */
static void request(unsigned port, const char *method, const char *path, const char *body,
		    size_t body_len, const char *const *extra, struct reply *r)
{
	char url[256];
	memset(r, 0, sizeof *r);
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	CURL *c = curl_easy_init();
	assert_non_null(c);
	struct curl_slist *h = curl_slist_append(NULL, "Expect:");
	for (size_t i = 0; extra && extra[i]; i++)
		h = curl_slist_append(h, extra[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

/* how many times "Name: value" starts a header line (name without case) */
static int header_count(const struct reply *r, const char *name)
{
	int n = 0;
	size_t len = strlen(name);
	for (const char *p = r->headers; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncasecmp(p, name, len) && p[len] == ':')
			n++;
	return n;
}

/* the value of the first header name, in buf */
static const char *header_value(const struct reply *r, const char *name, char *buf,
				size_t size)
{
	size_t len = strlen(name);
	for (const char *p = r->headers; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncasecmp(p, name, len) || p[len] != ':')
			continue;
		const char *v = p + len + 1;
		while (*v == ' ')
			v++;
		size_t n = strcspn(v, "\r\n");
		if (n >= size)
			n = size - 1;
		memcpy(buf, v, n);
		buf[n] = '\0';
		return buf;
	}
	return NULL;
}

struct server {
	struct cl_http_server *srv;
	unsigned port;
};

static void server_start(struct server *s, const char *cors, const char *trusted)
{
	struct cl_http_opts o = {
		.port = 0,
		.threads = 2,
		.max_body = 4096,
		.max_depth = 8,
		.cors_origins = cors,
		.trusted_proxies = trusted,
	};
	assert_int_equal(cl_http_start(&s->srv, routes, &o), 0);
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(cl_http_daemon(s->srv), MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(di);
	s->port = di->port;
	assert_false(cl_http_is_tls(s->srv));
}

static void test_security_headers(void **state)
{
	(void)state;
	struct server s;
	struct reply r;
	char v[256];
	server_start(&s, NULL, NULL);

	/* API JSON: every default, once */
	request(s.port, "GET", "/hello", NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(header_value(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
	assert_string_equal(header_value(&r, "Referrer-Policy", v, sizeof v), "no-referrer");
	assert_string_equal(header_value(&r, "Cache-Control", v, sizeof v), "no-store");
	assert_non_null(header_value(&r, "Content-Security-Policy", v, sizeof v));
	static const char *const once[] = {"X-Content-Type-Options", "Referrer-Policy",
					   "Cache-Control", "Content-Security-Policy",
					   "X-Frame-Options"};
	for (size_t i = 0; i < sizeof once / sizeof once[0]; i++)
		assert_int_equal(header_count(&r, once[i]), 1);
	assert_int_equal(header_count(&r, "Access-Control-Allow-Origin"), 0);

	/* errors too */
	request(s.port, "GET", "/nowhere", NULL, 0, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_int_equal(header_count(&r, "Referrer-Policy"), 1);
	assert_int_equal(header_count(&r, "Cache-Control"), 1);

	/* a page's own policy wins and is not doubled */
	request(s.port, "GET", "/page", NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(header_value(&r, "Cache-Control", v, sizeof v), "no-cache");
	assert_string_equal(header_value(&r, "Content-Security-Policy", v, sizeof v),
			    "default-src 'self'");
	assert_int_equal(header_count(&r, "Cache-Control"), 1);
	assert_int_equal(header_count(&r, "Content-Security-Policy"), 1);
	assert_int_equal(header_count(&r, "Referrer-Policy"), 1);

	/* header injection through a handler never reaches the wire */
	request(s.port, "GET", "/inject", NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(header_count(&r, "X-Evil"), 0);
	assert_int_equal(header_count(&r, "Set-Cookie"), 0);
	assert_string_equal(header_value(&r, "X-Good", v, sizeof v), "fine");
	assert_non_null(strstr(r.body, "\"evil\":-"));
	request(s.port, "GET", "/bad-type", NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(header_count(&r, "Set-Cookie"), 0);
	assert_string_equal(header_value(&r, "Content-Type", v, sizeof v),
			    "application/octet-stream");
	cl_http_stop(s.srv);
}

static void test_limits(void **state)
{
	(void)state;
	struct server s;
	struct reply r;
	const char *const json[] = {"Content-Type: application/json", NULL};
	server_start(&s, NULL, NULL);

	request(s.port, "POST", "/body", "{\"a\":[1,2]}", 11, json, &r);
	assert_int_equal(r.status, 204);
	/* depth 8 is the limit here */
	request(s.port, "POST", "/body", "[[[[[[[[1]]]]]]]]", 17, json, &r);
	assert_int_equal(r.status, 204);
	request(s.port, "POST", "/body", "[[[[[[[[[1]]]]]]]]]", 19, json, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "invalid_body"));
	/* invalid UTF-8 */
	request(s.port, "POST", "/body", "{\"a\":\"\xc0\xaf\"}", 10, json, &r);
	assert_int_equal(r.status, 400);
	/* over max_body */
	char *big = malloc(5000);
	memset(big, ' ', 5000);
	big[0] = '[';
	big[4999] = ']';
	request(s.port, "POST", "/body", big, 5000, json, &r);
	free(big);
	assert_int_equal(r.status, 413);
	assert_non_null(strstr(r.body, "body_too_large"));
	/* wrong content type */
	const char *const text[] = {"Content-Type: text/plain", NULL};
	request(s.port, "POST", "/body", "{}", 2, text, &r);
	assert_int_equal(r.status, 415);
	/* a message cut inside a UTF-8 character still makes an error answer */
	request(s.port, "GET", "/cut", NULL, 0, NULL, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "invalid_body"));
	assert_non_null(strstr(r.body, "left unpacked"));
	/* unknown method on a known path */
	request(s.port, "PUT", "/hello", "{}", 2, json, &r);
	assert_int_equal(r.status, 405);
	cl_http_stop(s.srv);
}

static void test_cors_off_by_default(void **state)
{
	(void)state;
	struct server s;
	struct reply r;
	server_start(&s, NULL, NULL);
	const char *const pre[] = {"Origin: https://evil.example",
				   "Access-Control-Request-Method: POST", NULL};
	request(s.port, "OPTIONS", "/hello", NULL, 0, pre, &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "cors_forbidden"));
	assert_int_equal(header_count(&r, "Access-Control-Allow-Origin"), 0);
	assert_int_equal(header_count(&r, "Access-Control-Allow-Methods"), 0);
	/* a simple cross-origin request is answered without any CORS grant */
	const char *const simple[] = {"Origin: https://evil.example", NULL};
	request(s.port, "GET", "/hello", NULL, 0, simple, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(header_count(&r, "Access-Control-Allow-Origin"), 0);
	/* OPTIONS without an Origin is just a method the resource lacks */
	request(s.port, "OPTIONS", "/hello", NULL, 0, NULL, &r);
	assert_int_equal(r.status, 405);
	cl_http_stop(s.srv);
}

static void test_cors_configured(void **state)
{
	(void)state;
	struct server s;
	struct reply r;
	char v[256];
	server_start(&s, "https://a.example, https://b.example", NULL);

	const char *const pre[] = {"Origin: https://b.example",
				   "Access-Control-Request-Method: DELETE", NULL};
	request(s.port, "OPTIONS", "/items/7", NULL, 0, pre, &r);
	assert_int_equal(r.status, 204);
	assert_string_equal(header_value(&r, "Access-Control-Allow-Origin", v, sizeof v),
			    "https://b.example");
	assert_string_equal(header_value(&r, "Access-Control-Allow-Methods", v, sizeof v),
			    "GET, DELETE");
	assert_non_null(strstr(header_value(&r, "Access-Control-Allow-Headers", v, sizeof v),
			       "X-CSRF-Token"));
	assert_string_equal(header_value(&r, "Vary", v, sizeof v), "Origin");
	assert_int_equal(header_count(&r, "Access-Control-Allow-Credentials"), 0);

	/* a method the resource does not have, a partial method name */
	const char *const put[] = {"Origin: https://a.example",
				   "Access-Control-Request-Method: PUT", NULL};
	request(s.port, "OPTIONS", "/items/7", NULL, 0, put, &r);
	assert_int_equal(r.status, 403);
	const char *const et[] = {"Origin: https://a.example",
				  "Access-Control-Request-Method: ET", NULL};
	request(s.port, "OPTIONS", "/items/7", NULL, 0, et, &r);
	assert_int_equal(r.status, 403);
	/* an origin that is only a prefix or suffix of a listed one */
	const char *const near[] = {"Origin: https://a.example.evil",
				    "Access-Control-Request-Method: GET", NULL};
	request(s.port, "OPTIONS", "/hello", NULL, 0, near, &r);
	assert_int_equal(r.status, 403);
	assert_int_equal(header_count(&r, "Access-Control-Allow-Origin"), 0);
	/* an unknown path */
	const char *const nowhere[] = {"Origin: https://a.example",
				       "Access-Control-Request-Method: GET", NULL};
	request(s.port, "OPTIONS", "/nowhere", NULL, 0, nowhere, &r);
	assert_int_equal(r.status, 403);

	/* the actual request from a listed origin is granted */
	const char *const simple[] = {"Origin: https://a.example", NULL};
	request(s.port, "GET", "/hello", NULL, 0, simple, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(header_value(&r, "Access-Control-Allow-Origin", v, sizeof v),
			    "https://a.example");
	const char *const other[] = {"Origin: https://c.example", NULL};
	request(s.port, "GET", "/hello", NULL, 0, other, &r);
	assert_int_equal(header_count(&r, "Access-Control-Allow-Origin"), 0);
	cl_http_stop(s.srv);
}

static void test_client_address(void **state)
{
	(void)state;
	struct server s;
	struct reply r;
	const char *const xff[] = {"X-Forwarded-For: 203.0.113.9", NULL};

	server_start(&s, NULL, NULL); /* no trusted proxy: the header is ignored */
	request(s.port, "GET", "/address", NULL, 0, xff, &r);
	assert_string_equal(r.body, "{\"address\":\"127.0.0.1\"}");
	cl_http_stop(s.srv);

	server_start(&s, NULL, "10.9.9.9"); /* another proxy is trusted, not the peer */
	request(s.port, "GET", "/address", NULL, 0, xff, &r);
	assert_string_equal(r.body, "{\"address\":\"127.0.0.1\"}");
	cl_http_stop(s.srv);

	server_start(&s, NULL, "127.0.0.1, 10.0.0.2");
	request(s.port, "GET", "/address", NULL, 0, xff, &r);
	assert_string_equal(r.body, "{\"address\":\"203.0.113.9\"}");
	/* two header lines count as one list, in order */
	const char *const two[] = {"X-Forwarded-For: 198.51.100.1",
				   "X-Forwarded-For: 10.0.0.2", NULL};
	request(s.port, "GET", "/address", NULL, 0, two, &r);
	assert_string_equal(r.body, "{\"address\":\"198.51.100.1\"}");
	request(s.port, "GET", "/address", NULL, 0, NULL, &r);
	assert_string_equal(r.body, "{\"address\":\"127.0.0.1\"}");
	cl_http_stop(s.srv);
}

static void test_tls_needs_cert_and_key(void **state)
{
	(void)state;
	struct cl_http_server *srv = NULL;
	struct cl_http_opts o = {.port = 0, .tls_cert = "-----BEGIN CERTIFICATE-----\n"};
	assert_int_equal(cl_http_start(&srv, routes, &o), CL_EINVAL);
	struct cl_http_opts garbage = {.port = 0, .tls_cert = "not a certificate",
				       .tls_key = "not a key"};
	assert_int_equal(cl_http_start(&srv, routes, &garbage), CL_EIO);
	assert_null(srv);
}

static int setup(void **state)
{
	(void)state;
	cl_log_init("test", "error");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	curl_global_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_match),
		cmocka_unit_test(test_set_header_refuses_injection),
		cmocka_unit_test(test_forwarded_client),
		cmocka_unit_test(test_page_parse),
		cmocka_unit_test(test_security_headers),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_cors_off_by_default),
		cmocka_unit_test(test_cors_configured),
		cmocka_unit_test(test_client_address),
		cmocka_unit_test(test_tls_needs_cert_and_key),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
