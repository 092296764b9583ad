/* people_consumer.c - carelink.identity consumer: each UserChanged upserts
 * records' copy of the person and each OrganisationChanged its copy of the
 * organisation, an older state never overwriting a newer */
#include "organisations.h"
#include "records.h"
#include "carelink/avro.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* borrowed string member, NULL when absent */
static const char *str_of(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

struct person_tx {
	const struct rec_person *person;
	bool stored;
};

static int person_tx_run(struct cl_pg *pg, void *arg)
{
	struct person_tx *t = arg;
	return rec_db_person_upsert(pg, t->person, &t->stored);
}

static int user_changed(struct rec_app *app, const json_t *ev, char *reason,
			size_t reason_size)
{
	json_t *roles = json_object_get(ev, "roles");
	json_t *active = json_object_get(ev, "active");
	json_t *time = json_object_get(ev, "time");
	const char *org_name = str_of(ev, "organisation_name");
	struct rec_person p = {
		.tenant_id = str_of(ev, "tenant_id"),
		.user_id = str_of(ev, "user_id"),
		.display_name = str_of(ev, "display_name"),
		.organisation_id = str_of(ev, "organisation_id"),
		.organisation_name = org_name ? org_name : "",
		.profession = str_of(ev, "profession"),
		.active = json_is_true(active),
		.time_ms = json_integer_value(time),
	};
	if (!p.tenant_id || !*p.tenant_id || !p.user_id || !*p.user_id || !p.display_name ||
	    !p.organisation_id || !p.profession || !json_is_array(roles) ||
	    !json_is_boolean(active) || !json_is_integer(time)) {
		snprintf(reason, reason_size, "userchanged lacks a required value");
		return CL_EINVAL;
	}
	char *roles_json = json_dumps(roles, JSON_COMPACT);
	if (!roles_json)
		abort();
	p.roles_json = roles_json;
	struct person_tx t = {.person = &p};
	int rc = cl_pg_tx(&app->people_pg, CL_PG_READ_COMMITTED, person_tx_run, &t);
	free(roles_json);
	if (rc == 0 && t.stored)
		cl_log_debug("person stored", "user_id", p.user_id, "tenant_id", p.tenant_id,
			     NULL);
	else if (rc == 0) /* a replay or a late retry: rare enough to tell */
		cl_log_info("older person state ignored", "user_id", p.user_id, "tenant_id",
			    p.tenant_id, NULL);
	else if (rc != CL_ERETRY && rc != CL_EIO)
		snprintf(reason, reason_size, "cannot store person: %s", cl_strerror(rc));
	return rc == CL_EIO ? CL_ERETRY : rc;
}

struct organisation_tx {
	const struct rec_organisation *org;
	bool stored;
};

static int organisation_tx_run(struct cl_pg *pg, void *arg)
{
	struct organisation_tx *t = arg;
	return rec_db_organisation_upsert(pg, t->org, &t->stored);
}

static int organisation_changed(struct rec_app *app, const json_t *ev, char *reason,
				size_t reason_size)
{
	json_t *time = json_object_get(ev, "time");
	struct rec_organisation o = {
		.tenant_id = str_of(ev, "tenant_id"),
		.organisation_id = str_of(ev, "organisation_id"),
		.name = str_of(ev, "name"),
		.kind = str_of(ev, "kind"),
		.time_ms = json_integer_value(time),
	};
	if (!o.tenant_id || !*o.tenant_id || !o.organisation_id || !*o.organisation_id ||
	    !o.name || !o.kind || !json_is_integer(time)) {
		snprintf(reason, reason_size, "organisationchanged lacks a required value");
		return CL_EINVAL;
	}
	struct organisation_tx t = {.org = &o};
	int rc = cl_pg_tx(&app->people_pg, CL_PG_READ_COMMITTED, organisation_tx_run, &t);
	if (rc == 0 && t.stored)
		cl_log_debug("organisation stored", "organisation_id", o.organisation_id,
			     "tenant_id", o.tenant_id, NULL);
	else if (rc == 0)
		cl_log_info("older organisation state ignored", "organisation_id",
			    o.organisation_id, "tenant_id", o.tenant_id, NULL);
	else if (rc != CL_ERETRY && rc != CL_EIO)
		snprintf(reason, reason_size, "cannot store organisation: %s", cl_strerror(rc));
	return rc == CL_EIO ? CL_ERETRY : rc;
}

int rec_people_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
		       size_t reason_size)
{
	struct rec_app *app = arg;
	json_t *ev = NULL;
	const char *type = NULL;
	int rc = cl_avro_decode(app->svc->schemas, msg->payload, msg->len, &ev, &type);
	if (rc < 0) {
		snprintf(reason, reason_size, "invalid avro: %s", cl_avro_last_error());
		return CL_EINVAL;
	}
	if (!strcmp(type, REC_EVENT_USER_CHANGED))
		rc = user_changed(app, ev, reason, reason_size);
	else if (!strcmp(type, REC_EVENT_ORGANISATION_CHANGED))
		rc = organisation_changed(app, ev, reason, reason_size);
	else
		rc = 0; /* other identity events are not ours */
	json_decref(ev);
	return rc;
}
