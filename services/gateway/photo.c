/* photo.c - profile photos: GET /people/:id/photo, PUT and DELETE /me/photo.
 * PUT takes the raw image as the body (image/png or image/jpeg, at most
 * GW_PHOTO_MAX bytes); the bytes must be what the Content-Type says. */
#include "people.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

/* the media type of ct without parameters, when it is one we store */
static const char *declared_type(const char *ct)
{
	static const char *const types[] = {"image/png", "image/jpeg"};
	if (!ct)
		return NULL;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t n = strlen(types[i]);
		if (!strncasecmp(ct, types[i], n) && (ct[n] == '\0' || ct[n] == ';'))
			return types[i];
	}
	return NULL;
}

/* the media type the bytes themselves announce: the PNG signature followed
 * by its IHDR chunk, or the JPEG start-of-image marker */
static const char *sniffed_type(const unsigned char *b, size_t n)
{
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (n >= 33 && !memcmp(b, png, sizeof png) && !memcmp(b + 12, "IHDR", 4))
		return "image/png";
	if (n >= 4 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return "image/jpeg";
	return NULL;
}

/* a short printable ASCII value, as the ETags given out are */
static bool etag_like(const char *s)
{
	size_t n = strlen(s);
	if (n > 64)
		return false;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

enum MHD_Result gw_photo_get(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_auth_require(req, &u, NULL))
		return req->result;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return cl_http_error(req, 404, "not_found", "写真はありません");
	const char *inm = cl_http_header(req, "If-None-Match");
	if (inm && !etag_like(inm))
		inm = NULL; /* not one of ours: answer in full */
	struct gw_photo ph;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_photo_get(pg, u.id.tenant, id, inm, &ph);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "not_found", "写真はありません");
	if (rc < 0)
		return cl_http_fail(req, rc);

	/* private: only people of the same tenant may see it, so no shared
	 * cache may keep it */
	cl_http_set_header(req, "Cache-Control", "private, max-age=300");
	cl_http_set_header(req, "ETag", ph.etag);
	if (!ph.data)
		return cl_http_empty(req, 304);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer_with_free_callback(ph.len, ph.data, PQfreemem);
	MHD_add_response_header(resp, "Content-Type", ph.content_type);
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'");
	return cl_http_queue(req, 200, resp);
}

enum MHD_Result gw_photo_put(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_auth_require(req, &u, NULL))
		return req->result;
	const char *type = declared_type(cl_http_header(req, "Content-Type"));
	if (!type)
		return cl_http_error(req, 415, "unsupported_media_type",
				     "写真は PNG か JPEG です（Content-Type: image/png または image/jpeg）");
	if (req->body_len > GW_PHOTO_MAX)
		return cl_http_error(req, 413, "photo_too_large", "写真は 1 MiB までです");
	const unsigned char *data = (const unsigned char *)req->body;
	const char *found = sniffed_type(data, req->body_len);
	if (!found || strcmp(found, type))
		return cl_http_error(req, 400, "invalid_image",
				     "送られたデータは Content-Type の画像形式ではありません");

	unsigned char digest[crypto_hash_sha256_BYTES];
	char etag[33];
	crypto_hash_sha256(digest, data, req->body_len);
	sodium_bin2hex(etag, sizeof etag, digest, 16);

	json_t *person = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_photo_put(pg, u.id.user, type, data, req->body_len, etag);
	if (rc == 0)
		rc = gw_db_person_get(pg, u.id.tenant, u.id.user, true, &person);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "person", person));
}

enum MHD_Result gw_photo_delete(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_auth_require(req, &u, NULL))
		return req->result;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_photo_delete(pg, u.id.user);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_empty(req, 204);
}
