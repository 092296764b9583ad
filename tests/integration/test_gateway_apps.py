#!/usr/bin/env python3
"""The gateway's side of the apps: every route of services/records/APPS.md
is served under /api/v1 and passed on to records' /v1 with the caller's
identity; what the gateway itself must refuse never reaches records; and
calendar feed URLs serve a person's calendar to programs that cannot log in.

* Before records: 401 without a session (and with an API token: the apps
  routes are session only), 403 `csrf` on writes without the session's
  X-CSRF-Token, 404 for a path id that is not an id (for /apps/{id}: neither
  an id nor an app key), 415 for a JSON route without JSON, 400
  `invalid_query` for a filter key that is not f./from./to.<field key>, for
  too many filters and for query text that is not UTF-8, 413 for an import
  over http.max_upload.
* Reaching records: the gateway's answer (status, Content-Type, body)
  equals records' own answer to the same person asked directly, for
  unknown ids, refused bodies, lists with Japanese filters, the CSV export
  in UTF-8 and Shift_JIS (with records' Content-Disposition).
* Calendar feeds: POST /me/calendar-feeds gives the URL once (the list
  shows url null); /ical/<secret> and /ical/<secret>.ics without a cookie
  answer text/calendar that python3-icalendar parses, holding the test's
  event in Asia/Tokyo (scope tenant) or only the person's registrations
  (scope mine), with the security headers; last_used_at is recorded;
  malformed and unknown secrets, a deleted feed, another person's DELETE
  and a deactivated person's feed answer 404; reactivation brings it back.
"""

import datetime
import os
import sys
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_helpers as ah  # noqa: E402
import apps_helpers as a  # noqa: E402
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = "/api/v1"
CSV_BODY = "名前,種別\r\nテスト,研修\r\n".encode("utf-8")

# every route: (method, path with {id} or {app}, body (dict: JSON, bytes:
# a CSV upload, None), the 404 code for a malformed id)
ROUTES = [
    ("GET", "/apps", None, None),
    ("POST", "/apps", {"name": "x", "fields": []}, None),
    ("GET", "/apps/{app}", None, "app_not_found"),
    ("PATCH", "/apps/{app}", {"name": "x"}, "app_not_found"),
    ("GET", "/apps/{app}/records", None, "app_not_found"),
    ("POST", "/apps/{app}/records", {"values": {}}, "app_not_found"),
    ("GET", "/apps/{app}/export.csv", None, "app_not_found"),
    ("POST", "/apps/{app}/imports?mode=dry_run", CSV_BODY, "app_not_found"),
    ("GET", "/imports/{id}", None, "import_not_found"),
    ("GET", "/app-records/{id}", None, "record_not_found"),
    ("PATCH", "/app-records/{id}", {"values": {}}, "record_not_found"),
    ("DELETE", "/app-records/{id}", None, "record_not_found"),
    ("GET", "/app-records/{id}/history", None, "record_not_found"),
    ("GET", "/app-records/{id}/comments", None, "record_not_found"),
    ("POST", "/app-records/{id}/comments", {"body": "x"}, "record_not_found"),
    ("GET", "/facilities", None, None),
    ("GET", "/facilities/districts", None, None),
    ("GET", "/facilities/{id}", None, "record_not_found"),
    ("POST", "/events/{id}/registration", None, "record_not_found"),
    ("DELETE", "/events/{id}/registration", None, "record_not_found"),
    ("GET", "/events/{id}/registrations", None, "record_not_found"),
    ("GET", "/calendar.ics", None, None),
    ("GET", "/me/calendar-feeds", None, None),
    ("POST", "/me/calendar-feeds", {"scope": "tenant"}, None),
    ("DELETE", "/me/calendar-feeds/{id}", None, "not_found"),
]

# neither ids nor keys: 404 without asking records
MALFORMED_IDS = ["not-an-id", "zz", "a" * 65, "%2e%2e", "1;drop", "ff%3Fall=1"]
MALFORMED_KEYS = ["Not-An-Key", "a" * 65, "%2e%2e", "1;drop", "ff%3Fall=1", "%E6%96%BD%E8%A8%AD",
                  "_x", "9abcz"]


def is_write(method):
    return method not in ("GET", "HEAD")


def send(session, method, path, body, headers=None, **kw):
    if isinstance(body, bytes):
        return session.request(method, API + path, body=body,
                               headers=dict({"Content-Type": "text/csv"}, **(headers or {})),
                               **kw)
    return session.request(method, API + path, json_body=body, headers=headers, **kw)


def fill(path, ident, app="events"):
    return path.replace("{id}", ident).replace("{app}", app)


def check_refusals(tanaka, token):
    anonymous = ct.Session()
    writes = 0
    for method, path, body, missing in ROUTES:
        p = fill(path, str(uuid.uuid4()))
        w.expect(send(anonymous, method, p, body), 401, "%s %s without a session" % (method, p),
                 "unauthenticated")
        r = ph.bearer(method, API + p, token, body=body if isinstance(body, bytes) else None,
                      json_body=body if isinstance(body, dict) else None)
        w.expect(r, 401, "%s %s with an API token (session only)" % (method, p),
                 "unauthenticated")
        if is_write(method):
            w.expect(send(tanaka, method, p, body, csrf=False), 403,
                     "%s %s without X-CSRF-Token" % (method, p), "csrf")
            w.expect(send(tanaka, method, p, body, headers={"X-CSRF-Token": "0" * 43}), 403,
                     "%s %s with another X-CSRF-Token" % (method, p), "csrf")
            writes += 1
        if missing:
            bads = MALFORMED_KEYS if "{app}" in path else MALFORMED_IDS
            for bad in bads:
                q = path.replace("{id}", bad).replace("{app}", bad)
                w.expect(send(tanaka, method, q, body), 404, "%s %s (not an id)" % (method, q),
                         missing)
        if isinstance(body, dict):
            r = tanaka.request(method, API + p, body=b"{}", headers={"Content-Type": "text/plain"})
            w.expect(r, 415, "%s %s as text/plain" % (method, p), "unsupported_media_type")
    ct.log("ok: %d routes: 401 without a session or with a token, 403 on %d writes without "
           "the CSRF token, 404 for ids and keys that are not, 415 without JSON"
           % (len(ROUTES), writes))

    bad_queries = [
        "/apps/events/records?f.Kind=%E7%A0%94%E4%BF%AE",
        "/apps/events/records?from.=2026-01-01",
        "/apps/events/records?to.9start=2026-01-01",
        "/apps/events/records?f.kind%26x=1",
        "/apps/events/records?f.%E7%A8%AE%E5%88%A5=1",
        "/apps/events/export.csv?from.starts-at=2026-01-01",
        "/apps/events/records?" + "&".join("f.k%d=1" % i for i in range(33)),
        "/apps/events/records?q=%E9%80",
        "/apps/events/records?f.kind=%FF%FE",
        "/apps/events/records?from.starts_at=%C0%AF",
        "/apps/facilities/export.csv?encoding=%ED%A0%80",
        "/facilities?district=%E4%B8%AD%E5%A4%AE%FF",
        "/calendar.ics?scope=%FF",
    ]
    for path in bad_queries:
        w.expect(tanaka.request("GET", API + path), 400, "GET %s" % path[:80], "invalid_query")
    r = tanaka.request("POST", API + "/apps/events/imports?mode=%FF", body=CSV_BODY,
                       headers={"Content-Type": "text/csv"})
    w.expect(r, 400, "an import whose mode is not UTF-8", "invalid_query")
    w.expect(tanaka.request("GET", API + "/apps/events/records?q=" + "%E3%81%82" * 1500), 414,
             "a list over the gateway's URL limit", "uri_too_long")
    ct.log("ok: %d malformed filter keys, too many filters and query text that is not UTF-8 "
           "-> 400 invalid_query; too long -> 414" % (len(bad_queries) + 1))

    limit = int(ct.service_conf("gateway").get("http.max_upload", 16 << 20))
    big = CSV_BODY + b"x" * (limit + 1 - len(CSV_BODY))
    r = tanaka.request("POST", API + "/apps/events/imports?mode=dry_run", body=big,
                       headers={"Content-Type": "text/csv"}, timeout=60)
    w.expect(r, 413, "an import of http.max_upload + 1 bytes", "body_too_large")
    ct.log("ok: an import of %d bytes -> 413 at the gateway" % len(big))


def direct(name, method, path, body):
    claims = ct.identity_claims(name)
    if isinstance(body, bytes):
        return w.records_request(claims, method, "/v1" + path, body=body,
                                 headers={"Content-Type": "text/csv"})
    return w.records_request(claims, method, "/v1" + path, json_body=body)


def same_answer(gw, rec, what, headers=("Content-Type",)):
    ct.check(gw.status == rec.status, "%s: the gateway answered %s, records %s"
             % (what, gw.describe(), rec.describe()))
    ct.check(gw.error_code() not in ("not_found", "method_not_allowed"),
             "%s: %s: records does not serve this route" % (what, gw.describe()))
    for h in headers:
        ct.check_eq(gw.headers.get(h), rec.headers.get(h), "%s: %s through the gateway" % (what, h))
    rtype = (rec.headers.get("Content-Type") or "").split(";")[0]
    if rtype == "application/json":
        ct.check_eq(gw.json(), rec.json(), "%s: the body through the gateway" % what)
    else:
        ct.check(gw.body == rec.body, "%s: the body differs through the gateway" % what)


def records_serves_apps():
    r = direct("tanaka", "GET", "/apps", None)
    return r.status == 200


def check_reaches_records(tanaka):
    cases = [(m, fill(p, str(uuid.uuid4())), b) for m, p, b, _ in ROUTES
             if not p.startswith("/me/") and not isinstance(b, bytes)
             and not (m == "POST" and p == "/apps")]
    kind = urllib.parse.quote("研修")
    cases += [
        ("GET", "/apps/facilities", None),
        ("GET", "/apps/events/records?limit=2&sort=-starts_at&f.kind=" + kind, None),
        ("GET", "/apps/events/records?from.starts_at=2026-01-01&to.starts_at=2026-12-31", None),
        ("GET", "/apps/events/records?f.no_such_field=1", None),
        ("GET", "/apps/events/records?limit=0", None),
        ("GET", "/apps/facilities/records?q=" + urllib.parse.quote("センター & 100%"), None),
        ("POST", "/apps/events/records", {"values": {"title": "x"}}),
        ("POST", "/apps", {"name": "権限のない作成", "fields": []}),
        ("GET", "/facilities?limit=3&district=" + urllib.parse.quote("中央地区"), None),
        ("GET", "/calendar.ics?scope=nobody", None),
    ]
    for method, path, body in cases:
        same_answer(send(tanaka, method, path, body), direct("tanaka", method, path, body),
                    "%s %s" % (method, path))
    ct.log("ok: %d requests through the gateway got records' own answers" % len(cases))


def check_csv(tanaka):
    for enc in ("utf-8", "shift_jis"):
        path = "/apps/facilities/export.csv?encoding=%s&sort=name" % enc
        gw = tanaka.request("GET", API + path)
        rec = direct("tanaka", "GET", path, None)
        ct.check(gw.status == 200, "GET %s: %s" % (path, gw.describe()))
        same_answer(gw, rec, "GET " + path, headers=("Content-Type", "Content-Disposition"))
        ctype = gw.headers.get("Content-Type") or ""
        ct.check(ctype.lower().startswith("text/csv") and "charset=" in ctype.lower(),
                 "%s: Content-Type %r" % (path, ctype))
        cd = gw.headers.get("Content-Disposition") or ""
        ct.check(cd.startswith("attachment") and "filename*=UTF-8''" in cd,
                 "%s: Content-Disposition %r" % (path, cd))
    ct.log("ok: the CSV export in UTF-8 and Shift_JIS passes records' bytes, Content-Type "
           "and Content-Disposition")


# ---- calendar feeds ----


def feeds(session):
    return w.expect(session.request("GET", API + "/me/calendar-feeds"), 200,
                    "GET /me/calendar-feeds")["feeds"]


def create_feed(session, scope):
    r = session.request("POST", API + "/me/calendar-feeds", json_body={"scope": scope})
    feed = w.expect(r, 201, "POST /me/calendar-feeds %s" % scope)["feed"]
    ct.check_eq(feed["scope"], scope, "the new feed's scope")
    url = feed.get("url") or ""
    ct.check("/ical/" in url, "the new feed's url %r" % url)
    secret = url.split("/ical/", 1)[1]
    ct.check(len(secret) == 43 and all(c.isalnum() or c in "-_" for c in secret),
             "the feed's secret %r is not 43 base64url characters" % secret)
    return feed, "/ical/" + secret


def fetch(path):
    return ct.http_request(ct.base_url(), "GET", path)


def parse_ics(r, what):
    import icalendar
    ct.check(r.status == 200, "%s: %s" % (what, r.describe()))
    ctype = r.headers.get("Content-Type") or ""
    ct.check(ctype.startswith("text/calendar"), "%s: Content-Type %r" % (what, ctype))
    for h, v in (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")):
        ct.check_eq(r.headers.get(h), v, "%s: %s" % (what, h))
    ct.check(r.headers.get("Set-Cookie") is None, "%s: sets a cookie" % what)
    cal = icalendar.Calendar.from_ical(r.body)
    return {str(e.get("UID")): e for e in cal.walk("VEVENT")}


def check_feed_refusals(tanaka, ito):
    fake = "A" * 43
    for path in ("/ical/" + fake, "/ical/%s.ics" % fake, "/ical/short", "/ical/" + "A" * 44,
                 "/ical/" + "A" * 42 + "%2B", "/ical/%s.txt" % fake):
        w.expect(fetch(path), 404, "GET %s" % path, "not_found")
    w.expect(tanaka.request("POST", API + "/me/calendar-feeds", json_body={"scope": "all"}),
             400, "a feed of scope all", "invalid_scope")
    w.expect(tanaka.request("POST", API + "/me/calendar-feeds",
                            json_body={"scope": "mine", "x": 1}), 400,
             "a feed with an unknown key", "invalid_body")
    feed, _ = create_feed(tanaka, "mine")
    w.expect(ito.request("DELETE", API + "/me/calendar-feeds/" + feed["id"]), 404,
             "another person's DELETE of the feed", "not_found")
    ct.check(any(f["id"] == feed["id"] for f in feeds(tanaka)), "the feed after another's DELETE")
    ct.check(all(f["id"] != feed["id"] for f in feeds(ito)), "another person lists the feed")
    w.expect(tanaka.request("DELETE", API + "/me/calendar-feeds/" + feed["id"]), 204,
             "DELETE of one's feed")
    ct.log("ok: malformed and unknown secrets -> 404; bad scope and body -> 400; another "
           "person neither sees nor deletes a feed")


def check_feeds(tanaka, admin):
    check_feed_refusals(tanaka, w.login("ito"))
    if not direct("tanaka", "GET", "/calendar.ics?scope=tenant", None).status == 200:
        ct.log("note: records does not serve /v1/calendar.ics yet: feed contents not checked")
        return
    tenant_feed, tenant_path = create_feed(tanaka, "tenant")
    mine_feed, mine_path = create_feed(tanaka, "mine")
    listed = {f["id"]: f for f in feeds(tanaka)}
    for f in (tenant_feed, mine_feed):
        ct.check(f["id"] in listed, "feed %s is not listed" % f["id"])
        ct.check_eq(listed[f["id"]]["url"], None, "the listed feed's url (shown once)")
        ct.check_eq(listed[f["id"]]["last_used_at"], None, "last_used_at before any use")
    # the same calendar as the person's own GET /calendar.ics
    for scope, path in (("tenant", tenant_path), ("mine", mine_path + ".ics")):
        r = fetch(path)
        parse_ics(r, "GET the %s feed" % scope)
        own = tanaka.request("GET", API + "/calendar.ics?scope=" + scope)
        ct.check_eq(strip_stamps(r.body), strip_stamps(own.body),
                    "the %s feed versus the person's own calendar.ics" % scope)
    ct.check(listed_used(tanaka, tenant_feed["id"]), "last_used_at after a fetch")
    ct.log("ok: feed URLs without a cookie answer the person's calendar (tenant and mine, "
           "also as .ics); url shown once; last_used_at recorded")
    if records_serves_apps():
        check_feed_events(tanaka, tenant_path, mine_path)
    else:
        ct.log("note: records does not serve /v1/apps yet: events in the feeds not checked")

    w.expect(tanaka.request("DELETE", API + "/me/calendar-feeds/" + tenant_feed["id"]), 204,
             "deleting the tenant feed")
    w.expect(fetch(tenant_path), 404, "the deleted feed", "not_found")
    w.expect(tanaka.request("DELETE", API + "/me/calendar-feeds/" + tenant_feed["id"]), 404,
             "deleting it again", "not_found")
    parse_ics(fetch(mine_path), "the other feed after the deletion")
    ct.log("ok: a deleted feed -> 404, the person's other feed still answers")

    person = ah.new_user(admin, a.org_of("tanaka"), ct.unique("feed-person"))
    a.wait_copy(admin, person.user["id"])
    _, path = create_feed(person, "tenant")
    parse_ics(fetch(path), "a new person's feed")
    r = ah.user_action(admin, person.user["id"], "deactivate")
    ct.check(r.status in (200, 204), "deactivating the feed's person: %s" % r.describe())
    w.expect(fetch(path), 404, "a deactivated person's feed", "not_found")
    r = ah.user_action(admin, person.user["id"], "reactivate")
    ct.check(r.status in (200, 204), "reactivating the feed's person: %s" % r.describe())
    parse_ics(fetch(path), "the feed after reactivation")
    ct.log("ok: a deactivated person's feed -> 404 at once; reactivated, it answers again")


def strip_stamps(body):
    """The calendar without DTSTAMP lines (the time it was made)."""
    return b"\r\n".join(l for l in body.split(b"\r\n") if not l.startswith(b"DTSTAMP"))


def check_feed_events(tanaka, tenant_path, mine_path):
    now = a.jst_now()
    start = (now + datetime.timedelta(days=3)).replace(hour=14, minute=0, second=0,
                                                       microsecond=0)
    title = "フィード確認の研修 " + ct.unique("feed")
    ev = a.create_event(tanaka, title, start, place="市役所 3階 会議室",
                        ends_at=start + datetime.timedelta(hours=2))
    other = a.create_event(tanaka, "申し込まない会議 " + ct.unique("feed"),
                           start + datetime.timedelta(days=1), kind="会議")
    w.expect(a.register(tanaka, ev["id"]), 201, "registering for the feed's event")

    events = parse_ics(fetch(tenant_path), "GET " + tenant_path[:12])
    uid = "%s@carelink" % ev["id"]
    ct.check(uid in events, "the tenant feed lacks the test's event %s" % uid)
    ct.check("%s@carelink" % other["id"] in events, "the tenant feed lacks the other event")
    e = events[uid]
    ct.check_eq(str(e.get("SUMMARY")), title, "SUMMARY of the event")
    dt = e.decoded("DTSTART")
    ct.check_eq(dt.utcoffset(), datetime.timedelta(hours=9), "DTSTART's offset")
    ct.check_eq(dt, start, "DTSTART of the event")
    ct.check_eq(str(e["DTSTART"].params.get("TZID")), "Asia/Tokyo", "DTSTART's TZID")
    mine = parse_ics(fetch(mine_path + ".ics"), "GET the mine feed .ics")
    ct.check(uid in mine, "the mine feed lacks the registered event")
    ct.check("%s@carelink" % other["id"] not in mine, "the mine feed holds an unregistered event")
    ct.log("ok: the tenant feed holds every event, the mine feed only the registrations; "
           "Asia/Tokyo times")


def listed_used(session, feed_id):
    return any(f["id"] == feed_id and f["last_used_at"] for f in feeds(session))


def test():
    tanaka = w.login("tanaka")
    admin = w.login("suzuki")
    owner = ph.make_user(a.tenant_id(), a.org_of("tanaka"), "apps-token", ("member", "org_admin"))
    _, token = ph.create_token(ph.login_user(owner), "アプリ連携 " + ct.unique("apps"),
                               ["feed:read"])
    check_refusals(tanaka, token)
    if records_serves_apps():
        check_reaches_records(tanaka)
    else:
        ct.log("note: records does not serve /v1/apps yet: pass-through not checked")
    if direct("tanaka", "GET", "/apps/facilities/export.csv", None).status == 200:
        check_csv(tanaka)
    else:
        ct.log("note: records does not serve the CSV export yet: its headers not checked")
    check_feeds(tanaka, admin)


if __name__ == "__main__":
    ct.run(test, budget_s=240)
