/* outbox.c - writing events in the caller's transaction; the inbox claim */
#include "carelink/outbox.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

json_t *cl_event_new(const char *tenant_id)
{
	char id[CL_UUID_LEN + 1];
	cl_uuid_new(id);
	return json_pack("{s:s, s:s, s:I}", "event_id", id, "tenant_id", tenant_id,
			 "time", (json_int_t)cl_now_ms());
}

int cl_outbox_add(struct cl_pg *pg, const struct cl_avro_registry *reg,
		  const char *topic, const char *key, const char *full_name,
		  const json_t *data)
{
	const char *event_id = json_string_value(json_object_get(data, "event_id"));
	const char *tenant = json_string_value(json_object_get(data, "tenant_id"));
	if (!event_id || !tenant) {
		cl_log_error("event lacks event_id or tenant_id", "type", full_name, NULL);
		return CL_EINVAL;
	}
	unsigned char *bytes = NULL;
	size_t len = 0;
	int rc = cl_avro_encode(reg, full_name, data, &bytes, &len);
	if (rc < 0) {
		cl_log_error("event does not match its schema", "type", full_name, NULL);
		return CL_EINVAL;
	}
	const char *params[6] = {topic, key, event_id, full_name, tenant, (const char *)bytes};
	int lengths[6] = {0, 0, 0, 0, 0, (int)len};
	int formats[6] = {0, 0, 0, 0, 0, 1};
	rc = cl_pg_exec_bin(pg, NULL,
			    "INSERT INTO cl_outbox (topic, key, event_id, event_type,"
			    " tenant_id, payload) VALUES ($1, $2, $3, $4, $5, $6)",
			    6, params, lengths, formats);
	free(bytes);
	return rc;
}

int cl_outbox_add_raw(struct cl_pg *pg, const char *topic, const char *key,
		      const char *event_id, const char *event_type, const char *tenant_id,
		      const char *content_type, const void *payload, size_t len)
{
	if (!topic || !*topic || !key || !*key || !event_id || !*event_id || !event_type ||
	    !*event_type || !tenant_id || !*tenant_id || !content_type || !*content_type ||
	    (!payload && len) || len > INT32_MAX) {
		cl_log_error("raw event lacks a field", "topic", topic ? topic : "", NULL);
		return CL_EINVAL;
	}
	const char *params[7] = {topic,     key,          event_id,
				 event_type, tenant_id,   content_type,
				 payload ? (const char *)payload : ""};
	int lengths[7] = {0, 0, 0, 0, 0, 0, (int)len};
	int formats[7] = {0, 0, 0, 0, 0, 0, 1};
	return cl_pg_exec_bin(pg, NULL,
			      "INSERT INTO cl_outbox (topic, key, event_id, event_type,"
			      " tenant_id, content_type, payload)"
			      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
			      7, params, lengths, formats);
}

int cl_inbox_claim(struct cl_pg *pg, const char *consumer, const char *event_id)
{
	PGresult *res;
	const char *p[2] = {consumer, event_id};
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO cl_inbox (consumer, event_id) VALUES ($1, $2)"
			    " ON CONFLICT DO NOTHING",
			    2, p);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n == 1 ? 1 : 0;
}
