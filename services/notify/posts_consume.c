/* posts_consume.c - the carelink.posts consumer: decode an event, pick its
 * planner by the schema's full name, apply the plan; other types are
 * ignored, undecodable messages go to the dead-letter topic */
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include "carelink/avro.h"
#include "carelink/err.h"
#include "carelink/log.h"

static const struct {
	const char *schema;
	nt_plan_fn plan;
} nt_planners[] = {
	{NT_SCHEMA_SPACE_CHANGED, nt_space_changed_plan},
	{NT_SCHEMA_POST_CREATED, nt_post_created_plan},
	{NT_SCHEMA_COMMENT_ADDED, nt_comment_added_plan},
	{NT_SCHEMA_POST_EDITED, nt_post_edited_plan},
	{NT_SCHEMA_POST_DELETED, nt_post_deleted_plan},
	{NT_SCHEMA_POST_CONFIRMED, nt_post_confirmed_plan},
};

static nt_plan_fn planner_of(const char *type)
{
	for (size_t i = 0; i < sizeof nt_planners / sizeof nt_planners[0]; i++)
		if (strcmp(type, nt_planners[i].schema) == 0)
			return nt_planners[i].plan;
	return NULL;
}

int nt_posts_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
		     size_t reason_size)
{
	struct nt_app *app = arg;
	json_t *ev = NULL;
	const char *type = NULL;
	int rc = cl_avro_decode(app->svc->schemas, msg->payload, msg->len, &ev, &type);
	if (rc < 0) {
		snprintf(reason, reason_size, "invalid avro: %s", cl_avro_last_error());
		return CL_EINVAL;
	}
	nt_plan_fn plan_fn = planner_of(type);
	if (!plan_fn) {
		cl_log_debug("event ignored", "type", type, NULL);
		json_decref(ev);
		return 0;
	}
	struct nt_plan plan;
	rc = plan_fn(ev, &plan, reason, reason_size);
	if (rc == 0)
		rc = nt_plan_apply(app, &plan, reason, reason_size);
	nt_plan_release(&plan);
	json_decref(ev);
	return rc;
}
