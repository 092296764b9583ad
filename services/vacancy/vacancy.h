/* vacancy.h - the vacancy service's shared declarations */
#ifndef CARELINK_VACANCY_H
#define CARELINK_VACANCY_H

#include <carelink/http.h>
#include <carelink/kafka.h>
#include <carelink/pg.h>
#include <carelink/service.h>

struct vac_expiry;

struct vac_app {
	struct cl_service *svc;       /* borrowed */
	struct cl_consumer directory; /* carelink.directory -> the facility copy */
	struct cl_pg directory_pg;    /* used only by that consumer's thread */
	struct vac_expiry *expiry;    /* the hold expiry thread (hold_expiry.c) */
};

/* The routes of capacity, beds, the board and search, joined by main.c
 * with the holds' (core_routes.c). */
extern const struct cl_http_route vac_routes_core[];

/* vac_directory_consume() - cl_consume_fn of carelink.directory: facility
 * records upsert the facility copy, other events are ignored; arg is the
 * struct vac_app (directory_consume.c). */
int vac_directory_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
			  size_t reason_size);

#include "holds.h"

/* db_capacity.c */
int vac_db_capacity_list(struct cl_pg *pg, const char *tenant, json_t **out);

/* capacity_list.c */
enum MHD_Result vac_capacity_list(struct cl_http_req *req);

#endif
