/* client_address.c - who is on the other end: the peer, or the client a
 * trusted reverse proxy names in X-Forwarded-For */
#include "audit.h"
#include "gateway.h"

#include <arpa/inet.h>
#include <carelink/util.h>
#include <netinet/in.h>
#include <string.h>

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

/* true when addr is one of the comma-separated addresses in list */
static bool listed(const char *list, const char *addr)
{
	size_t n = strlen(addr);
	for (const char *p = list; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *end = p;
		while (*end && *end != ',' && *end != ' ')
			end++;
		if ((size_t)(end - p) == n && !strncmp(p, addr, n))
			return true;
		p = end;
	}
	return false;
}

const char *gw_client_address(struct cl_http_req *req, char *buf, size_t size)
{
	struct gw_app *app = req->app;
	peer_address(req, buf, size);
	const char *trusted = cl_cfg_get(&app->svc->cfg, "http.trusted_proxies", NULL);
	const char *xff = cl_http_header(req, "X-Forwarded-For");
	if (!trusted || !xff || !listed(trusted, buf))
		return buf;
	/* walk from the right: the nearest hop not itself a trusted proxy */
	char hops[1024];
	cl_strlcpy(hops, xff, sizeof hops);
	for (;;) {
		char *comma = strrchr(hops, ',');
		char *hop = comma ? comma + 1 : hops;
		while (*hop == ' ')
			hop++;
		unsigned char tmp[sizeof(struct in6_addr)];
		bool valid = inet_pton(AF_INET, hop, tmp) == 1 || inet_pton(AF_INET6, hop, tmp) == 1;
		if (!valid)
			return buf; /* not an address: keep the proxy's */
		cl_strlcpy(buf, hop, size);
		if (!comma || !listed(trusted, hop))
			return buf;
		*comma = '\0';
	}
}
