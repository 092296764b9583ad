/* seed_patients.c - carelink-records --seed-demo: the demo patient files
 * of tools/demo/patients.json (patients, care teams, timeline entries) for
 * the demo users of tools/demo/seed.json. Fixed ids make it idempotent: a
 * patient that exists is skipped whole. Each row is written as its person
 * (row-level security sees them), with CareTeamChanged and
 * PatientEntryAdded so that notify learns the teams. */
#include "entries.h"
#include "patient_parts.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct seed_patients {
	struct rec_app *app;     /* borrowed */
	const char *tenant_id;   /* borrowed from seed */
	json_t *users;           /* borrowed from seed */
	json_t *patients;        /* borrowed */
	size_t new_patients, new_entries;
};

static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

/* the demo user id as an identity of the tenant */
static int seed_identity(const struct seed_patients *s, const char *user_id,
			 struct cl_identity *who)
{
	size_t i;
	const json_t *u;
	json_array_foreach(s->users, i, u) {
		if (strcmp(str(u, "id"), user_id))
			continue;
		memset(who, 0, sizeof *who);
		cl_strlcpy(who->user, user_id, sizeof who->user);
		cl_strlcpy(who->name, str(u, "name"), sizeof who->name);
		cl_strlcpy(who->tenant, s->tenant_id, sizeof who->tenant);
		cl_strlcpy(who->organisation, str(u, "organisation"), sizeof who->organisation);
		cl_strlcpy(who->profession, str(u, "profession"), sizeof who->profession);
		cl_strlcpy(who->roles[0], "member", sizeof who->roles[0]);
		who->n_roles = 1;
		return 0;
	}
	cl_log_error("demo patient names an unknown user", "user_id", user_id, NULL);
	return CL_EINVAL;
}

/* the role of user in the patient's team of the demo file */
static const char *team_role(const json_t *p, const char *user_id)
{
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(p, "team"), i, m)
		if (!strcmp(str(m, "user"), user_id))
			return str(m, "role");
	return NULL;
}

static int team_seed(struct cl_pg *pg, struct seed_patients *s, const json_t *p,
		     const struct cl_identity *creator)
{
	const char *pid = str(p, "id");
	/* the creator first: the first member of a new file is its creator */
	const char *role = team_role(p, creator->user);
	if (!role) {
		cl_log_error("demo patient's creator is not on its team", "patient_id", pid, NULL);
		return CL_EINVAL;
	}
	int rc = rec_db_team_insert(pg, creator, pid, creator->user, role);
	if (rc == 0)
		rc = rec_team_event_add(pg, s->app->svc->schemas, s->tenant_id, pid,
					creator->user, NULL);
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(p, "team"), i, m) {
		if (rc < 0 || !strcmp(str(m, "user"), creator->user))
			continue;
		struct cl_identity who;
		rc = seed_identity(s, str(m, "user"), &who);
		if (rc == 0)
			rc = rec_db_team_insert(pg, creator, pid, who.user, str(m, "role"));
		if (rc == 0)
			rc = rec_team_event_add(pg, s->app->svc->schemas, s->tenant_id, pid,
						who.user, NULL);
	}
	return rc;
}

static int entry_seed(struct cl_pg *pg, struct seed_patients *s, const json_t *p,
		      const json_t *e)
{
	struct cl_identity who;
	const char *pid = str(p, "id"), *id = str(e, "id");
	int rc = seed_identity(s, str(e, "author"), &who);
	if (rc < 0)
		return rc;
	const char *role = team_role(p, who.user);
	struct rec_entry_input in = {.patient_id = pid};
	struct rec_entry_problem problem = {0};
	json_t *obj = json_pack("{s:s}", "category", str(e, "category"));
	const char *keys[] = {"fields", "text", "addressed_to"};
	for (size_t k = 0; k < 3; k++)
		if (json_object_get(e, keys[k]))
			json_object_set(obj, keys[k], json_object_get(e, keys[k]));
	if (!role || !cl_uuid_valid(id) || !rec_entry_input_read(obj, false, &in, &problem)) {
		cl_log_error("demo entry is malformed", "entry_id", id, "detail", problem.message,
			     NULL);
		json_decref(obj);
		return CL_EINVAL;
	}
	json_t *empty_o = json_object(), *empty_a = json_array();
	char *fields = json_dumps(in.fields ? in.fields : empty_o, JSON_COMPACT);
	char *to = json_dumps(in.addressed_to ? in.addressed_to : empty_a, JSON_COMPACT);
	bool created = false;
	rc = rec_patient_session(pg, &who);
	if (rc == 0)
		rc = rec_db_entry_seed(pg, &who, role, id, &in, fields, to,
				       (long)json_integer_value(json_object_get(e, "minutes_ago")),
				       &created);
	if (rc == 0 && created) {
		s->new_entries++;
		rc = rec_entry_event_add(pg, s->app, &who, pid, id, in.category, in.addressed_to,
					 NULL);
	}
	free(fields);
	free(to);
	json_decref(empty_o);
	json_decref(empty_a);
	json_decref(obj);
	return rc;
}

static int patient_seed(struct cl_pg *pg, struct seed_patients *s, const json_t *p)
{
	struct cl_identity creator;
	const char *pid = str(p, "id");
	int rc = seed_identity(s, str(p, "created_by"), &creator);
	if (rc < 0)
		return rc;
	rc = rec_patient_session(pg, &creator);
	bool exists = false;
	if (rc == 0)
		rc = rec_db_patient_exists(pg, pid, &exists);
	if (rc < 0 || exists)
		return rc;
	const json_t *consent = json_object_get(p, "consent");
	char *contacts = json_dumps(json_object_get(p, "contacts"), JSON_COMPACT);
	struct rec_patient_fields f = {
		.name = (char *)str(p, "name"),
		.kana = (char *)str(p, "kana"),
		.birth_date = str(p, "birth_date"),
		.address = str(p, "address"),
		.care_level = str(p, "care_level"),
		.contacts = contacts,
		.has_consent = consent != NULL,
		.consent_given = json_is_true(json_object_get(consent, "given")),
		.consent_date = str(consent, "date"),
		.consent_scope = str(consent, "scope"),
		.consent_note = str(consent, "note"),
	};
	rc = rec_db_patient_insert(pg, &creator, pid, &f);
	free(contacts);
	if (rc == 0)
		rc = team_seed(pg, s, p, &creator);
	size_t i;
	const json_t *e;
	json_array_foreach(json_object_get(p, "entries"), i, e) {
		if (rc < 0)
			break;
		rc = entry_seed(pg, s, p, e);
	}
	if (rc == 0)
		s->new_patients++;
	return rc;
}

static int seed_body(struct cl_pg *pg, void *arg)
{
	struct seed_patients *s = arg;
	s->new_patients = s->new_entries = 0;
	size_t i;
	const json_t *p;
	int rc = 0;
	json_array_foreach(s->patients, i, p) {
		if (!cl_uuid_valid(str(p, "id"))) {
			cl_log_error("demo patient has no valid id", NULL);
			return CL_EINVAL;
		}
		rc = patient_seed(pg, s, p);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rec_seed_demo_patients(struct rec_app *app)
{
	json_t *seed = cl_service_json_file(app->svc, "tools/demo/seed.json");
	json_t *patients = cl_service_json_file(app->svc, "tools/demo/patients.json");
	int rc = CL_EINVAL;
	struct seed_patients s = {.app = app};
	json_error_t jerr;
	if (!seed || !patients)
		goto out;
	if (json_unpack_ex(seed, &jerr, 0, "{s:{s:s}, s:o}", "tenant", "id", &s.tenant_id,
			   "users", &s.users) ||
	    json_unpack_ex(patients, &jerr, 0, "{s:o}", "patients", &s.patients) ||
	    !json_is_array(s.users) || !json_is_array(s.patients)) {
		cl_log_error("demo patients are malformed", "detail", jerr.text, NULL);
		goto out;
	}
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, seed_body, &s);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == 0) {
		char np[32], ne[32];
		snprintf(np, sizeof np, "%zu", s.new_patients);
		snprintf(ne, sizeof ne, "%zu", s.new_entries);
		cl_log_info("demo patients applied", "new_patients", np, "new_entries", ne, NULL);
	} else {
		cl_log_error("demo patients failed", "detail", cl_strerror(rc), NULL);
	}
out:
	json_decref(seed);
	json_decref(patients);
	return rc;
}
