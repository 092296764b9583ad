/* avro_fingerprint.c - CRC-64-AVRO, the Rabin fingerprint of Avro schemas */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"
#include "avro_internal.h"

/* The fingerprint of the empty string, and the polynomial. */
#define CL__AVRO_CRC64_EMPTY UINT64_C(0xc15d213aa4d7a795)

static uint64_t crc64_table[256];
static pthread_once_t crc64_once = PTHREAD_ONCE_INIT;

static void crc64_init(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint64_t fp = i;

		for (int j = 0; j < 8; j++)
			fp = (fp >> 1) ^ (CL__AVRO_CRC64_EMPTY & (0 - (fp & 1)));
		crc64_table[i] = fp;
	}
}

uint64_t cl_avro_crc64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t fp = CL__AVRO_CRC64_EMPTY;

	pthread_once(&crc64_once, crc64_init);
	for (size_t i = 0; i < len; i++)
		fp = (fp >> 8) ^ crc64_table[(fp ^ p[i]) & 0xff];
	return fp;
}

int cl_avro_fingerprint(const char *schema_json, uint64_t *out)
{
	char *canonical = NULL;
	int rc = cl_avro_canonical_form(schema_json, &canonical);

	if (rc < 0)
		return rc;
	*out = cl_avro_crc64(canonical, strlen(canonical));
	free(canonical);
	return 0;
}
