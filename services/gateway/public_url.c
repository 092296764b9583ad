/* public_url.c - the address people reach the gateway at, for links the
 * gateway hands out (invitations, calendar feeds) */
#include "gateway.h"

#include <carelink/util.h>
#include <stdio.h>
#include <string.h>

void gw_public_base(struct gw_app *app, char *out, size_t size)
{
	const struct cl_cfg *cfg = &app->svc->cfg;
	const char *url = cl_cfg_get(cfg, "gateway.public_url", NULL);
	if (url && *url)
		cl_strlcpy(out, url, size);
	else
		snprintf(out, size, "http://127.0.0.1:%s", cl_cfg_get(cfg, "http.port", "8080"));
	size_t n = strlen(out);
	while (n && out[n - 1] == '/')
		out[--n] = '\0';
}
