/* workspace_search.c - GET /api/v1/search: posts and comments a person may
 * see, by text (Japanese substrings), space, thread, author and dates */
#include "gateway.h"
#include "workspace.h"

static const char *const search_keys[] = {"q",  "space", "thread", "author", "from",
					  "to", "limit", "cursor", NULL};

static const struct gw_ws_route search = {"/v1/search", NULL, search_keys, "not_found",
					  "見つかりません", 0};

enum MHD_Result gw_ws_search(struct cl_http_req *req)
{
	return gw_ws_forward(req, &search);
}
