#!/usr/bin/env python3
"""The gateway's side of vacancy: every route of services/vacancy/API.md is
served under /api/v1 and passed on to vacancy's /v1 with the caller's
identity; what the gateway itself must refuse never reaches vacancy.

* Before vacancy: 401 without a session (and with an API token: the vacancy
  routes are session only), 403 `csrf` on writes without the session's
  X-CSRF-Token, 404 `facility_not_found` / `hold_not_found` for a path id
  that is not an id, 415 for a JSON route without JSON, 400 `invalid_query`
  for every known query key whose value is not UTF-8, 414 past the URL
  limit.
* The directory stays with records: /facilities/districts and
  /facilities/{id} answer as records does, while /facilities/{id}/capacity
  and /facilities/{id}/beds go to vacancy.
* Reaching vacancy (once it serves the routes): the gateway's answer
  (status, Content-Type, body) equals vacancy's own answer to the same
  person asked directly with a signed identity, for lists with Japanese
  query values and unknown keys (dropped), unknown ids, refused bodies and
  another organisation's update; writes through the gateway (beds,
  capacity, a hold placed, confirmed and released) leave what vacancy then
  answers directly.
* 503 `unavailable` from a gateway whose vacancy does not answer.
"""

import os
import sys
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apps_helpers as a  # noqa: E402
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402
import platform_helpers as plh  # noqa: E402
import vacancy_helpers as v  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = "/api/v1"
q = w.q

BEDS_BODY = {"kind": "short_stay", "from": "2000-01-01", "to": "2000-01-01", "men": 0,
             "women": 0, "either": 0, "care_levels": [], "conditions": []}
HOLD_BODY = {"facility_id": "0", "kind": "short_stay", "room": "either", "beds": 1,
             "from": "2000-01-01", "to": "2000-01-01", "client_label": "A様"}

# every route: (method, path with {id}, body (dict: JSON, None: none), the
# 404 code for a malformed id, the query keys passed on)
ROUTES = [
    ("GET", "/capacity", None, None, ["district", "care_level", "capability"]),
    ("GET", "/facilities/{id}/capacity", None, "facility_not_found", []),
    ("PUT", "/facilities/{id}/capacity", {"levels": {}}, "facility_not_found", []),
    ("GET", "/facilities/{id}/beds", None, "facility_not_found", ["kind", "from", "to"]),
    ("PUT", "/facilities/{id}/beds", BEDS_BODY, "facility_not_found", []),
    ("GET", "/board", None, None, ["kind", "district"]),
    ("GET", "/search/beds", None, None,
     ["kind", "from", "to", "room", "care_level", "conditions", "district", "near",
      "radius_km", "limit"]),
    ("POST", "/holds", HOLD_BODY, None, []),
    ("GET", "/holds", None, None, ["mine", "facility", "status"]),
    ("GET", "/holds/{id}", None, "hold_not_found", []),
    ("POST", "/holds/{id}/confirm", None, "hold_not_found", []),
    ("POST", "/holds/{id}/release", None, "hold_not_found", []),
]

MALFORMED_IDS = ["not-an-id", "zz", "a" * 65, "%2e%2e", "1;drop", "ff%3Fall=1",
                 "%E6%96%BD%E8%A8%AD"]
NOT_UTF8 = ["%FF", "%C0%AF", "%ED%A0%80", "%E4%B8%AD%E5%A4%AE%FF", "%E9%80"]


def is_write(method):
    return method not in ("GET", "HEAD")


def send(session, method, path, body, headers=None, **kw):
    return session.request(method, API + path, json_body=body, headers=headers, **kw)


def fill(path, ident):
    return path.replace("{id}", ident)


# ---- what the gateway refuses itself ----


def check_refusals(tanaka, token):
    anonymous = ct.Session()
    writes = 0
    for method, path, body, missing, _ in ROUTES:
        p = fill(path, str(uuid.uuid4()))
        w.expect(send(anonymous, method, p, body), 401, "%s %s without a session" % (method, p),
                 "unauthenticated")
        r = ph.bearer(method, API + p, token, json_body=body)
        w.expect(r, 401, "%s %s with an API token (session only)" % (method, p),
                 "unauthenticated")
        if is_write(method):
            w.expect(send(tanaka, method, p, body, csrf=False), 403,
                     "%s %s without X-CSRF-Token" % (method, p), "csrf")
            w.expect(send(tanaka, method, p, body, headers={"X-CSRF-Token": "0" * 43}), 403,
                     "%s %s with another X-CSRF-Token" % (method, p), "csrf")
            writes += 1
        if missing:
            for bad in MALFORMED_IDS:
                bp = fill(path, bad)
                w.expect(send(tanaka, method, bp, body), 404, "%s %s (not an id)" % (method, bp),
                         missing)
        if isinstance(body, dict):
            r = tanaka.request(method, API + p, body=b"{}", headers={"Content-Type": "text/plain"})
            w.expect(r, 415, "%s %s as text/plain" % (method, p), "unsupported_media_type")
    ct.log("ok: %d routes: 401 without a session or with a token, 403 on %d writes without "
           "the CSRF token, 404 facility_not_found / hold_not_found for ids that are not, "
           "415 without JSON" % (len(ROUTES), writes))

    n = 0
    for method, path, body, _, keys in ROUTES:
        if method != "GET":
            continue
        p = fill(path, str(uuid.uuid4()))
        for key in keys:
            for bad in NOT_UTF8:
                r = tanaka.request("GET", "%s%s?%s=%s" % (API, p, key, bad))
                w.expect(r, 400, "GET %s?%s=%s" % (p, key, bad), "invalid_query")
                n += 1
    w.expect(tanaka.request("GET", API + "/search/beds?district=" + "%E3%81%82" * 1500), 414,
             "a search over the gateway's URL limit", "uri_too_long")
    ct.log("ok: %d query values that are not UTF-8 (every key passed on) -> 400 "
           "invalid_query; too long -> 414" % n)


def check_directory_split(tanaka):
    """The directory's own routes still reach records; the deeper ones vacancy."""
    for path in ("/facilities/districts", "/facilities/%s" % uuid.uuid4(), "/facilities?limit=2"):
        gw = tanaka.request("GET", API + path)
        rec = w.records_request(ct.identity_claims("tanaka"), "GET", "/v1" + path)
        ct.check(gw.status == rec.status and gw.json() == rec.json(),
                 "GET %s: the gateway answered %s, records %s"
                 % (path, gw.describe(), rec.describe()))
    for tail in ("capacity", "beds"):
        w.expect(tanaka.request("GET", API + "/facilities/districts/" + tail), 404,
                 "GET /facilities/districts/%s" % tail, "facility_not_found")
    ct.log("ok: /facilities, /facilities/districts and /facilities/{id} answer as records; "
           "/facilities/districts/capacity|beds are vacancy's (404 facility_not_found)")


def check_unreachable():
    """A gateway whose vacancy does not answer says 503."""
    with plh.ExtraGateway({"vacancy.url": "http://127.0.0.1:%d" % plh.free_port()}) as gw:
        s = ct.Session(gw.url())
        s.login(ct.seed_user("tanaka")["email"], ct.seed()["password"])
        for method, path, body in (("GET", "/board?kind=short_stay", None),
                                   ("PUT", "/facilities/%s/beds" % uuid.uuid4(), BEDS_BODY),
                                   ("POST", "/holds/%s/release" % uuid.uuid4(), None)):
            w.expect(send(s, method, path, body), 503, "%s %s without vacancy" % (method, path),
                     "unavailable")
        r = s.request("GET", API + "/facilities/districts")
        ct.check(r.status == 200, "records' directory with vacancy down: %s" % r.describe())
    ct.log("ok: 503 unavailable when vacancy does not answer; records' routes still answer")


# ---- reaching vacancy ----


def direct(name, method, path, body=None):
    """vacancy's own answer to name for /v1<path>."""
    hdrs = {w.IDENTITY_HEADER: ct.sign_identity(ct.identity_claims(name, 120))}
    data = None
    if body is not None:
        import json
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    return ct.http_request(v.vacancy_url(), method, "/v1" + path, data, hdrs, 30)


def route_unknown(r):
    """True when the answer is the HTTP library's for a route nobody serves."""
    if r.status == 405:
        return True
    if r.status != 404:
        return False
    return ((r.json() or {}).get("error") or {}).get("message") == "no such resource"


def vacancy_routes():
    """The (method, path) of ROUTES that vacancy serves (a direct call
    reaches a handler)."""
    served = set()
    for method, path, body, _, _ in ROUTES:
        r = direct("tanaka", method, fill(path, str(uuid.uuid4())), body)
        if route_unknown(r):
            ct.log("note: vacancy does not serve %s /v1%s yet" % (method, path))
        else:
            served.add((method, path))
    return served


# what the pass-through check writes through
NEEDED = {("PUT", "/facilities/{id}/beds"), ("GET", "/facilities/{id}/beds"),
          ("PUT", "/facilities/{id}/capacity"), ("GET", "/facilities/{id}/capacity"),
          ("POST", "/holds"), ("GET", "/holds/{id}"), ("POST", "/holds/{id}/confirm"),
          ("POST", "/holds/{id}/release")}


def same_answer(gw, vac, what):
    ct.check(gw.status == vac.status, "%s: the gateway answered %s, vacancy %s"
             % (what, gw.describe(), vac.describe()))
    ct.check(not route_unknown(gw), "%s: %s: vacancy does not serve this route"
             % (what, gw.describe()))
    ct.check_eq(gw.headers.get("Content-Type"), vac.headers.get("Content-Type"),
                "%s: Content-Type through the gateway" % what)
    ct.check_eq(gw.json(), vac.json(), "%s: the body through the gateway" % what)


def make_rows(marker):
    district = "山手地区"  # a choice of the directory's district field
    return district, [
        {"name": "%s ショートステイ" % marker, "kind": v.KIND_SHORT_STAY, "district": district,
         "latitude": 35.6812, "longitude": 139.7671},
        {"name": "%s 病院" % marker, "kind": v.KIND_HOSPITAL, "district": district,
         "latitude": 35.69, "longitude": 139.70},
        {"name": "%s 居宅" % marker, "kind": v.KIND_OFFICE, "district": district,
         "latitude": None, "longitude": None},
    ]


def compare(tanaka, cases):
    """Each case through the gateway and directly; the answers must be
    equal. Returns how many were compared (routes vacancy does not serve
    yet are skipped)."""
    n = 0
    for name, session, method, path, body in cases:
        vac = direct(name, method, path.replace("&x=1", "").replace("?x=1&", "?"), body)
        if route_unknown(vac):
            ct.log("note: vacancy does not serve %s /v1%s yet: skipped" % (method, path[:60]))
            continue
        gw = send(session, method, path, body)
        same_answer(gw, vac, "%s %s as %s" % (method, path, name))
        n += 1
    return n


def check_reaches_vacancy(tanaka):
    staff_session = w.login("takahashi")
    staff = v.Caller("takahashi")
    marker = ct.unique("gwvac")
    district, rows = make_rows(marker)
    rows = v.make_facilities(staff_session, staff, rows, marker)
    ss, hosp, office = (r["id"] for r in rows)
    d0, d3, d6 = v.day(1), v.day(3), v.day(6)
    qd = urllib.parse.quote(district)

    # writes through the gateway, then vacancy's own answer
    beds = w.expect(send(staff_session, "PUT", "/facilities/%s/beds" % ss,
                         v.beds_body("short_stay", d0, d6, 1, 1, 2, ["care_3"], ["dementia"])),
                    200, "PUT beds through the gateway")
    own = direct("takahashi", "GET", q("/facilities/%s/beds" % ss, kind="short_stay",
                                       **{"from": d0, "to": d6}))
    ct.check_eq(beds, own.json(), "the beds put through the gateway versus vacancy's GET")
    w.expect(send(staff_session, "PUT", "/facilities/%s/beds" % hosp,
                  v.beds_body("backup", d0, d3, 0, 0, 1, [], [])), 200,
             "PUT backup beds through the gateway")
    cap = w.expect(send(staff_session, "PUT", "/facilities/%s/capacity" % office,
                        {"levels": {"care_3": 2, "support_1": 1}, "capabilities": ["dementia"],
                         "note": "火曜 午後は不在 & 100%"}), 200,
                   "PUT capacity through the gateway")
    own = direct("takahashi", "GET", "/facilities/%s/capacity" % office)
    ct.check_eq(cap, own.json(), "the capacity put through the gateway versus vacancy's GET")
    ct.log("ok: beds and capacity put through the gateway are what vacancy then answers")

    near = "35.6812,139.7671"
    search = "/search/beds?x=1&kind=short_stay&from=%s&to=%s&room=women&care_level=care_3" \
             "&conditions=dementia&district=%s&near=%s&radius_km=5&limit=10" % (d0, d3, qd, near)
    missing = str(uuid.uuid4())
    cases = [
        ("tanaka", tanaka, "GET", "/capacity?district=%s&care_level=care_3&x=1" % qd, None),
        ("tanaka", tanaka, "GET", "/capacity?capability=dementia&x=1", None),
        ("tanaka", tanaka, "GET", "/facilities/%s/capacity" % office, None),
        ("tanaka", tanaka, "GET", "/facilities/%s/beds?kind=short_stay&from=%s&to=%s"
         % (ss, d0, d6), None),
        ("tanaka", tanaka, "GET", "/facilities/%s/beds?kind=backup&x=1" % hosp, None),
        ("tanaka", tanaka, "GET", "/facilities/%s/beds?kind=backup" % ss, None),
        ("tanaka", tanaka, "GET", "/board?kind=short_stay&district=%s" % qd, None),
        ("tanaka", tanaka, "GET", "/board?kind=backup&district=%s&x=1" % qd, None),
        ("tanaka", tanaka, "GET", search, None),
        ("tanaka", tanaka, "GET", "/search/beds?kind=short_stay&from=%s" % d3, None),
        ("tanaka", tanaka, "GET", "/search/beds?kind=short_stay&from=%s&to=%s&near=x"
         % (d0, d3), None),
        ("tanaka", tanaka, "GET", "/holds?mine=1", None),
        ("takahashi", staff_session, "GET", "/holds?facility=%s&status=held" % ss, None),
        ("tanaka", tanaka, "GET", "/facilities/%s/capacity" % missing, None),
        ("tanaka", tanaka, "GET", "/facilities/%s/beds" % missing, None),
        ("tanaka", tanaka, "GET", "/holds/%s" % missing, None),
        ("takahashi", staff_session, "POST", "/holds/%s/confirm" % missing, None),
        ("tanaka", tanaka, "POST", "/holds/%s/release" % missing, None),
        # refused writes change nothing, so both answer the same
        ("tanaka", tanaka, "PUT", "/facilities/%s/beds" % ss,
         v.beds_body("short_stay", d0, d3, 1, 1, 1, [], [])),
        ("tanaka", tanaka, "PUT", "/facilities/%s/capacity" % office, {"levels": {}}),
        ("takahashi", staff_session, "PUT", "/facilities/%s/beds" % ss,
         v.beds_body("short_stay", d0, d3, -1, 0, 0, [], [])),
        ("takahashi", staff_session, "PUT", "/facilities/%s/beds" % ss,
         v.beds_body("short_stay", v.day(-1), d3, 1, 0, 0, [], [])),
        ("tanaka", tanaka, "POST", "/holds",
         dict(HOLD_BODY, facility_id=ss, **{"from": d0, "to": d3, "client_label": ""})),
        ("tanaka", tanaka, "POST", "/holds",
         dict(HOLD_BODY, facility_id=ss, beds=5, **{"from": d0, "to": d3})),
    ]
    n = compare(tanaka, cases)
    ct.log("ok: %d requests through the gateway got vacancy's own answers (Japanese query "
           "values, unknown keys dropped, unknown ids, refused bodies)" % n)

    r = send(tanaka, "POST", "/holds", {
        "facility_id": ss, "kind": "short_stay", "room": "women", "beds": 1, "from": d0,
        "to": d3, "client_label": "A様 要介護3", "note": "家族 & 本人の希望"})
    hold = w.expect(r, 201, "POST /holds through the gateway")["hold"]
    hid = hold["id"]
    ct.check_eq(direct("tanaka", "GET", "/holds/%s" % hid).json(), {"hold": hold},
                "the hold placed through the gateway versus vacancy's GET")
    n = compare(tanaka, [
        ("tanaka", tanaka, "GET", "/holds/%s" % hid, None),
        ("takahashi", staff_session, "GET", "/holds/%s" % hid, None),
        ("takahashi", staff_session, "GET", "/holds?facility=%s" % ss, None),
        ("tanaka", tanaka, "POST", "/holds/%s/confirm" % hid, None),
    ])
    confirmed = w.expect(send(staff_session, "POST", "/holds/%s/confirm" % hid, None), 200,
                         "POST /holds/{id}/confirm through the gateway")["hold"]
    ct.check_eq(confirmed["status"], "confirmed", "the hold's status after confirm")
    ct.check_eq(direct("takahashi", "GET", "/holds/%s" % hid).json(), {"hold": confirmed},
                "the confirmed hold versus vacancy's GET")
    released = w.expect(send(tanaka, "POST", "/holds/%s/release" % hid, None), 200,
                        "POST /holds/{id}/release through the gateway")["hold"]
    ct.check_eq(released["status"], "released", "the hold's status after release")
    n += compare(tanaka, [
        ("tanaka", tanaka, "POST", "/holds/%s/release" % hid, None),
        ("takahashi", staff_session, "POST", "/holds/%s/confirm" % hid, None),
        ("tanaka", tanaka, "GET", "/holds?mine=1&status=released", None),
    ])
    ct.log("ok: a hold placed, confirmed and released through the gateway; %d more answers "
           "equal vacancy's own" % n)


def test():
    tanaka = w.login("tanaka")
    owner = ph.make_user(a.tenant_id(), a.org_of("tanaka"), "vac-token", ("member", "org_admin"))
    _, token = ph.create_token(ph.login_user(owner), "空き情報連携 " + ct.unique("vac"),
                               ["feed:read"])
    check_refusals(tanaka, token)
    check_directory_split(tanaka)
    check_unreachable()
    lacking = NEEDED - vacancy_routes()
    if not lacking:
        check_reaches_vacancy(tanaka)
    else:
        ct.log("note: vacancy does not serve %s yet: pass-through not checked"
               % ", ".join("%s %s" % r for r in sorted(lacking)))


if __name__ == "__main__":
    ct.run(test, budget_s=240)
