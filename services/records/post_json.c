/* post_json.c - the JSON shape of a post, shared by the list and create answers */
#include "records.h"

#include <stdlib.h>

json_t *rec_post_json(const char *id, const char *body, int64_t created_ms,
		      const char *author_id, const char *author_name,
		      const char *organisation_id, const char *organisation_name)
{
	char created[32];
	cl_time_format(created_ms, created);
	json_t *post = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}}}",
				 "id", id, "body", body, "created_at", created,
				 "author", "id", author_id, "name", author_name,
				 "organisation", "id", organisation_id, "name",
				 organisation_name);
	if (!post)
		abort();
	return post;
}
