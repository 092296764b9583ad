/* entries.h - timeline entries of patient files, their attachments, read
 * marks, last values, entry templates and round entry inside
 * carelink-records (PATIENTS.md "Timeline entries", "Fast entry") */
#ifndef REC_ENTRIES_H
#define REC_ENTRIES_H

#include "patients.h"

#define REC_ENTRIES_LIMIT_DEFAULT 50
#define REC_ENTRIES_LIMIT_MAX 200
#define REC_ENTRY_TEXT_MAX 10000
#define REC_ENTRY_ATTACHMENTS_MAX 10
#define REC_ENTRY_ADDRESSED_MAX 50
#define REC_ROUND_MAX 50
#define REC_TEMPLATE_NAME_MAX 100

/* ---- the pure rules of entries (entry_fields.c) ---- */

/* Why fields were refused: a 400 with code and a Japanese message naming
 * the field. */
struct rec_entry_problem {
	const char *code;  /* invalid_code, invalid_vitals, invalid_fields, ... */
	char message[192];
};

/* rec_entry_category_ok() - one of visit_note, vitals, medication, adl,
 * incident, message. */
bool rec_entry_category_ok(const char *category);

/* rec_entry_fields_check() - the fields (a JSON object or NULL) and text
 * (NULL: none) of an entry of category: ranges of vitals (diastolic below
 * systolic), codes of medication, adl and incident, text required for
 * visit notes and messages, at least one field or text. true when good;
 * false with p filled. Borrowed arguments. */
bool rec_entry_fields_check(const char *category, const json_t *fields, const char *text,
			    struct rec_entry_problem *p);

/* rec_template_fields_check() - the defaults of a template: the same field
 * names and ranges as an entry's, but none required. */
bool rec_template_fields_check(const char *category, const json_t *fields,
			       struct rec_entry_problem *p);

/* ---- one entry to write (entry_write.c), shared by POST entries and
 * rounds ---- */

/* An entry as asked for; strings and JSON borrowed from the request body. */
struct rec_entry_input {
	const char *patient_id;
	const char *category;
	const json_t *fields;       /* object or NULL */
	const char *text;           /* NULL: none */
	const json_t *addressed_to; /* array of user ids or NULL */
	const char *corrects;       /* entry id or NULL */
	const json_t *attachments;  /* array of attachment ids or NULL */
};

/* rec_entry_input_read() - unpack one entry object strictly (with_patient:
 * a round's entry, with patient_id; else patient_id is left alone and
 * corrects/attachments are accepted) and check its fields. false with p
 * filled when refused. */
bool rec_entry_input_read(const json_t *obj, bool with_patient, struct rec_entry_input *in,
			  struct rec_entry_problem *p);

/* rec_entry_write() - inside a transaction opened with
 * rec_patient_session(): check who's access to in->patient_id (CL_ENOENT
 * when not on the team; *denied set), the addressees (400 not_in_team), the
 * corrected entry (404 entry_not_found) and the attachments (400
 * unknown_attachment) into r, insert the entry with its write audit row
 * (route and address from audit) and PatientEntryAdded; fills id. */
int rec_entry_write(struct cl_pg *pg, const struct rec_app *app, const struct cl_identity *who,
		    const struct rec_entry_input *in, const struct rec_audit *audit,
		    struct rec_refusal *r, bool *denied, char id[CL_UUID_LEN + 1]);

/* rec_entry_event_add() - PatientEntryAdded of an entry to the outbox
 * (entry_event.c): ids, category, author, addressees, corrects; never
 * text or names. */
int rec_entry_event_add(struct cl_pg *pg, const struct rec_app *app,
			const struct cl_identity *who, const char *patient_id,
			const char *entry_id, const char *category, const json_t *addressed_to,
			const char *corrects);

/* ---- handlers, one per file ---- */
enum MHD_Result rec_entry_list(struct cl_http_req *req);      /* entry_list.c */
enum MHD_Result rec_entry_create(struct cl_http_req *req);    /* entry_create.c */
enum MHD_Result rec_entry_get(struct cl_http_req *req);       /* entry_get.c */
enum MHD_Result rec_entry_read_mark(struct cl_http_req *req); /* entry_read.c */
enum MHD_Result rec_patient_attachment_upload(struct cl_http_req *req);
enum MHD_Result rec_patient_attachment_get(struct cl_http_req *req);
enum MHD_Result rec_last_values_get(struct cl_http_req *req); /* last_values.c */
enum MHD_Result rec_template_list(struct cl_http_req *req);   /* template_list.c */
enum MHD_Result rec_template_create(struct cl_http_req *req); /* template_create.c */
enum MHD_Result rec_template_delete(struct cl_http_req *req); /* template_delete.c */
enum MHD_Result rec_round_create(struct cl_http_req *req);    /* round_create.c */

/* ---- SQL: one function per statement (db_entry.c, db_template.c) ----
 * Each returns 0 or a cl_pg_exec() code; CL_ENOENT where a row must exist.
 * Patient rows are also filtered by row-level security. */

/* rec_db_entry_insert() - the entry of in by who (role: who's role on the
 * team), addressees as a JSON array text; fills id. */
int rec_db_entry_insert(struct cl_pg *pg, const struct cl_identity *who, const char *role,
			const struct rec_entry_input *in, const char *fields_json,
			const char *addressed_json, char id[CL_UUID_LEN + 1]);
/* rec_db_entry_seed() - a demo entry with a fixed id, minutes_ago in the
 * past; *created false when the id exists (nothing changes). */
int rec_db_entry_seed(struct cl_pg *pg, const struct cl_identity *who, const char *role,
		      const char *id, const struct rec_entry_input *in, const char *fields_json,
		      const char *addressed_json, long minutes_ago, bool *created);
/* rec_db_entry_patient() - the patient of entry id (of who's tenant) into
 * patient_id; CL_ENOENT when unknown or hidden. */
int rec_db_entry_patient(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			 char patient_id[CL_UUID_LEN + 1]);
/* rec_db_entry_json() - entry id as the API's entry object seen by who. */
int rec_db_entry_json(struct cl_pg *pg, const struct cl_identity *who, const char *id,
		      json_t **out);
/* rec_db_entry_list() - entries of a patient newest first: category (NULL:
 * all), before an entry id (NULL: from the newest), at most limit; a JSON
 * array in *out. */
int rec_db_entry_list(struct cl_pg *pg, const struct cl_identity *who, const char *patient_id,
		      const char *category, const char *before, long limit, json_t **out);
/* rec_db_entry_read_mark() - who's read mark on entry id (once). */
int rec_db_entry_read_mark(struct cl_pg *pg, const struct cl_identity *who,
			   const char *patient_id, const char *id);
/* rec_db_entry_addressees_check() - CL_ENOENT unless every user id of the
 * JSON array text ids is a current member of the patient's team. */
int rec_db_entry_addressees_check(struct cl_pg *pg, const char *patient_id, const char *ids,
				  size_t n);
/* rec_db_entry_last_values() - {"vitals":{field:{value,at}},"adl":{...}}. */
int rec_db_entry_last_values(struct cl_pg *pg, const char *patient_id, json_t **out);

/* An uploaded patient attachment. */
struct rec_patient_file_new {
	const char *tenant_id, *patient_id, *uploader_id, *filename, *content_type;
	const char *data;
	size_t size;
};
int rec_db_entry_attachment_insert(struct cl_pg *pg, const struct rec_patient_file_new *a,
				   char id[CL_UUID_LEN + 1]);
/* rec_db_entry_attachment_claim() - give the n uploads ids_json (JSON array
 * text) of who for patient_id to entry_id; CL_ENOENT unless all n were
 * unclaimed uploads of who for that patient. */
int rec_db_entry_attachment_claim(struct cl_pg *pg, const struct cl_identity *who,
				  const char *patient_id, const char *entry_id,
				  const char *ids_json, size_t n);
/* rec_db_entry_attachment_patient() - the patient of attachment id. */
int rec_db_entry_attachment_patient(struct cl_pg *pg, const struct cl_identity *who,
				    const char *id, char patient_id[CL_UUID_LEN + 1]);
/* rec_db_entry_attachment_get() - the bytes of attachment id; owned by the
 * caller (data with PQfreemem, the strings with free). */
int rec_db_entry_attachment_get(struct cl_pg *pg, const struct cl_identity *who,
				const char *id, struct rec_attachment_file *out);

/* templates (db_template.c): no patient data, scoped by tenant */
int rec_db_template_list(struct cl_pg *pg, const struct cl_identity *who, json_t **out);
int rec_db_template_insert(struct cl_pg *pg, const struct cl_identity *who, const char *name,
			   const char *category, const char *fields_json, const char *text,
			   bool shared, json_t **out);
/* rec_db_template_delete() - template id if who owns it, or it is shared
 * and admin; CL_ENOENT otherwise. */
int rec_db_template_delete(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			   bool admin);

/* rec_seed_demo_patients() - the demo patients, teams and entries of
 * tools/demo/patients.json; idempotent (seed_patients.c). */
int rec_seed_demo_patients(struct rec_app *app);

#endif
