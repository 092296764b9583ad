/* platform.h - the platform module of the public API: the OpenAPI document
 * and the audit log (platform_routes.c holds the route table) */
#ifndef CARELINK_GATEWAY_PLATFORM_H
#define CARELINK_GATEWAY_PLATFORM_H

#include <carelink/http.h>

struct cl_service;

/* openapi.c - GET /api/v1/openapi.json: the checked-in document
 * <home>/services/gateway/openapi.json, read once and kept. */
enum MHD_Result gw_api_openapi(struct cl_http_req *req);
/* gw_openapi_load() - read and check the document now (idempotent; the
 * first request does it otherwise). Returns 0 or a negative CL_E* code. */
int gw_openapi_load(const struct cl_service *svc);

/* audit_list.c - GET /api/v1/audit: the tenant's audit entries, newest
 * first, for tenant_admin and privacy_officer. */
enum MHD_Result gw_api_audit(struct cl_http_req *req);

#endif
