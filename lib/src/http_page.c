/* http_page.c - cursor paging parameters of list requests */
#include "http_internal.h"
#include "carelink/err.h"
#include "carelink/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cl_http_page_parse(const char *limit, const char *cursor, struct cl_http_page *page)
{
	page->limit = CL_HTTP_PAGE_DEFAULT;
	page->cursor = 0;
	if (limit) {
		char *end;
		errno = 0;
		long n = strtol(limit, &end, 10);
		if (!*limit || *end || errno || n < 1 || n > CL_HTTP_PAGE_MAX ||
		    !(*limit >= '0' && *limit <= '9'))
			return CL_EINVAL;
		page->limit = n;
	}
	if (cursor) {
		char *end;
		errno = 0;
		long long id = strtoll(cursor, &end, 10);
		if (!*cursor || *end || errno || id < 1 || !(*cursor >= '1' && *cursor <= '9'))
			return CL_EINVAL;
		page->cursor = (int64_t)id;
	}
	return 0;
}

bool cl_http_page(struct cl_http_req *req, struct cl_http_page *page)
{
	const char *cursor = cl_http_query(req, "cursor");
	if (cl_http_page_parse(cl_http_query(req, "limit"), NULL, page) < 0) {
		cl_http_error(req, 400, "invalid_limit", "limit must be a number from 1 to 200");
		return false;
	}
	long limit = page->limit;
	if (cursor && *cursor && cl_http_page_parse(NULL, cursor, page) < 0) {
		cl_http_error(req, 400, "invalid_cursor", "cursor is not one this server gave out");
		return false;
	}
	page->limit = limit;
	return true;
}

json_t *cl_http_cursor_json(bool more, int64_t last_id)
{
	if (!more)
		return json_null();
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)last_id);
	return json_string(text);
}

