/* admin_routes.c - the routes of organisations, users, invitations */
#include "admin.h"
#include "routes.h"

const struct cl_http_route gw_routes_admin[] = {
	{"GET", "/api/v1/organisations", gw_org_list, 0},
	{"POST", "/api/v1/organisations", gw_org_create, CL_HTTP_JSON},
	{"PATCH", "/api/v1/organisations/:id", gw_org_update, CL_HTTP_JSON},
	{"POST", "/api/v1/invitations", gw_invitation_create, CL_HTTP_JSON},
	{"GET", "/api/v1/invitations", gw_invitation_list, 0},
	{"DELETE", "/api/v1/invitations/:id", gw_invitation_delete, 0},
	{"GET", "/api/v1/invitations/accept/:token", gw_invitation_show, 0},
	{"POST", "/api/v1/invitations/accept/:token", gw_invitation_accept, CL_HTTP_JSON},
	{"GET", "/api/v1/users", gw_user_list, 0},
	{"POST", "/api/v1/users/:id/deactivate", gw_user_deactivate, 0},
	{"POST", "/api/v1/users/:id/reactivate", gw_user_reactivate, 0},
	{"POST", "/api/v1/users/:id/transfer", gw_user_transfer, CL_HTTP_JSON},
	{"PUT", "/api/v1/users/:id/roles", gw_user_roles, CL_HTTP_JSON},
	{NULL, NULL, NULL, 0},
};
