/* entry_write.c - one timeline entry: its input read from JSON, then
 * written with its checks (team, addressees, corrected entry,
 * attachments), its audit row and PatientEntryAdded; shared by POST
 * /v1/patients/:id/entries and POST /v1/rounds */
#include "entries.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool bad_body(struct rec_entry_problem *p, const char *message)
{
	p->code = "invalid_body";
	cl_strlcpy(p->message, message, sizeof p->message);
	return false;
}

/* a JSON array of at most max non-empty strings, none twice */
static bool id_array_ok(const json_t *a, size_t max, bool uuids)
{
	if (!json_is_array(a) || json_array_size(a) > max)
		return false;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (!s || !*s || strlen(s) >= CL_IDENTITY_FIELD_MAX || (uuids && !cl_uuid_valid(s)))
			return false;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s, json_string_value(json_array_get(a, j))))
				return false;
	}
	return true;
}

bool rec_entry_input_read(const json_t *obj, bool with_patient, struct rec_entry_input *in,
			  struct rec_entry_problem *p)
{
	json_error_t jerr;
	const char *patient_id = NULL, *category = NULL, *text = NULL, *corrects = NULL;
	json_t *fields = NULL, *to = NULL, *attachments = NULL;
	/* an optional member given as null is absent; the copy shares its
	 * values with obj, so what is unpacked stays valid while obj lives */
	json_t *o = json_copy((json_t *)obj);
	const char *key;
	json_t *value;
	void *tmp;
	json_object_foreach_safe(o, tmp, key, value)
		if (json_is_null(value))
			json_object_del(o, key);
	int bad = with_patient
		? json_unpack_ex(o, &jerr, JSON_STRICT,
				 "{s:s, s:s, s?o, s?s, s?o}", "patient_id", &patient_id,
				 "category", &category, "fields", &fields, "text", &text,
				 "addressed_to", &to)
		: json_unpack_ex(o, &jerr, JSON_STRICT,
				 "{s:s, s?o, s?s, s?o, s?s, s?o}", "category", &category, "fields",
				 &fields, "text", &text, "addressed_to", &to, "corrects",
				 &corrects, "attachments", &attachments);
	json_decref(o);
	if (bad) {
		p->code = "invalid_body";
		snprintf(p->message, sizeof p->message, "記録の形式が正しくありません: %.100s",
			 jerr.text);
		return false;
	}
	if (!rec_entry_fields_check(category, fields, text, p))
		return false;
	if (to && json_array_size(to) > 0 && strcmp(category, "message"))
		return bad_body(p, "宛先 (addressed_to) を付けられるのは連絡 (message) だけです");
	if (to && !id_array_ok(to, REC_ENTRY_ADDRESSED_MAX, false))
		return bad_body(p, "addressed_to は重複のない利用者 ID の配列 (50 件まで) です");
	if (attachments && !id_array_ok(attachments, REC_ENTRY_ATTACHMENTS_MAX, true)) {
		p->code = "unknown_attachment";
		cl_strlcpy(p->message, "添付ファイルが見つからないか、すでに使われています",
			   sizeof p->message);
		return false;
	}
	if (with_patient)
		in->patient_id = patient_id;
	in->category = category;
	in->fields = fields;
	in->text = text;
	in->addressed_to = to;
	in->corrects = corrects;
	in->attachments = attachments;
	return true;
}

int rec_entry_write(struct cl_pg *pg, const struct rec_app *app, const struct cl_identity *who,
		    const struct rec_entry_input *in, const struct rec_audit *audit,
		    struct rec_refusal *r, bool *denied, char id[CL_UUID_LEN + 1])
{
	char role[REC_PATIENT_ROLE_MAX];
	char *fields_text = NULL, *to_text = NULL, *att_text = NULL;
	int rc = rec_patient_access(pg, who, in->patient_id, role);
	if (rc == CL_ENOENT)
		*denied = true;
	if (rc < 0)
		return rc;
	if (in->corrects) {
		char of[CL_UUID_LEN + 1];
		rc = cl_uuid_valid(in->corrects) ? rec_db_entry_patient(pg, who, in->corrects, of)
						 : CL_ENOENT;
		if (rc == 0 && strcmp(of, in->patient_id))
			rc = CL_ENOENT;
		if (rc == CL_ENOENT)
			return rec_refuse(r, 404, "entry_not_found",
					  "訂正する記録が見つかりません");
		if (rc < 0)
			return rc;
	}
	json_t *empty = json_array();
	const json_t *to = in->addressed_to ? in->addressed_to : empty;
	to_text = json_dumps(to, JSON_COMPACT);
	if (json_array_size(to) > 0) {
		rc = rec_db_entry_addressees_check(pg, in->patient_id, to_text,
						   json_array_size(to));
		if (rc == CL_ENOENT)
			rc = rec_refuse(r, 400, "not_in_team",
					"宛先にこの利用者のケアチームでない人が含まれています");
		if (rc < 0)
			goto out;
	}
	json_t *no_fields = json_object();
	fields_text = json_dumps(in->fields ? in->fields : no_fields, JSON_COMPACT);
	json_decref(no_fields);
	rc = rec_db_entry_insert(pg, who, role, in, fields_text, to_text, id);
	if (rc < 0)
		goto out;
	if (json_array_size(in->attachments) > 0) {
		att_text = json_dumps(in->attachments, JSON_COMPACT);
		rc = rec_db_entry_attachment_claim(pg, who, in->patient_id, id, att_text,
						   json_array_size(in->attachments));
		if (rc == CL_ENOENT)
			rc = rec_refuse(r, 400, "unknown_attachment",
					"添付ファイルが見つからないか、すでに使われています");
		if (rc < 0)
			goto out;
	}
	struct rec_audit a = *audit;
	a.patient_id = in->patient_id;
	a.entry_id = id;
	a.action = "write";
	a.outcome = "ok";
	rc = rec_audit_add(pg, app->svc->schemas, &a);
	if (rc < 0)
		goto out;
	rc = rec_entry_event_add(pg, app, who, in->patient_id, id, in->category, to,
				 in->corrects);
out:
	json_decref(empty);
	free(fields_text);
	free(to_text);
	free(att_text);
	return rc;
}
