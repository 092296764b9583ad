/* test_httpresp.c - the benchmark client's HTTP response reader: bodies by
 * length, chunked and until close, fed whole and one byte at a time */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "httpresp.h"

struct collected {
	char buf[1024];
	size_t len;
};

static void collect(void *arg, const char *data, size_t len)
{
	struct collected *c = arg;
	assert_true(c->len + len < sizeof c->buf);
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	c->buf[c->len] = '\0';
}

struct resp_case {
	const char *name;
	const char *wire;
	bool closes;        /* the peer closes after the wire bytes */
	int result;         /* of the last feed, or of hr_parser_end when closes */
	int status;
	const char *body;   /* decoded body when result is HR_COMPLETE or HR_MORE */
	const char *cookie;
};

static const struct resp_case cases[] = {
	{"length and cookie",
	 "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: carelink_session=abc; Path=/; "
	 "HttpOnly\r\n\r\nhello",
	 false, HR_COMPLETE, 200, "hello", "carelink_session=abc"},
	{"bytes after the body are ignored",
	 "HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}junk", false, HR_COMPLETE, 201,
	 "{}", ""},
	{"chunked with extension and trailer",
	 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	 "5;x=y\r\nevent\r\n9\r\n: ready\n\n\r\n0\r\nX-T: 1\r\n\r\n",
	 false, HR_COMPLETE, 200, "event: ready\n\n", ""},
	{"an open event stream is not complete",
	 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	 "d\r\n: heartbeat\n\n\r\n",
	 false, HR_MORE, 200, ": heartbeat\n\n", ""},
	{"body until close", "HTTP/1.0 200 OK\r\n\r\nall of it", true, HR_COMPLETE, 200,
	 "all of it", ""},
	{"cut short by close", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true,
	 HR_ERROR, 200, NULL, NULL},
	{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false,
	 HR_ERROR, 200, NULL, NULL},
	{"not http", "SSH-2.0-OpenSSH\r\n\r\n", false, HR_ERROR, 0, NULL, NULL},
	{"no body for 204", "HTTP/1.1 204 No Content\r\n\r\n", false, HR_COMPLETE, 204, "", ""},
};

static void run_case(const struct resp_case *c, bool bytewise)
{
	struct hr_parser p;
	struct collected got = {.len = 0};
	int rc = HR_MORE;
	size_t len = strlen(c->wire);
	hr_parser_init(&p);
	if (bytewise) {
		for (size_t i = 0; i < len && rc == HR_MORE; i++)
			rc = hr_parser_feed(&p, c->wire + i, 1, collect, &got);
	} else {
		rc = hr_parser_feed(&p, c->wire, len, collect, &got);
	}
	if (c->closes && rc == HR_MORE)
		rc = hr_parser_end(&p);
	if (rc != c->result)
		fail_msg("%s (%s): result %d, want %d", c->name, bytewise ? "bytewise" : "whole",
			 rc, c->result);
	assert_int_equal(p.status, c->status);
	if (c->body)
		assert_string_equal(got.len ? got.buf : "", c->body);
	if (c->cookie)
		assert_string_equal(p.cookie, c->cookie);
	hr_parser_release(&p);
}

static void test_cases_whole(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(&cases[i], false);
}

static void test_cases_bytewise(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(&cases[i], true);
}

static void test_head_too_large(void **state)
{
	(void)state;
	static char wire[HR_HEAD_MAX + 64];
	struct hr_parser p;
	memcpy(wire, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(wire + 20, 'a', sizeof wire - 20);
	hr_parser_init(&p);
	assert_int_equal(hr_parser_feed(&p, wire, sizeof wire, NULL, NULL), HR_ERROR);
	hr_parser_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_whole),
		cmocka_unit_test(test_cases_bytewise),
		cmocka_unit_test(test_head_too_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
