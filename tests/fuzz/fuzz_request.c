/* fuzz_request.c - libFuzzer target over what the gateway and the services
 * make of a request before any database is touched: JSON bodies under the
 * depth limit, the signed identity header, route matching of the path,
 * path ids, paging query values, response header checks and the
 * X-Forwarded-For walk behind trusted proxies.
 *
 * The first byte picks the surface, the rest is its input; inputs with
 * several parts separate them with '\n'. Besides "no crash, no leak, no
 * undefined behaviour", each surface checks a property that must hold. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <jansson.h>

#include "carelink/err.h"
#include "carelink/http.h"
#include "carelink/identity.h"
#include "carelink/json.h"
#include "carelink/log.h"
#include "carelink/util.h"

#define MAX_INPUT 65536

static const unsigned char key[CL_IDENTITY_KEY_BYTES] = "fuzz-identity-key-of-32-bytes!!";

/* the gateway's and the services' route patterns, as their tables hold them */
static const char *const patterns[] = {
	"/api/v1/login", "/api/v1/spaces/:id", "/api/v1/threads/:id/posts",
	"/api/v1/organisations/:id", "/api/v1/invitations/accept/:token",
	"/api/v1/users/:id/roles", "/api/v1/people/:id/photo", "/api/v1/tokens/:id",
	"/v1/threads/:id/posts", "/v1/notifications/:id", "/a/:b/:c/:d/:e", "/*",
};

#define FUZZ_CHECK(cond)                                                            \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "property failed: %s (%s:%d)\n", #cond, __FILE__, \
				__LINE__);                                          \
			abort();                                                    \
		}                                                                   \
	} while (0)

/* a NUL-terminated copy of n bytes */
static char *dup_bytes(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);
	if (!s)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* split s in place at the first '\n': returns the rest (or "") */
static char *split(char *s)
{
	char *nl = strchr(s, '\n');
	if (!nl)
		return s + strlen(s);
	*nl = '\0';
	return nl + 1;
}

static void fuzz_json(const uint8_t *p, size_t n)
{
	char err[200];
	size_t depth = n ? (p[0] % 40) : 32;
	json_t *j = cl_json_parse((const char *)p, n, depth, err, sizeof err);
	if (!j) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		return;
	}
	/* accepted: within the depth limit, and it survives a round trip */
	FUZZ_CHECK(cl_json_depth_ok((const char *)p, n, depth));
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	FUZZ_CHECK(text != NULL);
	json_t *again = cl_json_parse(text, strlen(text), depth, err, sizeof err);
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(json_equal(j, again));
	json_decref(again);
	free(text);
	json_decref(j);
}

static void fuzz_identity(const uint8_t *p, size_t n)
{
	char *s = dup_bytes(p, n);
	struct cl_identity id;
	/* an attacker's header: never accepted without the key's MAC */
	int rc = cl_identity_verify(s, key, time(NULL), &id);
	FUZZ_CHECK(rc == 0 || rc == CL_EAUTH);
	if (rc == 0) {
		/* only possible for a header the fuzzer found signed: re-sign */
		char *again = NULL;
		FUZZ_CHECK(cl_identity_sign(&id, key, &again) == 0);
		free(again);
	}
	/* the fields of the input, signed and verified, come back the same */
	struct cl_identity in;
	memset(&in, 0, sizeof in);
	char *rest = s, *fields[6];
	for (int i = 0; i < 6; i++) {
		fields[i] = rest;
		rest = split(rest);
	}
	cl_strlcpy(in.user, fields[0], sizeof in.user);
	cl_strlcpy(in.tenant, fields[1], sizeof in.tenant);
	cl_strlcpy(in.organisation, fields[2], sizeof in.organisation);
	cl_strlcpy(in.profession, fields[3], sizeof in.profession);
	cl_strlcpy(in.name, fields[4], sizeof in.name);
	in.n_roles = 0;
	for (char *r = fields[5]; *r && in.n_roles < CL_IDENTITY_MAX_ROLES;) {
		char *comma = strchr(r, ',');
		if (comma)
			*comma = '\0';
		cl_strlcpy(in.roles[in.n_roles++], r, sizeof in.roles[0]);
		if (!comma)
			break;
		r = comma + 1;
	}
	in.expires = (int64_t)time(NULL) + 60;
	char *hdr = NULL;
	if (cl_identity_sign(&in, key, &hdr) == 0) {
		struct cl_identity out;
		FUZZ_CHECK(cl_identity_verify(hdr, key, time(NULL), &out) == 0);
		FUZZ_CHECK(!strcmp(out.user, in.user) && !strcmp(out.tenant, in.tenant));
		FUZZ_CHECK(!strcmp(out.name, in.name) && out.n_roles == in.n_roles);
		for (size_t i = 0; i < in.n_roles; i++)
			FUZZ_CHECK(cl_identity_has_role(&out, in.roles[i]));
		/* a changed byte of the header is never accepted */
		size_t len = strlen(hdr);
		size_t at = n ? p[n - 1] % len : 0;
		hdr[at] = hdr[at] == 'A' ? 'B' : 'A';
		FUZZ_CHECK(cl_identity_verify(hdr, key, time(NULL), &out) == CL_EAUTH);
		/* nor one that expired */
		free(hdr);
		hdr = NULL;
		in.expires = (int64_t)time(NULL) - 1;
		FUZZ_CHECK(cl_identity_sign(&in, key, &hdr) == 0);
		FUZZ_CHECK(cl_identity_verify(hdr, key, time(NULL), &out) == CL_EAUTH);
	}
	free(hdr);
	free(s);
}

static void fuzz_route(const uint8_t *p, size_t n)
{
	char *s = dup_bytes(p, n);
	char *path = split(s);
	char *params[CL_HTTP_MAX_PARAMS];
	size_t np;
	/* the fuzzer's pattern, then every real one, against its path */
	for (size_t k = 0; k <= sizeof patterns / sizeof patterns[0]; k++) {
		const char *pat = k ? patterns[k - 1] : s;
		bool m = cl_http_route_match(pat, path, params, &np);
		FUZZ_CHECK(m || np == 0);
		FUZZ_CHECK(np <= CL_HTTP_MAX_PARAMS);
		for (size_t i = 0; i < np; i++) {
			/* a captured segment is never empty and never holds a '/' */
			FUZZ_CHECK(params[i][0] != '\0' && !strchr(params[i], '/'));
			/* the id checks the handlers use */
			(void)cl_uuid_valid(params[i]);
			free(params[i]);
		}
	}
	free(s);
}

static bool is_ip(const char *s)
{
	unsigned char b[16];
	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

static void fuzz_forwarded(const uint8_t *p, size_t n)
{
	char *s = dup_bytes(p, n);
	char *xff = split(s);
	char *trusted = split(xff);
	char buf[64], small[8];
	const char *got = cl_http_forwarded_client(s, xff, trusted, buf, sizeof buf);
	/* the peer's own address unless the peer is trusted; else an address */
	if (!cl_http_addr_listed(trusted, s))
		FUZZ_CHECK(!strncmp(got, s, sizeof buf - 1));
	else if (strcmp(got, s))
		FUZZ_CHECK(is_ip(got));
	cl_http_forwarded_client(s, xff, trusted, small, sizeof small);
	FUZZ_CHECK(strlen(small) < sizeof small);
	free(s);
}

static void fuzz_query(const uint8_t *p, size_t n)
{
	char *s = dup_bytes(p, n);
	char *cursor = split(s);
	struct cl_http_page page;
	if (cl_http_page_parse(s, *cursor ? cursor : NULL, &page) == 0) {
		FUZZ_CHECK(page.limit >= 1 && page.limit <= CL_HTTP_PAGE_MAX);
		FUZZ_CHECK(page.cursor >= 0);
		/* the cursor handed out for it parses to the same id */
		if (page.cursor > 0) {
			json_t *c = cl_http_cursor_json(true, page.cursor);
			struct cl_http_page back;
			FUZZ_CHECK(cl_http_page_parse(NULL, json_string_value(c), &back) == 0);
			FUZZ_CHECK(back.cursor == page.cursor);
			json_decref(c);
		}
	}
	free(s);
}

static void fuzz_header(const uint8_t *p, size_t n)
{
	char *s = dup_bytes(p, n);
	char *value = split(s);
	struct cl_http_req req;
	memset(&req, 0, sizeof req);
	int rc = cl_http_set_header(&req, s, value);
	FUZZ_CHECK(rc == 0 || rc == CL_EINVAL);
	if (rc == 0) {
		/* nothing that could end a header line gets through */
		FUZZ_CHECK(!strpbrk(req.headers[0][1], "\r\n") && !strpbrk(req.headers[0][0], "\r\n: "));
		free(req.headers[0][0]);
		free(req.headers[0][1]);
	}
	free(s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cl_log_init("fuzz", "error");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > MAX_INPUT)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	switch (data[0] % 7) {
	case 0: fuzz_json(p, n); break;
	case 1: fuzz_identity(p, n); break;
	case 2: fuzz_route(p, n); break;
	case 3: fuzz_forwarded(p, n); break;
	case 4: fuzz_query(p, n); break;
	case 5: fuzz_header(p, n); break;
	case 6: fuzz_json(p, n); break;
	}
	return 0;
}
