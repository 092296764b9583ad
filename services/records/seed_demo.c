/* seed_demo.c - carelink-records --seed-demo: the demo spaces (readers,
 * admins) and their standing threads from tools/demo/seed.json, inserted
 * idempotently; each new space is announced with SpaceChanged CREATED */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdio.h>
#include <stdlib.h>

/* who the seed's SpaceChanged events name as the actor */
#define SEED_ACTOR_ID "seed"
#define SEED_ACTOR_NAME "初期データ"

struct seed_tx {
	const struct cl_avro_registry *schemas; /* borrowed */
	const char *tenant_id; /* borrowed */
	json_t *spaces;        /* borrowed: the "spaces" array */
	size_t new_spaces, new_threads;
};

static bool strings_only(const json_t *a)
{
	size_t i;
	json_t *v;
	if (!json_is_array(a))
		return false;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return false;
	return true;
}

/* Insert one space of the file and its threads, positioned by their order. */
static int seed_space(struct cl_pg *pg, struct seed_tx *s, json_t *space)
{
	const char *id, *name, *description = "";
	json_t *professions = NULL, *organisations = NULL, *admins = NULL, *threads = NULL;
	json_error_t jerr;
	if (json_unpack_ex(space, &jerr, JSON_STRICT, "{s:s, s:s, s?s, s?o, s?o, s?o, s?o}",
			   "id", &id, "name", &name, "description", &description,
			   "professions", &professions, "organisations", &organisations,
			   "admins", &admins, "threads", &threads) ||
	    !cl_uuid_valid(id) || (professions && !strings_only(professions)) ||
	    (organisations && !strings_only(organisations)) ||
	    (admins && !strings_only(admins)) || (threads && !strings_only(threads))) {
		cl_log_error("seed space is malformed", "detail", jerr.text, NULL);
		return CL_EINVAL;
	}
	char *prof = professions ? json_dumps(professions, JSON_COMPACT) : NULL;
	char *orgs = organisations ? json_dumps(organisations, JSON_COMPACT) : NULL;
	char *adms = admins ? json_dumps(admins, JSON_COMPACT) : NULL;
	struct rec_space_seed seed = {
		.tenant_id = s->tenant_id,
		.id = id,
		.name = name,
		.description = description,
		.professions_json = prof ? prof : "[]",
		.organisations_json = orgs ? orgs : "[]",
		.admins_json = adms,
	};
	bool inserted;
	int rc = rec_db_space_seed(pg, &seed, &inserted);
	free(prof);
	free(orgs);
	free(adms);
	if (rc < 0)
		return rc;
	s->new_spaces += inserted;
	if (inserted) {
		json_t *empty = json_array();
		struct rec_space ev = {
			.name = (char *)name,
			.description = (char *)description,
			.professions = professions ? professions : empty,
			.organisations = organisations ? organisations : empty,
			.admins = admins ? admins : empty,
		};
		cl_strlcpy(ev.id, id, sizeof ev.id);
		rc = rec_space_event_add(pg, s->schemas, s->tenant_id, &ev, "CREATED",
					 SEED_ACTOR_ID, SEED_ACTOR_NAME);
		json_decref(empty);
		if (rc < 0)
			return rc;
	}

	size_t i;
	json_t *title;
	json_array_foreach(threads, i, title) {
		rc = rec_db_thread_seed(pg, s->tenant_id, id, json_string_value(title),
					(int)i + 1, &inserted);
		if (rc < 0)
			return rc;
		s->new_threads += inserted;
	}
	return 0;
}

static int seed_body(struct cl_pg *pg, void *arg)
{
	struct seed_tx *s = arg;
	size_t i;
	json_t *space;
	s->new_spaces = s->new_threads = 0;
	json_array_foreach(s->spaces, i, space) {
		int rc = seed_space(pg, s, space);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rec_seed_demo(struct rec_app *app)
{
	json_error_t jerr;
	json_t *root = cl_service_json_file(app->svc, "tools/demo/seed.json");
	if (!root)
		return CL_EINVAL;
	/* the file also seeds other services: only these keys are ours */
	struct seed_tx s = {.schemas = app->svc->schemas};
	if (json_unpack_ex(root, &jerr, 0, "{s:{s:s}, s:o}", "tenant", "id",
			   &s.tenant_id, "spaces", &s.spaces) ||
	    !json_is_array(s.spaces)) {
		cl_log_error("demo seed lacks tenant.id or spaces", "detail", jerr.text, NULL);
		json_decref(root);
		return CL_EINVAL;
	}
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, seed_body, &s);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == 0) {
		char spaces[32], threads[32];
		snprintf(spaces, sizeof spaces, "%zu", s.new_spaces);
		snprintf(threads, sizeof threads, "%zu", s.new_threads);
		cl_log_info("demo seed applied", "new_spaces", spaces, "new_threads",
			    threads, NULL);
	} else {
		cl_log_error("demo seed failed", "detail", cl_strerror(rc), NULL);
	}
	json_decref(root);
	return rc;
}
