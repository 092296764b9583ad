"""Helpers of the apps tests (test_apps_*.py): apps, their records,
history and comments, CSV import and export, the facility directory and the
event calendar, all through the gateway's public API (/api/v1/...) with
real logins, as services/records/APPS.md describes them.

* People: the demo users (workspace_helpers.login: two-factor enrolment
  for tenant admins, doctors, police and fire, secrets shared through
  totp_store.py); new people of the demo tenant are invited by a tenant
  admin through the API (new_people), and wait_copy() waits until records
  has its copy of them (they appear among the members of the demo's
  everyone-space).
* Apps: create_app() as a tenant admin; every test makes apps of its own
  with unique names, so the tests run in any order and again against the
  same system.
* CSV: export() and start_import() send and fetch raw bytes; the tests
  encode and decode them with Python's own codecs ("utf-8-sig", "cp932").
* Events: create_event() makes a record of the built-in `events` app;
  register() / unregister() / registrations().
* iCalendar: calendar_ics() and feed_url() (the gateway's /ical/<secret>).

Every wait has a deadline; a failed check raises ct.TestFailure.
"""

import concurrent.futures
import datetime
import json
import os
import sys
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = w.API
JST = datetime.timezone(datetime.timedelta(hours=9), "JST")
expect = w.expect
q = w.q
login = w.login
uid = w.uid


def org_of(name):
    """The demo organisation id of demo user name."""
    return ct.seed_user(name)["organisation"]


def tenant_id():
    return ct.seed()["tenant"]["id"]


# --------------------------------------------------------------------------
# times


def jst_iso(dt):
    """RFC 3339 in +09:00 of an aware datetime (seconds precision)."""
    return dt.astimezone(JST).replace(microsecond=0).isoformat()


def jst_now():
    return datetime.datetime.now(JST).replace(microsecond=0)


def parse_time(text):
    """An aware datetime of RFC 3339 text (Z or an offset)."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


# --------------------------------------------------------------------------
# apps


def field(key, type_, label=None, required=False, **extra):
    f = {"key": key, "label": key if label is None else label, "type": type_,
         "required": required}
    f.update(extra)
    return f


def create_app_request(admin, name, fields, read=None, write=None, key=None, description=None):
    body = {"name": name, "fields": fields}
    if read is not None:
        body["read"] = read
    if write is not None:
        body["write"] = write
    if key is not None:
        body["key"] = key
    if description is not None:
        body["description"] = description
    return admin.request("POST", API + "/apps", json_body=body)


def create_app(admin, name, fields, read=None, write=None, key=None, description=None):
    """POST /apps as a tenant admin; the app."""
    r = create_app_request(admin, name, fields, read, write, key, description)
    doc = expect(r, 201, "POST /apps %s" % name)
    app = (doc or {}).get("app")
    ct.check(isinstance(app, dict) and app.get("id"), "201 without an app: %s" % r.describe())
    return app


def get_app(session, app_id):
    return expect(session.request("GET", API + "/apps/" + app_id), 200,
                  "GET /apps/%s" % app_id)["app"]


def patch_app(admin, app_id, **changes):
    return admin.request("PATCH", API + "/apps/" + app_id, json_body=changes)


def list_apps(session):
    return expect(session.request("GET", API + "/apps"), 200, "GET /apps")["apps"]


# --------------------------------------------------------------------------
# records


def record_body(values, owner=None):
    body = {"values": values}
    if owner is not None:
        body["owner_organisation_id"] = owner
    return body


def create_record_request(session, app_id, values, owner=None):
    return session.request("POST", API + "/apps/%s/records" % app_id,
                           json_body=record_body(values, owner))


def create_record(session, app_id, values, owner=None):
    """POST /apps/{id}/records; the record."""
    r = create_record_request(session, app_id, values, owner)
    doc = expect(r, 201, "POST /apps/%s/records" % app_id)
    rec = (doc or {}).get("record")
    ct.check(isinstance(rec, dict) and rec.get("id"), "201 without a record: %s" % r.describe())
    return rec


def patch_record(session, record_id, values, owner=None):
    return session.request("PATCH", API + "/app-records/" + record_id,
                           json_body=record_body(values, owner))


def get_record(session, record_id):
    return expect(session.request("GET", API + "/app-records/" + record_id), 200,
                  "GET /app-records/%s" % record_id)["record"]


def list_records(session, app_id, **params):
    """{"records","total","next_cursor"} of GET /apps/{id}/records."""
    return expect(session.request("GET", q(API + "/apps/%s/records" % app_id, **params)), 200,
                  "GET /apps/%s/records %r" % (app_id, params))


def all_records(session, app_id, **params):
    """Every record of the list (following next_cursor), bounded."""
    out, cursor = [], None
    for _ in range(200):
        doc = list_records(session, app_id, limit=200, cursor=cursor, **params)
        out.extend(doc.get("records") or [])
        cursor = doc.get("next_cursor")
        if not cursor:
            return out
    ct.fail("the records of app %s did not end after 200 pages" % app_id)


def record_total(session, app_id):
    return list_records(session, app_id, limit=1)["total"]


def history(session, record_id):
    return expect(session.request("GET", API + "/app-records/%s/history" % record_id), 200,
                  "GET /app-records/%s/history" % record_id)["changes"]


def add_comment(session, record_id, body):
    r = session.request("POST", API + "/app-records/%s/comments" % record_id,
                        json_body={"body": body})
    doc = expect(r, 201, "POST /app-records/%s/comments" % record_id)
    c = (doc or {}).get("comment")
    ct.check(isinstance(c, dict) and c.get("id"), "201 without a comment: %s" % r.describe())
    return c


def comments(session, record_id):
    return expect(session.request("GET", API + "/app-records/%s/comments" % record_id), 200,
                  "GET /app-records/%s/comments" % record_id)["comments"]


def invalid_fields(r):
    """The field keys of a 400 invalid_record answer's error.fields."""
    try:
        err = r.json().get("error") or {}
    except ct.TestFailure:
        return None
    return [f.get("field") for f in err.get("fields") or [] if isinstance(f, dict)]


def error_message(r):
    try:
        return (r.json().get("error") or {}).get("message") or ""
    except ct.TestFailure:
        return ""


# --------------------------------------------------------------------------
# CSV


def export(session, app_id, encoding="utf-8", **params):
    """GET /apps/{id}/export.csv; the Response."""
    return session.request("GET", q(API + "/apps/%s/export.csv" % app_id, encoding=encoding,
                                    **params))


def start_import(session, app_id, data, encoding="utf-8", mode="dry_run"):
    """POST /apps/{id}/imports with the file's bytes; the Response."""
    return session.request("POST", q(API + "/apps/%s/imports" % app_id, encoding=encoding,
                                     mode=mode),
                           body=data, headers={"Content-Type": "text/csv"}, timeout=60)


def start_import_ok(session, app_id, data, encoding="utf-8", mode="dry_run"):
    r = start_import(session, app_id, data, encoding, mode)
    doc = expect(r, 202, "POST /apps/%s/imports (%s, %s)" % (app_id, encoding, mode))
    imp = (doc or {}).get("import")
    ct.check(isinstance(imp, dict) and imp.get("id"), "202 without an import: %s" % r.describe())
    return imp


def get_import(session, import_id):
    return expect(session.request("GET", API + "/imports/" + import_id), 200,
                  "GET /imports/%s" % import_id)["import"]


def wait_import(session, import_id, timeout=60, seen=None):
    """The import once its state is no longer running; every snapshot polled
    is appended to seen (a list) when given."""
    deadline = time.monotonic() + timeout
    while True:
        imp = get_import(session, import_id)
        if seen is not None:
            seen.append(imp)
        if imp.get("state") != "running":
            return imp
        if time.monotonic() > deadline:
            ct.fail("import %s still running after %d s: %r" % (import_id, timeout, imp))
        time.sleep(0.05)


def run_import(session, app_id, data, encoding="utf-8", mode="dry_run", timeout=60):
    """Starts an import and waits for its end; the finished import."""
    imp = start_import_ok(session, app_id, data, encoding, mode)
    return wait_import(session, imp["id"], timeout)


def csv_text(rows):
    """CSV text (CRLF line ends, every cell quoted as needed) of rows."""
    import csv
    import io
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def parse_csv(text):
    import csv
    import io
    return list(csv.reader(io.StringIO(text, newline="")))


# --------------------------------------------------------------------------
# facilities and events


def facilities(session, **params):
    return expect(session.request("GET", q(API + "/facilities", **params)), 200,
                  "GET /facilities %r" % params)


def event_values(title, starts_at, ends_at=None, kind="研修", place=None, organiser=None,
                 capacity=None, description=None):
    v = {"title": title, "kind": kind, "starts_at": starts_at}
    for k, val in (("ends_at", ends_at), ("place", place), ("organiser", organiser),
                   ("capacity", capacity), ("description", description)):
        if val is not None:
            v[k] = val
    return v


def create_event(session, title, starts_at, **kw):
    """A record of the built-in events app; starts_at an aware datetime or
    RFC 3339 text."""
    if isinstance(starts_at, datetime.datetime):
        starts_at = jst_iso(starts_at)
    if isinstance(kw.get("ends_at"), datetime.datetime):
        kw["ends_at"] = jst_iso(kw["ends_at"])
    return create_record(session, "events", event_values(title, starts_at, **kw))


def register(session, event_id):
    return session.request("POST", API + "/events/%s/registration" % event_id, json_body={})


def unregister(session, event_id):
    return session.request("DELETE", API + "/events/%s/registration" % event_id)


def registrations(session, event_id):
    return expect(session.request("GET", API + "/events/%s/registrations" % event_id), 200,
                  "GET /events/%s/registrations" % event_id)["people"]


def calendar_ics(session, scope="tenant"):
    return session.request("GET", q(API + "/calendar.ics", scope=scope))


def feed_url(session, scope="mine"):
    """The path (/ical/<secret>) of a calendar feed of session's person made
    by POST /me/calendar-feeds."""
    r = session.request("POST", API + "/me/calendar-feeds", json_body={"scope": scope})
    ct.check(r.status in (200, 201), "POST /me/calendar-feeds (%s): expected 201, got %s"
             % (scope, r.describe()))
    urls = []

    def walk(v):
        if isinstance(v, str) and "/ical/" in v:
            urls.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(r.json())
    ct.check(urls, "POST /me/calendar-feeds gave no /ical/ URL: %s" % r.describe())
    if len(urls) > 1:  # several feeds: the one of this scope
        mine = [u for u in urls if scope in json.dumps(r.json())]
        urls = mine or urls
    return "/ical/" + urls[0].split("/ical/", 1)[1]


# --------------------------------------------------------------------------
# people


def everyone_space():
    return ct.demo_space()["id"]


def wait_copy(session, user_id, timeout=30):
    """Waits until records has its copy of user_id (the person is listed
    among the members of the demo's space for everyone)."""
    w.wait_member(session, everyone_space(), user_id, timeout)


def new_people(admin, count, label, org=None, profession="care_manager", workers=4):
    """count new people of the demo tenant invited by admin (a tenant admin)
    through the API, logged in; waits for records' copy of each."""
    import admin_helpers
    org = org or org_of("tanaka")

    def one(i):
        return admin_helpers.new_user(admin, org, "%s-%d" % (label, i), profession=profession)

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
        people = list(ex.map(one, range(count)))
    for s in people:
        wait_copy(admin, s.user["id"])
    return people


def text_of(r):
    return r.body.decode("utf-8", "replace") + "\n" + "\n".join(
        "%s: %s" % kv for kv in r.headers.items())


def new_word(n=10):
    return w.jp_word(n)


def fake_id():
    return str(uuid.uuid4())
