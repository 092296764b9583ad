#!/usr/bin/env python3
"""An alert's photo (services/notify/ALERTS.md "The photo"), through the
gateway: PUT /api/v1/alerts/{id}/photo takes a raw JPEG or PNG (checked by
its magic bytes, at most 5 MiB) from those who may update the alert;
refusals (415 another type, 400 bytes that are not the type, 413 too big,
403 not a manager, 404 not a reader, 409 ended) change nothing; a photo
added or replaced is a change (version + 1, a timeline entry); readers and
an `alerts:read` token GET it back byte for byte with `Cache-Control:
private` and `nosniff`; the alert JSON, the AlertUpdated event (decoded
from schemas/*.avsc) and the CAP Update (valid CAP 1.2, with a <resource>
whose digest is the SHA-1) describe it.

tanaka (care_manager) raises for care workers and the fire department;
ito (care_worker) reads; yamamoto (pharmacist) is outside the audience.
"""

import hashlib
import os
import struct
import sys
import zlib

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alerts_stream_helpers as h  # noqa: E402
import apps_helpers as a  # noqa: E402
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402

FIRE_ORG = "0f1e2d3c-0001-4000-8000-00000000000a"
MAX = 5 << 20


def png(w=2, h_=2):
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xffffffff)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h_))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h_, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 \
    + b"\xff\xd9"


def put(session, aid, body, ctype):
    return session.request("PUT", h.API + "/alerts/%s/photo" % aid, body=body,
                           headers={"Content-Type": ctype})


def get_alert(session, aid):
    r = session.request("GET", h.API + "/alerts/%s" % aid)
    ct.check(r.status == 200, "GET alert %s: %s" % (aid, r.describe()))
    return r.json()["alert"]


def expect(r, status, code, what):
    ct.check(r.status == status and (code is None or r.error_code() == code),
             "%s: expected %d %s, got %s" % (what, status, code, r.describe()))


def check_refusals(tanaka, ito, yamamoto, aid):
    before = get_alert(tanaka, aid)
    expect(put(tanaka, aid, b"GIF89a....", "image/gif"), 415, "unsupported_media_type",
           "a GIF")
    expect(put(tanaka, aid, b"hello", "text/plain"), 415, "unsupported_media_type", "text")
    expect(put(tanaka, aid, JPEG, "image/png"), 400, "invalid_image", "JPEG bytes as PNG")
    expect(put(tanaka, aid, b"<svg/>", "image/jpeg"), 400, "invalid_image", "SVG as JPEG")
    expect(put(tanaka, aid, b"", "image/png"), 400, "invalid_image", "an empty body")
    big = png() + b"\x00" * (MAX + 1 - len(png()))
    expect(put(tanaka, aid, big, "image/png"), 413, "photo_too_large", "5 MiB + 1 byte")
    expect(put(ito, aid, png(), "image/png"), 403, "forbidden", "a reader who may not update")
    expect(put(yamamoto, aid, png(), "image/png"), 404, "alert_not_found", "outside the audience")
    expect(put(tanaka, "999999999", png(), "image/png"), 404, "alert_not_found", "no such alert")
    r = tanaka.request("PUT", h.API + "/alerts/%s/photo" % aid, body=png(),
                       headers={"Content-Type": "image/png", "X-CSRF-Token": None})
    ct.check(r.status == 403, "PUT without the CSRF token: %s" % r.describe())
    expect(ito.request("GET", h.API + "/alerts/%s/photo" % aid), 404, "photo_not_found",
           "GET before any photo")
    after = get_alert(tanaka, aid)
    ct.check_eq((after["version"], after["photo"], len(after["timeline"])),
                (before["version"], None, len(before["timeline"])),
                "refused uploads changed the alert")


def check_get(session_or_token, aid, data, ctype, what):
    if isinstance(session_or_token, str):
        r = ct.http_request(ct.base_url(), "GET", h.API + "/alerts/%s/photo" % aid,
                            headers={"Authorization": "Bearer " + session_or_token})
    else:
        r = session_or_token.request("GET", h.API + "/alerts/%s/photo" % aid)
    ct.check(r.status == 200, "%s: GET photo: %s" % (what, r.describe()))
    ct.check(r.body == data, "%s: GET photo: %d bytes differ from the %d uploaded"
             % (what, len(r.body), len(data)))
    ct.check_eq(r.headers.get("Content-Type"), ctype, what + " Content-Type")
    ct.check((r.headers.get("Cache-Control") or "").startswith("private"),
             "%s: Cache-Control %r" % (what, r.headers.get("Cache-Control")))
    ct.check_eq(r.headers.get("X-Content-Type-Options"), "nosniff", what + " nosniff")


def check_photo(alert, data, ctype, note, version, what):
    want = {"url": "/api/v1/alerts/%s/photo" % alert["id"], "content_type": ctype,
            "size": len(data), "sha1": hashlib.sha1(data).hexdigest()}
    ct.check_eq(alert["photo"], want, what + " photo")
    ct.check_eq(alert["version"], version, what + " version")
    last = alert["timeline"][-1]
    ct.check_eq((last["action"], last["note"]), ("updated", note), what + " timeline entry")


def check_stream(aid, data, ctype):
    """The last AlertUpdated of the alert carries the photo; the last CAP
    message (an Update) has the <resource> and validates."""
    fps = {ct.schema_fingerprint_bytes(n): n for n in
           ("AlertRaised", "AlertUpdated", "AlertAcknowledged", "AlertResolved")}
    msgs = h.wait_messages("carelink.alerts", aid, 3, "raised, photo, photo")
    value = msgs[-1].value
    name = fps.get(value[2:10])
    ct.check_eq(name, "AlertUpdated", "the photo's event")
    ev = ct.avro_decode(name, value[10:])
    ct.check_eq(ev["photo"], {"url_path": "/api/v1/alerts/%s/photo" % aid,
                              "content_type": ctype, "size": len(data),
                              "sha1": hashlib.sha1(data).hexdigest()}, "AlertUpdated photo")
    first = ct.avro_decode("AlertRaised", msgs[0].value[10:])
    ct.check(first["photo"] is None, "AlertRaised before the photo: %r" % first["photo"])

    caps = h.wait_messages("carelink.alerts.cap", aid, 3, "raised, photo, photo")
    roots = h.cap_validate_many([(m.value, "CAP %d" % i) for i, m in enumerate(caps)])
    ct.check(roots[0].find(h.CAP_NS + "info/" + h.CAP_NS + "resource") is None,
             "the raised message has a resource")
    res = roots[-1].find(h.CAP_NS + "info/" + h.CAP_NS + "resource")
    ct.check(res is not None, "the CAP Update after the photo has no <resource>")
    ct.check_eq(h.cap_field(roots[-1], "msgType"), "Update", "the photo's msgType")
    got = {c.tag[len(h.CAP_NS):]: c.text for c in res}
    ct.check_eq((got.get("mimeType"), got.get("size"), got.get("digest")),
                (ctype, str(len(data)), hashlib.sha1(data).hexdigest()), "<resource>")
    ct.check(got.get("resourceDesc"), "<resource> without resourceDesc")
    # the test system sets notify.public_url: the uri is the photo's URL
    uri = got.get("uri") or ""
    ct.check(uri.startswith("http") and uri.endswith("/api/v1/alerts/%s/photo" % aid),
             "<resource> uri %r" % uri)


def test():
    tanaka = ct.login("tanaka")
    ito = ct.login("ito")
    yamamoto = ct.login("yamamoto")
    body = h.alert_body("missing_person")
    body["audience"]["organisations"] = [FIRE_ORG]
    alert = h.raise_alert(tanaka, body)
    aid = alert["id"]
    ct.check(alert["photo"] is None, "a new alert has photo %r" % alert["photo"])

    check_refusals(tanaka, ito, yamamoto, aid)

    first = png()
    r = put(tanaka, aid, first, "image/png")
    ct.check(r.status == 200, "PUT a PNG: %s" % r.describe())
    check_photo(r.json()["alert"], first, "image/png", "写真を追加しました", 2, "added")
    check_get(ito, aid, first, "image/png", "a reader")

    r = put(tanaka, aid, JPEG, "image/jpeg; charset=binary")
    ct.check(r.status == 200, "PUT a JPEG: %s" % r.describe())
    check_photo(r.json()["alert"], JPEG, "image/jpeg", "写真を差し替えました", 3, "replaced")
    check_get(ito, aid, JPEG, "image/jpeg", "a reader after the replacement")
    check_photo(get_alert(ito, aid), JPEG, "image/jpeg", "写真を差し替えました", 3, "read")
    expect(yamamoto.request("GET", h.API + "/alerts/%s/photo" % aid), 404, "alert_not_found",
           "GET outside the audience")

    # the fire department's system: a token of its organisation admin
    owner = ph.make_user(a.tenant_id(), FIRE_ORG, "alert-photo", ("member", "org_admin"),
                         profession="other")
    admin = ph.login_user(owner)
    _, token = ph.create_token(admin, "消防 写真 " + ct.unique("ph"), ["alerts:read"])
    _, feed_token = ph.create_token(admin, "通知 " + ct.unique("ph"), ["feed:read"])
    check_get(token, aid, JPEG, "image/jpeg", "an alerts:read token")
    r = ct.http_request(ct.base_url(), "GET", h.API + "/alerts/%s/photo" % aid,
                        headers={"Authorization": "Bearer " + feed_token})
    ct.check(r.status == 403, "a feed:read token GETs the photo: %s" % r.describe())
    r = ct.http_request(ct.base_url(), "PUT", h.API + "/alerts/%s/photo" % aid, body=png(),
                        headers={"Authorization": "Bearer " + token,
                                 "Content-Type": "image/png"})
    ct.check(r.status == 401, "a token PUTs a photo: %s" % r.describe())

    check_stream(aid, JPEG, "image/jpeg")

    r = tanaka.request("POST", h.API + "/alerts/%s/resolve" % aid, json_body={})
    ct.check(r.status == 200, "resolve: %s" % r.describe())
    expect(put(tanaka, aid, png(), "image/png"), 409, "alert_ended", "PUT on an ended alert")
    check_get(ito, aid, JPEG, "image/jpeg", "a reader after the end")


if __name__ == "__main__":
    ct.run(test, budget_s=60)
