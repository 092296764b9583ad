/* post_input.c - the JSON body of a new post, comment or edit: {body,
 * mentions?, attachments?}, checked before any transaction starts */
#include "records.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t rec_cfg_post_body_max(const struct rec_app *app)
{
	long v = cl_cfg_get_int(&app->svc->cfg, "records.post_body_max", REC_POST_BODY_MAX);
	return v < 1 ? 1 : (size_t)v;
}

void rec_post_input_release(struct rec_post_input *in)
{
	free(in->body);
	free(in->attachments_json);
	rec_mentions_release(&in->mentions);
	memset(in, 0, sizeof *in);
}

/* attachments: an array of at most REC_ATTACHMENTS_PER_POST upload ids */
static enum MHD_Result attachments_read(struct cl_http_req *req, json_t *a,
					struct rec_post_input *in, bool *ok)
{
	size_t i;
	json_t *v;
	*ok = false;
	if (!json_is_array(a))
		return cl_http_error(req, 400, "invalid_json", "attachments は id の配列です");
	if (json_array_size(a) > REC_ATTACHMENTS_PER_POST)
		return cl_http_error(req, 400, "too_many_attachments",
				     "添付ファイルは 10 個までです");
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return cl_http_error(req, 400, "invalid_json",
					     "attachments は id の配列です");
		if (!cl_uuid_valid(json_string_value(v)))
			return cl_http_error(req, 400, "unknown_attachment",
					     "添付ファイルが見つかりません");
		for (size_t k = 0; k < i; k++)
			if (!strcmp(json_string_value(json_array_get(a, k)), json_string_value(v)))
				return cl_http_error(req, 400, "unknown_attachment",
						     "同じ添付ファイルが二度指定されています");
	}
	in->attachments_json = json_dumps(a, JSON_COMPACT);
	in->n_attachments = json_array_size(a);
	*ok = true;
	return MHD_YES;
}

bool rec_post_input_read(struct cl_http_req *req, bool with_attachments,
			 struct rec_post_input *in)
{
	struct rec_app *app = req->app;
	memset(in, 0, sizeof *in);
	/* API.md answers invalid_json to text that is not JSON or not UTF-8
	 * (jansson refuses both and limits the depth itself) */
	json_error_t jerr;
	json_t *json = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json) {
		cl_http_error(req, 400, "invalid_json", "本文が JSON（UTF-8）として読めません");
		return false;
	}
	const char *text = NULL;
	size_t text_len = 0;
	json_t *mentions = NULL, *attachments = NULL;
	bool ok = false;
	int bad = with_attachments
		? json_unpack_ex(json, &jerr, JSON_STRICT, "{s:s%, s?o, s?o}", "body", &text,
				 &text_len, "mentions", &mentions, "attachments", &attachments)
		: json_unpack_ex(json, &jerr, JSON_STRICT, "{s:s%, s?o}", "body", &text,
				 &text_len, "mentions", &mentions);
	if (bad) {
		cl_http_error(req, 400, "invalid_json", jerr.text);
		goto out;
	}
	const char *start;
	size_t len, max = rec_cfg_post_body_max(app);
	char msg[128];
	switch (rec_post_body_check_max(text, text_len, max, &start, &len)) {
	case REC_BODY_EMPTY:
		cl_http_error(req, 400, "invalid_body", "本文が空です");
		goto out;
	case REC_BODY_TOO_LONG:
		snprintf(msg, sizeof msg, "本文は %zu 文字までです", max);
		cl_http_error(req, 400, "body_too_long", msg);
		goto out;
	case REC_BODY_OK:
		break;
	}
	if (memchr(start, '\0', len)) {
		cl_http_error(req, 400, "invalid_body", "本文に NUL 文字は使えません");
		goto out;
	}
	in->has_mentions = mentions != NULL;
	if (rec_mentions_parse(mentions, &in->mentions) < 0) {
		cl_http_error(req, 400, "invalid_json",
			      "mentions は {\"users\":[id...],\"organisations\":[id...]} です");
		goto out;
	}
	if (attachments) {
		attachments_read(req, attachments, in, &ok);
		if (!ok)
			goto out;
	}
	in->body = cl_xmalloc(len + 1);
	memcpy(in->body, start, len);
	in->body[len] = '\0';
	ok = true;
out:
	json_decref(json);
	return ok;
}

int rec_post_input_attach(struct cl_pg *pg, const struct cl_identity *who,
			  const char *post_id, const struct rec_post_input *in,
			  struct rec_refusal *r)
{
	if (!in->n_attachments)
		return 0;
	int rc = rec_db_attachment_claim(pg, who->tenant, who->user, post_id,
					 in->attachments_json, in->n_attachments);
	if (rc == CL_ENOENT)
		rc = rec_refuse(r, 400, "unknown_attachment",
				"添付ファイルが見つかりません（アップロードし直してください）");
	return rc;
}
