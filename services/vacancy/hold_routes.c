/* hold_routes.c - the routes of holds */
#include "vacancy.h"

const struct cl_http_route vac_routes_holds[] = {
	{0},
};
