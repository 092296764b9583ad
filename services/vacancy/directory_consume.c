/* directory_consume.c - carelink.directory: the copy of the facility
 * directory */
#include "vacancy.h"

int vac_directory_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
			  size_t reason_size)
{
	(void)msg;
	(void)arg;
	(void)reason;
	(void)reason_size;
	return 0;
}
