/* httpc.c - blocking internal HTTP calls with libcurl; one easy handle per
 * thread, reused, so that calls to the same service keep their connection */
#include "carelink/httpc.h"
#include "carelink/err.h"
#include "carelink/identity.h"
#include "carelink/log.h"
#include "carelink/util.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTTPC_MAX_BODY (16u << 20)

/* Each thread's handle lives until the thread ends (pthread key
 * destructor). curl_easy_reset() between calls clears every option but
 * keeps the handle's connection cache, DNS cache and session ids. */
static pthread_key_t handle_key;
static pthread_once_t handle_once = PTHREAD_ONCE_INIT;

static void handle_free(void *h)
{
	curl_easy_cleanup(h);
}

static void handle_key_init(void)
{
	if (pthread_key_create(&handle_key, handle_free) != 0)
		abort();
}

static CURL *thread_handle(void)
{
	pthread_once(&handle_once, handle_key_init);
	CURL *c = pthread_getspecific(handle_key);
	if (c) {
		curl_easy_reset(c);
		return c;
	}
	c = curl_easy_init();
	if (!c || pthread_setspecific(handle_key, c) != 0)
		abort();
	return c;
}

void cl_httpc_thread_release(void)
{
	pthread_once(&handle_once, handle_key_init);
	CURL *c = pthread_getspecific(handle_key);
	if (c) {
		pthread_setspecific(handle_key, NULL);
		curl_easy_cleanup(c);
	}
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct cl_httpc_resp *r = arg;
	size_t n = size * nmemb;
	if (r->len + n > HTTPC_MAX_BODY)
		return 0;
	r->body = cl_xrealloc(r->body, r->len + n + 1);
	memcpy(r->body + r->len, ptr, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

/* copies the answer's header name into buf, or leaves "" when it is absent
 * or does not fit whole */
static void header_keep(CURL *c, const char *name, char *buf, size_t size)
{
	struct curl_header *h = NULL;
	buf[0] = '\0';
	if (curl_easy_header(c, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h || !h->value)
		return;
	if (strlen(h->value) < size)
		cl_strlcpy(buf, h->value, size);
	else
		cl_log_warn("internal answer header too long, dropped", "header", name, NULL);
}

/* a header line "Name: value" from parts; NULL when value holds a line break */
static char *header_line(const char *name, const char *value)
{
	if (strpbrk(value, "\r\n"))
		return NULL;
	size_t n = strlen(name) + strlen(value) + 3;
	char *line = cl_xmalloc(n);
	snprintf(line, n, "%s: %s", name, value);
	return line;
}

int cl_httpc_request(const struct cl_httpc_req *rq, struct cl_httpc_resp *out)
{
	memset(out, 0, sizeof *out);
	out->body = cl_xcalloc(1, 1);
	const char *method = rq->method ? rq->method : "GET";
	const char *type = rq->content_type ? rq->content_type : "application/json";
	char *id_line = NULL, *type_line = NULL, *xff_line = NULL;
	struct curl_slist *h = NULL;
	int rc = 0;
	if (rq->identity && !(id_line = header_line(CL_IDENTITY_HEADER, rq->identity)))
		return CL_EINVAL;
	if (rq->body && !(type_line = header_line("Content-Type", type))) {
		free(id_line);
		return CL_EINVAL;
	}
	if (rq->forwarded_for && !(xff_line = header_line("X-Forwarded-For", rq->forwarded_for))) {
		free(id_line);
		free(type_line);
		return CL_EINVAL;
	}
	CURL *c = thread_handle();
	if (id_line)
		h = curl_slist_append(h, id_line);
	if (xff_line)
		h = curl_slist_append(h, xff_line);
	if (rq->body) {
		h = curl_slist_append(h, type_line);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
	}
	h = curl_slist_append(h, "Expect:");
	if (!h)
		abort();
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, rq->timeout_ms > 0 ? rq->timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	/* internal calls go to the services named in configuration only */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		cl_log_warn("internal call failed", "url", rq->url, "detail",
			    curl_easy_strerror(cc), NULL);
		rc = CL_EIO;
	} else {
		char *ct = NULL;
		long new_conns = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &new_conns);
		out->reused = new_conns == 0;
		if (ct)
			cl_strlcpy(out->content_type, ct, sizeof out->content_type);
		header_keep(c, "Content-Disposition", out->content_disposition,
			    sizeof out->content_disposition);
		header_keep(c, "Cache-Control", out->cache_control, sizeof out->cache_control);
	}
	/* the handle must not keep pointers into this call's memory */
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(h);
	free(id_line);
	free(type_line);
	free(xff_line);
	return rc;
}

int cl_httpc_call(const char *method, const char *url, const char *identity,
		  const char *body, size_t body_len, long timeout_ms,
		  struct cl_httpc_resp *out)
{
	struct cl_httpc_req rq = {
		.method = method, .url = url, .identity = identity, .body = body,
		.body_len = body_len, .timeout_ms = timeout_ms,
	};
	int rc = cl_httpc_request(&rq, out);
	return rc == CL_EINVAL ? CL_EIO : rc;
}

void cl_httpc_resp_release(struct cl_httpc_resp *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
}
