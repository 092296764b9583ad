/* httpc.c - blocking internal HTTP calls with libcurl */
#include "carelink/httpc.h"
#include "carelink/err.h"
#include "carelink/identity.h"
#include "carelink/log.h"
#include "carelink/util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTTPC_MAX_BODY (16u << 20)

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

int cl_httpc_call(const char *method, const char *url, const char *identity,
		  const char *body, size_t body_len, long timeout_ms,
		  struct cl_httpc_resp *out)
{
	memset(out, 0, sizeof *out);
	out->body = cl_xcalloc(1, 1);
	CURL *c = curl_easy_init();
	if (!c)
		abort();
	struct curl_slist *h = NULL;
	char line[4096];
	if (identity) {
		snprintf(line, sizeof line, "%s: %s", CL_IDENTITY_HEADER, identity);
		h = curl_slist_append(h, line);
	}
	if (body) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
	}
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	CURLcode cc = curl_easy_perform(c);
	int rc = 0;
	if (cc != CURLE_OK) {
		cl_log_warn("internal call failed", "url", url, "detail",
			    curl_easy_strerror(cc), NULL);
		rc = CL_EIO;
	} else {
		char *ct = NULL;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
		if (ct)
			cl_strlcpy(out->content_type, ct, sizeof out->content_type);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc;
}

void cl_httpc_resp_release(struct cl_httpc_resp *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
}
