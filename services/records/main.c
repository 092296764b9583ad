/* main.c - carelink-records: spaces, threads and posts; wiring only */
#include "records.h"

#include <stdio.h>

static const struct cl_http_route routes[] = {
	{"GET", "/v1/spaces", rec_space_list, CL_HTTP_AUTH},
	{"GET", "/v1/spaces/:id", rec_space_get, CL_HTTP_AUTH},
	{"GET", "/v1/threads/:id/posts", rec_thread_posts, CL_HTTP_AUTH},
	{"POST", "/v1/threads/:id/posts", rec_post_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{0},
};

int main(int argc, char **argv)
{
	struct cl_service svc;
	struct rec_app app = {.svc = &svc};

	int rc = cl_service_open(&svc, "records", argc, argv);
	if (rc < 0)
		goto out;
	if (cl_service_arg(argc, argv, "--seed-demo")) {
		/* seed, then exit without serving */
		rc = rec_seed_demo(&app);
		goto out;
	}
	rc = cl_service_serve(&svc, routes, &app, false);
	if (rc < 0)
		goto out;
	rc = cl_service_run(&svc);
out:
	cl_service_close(&svc);
	if (rc < 0)
		fprintf(stderr, "carelink-records: exiting after an error\n");
	return rc < 0 ? 1 : 0;
}
