/* test_httpc.c - internal calls: a thread's calls share one kept-alive
 * connection, bodies and identity headers arrive, and a service answers
 * only requests whose identity is signed with its key */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carelink/err.h"
#include "carelink/http.h"
#include "carelink/httpc.h"
#include "carelink/identity.h"
#include "carelink/log.h"

static const unsigned char key[CL_IDENTITY_KEY_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8};

static enum MHD_Result h_who(struct cl_http_req *req)
{
	return cl_http_json(req, 200, json_pack("{s:s}", "user", req->identity.user));
}

static enum MHD_Result h_echo(struct cl_http_req *req)
{
	json_t *j = cl_http_body_json(req);
	if (!j)
		return req->result;
	return cl_http_json(req, 201, j);
}

static const struct cl_http_route routes[] = {
	{"GET", "/v1/who", h_who, CL_HTTP_AUTH},
	{"POST", "/v1/echo", h_echo, CL_HTTP_AUTH | CL_HTTP_JSON},
	{NULL, NULL, NULL, 0},
};

struct fixture {
	struct cl_http_server *srv;
	char base[64];
};

static int setup(void **state)
{
	static struct fixture f;
	struct cl_http_opts o = {.port = 0, .threads = 2, .identity_key = key};
	cl_log_init("test", "error");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (cl_http_start(&f.srv, routes, &o) != 0)
		return -1;
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(cl_http_daemon(f.srv), MHD_DAEMON_INFO_BIND_PORT);
	snprintf(f.base, sizeof f.base, "http://127.0.0.1:%u", di->port);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	cl_httpc_thread_release();
	cl_http_stop(f->srv);
	curl_global_cleanup();
	return 0;
}

static char *sign(const char *user, int64_t expires, const unsigned char *k)
{
	struct cl_identity id;
	char *hdr = NULL;
	memset(&id, 0, sizeof id);
	snprintf(id.user, sizeof id.user, "%s", user);
	snprintf(id.tenant, sizeof id.tenant, "t1");
	id.expires = expires;
	assert_int_equal(cl_identity_sign(&id, k, &hdr), 0);
	return hdr;
}

static void call(const char *method, const char *url, const char *identity, const char *body,
		 struct cl_httpc_resp *r)
{
	assert_int_equal(cl_httpc_call(method, url, identity, body, body ? strlen(body) : 0,
				       5000, r),
			 0);
}

static void test_keep_alive(void **state)
{
	struct fixture *f = *state;
	struct cl_httpc_resp r;
	char url[128];
	char *hdr = sign("u1", time(NULL) + 60, key);
	snprintf(url, sizeof url, "%s/v1/who", f->base);

	cl_httpc_thread_release(); /* start without a kept connection */
	call("GET", url, hdr, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_false(r.reused);
	assert_string_equal(r.body, "{\"user\":\"u1\"}");
	assert_string_equal(r.content_type, "application/json; charset=utf-8");
	cl_httpc_resp_release(&r);
	for (int i = 0; i < 20; i++) {
		call("GET", url, hdr, NULL, &r);
		assert_int_equal(r.status, 200);
		assert_true(r.reused);
		cl_httpc_resp_release(&r);
	}
	/* a POST with a body, then an error answer, then a GET again: every
	 * option of the previous call is reset, the connection is kept */
	snprintf(url, sizeof url, "%s/v1/echo", f->base);
	call("POST", url, hdr, "{\"a\":[1,\"あ\"]}", &r);
	assert_int_equal(r.status, 201);
	assert_true(r.reused);
	assert_string_equal(r.body, "{\"a\":[1,\"あ\"]}");
	cl_httpc_resp_release(&r);
	call("POST", url, hdr, "{", &r);
	assert_int_equal(r.status, 400);
	cl_httpc_resp_release(&r);
	snprintf(url, sizeof url, "%s/v1/who", f->base);
	call("GET", url, hdr, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(r.reused);
	assert_null(strstr(r.body, "invalid_body"));
	cl_httpc_resp_release(&r);
	free(hdr);
}

struct other_thread {
	const char *url;
	char *hdr;
	bool first_reused, second_reused;
	long status;
};

static void *other_thread_main(void *arg)
{
	struct other_thread *t = arg;
	struct cl_httpc_resp r;
	cl_httpc_call("GET", t->url, t->hdr, NULL, 0, 5000, &r);
	t->first_reused = r.reused;
	t->status = r.status;
	cl_httpc_resp_release(&r);
	cl_httpc_call("GET", t->url, t->hdr, NULL, 0, 5000, &r);
	t->second_reused = r.reused;
	cl_httpc_resp_release(&r);
	return NULL; /* the thread's handle is freed as it ends */
}

static void test_one_handle_per_thread(void **state)
{
	struct fixture *f = *state;
	char url[128];
	snprintf(url, sizeof url, "%s/v1/who", f->base);
	struct other_thread t = {.url = url, .hdr = sign("u2", time(NULL) + 60, key)};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, other_thread_main, &t), 0);
	pthread_join(th, NULL);
	assert_int_equal(t.status, 200);
	assert_false(t.first_reused);
	assert_true(t.second_reused);
	free(t.hdr);
}

static void test_identity_refused(void **state)
{
	struct fixture *f = *state;
	struct cl_httpc_resp r;
	char url[128];
	static const unsigned char other_key[CL_IDENTITY_KEY_BYTES] = {9};
	snprintf(url, sizeof url, "%s/v1/who", f->base);

	call("GET", url, NULL, NULL, &r); /* none */
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "unauthenticated"));
	cl_httpc_resp_release(&r);

	char *forged = sign("u1", time(NULL) + 60, other_key);
	call("GET", url, forged, NULL, &r);
	assert_int_equal(r.status, 401);
	cl_httpc_resp_release(&r);
	free(forged);

	char *expired = sign("u1", time(NULL) - 1, key);
	call("GET", url, expired, NULL, &r);
	assert_int_equal(r.status, 401);
	cl_httpc_resp_release(&r);
	free(expired);

	call("GET", url, "garbage.garbage", NULL, &r);
	assert_int_equal(r.status, 401);
	cl_httpc_resp_release(&r);

	/* the POST route too, before it looks at the body */
	snprintf(url, sizeof url, "%s/v1/echo", f->base);
	call("POST", url, NULL, "{}", &r);
	assert_int_equal(r.status, 401);
	cl_httpc_resp_release(&r);
}

static void test_unreachable(void **state)
{
	(void)state;
	struct cl_httpc_resp r;
	/* port 1 on loopback: nothing listens */
	assert_int_equal(cl_httpc_call("GET", "http://127.0.0.1:1/v1/who", NULL, NULL, 0, 2000,
				       &r),
			 CL_EIO);
	assert_int_equal(r.status, 0);
	cl_httpc_resp_release(&r);
	/* and the thread's handle still works afterwards */
	struct fixture *f = *state;
	char url[128];
	char *hdr = sign("u3", time(NULL) + 60, key);
	snprintf(url, sizeof url, "%s/v1/who", f->base);
	call("GET", url, hdr, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"user\":\"u3\"}");
	cl_httpc_resp_release(&r);
	free(hdr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_one_handle_per_thread),
		cmocka_unit_test(test_identity_refused),
		cmocka_unit_test(test_unreachable),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
