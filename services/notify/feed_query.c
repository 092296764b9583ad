/* feed_query.c - the checks of GET /v1/feed's query (FEED.md "Routes") */
#include "feed.h"

#include <string.h>

#include "carelink/err.h"

static int query_refuse(struct nt_feed_refusal *why, const char *code, const char *message)
{
	why->code = code;
	why->message = message;
	return CL_EINVAL;
}

/* a flag: absent (false) or "1" (true); anything else is refused */
static int flag(const char *v, bool *out)
{
	*out = false;
	if (!v)
		return 0;
	if (strcmp(v, "1") != 0)
		return CL_EINVAL;
	*out = true;
	return 0;
}

/* an id filter: absent (NULL) or 1..64 characters */
static int id_filter(const char *v, const char **out)
{
	*out = NULL;
	if (!v)
		return 0;
	size_t n = strlen(v);
	if (n == 0 || n > NT_MUTE_ID_MAX)
		return CL_EINVAL;
	*out = v;
	return 0;
}

int nt_feed_query_parse(const char *(*get)(void *ctx, const char *key), void *ctx,
			struct nt_feed_query *q, struct nt_feed_refusal *why)
{
	const char *v;

	memset(q, 0, sizeof *q);
	q->limit = NT_FEED_LIMIT_DEFAULT;
	v = get(ctx, "limit");
	if (v && (nt_parse_id(v, &q->limit) < 0 || q->limit < 1 ||
		  q->limit > NT_FEED_LIMIT_MAX))
		return query_refuse(why, "invalid_limit", "limit must be an integer from 1 to 500");
	v = get(ctx, "before");
	if (v && (nt_parse_id(v, &q->before) < 0 || q->before < 1))
		return query_refuse(why, "invalid_before", "before must be a positive integer id");
	v = get(ctx, "after");
	if (v) {
		if (nt_parse_id(v, &q->after) < 0)
			return query_refuse(why, "invalid_after",
				      "after must be a non-negative integer id");
		q->has_after = true;
	}
	if (flag(get(ctx, "urgent"), &q->urgent) < 0 ||
	    flag(get(ctx, "mentions"), &q->mentions) < 0 ||
	    flag(get(ctx, "unread"), &q->unread) < 0 ||
	    flag(get(ctx, "include_muted"), &q->include_muted) < 0 ||
	    flag(get(ctx, "all"), &q->all) < 0)
		return query_refuse(why, "invalid_filter",
			      "urgent, mentions, unread, include_muted and all take the value 1");
	if (id_filter(get(ctx, "space"), &q->space) < 0 ||
	    id_filter(get(ctx, "app"), &q->app) < 0 ||
	    id_filter(get(ctx, "patient"), &q->patient) < 0)
		return query_refuse(why, "invalid_filter",
			      "space, app and patient take an id of 1 to 64 characters");
	return 0;
}
