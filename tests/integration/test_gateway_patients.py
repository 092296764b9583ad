#!/usr/bin/env python3
"""The gateway's side of patient files: every route of
services/records/PATIENTS.md is served under /api/v1 and passed on to
records' /v1 with the caller's identity and address; what the gateway
itself must refuse never reaches records.

* Before records: 401 without a session (and with an API token: patient
  routes are session only), 403 `csrf` on writes without the session's
  X-CSRF-Token, 404 `patient_not_found` (every route of patient data,
  entries and files too, as records answers an id it does not show) /
  `template_not_found` for a path id that is not an id, byte-identical to
  records' own answer for an unknown id, 415 for a JSON route without JSON, 400 `invalid_query` for every
  known query key whose value is not UTF-8, 414 past the URL limit.
* Against a stand-in records (a gateway of its own whose records.url is a
  small HTTP server here): every route arrives as /v1/<tail> with its
  method, the signed identity, only its own query keys (unknown ones
  dropped, Japanese values intact), the body as sent (an upload's bytes
  and Content-Type byte for byte), and X-Forwarded-For naming the client:
  the peer, never what an untrusted client claims; the client a trusted
  proxy names when the gateway trusts it. The answers come back with their
  status and Content-Type; a download's and the access-history CSV's
  Content-Disposition and Cache-Control come back too.
* 503 `unavailable` from a gateway whose records does not answer.
* Reaching records (once it serves the routes): a patient registered, read,
  its team, entries, a read mark, an attachment, last values, templates, a
  round and the access history (JSON and CSV) through the gateway, the
  answers equal to records' own for the same person; another person gets
  404 `patient_not_found`; the access history records the client's address.
"""

import http.server
import json
import os
import re
import sys
import threading
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apps_helpers as a  # noqa: E402
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402
import platform_helpers as plh  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = "/api/v1"

PATIENT_BODY = {"name": "試験 花子", "kana": "シケン ハナコ", "birth_date": "1940-01-02",
                "my_role": "care_manager"}
ENTRY_BODY = {"category": "vitals", "fields": {"systolic": 128, "diastolic": 76}}

# every route: (method, path with {id} and {uid}, body (dict: JSON, bytes: a
# file, None: none), the 404 code for a malformed id, the query keys passed on)
ROUTES = [
    ("GET", "/patients", None, None, ["q"]),
    ("POST", "/patients", PATIENT_BODY, None, []),
    ("GET", "/patients/{id}", None, "patient_not_found", []),
    ("PATCH", "/patients/{id}", {"address": "東町1-2-3"}, "patient_not_found", []),
    ("GET", "/patients/{id}/team", None, "patient_not_found", []),
    ("POST", "/patients/{id}/team", {"user_id": "0", "role": "helper"}, "patient_not_found", []),
    ("DELETE", "/patients/{id}/team/{uid}", None, "patient_not_found", []),
    ("POST", "/patients/{id}/break-glass", {"reason": "救急搬送のため既往歴の確認が必要"},
     "patient_not_found", []),
    ("GET", "/patients/{id}/access-history", None, "patient_not_found", ["format"]),
    ("GET", "/patients/{id}/entries", None, "patient_not_found", ["category", "before", "limit"]),
    ("POST", "/patients/{id}/entries", ENTRY_BODY, "patient_not_found", []),
    ("POST", "/patients/{id}/attachments", b"%PDF-1.4\n%%EOF\n", "patient_not_found",
     ["filename"]),
    ("GET", "/patients/{id}/last-values", None, "patient_not_found", []),
    ("GET", "/entries/{id}", None, "patient_not_found", []),
    ("POST", "/entries/{id}/read", None, "patient_not_found", []),
    ("GET", "/patient-attachments/{id}", None, "patient_not_found", []),
    ("GET", "/entry-templates", None, None, []),
    ("POST", "/entry-templates", {"name": "定時バイタル", "category": "vitals", "fields": {},
                                  "text": "", "shared": False}, None, []),
    ("DELETE", "/entry-templates/{id}", None, "template_not_found", []),
    ("POST", "/rounds", {"entries": [dict(ENTRY_BODY, patient_id="0")]}, None, []),
]

MALFORMED_IDS = ["not-an-id", "zz", "a" * 65, "%2e%2e", "1;drop", "ff%3Fall=1",
                 "%E5%88%A9%E7%94%A8%E8%80%85"]
NOT_UTF8 = ["%FF", "%C0%AF", "%ED%A0%80", "%E4%B8%AD%E5%A4%AE%FF", "%E9%80"]


def is_write(method):
    return method not in ("GET", "HEAD")


def fill(path, ident, uid=None):
    return path.replace("{id}", ident).replace("{uid}", uid or str(uuid.uuid4()))


def send(session, method, path, body, headers=None, **kw):
    if isinstance(body, bytes):
        hdrs = {"Content-Type": "application/pdf"}
        hdrs.update(headers or {})
        sep = "&" if "?" in path else "?"
        return session.request(method, API + path + sep + "filename=a.pdf", body=body,
                               headers=hdrs, **kw)
    return session.request(method, API + path, json_body=body, headers=headers, **kw)


# ---- what the gateway refuses itself ----


def check_refusals(tanaka, token):
    anonymous = ct.Session()
    writes = 0
    for method, path, body, missing, _ in ROUTES:
        p = fill(path, str(uuid.uuid4()))
        w.expect(send(anonymous, method, p, body), 401, "%s %s without a session" % (method, p),
                 "unauthenticated")
        r = ph.bearer(method, API + p, token, json_body=body if isinstance(body, dict) else None)
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
            if "{uid}" in path:
                for bad in MALFORMED_IDS:
                    bp = fill(path, str(uuid.uuid4()), bad)
                    w.expect(send(tanaka, method, bp, body), 404,
                             "%s %s (a user id that is not an id)" % (method, bp), missing)
        if isinstance(body, dict):
            r = tanaka.request(method, API + p, body=b"{}", headers={"Content-Type": "text/plain"})
            w.expect(r, 415, "%s %s as text/plain" % (method, p), "unsupported_media_type")
    ct.log("ok: %d routes: 401 without a session or with a token, 403 on %d writes without "
           "the CSRF token, 404 *_not_found for ids that are not, 415 without JSON"
           % (len(ROUTES), writes))

    n = 0
    for method, path, body, _, keys in ROUTES:
        p = fill(path, str(uuid.uuid4()))
        for key in keys:
            for bad in NOT_UTF8:
                r = send(tanaka, method, "%s?%s=%s" % (p, key, bad), body)
                w.expect(r, 400, "%s %s?%s=%s" % (method, p, key, bad), "invalid_query")
                n += 1
    w.expect(tanaka.request("GET", API + "/patients?q=" + "%E3%81%82" * 1500), 414,
             "a patient search over the gateway's URL limit", "uri_too_long")
    ct.log("ok: %d query values that are not UTF-8 (every key passed on) -> 400 "
           "invalid_query; too long -> 414" % n)


# ---- a stand-in records ----


class FakeRecords:
    """An HTTP server that keeps every request and answers JSON, or a file
    for /v1/patient-attachments/..., or CSV for ...?format=csv."""

    def __init__(self):
        self.seen = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_one(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                fake.seen.append({"method": self.command, "path": self.path,
                                  "headers": {k.lower(): v for k, v in self.headers.items()},
                                  "body": body})
                extra = {}
                if self.path.startswith("/v1/patient-attachments/"):
                    status, ctype, out = 200, "application/pdf", b"%PDF-1.4 fake\n"
                    extra = {"Content-Disposition":
                             "attachment; filename*=UTF-8''%E8%A8%98%E9%8C%B2.pdf",
                             "Cache-Control": "no-store"}
                elif "format=csv" in self.path:
                    status, ctype = 200, "text/csv; charset=utf-8"
                    out = "at,user\n2026-11-24T00:00:00Z,田中\n".encode("utf-8")
                    extra = {"Content-Disposition": "attachment; filename=\"access.csv\"",
                             "Cache-Control": "no-store"}
                elif self.command == "DELETE" or self.path.endswith("/read"):
                    status, ctype, out = 204, None, b""
                else:
                    status, ctype = 201 if self.command == "POST" else 200, \
                        "application/json; charset=utf-8"
                    out = json.dumps({"fake": self.path}, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = handle_one

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def last(self):
        ct.check(self.seen, "the stand-in records got no request")
        return self.seen[-1]


def login_at(url, name):
    s = ct.Session(url)
    s.login(ct.seed_user(name)["email"], ct.seed()["password"])
    s.name = name
    return s


def check_stand_in():
    """Every route through a gateway whose records is a stand-in."""
    with FakeRecords() as fake, plh.ExtraGateway({"records.url": fake.url()}) as gw:
        s = login_at(gw.url(), "tanaka")
        pid, eid = str(uuid.uuid4()), str(uuid.uuid4())
        word = "山田 & 100%"
        for method, path, body, _, keys in ROUTES:
            p = fill(path, pid if "{id}" in path and not path.startswith("/entries")
                     else eid, eid)
            query = {k: word for k in keys if k != "filename"}
            query["unknown"] = "x"
            qp = p + "?" + urllib.parse.urlencode(query)
            r = send(s, method, qp, body, headers={"X-Forwarded-For": "203.0.113.9"})
            what = "%s %s through the gateway" % (method, p)
            got = fake.last()
            want_path = "/v1" + p
            ct.check_eq(got["method"], method, what + ": the method records got")
            path_only, _, qs = got["path"].partition("?")
            ct.check_eq(path_only, want_path, what + ": the path records got")
            args = urllib.parse.parse_qs(qs, keep_blank_values=True, strict_parsing=False)
            ct.check("unknown" not in args, what + ": an unknown query key went along: " + qs)
            for k in keys:
                want = "a.pdf" if k == "filename" else word
                ct.check_eq(args.get(k), [want], what + ": the query key %s" % k)
            ct.check(got["headers"].get(w.IDENTITY_HEADER.lower()),
                     what + ": no signed identity reached records")
            ct.check_eq(got["headers"].get("x-forwarded-for"), "127.0.0.1",
                        what + ": X-Forwarded-For (the peer, not what the client claimed)")
            if isinstance(body, bytes):
                ct.check(got["body"] == body, what + ": the upload's bytes differ")
                ct.check_eq(got["headers"].get("content-type"), "application/pdf",
                            what + ": the upload's Content-Type")
            elif isinstance(body, dict) and is_write(method):
                ct.check_eq(json.loads(got["body"].decode("utf-8")), body, what + ": the body")
            ct.check(r.status in (200, 201, 204), what + ": " + r.describe())
            if r.status != 204 and "/patient-attachments/" not in p and "format" not in keys:
                ct.check_eq(r.json(), {"fake": got["path"]}, what + ": the answer")
        ct.log("ok: %d routes reach records' /v1/<tail> with their method, identity, body, "
               "own query keys only and X-Forwarded-For of the peer" % len(ROUTES))

        # the CSV of the access history and a file come back with their headers
        r = s.request("GET", API + "/patients/%s/access-history?format=csv" % pid)
        ct.check(r.status == 200, "the access-history CSV: " + r.describe())
        ct.check_eq(r.headers.get("Content-Type"), "text/csv; charset=utf-8",
                    "Content-Type of the CSV")
        ct.check_eq(r.headers.get("Content-Disposition"), "attachment; filename=\"access.csv\"",
                    "Content-Disposition of the CSV")
        ct.check("田中" in r.body.decode("utf-8"), "the CSV's bytes came back")
        r = s.request("GET", API + "/patient-attachments/%s" % eid)
        ct.check_eq(r.headers.get("Content-Type"), "application/pdf", "Content-Type of a file")
        ct.check_eq(r.headers.get("Content-Disposition"),
                    "attachment; filename*=UTF-8''%E8%A8%98%E9%8C%B2.pdf",
                    "Content-Disposition of a file")
        ct.check_eq(r.headers.get("Cache-Control"), "no-store", "Cache-Control of a file")
        ct.check_eq(r.body, b"%PDF-1.4 fake\n", "the file's bytes")
        ct.log("ok: the access-history CSV and a patient's file come back with Content-Type, "
               "Content-Disposition and Cache-Control")

    # a gateway behind a trusted proxy passes on the client the proxy names
    with FakeRecords() as fake, plh.ExtraGateway({"records.url": fake.url(),
                                                  "http.trusted_proxies": "127.0.0.1"}) as gw:
        s = login_at(gw.url(), "tanaka")
        s.request("GET", API + "/patients", headers={"X-Forwarded-For": "203.0.113.9"})
        ct.check_eq(fake.last()["headers"].get("x-forwarded-for"), "203.0.113.9",
                    "X-Forwarded-For behind a trusted proxy")
    ct.log("ok: behind a trusted proxy, the client it names is passed on")


def check_unreachable():
    """A gateway whose records does not answer says 503."""
    with plh.ExtraGateway({"records.url": "http://127.0.0.1:%d" % plh.free_port()}) as gw:
        s = login_at(gw.url(), "tanaka")
        for method, path, body in (("GET", "/patients", None),
                                   ("POST", "/patients/%s/entries" % uuid.uuid4(), ENTRY_BODY),
                                   ("GET", "/patients/%s/access-history?format=csv"
                                    % uuid.uuid4(), None)):
            w.expect(send(s, method, path, body), 503, "%s %s without records" % (method, path),
                     "unavailable")
    ct.log("ok: 503 unavailable when records does not answer")


# ---- reaching records ----


def direct(name, method, path, body=None):
    """records' own answer to name for /v1<path>."""
    hdrs = {w.IDENTITY_HEADER: ct.sign_identity(ct.identity_claims(name, 120))}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    return ct.http_request(w.records_url(), method, "/v1" + path, data, hdrs, 30)


def route_unknown(r):
    """True when the answer is the HTTP library's for a route nobody serves."""
    if r.status == 405:
        return True
    if r.status != 404:
        return False
    return ((r.json() or {}).get("error") or {}).get("message") == "no such resource"


def same_answer(gw, rec, what):
    ct.check(gw.status == rec.status, "%s: the gateway answered %s, records %s"
             % (what, gw.describe(), rec.describe()))
    ct.check_eq(gw.headers.get("Content-Type"), rec.headers.get("Content-Type"),
                "%s: Content-Type through the gateway" % what)
    if gw.body:
        ct.check_eq(gw.json(), rec.json(), "%s: the body through the gateway" % what)


def served(method, path, body=None):
    return not route_unknown(direct("tanaka", method, path, body))


def check_reaches_records(tanaka, ito):
    if not served("GET", "/patients"):
        ct.log("note: records does not serve /v1/patients yet: pass-through not checked")
        return
    word = w.jp_word(6)
    body = dict(PATIENT_BODY, name="試験 %s" % word,
                consent={"given": True, "date": "2026-11-01", "scope": "care_team"})
    patient = w.expect(send(tanaka, "POST", "/patients", body), 201,
                       "POST /patients through the gateway")["patient"]
    pid = patient["id"]
    same_answer(tanaka.request("GET", API + "/patients/" + pid),
                direct("tanaka", "GET", "/patients/" + pid), "GET /patients/{id}")
    same_answer(tanaka.request("GET", API + "/patients?q=" + urllib.parse.quote(word)),
                direct("tanaka", "GET", "/patients?q=" + urllib.parse.quote(word)),
                "GET /patients?q=<Japanese>")
    for path in ("/patients/%s" % pid, "/patients/%s/team" % pid,
                 "/patients/%s/entries" % pid, "/patients/%s/access-history" % pid):
        if served("GET", path):
            w.expect(ito.request("GET", API + path), 404, "GET %s by a non-member" % path,
                     "patient_not_found")
    ct.log("ok: a patient registered through the gateway reads the same as from records; "
           "a non-member gets 404 patient_not_found")
    # the gateway's 404 for an id that is not one is records' for an unknown id
    n = 0
    for method, path, body, missing, _ in ROUTES:
        if not missing or isinstance(body, bytes):
            continue
        rec = direct("tanaka", method, fill(path, str(uuid.uuid4())), body)
        if route_unknown(rec) or rec.status != 404:
            continue  # e.g. break-glass refuses a care manager before looking
        gw = send(tanaka, method, fill(path, "not-an-id"), body)
        ct.check(gw.status == rec.status == 404 and gw.body == rec.body,
                 "%s %s: the gateway's 404 for an id that is not one (%s) differs from "
                 "records' for an unknown id (%s)" % (method, path, gw.describe(), rec.describe()))
        n += 1
    ct.log("ok: %d routes: the gateway's 404 for a malformed id is byte for byte records' "
           "for an unknown one" % n)
    n = 0
    for path in ("/patients/%s/team" % pid, "/patients/%s/last-values" % pid,
                 "/patients/%s/entries?limit=5&x=1" % pid, "/entry-templates"):
        if served("GET", path.replace("&x=1", "")):
            same_answer(tanaka.request("GET", API + path),
                        direct("tanaka", "GET", path.replace("&x=1", "")), "GET " + path)
            n += 1
    if served("POST", "/patients/%s/entries" % pid, {}):
        e = w.expect(send(tanaka, "POST", "/patients/%s/entries" % pid, ENTRY_BODY), 201,
                     "POST an entry through the gateway")["entry"]
        same_answer(tanaka.request("GET", API + "/entries/" + e["id"]),
                    direct("tanaka", "GET", "/entries/" + e["id"]), "GET /entries/{id}")
        w.expect(send(tanaka, "POST", "/entries/%s/read" % e["id"], None), 204,
                 "POST /entries/{id}/read through the gateway")
        w.expect(ito.request("GET", API + "/entries/" + e["id"]), 404,
                 "an entry read by a non-member", "patient_not_found")
        n += 3
    if served("POST", "/patients/%s/attachments" % pid):
        data = w.pdf("carelink " + uuid.uuid4().hex)
        r = tanaka.request("POST", API + "/patients/%s/attachments?filename=%s"
                           % (pid, urllib.parse.quote("紹介状.pdf")), body=data,
                           headers={"Content-Type": "application/pdf"})
        att = w.expect(r, 201, "a patient's file uploaded through the gateway")["attachment"]
        ct.check_eq(att["size"], len(data), "the stored size")
        d = tanaka.request("GET", API + "/patient-attachments/" + att["id"])
        ct.check(d.status == 200 and d.body == data, "the file came back: " + d.describe())
        ct.check("no-store" in (d.headers.get("Cache-Control") or ""),
                 "Cache-Control of a patient's file: %r" % d.headers.get("Cache-Control"))
        ct.check(d.headers.get("Content-Disposition"), "a patient's file has no "
                 "Content-Disposition")
        w.expect(ito.request("GET", API + "/patient-attachments/" + att["id"]), 404,
                 "a patient's file downloaded by a non-member", "patient_not_found")
        n += 2
    if served("GET", "/patients/%s/access-history" % pid):
        h = w.expect(tanaka.request("GET", API + "/patients/%s/access-history" % pid), 200,
                     "the access history through the gateway")
        addresses = {x.get("address") for x in h.get("accesses", [])}
        ct.check("127.0.0.1" in addresses, "the access history records the client's address "
                 "the gateway saw: %r" % addresses)
        r = tanaka.request("GET", API + "/patients/%s/access-history?format=csv" % pid)
        ct.check(r.status == 200, "the access-history CSV: " + r.describe())
        ct.check(re.match(r"attachment", r.headers.get("Content-Disposition") or ""),
                 "the CSV's Content-Disposition: %r" % r.headers.get("Content-Disposition"))
        n += 2
    ct.log("ok: %d more patient routes through the gateway answer as records" % n)


def test():
    tanaka = w.login("tanaka")
    ito = w.login("ito")
    owner = ph.make_user(a.tenant_id(), a.org_of("tanaka"), "pt-token", ("member", "org_admin"))
    _, token = ph.create_token(ph.login_user(owner), "利用者連携 " + ct.unique("pt"),
                               ["feed:read"])
    check_refusals(tanaka, token)
    check_stand_in()
    check_unreachable()
    check_reaches_records(tanaka, ito)


if __name__ == "__main__":
    ct.run(test, budget_s=240)
