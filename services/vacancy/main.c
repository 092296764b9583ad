/* main.c - carelink-vacancy: wiring of care-manager capacity and bed vacancies */
#include "vacancy.h"

static const struct cl_http_route routes[] = {
	{"GET", "/v1/capacity", vac_capacity_list, CL_HTTP_AUTH},
	{NULL, NULL, NULL, 0},
};

int main(int argc, char **argv)
{
	struct cl_service svc;
	struct vac_app app = {.svc = &svc};
	int rc = cl_service_open(&svc, "vacancy", argc, argv);
	if (rc == 0)
		rc = cl_service_serve(&svc, routes, &app, false);
	if (rc == 0)
		rc = cl_service_run(&svc);
	cl_service_close(&svc);
	return rc < 0 ? 1 : 0;
}
