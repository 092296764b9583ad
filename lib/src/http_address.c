/* http_address.c - the client's address: the peer, or the client a trusted
 * reverse proxy names in X-Forwarded-For */
#include "http_internal.h"
#include "carelink/util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the binary form of an IPv4 or IPv6 address; family 0 when not one */
struct ip {
	int family;
	unsigned char bytes[sizeof(struct in6_addr)];
};

static bool ip_parse(const char *s, size_t n, struct ip *ip)
{
	char text[INET6_ADDRSTRLEN + 1];
	if (n == 0 || n >= sizeof text)
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	memset(ip, 0, sizeof *ip);
	if (inet_pton(AF_INET, text, ip->bytes) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, text, ip->bytes) == 1)
		ip->family = AF_INET6;
	return ip->family != 0;
}

bool cl__http_is_list_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t';
}

bool cl_http_addr_listed(const char *list, const char *addr)
{
	struct ip want, have;
	if (!list || !addr || !ip_parse(addr, strlen(addr), &want))
		return false;
	for (const char *p = list; *p;) {
		while (cl__http_is_list_sep(*p))
			p++;
		const char *end = p;
		while (*end && !cl__http_is_list_sep(*end))
			end++;
		if (ip_parse(p, (size_t)(end - p), &have) && have.family == want.family &&
		    !memcmp(have.bytes, want.bytes, sizeof have.bytes))
			return true;
		p = end;
	}
	return false;
}

const char *cl_http_forwarded_client(const char *peer, const char *xff, const char *trusted,
				     char *buf, size_t size)
{
	if (!size)
		return buf;
	cl_strlcpy(buf, peer ? peer : "", size);
	if (!xff || !trusted || !cl_http_addr_listed(trusted, peer))
		return buf;
	/* from the right: each hop was appended by the proxy in front of it */
	const char *end = xff + strlen(xff);
	while (end > xff) {
		const char *start = end;
		while (start > xff && start[-1] != ',')
			start--;
		const char *a = start, *b = end;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		struct ip ip;
		char hop[INET6_ADDRSTRLEN + 1];
		if (!ip_parse(a, (size_t)(b - a), &ip))
			return buf; /* not an address: keep the last one that was */
		memcpy(hop, a, (size_t)(b - a));
		hop[b - a] = '\0';
		cl_strlcpy(buf, hop, size);
		if (!cl_http_addr_listed(trusted, hop))
			return buf;
		end = start > xff ? start - 1 : start;
	}
	return buf;
}

static void peer_address(struct cl_http_req *req, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	buf[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			  (socklen_t)size);
}

struct xff_join {
	char text[2048];
	size_t len;
	bool overflow;
};

static enum MHD_Result xff_collect(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct xff_join *j = cls;
	(void)kind;
	if (!value || strcasecmp(key, "X-Forwarded-For"))
		return MHD_YES;
	size_t n = strlen(value);
	if (j->len + n + 2 > sizeof j->text) {
		j->overflow = true;
		return MHD_NO;
	}
	if (j->len)
		j->text[j->len++] = ',';
	memcpy(j->text + j->len, value, n);
	j->len += n;
	j->text[j->len] = '\0';
	return MHD_YES;
}

const char *cl_http_client_address(struct cl_http_req *req, char *buf, size_t size)
{
	char peer[INET6_ADDRSTRLEN];
	peer_address(req, peer, sizeof peer);
	const char *trusted = req->server ? req->server->opts.trusted_proxies : NULL;
	if (!trusted || !cl_http_addr_listed(trusted, peer))
		return cl_http_forwarded_client(peer, NULL, NULL, buf, size);
	struct xff_join j = {.len = 0};
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, xff_collect, &j);
	/* too long to be a real chain: a client padding it; believe the proxy */
	if (j.overflow || !j.len)
		return cl_http_forwarded_client(peer, NULL, NULL, buf, size);
	return cl_http_forwarded_client(peer, j.text, trusted, buf, size);
}

