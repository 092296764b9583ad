/* app_input.c - the body of POST and PATCH /v1/apps: name, description,
 * fields, read and write rules, checked and normalised */
#include "records.h"

#include <stdlib.h>
#include <string.h>

void rec_app_input_release(struct rec_app_input *in)
{
	free(in->key);
	free(in->name);
	free(in->description);
	json_decref(in->fields);
	json_decref(in->read);
	json_decref(in->write);
	memset(in, 0, sizeof *in);
}

bool rec_app_input_read(struct cl_http_req *req, bool create, const json_t *old_fields,
			struct rec_app_input *in)
{
	memset(in, 0, sizeof *in);
	json_t *body = cl_http_body_json(req);
	if (!body)
		return false;
	const char *key = NULL, *name = NULL, *description = NULL;
	json_t *fields = NULL, *read = NULL, *write = NULL;
	json_error_t jerr;
	char msg[512];
	bool ok = false;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s?s, s?s, s?s, s?o, s?o, s?o}", "key", &key,
			   "name", &name, "description", &description, "fields", &fields, "read",
			   &read, "write", &write) ||
	    (key && !create)) {
		cl_http_error(req, 400, "invalid_app",
			      create ? "key, name, description, fields, read, write だけを指定してください"
				     : "name, description, fields, read, write だけを指定してください");
		goto out;
	}
	if (key && !rec_app_key_valid(key)) {
		cl_http_error(req, 400, "invalid_app",
			      "アプリのキー（key）は英小文字で始まる英小文字・数字・_の1〜40文字にしてください");
		goto out;
	}
	in->key = key ? cl_xstrdup(key) : NULL;
	size_t n = 0;
	if (name || create) {
		in->name = rec_text_trim(name ? name : "", &n);
		if (n < 1 || n > REC_APP_NAME_MAX) {
			cl_http_error(req, 400, "invalid_app", "アプリ名（name）は1〜100文字で入力してください");
			goto out;
		}
	}
	if (description) {
		in->description = rec_text_trim(description, &n);
		if (n > REC_APP_DESCRIPTION_MAX) {
			cl_http_error(req, 400, "invalid_app", "説明（description）は2000文字までです");
			goto out;
		}
	}
	if (fields || create) {
		in->fields = rec_app_fields_check(fields, old_fields, msg, sizeof msg);
		if (!in->fields) {
			cl_http_error(req, 400, "invalid_field", msg);
			goto out;
		}
	}
	if (read || create) {
		in->read = rec_app_rule_check(read, false, msg, sizeof msg);
		if (!in->read) {
			cl_http_error(req, 400, "invalid_app", msg);
			goto out;
		}
	}
	if (write || create) {
		in->write = rec_app_rule_check(write, true, msg, sizeof msg);
		if (!in->write) {
			cl_http_error(req, 400, "invalid_app", msg);
			goto out;
		}
	}
	ok = true;
out:
	json_decref(body);
	return ok;
}
