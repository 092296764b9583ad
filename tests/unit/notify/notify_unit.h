/* notify_unit.h - what notify's unit tests share: the registry of
 * schemas/ and the round trip of an event through the Avro codec, so that
 * the planners see exactly what the consumer decodes. Define
 * NT_TEST_NAMESPACE ("carelink.posts." or "carelink.directory.") before
 * including it. */
#ifndef NT_TEST_NOTIFY_UNIT_H
#define NT_TEST_NOTIFY_UNIT_H

#include <stdio.h>
#include <stdlib.h>

#include "carelink/avro.h"

static struct cl_avro_registry *reg;

static int setup(void **state)
{
	(void)state;
	return cl_avro_registry_load(&reg, CL_SOURCE_DIR "/schemas") == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	cl_avro_registry_free(reg);
	return 0;
}

/* obj (taken) through the encoder and decoder of NT_TEST_NAMESPACE name */
static json_t *through_avro(const char *name, json_t *obj)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	json_t *out = NULL;
	char full[128];

	snprintf(full, sizeof full, "%s%s", NT_TEST_NAMESPACE, name);
	if (cl_avro_encode(reg, full, obj, &buf, &len) != 0)
		fail_msg("%s does not encode: %s", name, cl_avro_last_error());
	assert_int_equal(cl_avro_decode(reg, buf, len, &out, NULL), 0);
	free(buf);
	json_decref(obj);
	return out;
}

/* {"professions","organisations"} of two JSON array texts (an audience of
 * a space, the readers of an app) */
static __attribute__((unused)) json_t *prof_org(const char *professions,
						const char *organisations)
{
	return json_pack("{s:o, s:o}", "professions", json_loads(professions, 0, NULL),
			 "organisations", json_loads(organisations, 0, NULL));
}

#endif
