#!/usr/bin/env python3
"""Profile photos: a PNG or JPEG up to 1 MiB is stored and served back byte
for byte to colleagues with its type, a private cache lifetime and nosniff;
other types, bytes that are not what Content-Type says and larger bodies are
refused and leave the stored photo as it was; DELETE removes it."""

import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402

API = ph.API
USER = "watanabe"  # nobody else's test changes this person's photo
MIB = 1 << 20


def get_photo(viewer, user_id, headers=None):
    return viewer.request("GET", API + "/people/%s/photo" % user_id, headers=headers)


def check_served(viewer, user_id, data, ctype, what):
    r = get_photo(viewer, user_id)
    ph.check_status(r, 200, what)
    ct.check(r.body == data, "%s: %d bytes served, %d stored" % (what, len(r.body), len(data)))
    ct.check_eq(ph.header(r, "Content-Type"), ctype, what + ": Content-Type")
    ct.check_eq(ph.header(r, "Cache-Control"), "private, max-age=300", what + ": Cache-Control")
    ct.check_eq(ph.header(r, "X-Content-Type-Options"), "nosniff",
                what + ": X-Content-Type-Options")
    return r


def test():
    s = ph.login(USER)
    viewer = ph.login("yamamoto")
    me = s.user["id"]
    img = ph.png(2, 2, rgb=tuple(uuid.uuid4().bytes[:3]))  # unique per run

    # upload and round trip
    r = ph.put_photo(s, img, "image/png")
    doc = ph.check_status(r, 200, "PUT /me/photo (PNG)")
    ct.check(doc["person"]["has_photo"] is True, "has_photo after the upload: %r" % doc)
    url = doc["person"]["photo_url"]
    ct.check(isinstance(url, str) and url.startswith(API + "/people/%s/photo" % me),
             "photo_url %r" % url)
    r = check_served(viewer, me, img, "image/png", "GET the photo as a colleague")
    etag = ph.header(r, "ETag")
    ct.check(etag, "no ETag on the photo")
    r = get_photo(viewer, me, {"If-None-Match": etag})
    ph.check_status(r, 304, "GET the photo again with If-None-Match")
    ct.check(r.body == b"", "a 304 with a body")
    r = viewer.request("GET", url)
    ct.check(r.status == 200 and r.body == img, "GET photo_url: %s" % r.describe())
    p = ph.person(viewer, me)
    ct.check(p["has_photo"] is True and p["photo_url"] == url, "the person shows %r" % p)
    listed = [x for x in ph.search_all(viewer, q=ct.seed_user(USER)["name"]) if x["id"] == me]
    ct.check(listed and listed[0]["has_photo"], "the directory does not show the photo")
    ct.log("ok: PNG stored and served byte for byte with type, cache and nosniff headers")

    # refused uploads leave the photo as it was
    failures = []
    cases = [
        ("GIF as image/gif", ph.GIF, "image/gif", 415, "unsupported_media_type"),
        ("text as text/plain", b"hello, not an image", "text/plain", 415,
         "unsupported_media_type"),
        ("PNG as application/json", img, "application/json", 415, "unsupported_media_type"),
        ("PNG as application/octet-stream", img, "application/octet-stream", 415,
         "unsupported_media_type"),
        ("GIF bytes as image/png", ph.GIF, "image/png", 400, "invalid_image"),
        ("HTML as image/jpeg", b"<html><script>alert(1)</script></html>", "image/jpeg", 400,
         "invalid_image"),
        ("PNG bytes as image/jpeg", img, "image/jpeg", 400, "invalid_image"),
        ("JPEG bytes as image/png", ph.JPEG_HEAD, "image/png", 400, "invalid_image"),
        ("the PNG signature only", img[:8], "image/png", 400, "invalid_image"),
        ("empty body", b"", "image/png", 400, "invalid_image"),
        ("1 MiB + 1 byte", ph.png_of_size(MIB + 1), "image/png", 413, None),
        ("2 MiB", ph.png_of_size(2 * MIB), "image/png", 413, None),
    ]
    for name, data, ctype, status, code in cases:
        r = ph.put_photo(s, data, ctype)
        try:
            ph.check_status(r, status, "PUT /me/photo, " + name, code)
            check_served(viewer, me, img, "image/png", "the photo after " + name)
            ct.log("ok: %s -> %d %s" % (name, r.status, r.error_code()))
        except ct.TestFailure as e:
            failures.append(str(e))
    for name, kw, status in (("no X-CSRF-Token", {"csrf": False}, 403),
                             ("no session", {"cookie": False}, 401)):
        r = s.request("PUT", API + "/me/photo", body=ph.png(3, 3),
                      headers={"Content-Type": "image/png"}, **kw)
        try:
            ph.check_status(r, status, "PUT /me/photo, " + name)
            check_served(viewer, me, img, "image/png", "the photo after " + name)
            ct.log("ok: %s -> %d" % (name, status))
        except ct.TestFailure as e:
            failures.append(str(e))
    if failures:
        ct.fail("%d refused uploads misbehaved:\n  %s" % (len(failures), "\n  ".join(failures)))

    # the largest photo, 1 MiB exactly; then a JPEG
    big = ph.png_of_size(MIB)
    r = ph.put_photo(s, big, "image/png; charset=binary")
    ph.check_status(r, 200, "PUT /me/photo of exactly 1 MiB")
    check_served(viewer, me, big, "image/png", "the 1 MiB photo")
    r = ph.put_photo(s, ph.JPEG_HEAD, "image/jpeg")
    ph.check_status(r, 200, "PUT /me/photo (JPEG)")
    check_served(viewer, me, ph.JPEG_HEAD, "image/jpeg", "the JPEG photo")
    ct.log("ok: a photo of exactly 1 MiB, and a JPEG")

    # delete
    r = s.request("DELETE", API + "/me/photo")
    ph.check_status(r, 204, "DELETE /me/photo")
    r = get_photo(viewer, me)
    ph.check_status(r, 404, "GET the deleted photo", "not_found")
    p = ph.person(viewer, me)
    ct.check(p["has_photo"] is False and p["photo_url"] is None, "after DELETE: %r" % p)
    r = s.request("DELETE", API + "/me/photo")
    ph.check_status(r, 204, "DELETE /me/photo without a photo")
    for bad in (str(uuid.uuid4()), "not-a-uuid"):
        ph.check_status(get_photo(viewer, bad), 404, "GET /people/%s/photo" % bad, "not_found")
    r = ct.Session().request("GET", API + "/people/%s/photo" % me)
    ph.check_status(r, 401, "GET a photo without a session")
    ct.log("ok: DELETE, 404 afterwards and for unknown people, 401 without a session")
    check_other_tenant(s)


def check_other_tenant(s):
    """A photo is served only within its tenant, both ways."""
    other = ph.fresh_tenant("photo")
    outsider = ph.login_user(other["member"])
    colleague = ph.login_user(other["admin"])
    mine, theirs = ph.png(1, 2), ph.png(2, 1)
    ph.check_status(ph.put_photo(s, mine, "image/png"), 200, "PUT the demo person's photo")
    ph.check_status(ph.put_photo(outsider, theirs, "image/png"), 200,
                    "PUT the other tenant's person's photo")
    check_served(colleague, outsider.user["id"], theirs, "image/png",
                 "a photo within the other tenant")
    r = get_photo(outsider, s.user["id"])
    ph.check_status(r, 404, "a demo photo seen from another tenant", "not_found")
    ct.check(mine not in r.body, "the photo's bytes are in the 404")
    r = get_photo(s, outsider.user["id"])
    ph.check_status(r, 404, "another tenant's photo seen from the demo tenant", "not_found")
    ph.check_status(s.request("DELETE", API + "/me/photo"), 204, "DELETE the demo photo")
    ct.log("ok: photos are served only to people of the same tenant")


if __name__ == "__main__":
    ct.run(test)
