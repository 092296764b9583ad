/* vacancy.h - the vacancy service's shared declarations */
#ifndef CARELINK_VACANCY_H
#define CARELINK_VACANCY_H

#include <carelink/http.h>
#include <carelink/service.h>

struct vac_app {
	struct cl_service *svc; /* borrowed */
};

/* db_capacity.c */
int vac_db_capacity_list(struct cl_pg *pg, const char *tenant, json_t **out);

/* capacity_list.c */
enum MHD_Result vac_capacity_list(struct cl_http_req *req);

#endif
