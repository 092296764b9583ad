/* fuzz_avro.c - libFuzzer target over cl_avro_decode() with the real
 * registry (the schemas folder): what a consumer makes of any message on a
 * topic. A message that decodes must encode again and decode to the same
 * JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carelink/avro.h"
#include "carelink/err.h"
#include "carelink/log.h"

#ifndef FUZZ_SCHEMAS
#error "FUZZ_SCHEMAS: the schemas folder"
#endif

static struct cl_avro_registry *reg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cl_log_init("fuzz", "error");
	if (cl_avro_registry_load(&reg, FUZZ_SCHEMAS) != 0) {
		fprintf(stderr, "cannot load the schemas of %s\n", FUZZ_SCHEMAS);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = NULL;
	const char *name = NULL;
	int rc = cl_avro_decode(reg, data, size, &obj, &name);
	if (rc != 0) {
		if (obj || (rc != CL_EINVAL && rc != CL_ENOENT && rc != CL_ETOOBIG))
			abort();
		return 0;
	}
	unsigned char *bytes = NULL;
	size_t len = 0;
	if (cl_avro_encode(reg, name, obj, &bytes, &len) != 0) {
		fprintf(stderr, "a decoded %s does not encode: %s\n", name, cl_avro_last_error());
		abort();
	}
	json_t *again = NULL;
	if (cl_avro_decode(reg, bytes, len, &again, NULL) != 0 || !json_equal(obj, again)) {
		fprintf(stderr, "a decoded %s does not survive encode and decode\n", name);
		abort();
	}
	json_decref(again);
	free(bytes);
	json_decref(obj);
	return 0;
}
