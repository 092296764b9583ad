#!/usr/bin/env python3
"""The access matrix of apps (issue 5: "permission rules (read/write by
profession, organisation, owner) with an access matrix").

Two apps made by 高橋 (tenant admin), each with a record, a comment and an
import started by 鈴木 (tenant admin, whose organisation neither app
lists):

* app R: read by care managers and care workers and by the hospital and
  the social welfare council; written by care managers (profession) and
  the hospital (organisation); no owner rule. Record r1 by 田中.
  田中 writes by profession, 渡辺 (hospital) by organisation, 伊藤 (care
  worker) and 加藤 (welfare council) only read, 中村 (police) and 山本
  (pharmacist) are outsiders.
* app O: read by care managers, care workers and pharmacists; written by
  "the owner organisation". Records ot by 田中 and oi by 伊藤: each may
  change their own organisation's record and not the other's; 山本 creates
  but changes neither; 中村, 渡辺 and 加藤 are outsiders.

Every route of services/records/APPS.md (ROWS: one row per route and
body, run against each target) is called by each person; the expected
status follows from the person's level (outsider, reader, writer, tenant
admin) for that target. Outsiders get 404 exactly like an unknown id and
no trace of the app's name or values; refused writes change nothing
(checked afterwards through history, comments and the record lists);
writers succeed exactly where the rules say. The event calendar and the
facility directory (EV_ROWS: read by everyone, written by the owner
organisation) likewise. Then a second tenant (its tenant admin and a care
manager) and an identity of another tenant signed with the services' key
get 404 for everything and find nothing in lists, search, exports and the
iCalendar; the outsiders' feeds hold nothing of the apps once a reader's
feed has the notification of r1.
"""

import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import apps_helpers as ap  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = ap.API
POLICE = "0f1e2d3c-0001-4000-8000-000000000009"
HOSPITAL = "0f1e2d3c-0001-4000-8000-000000000006"
WELFARE = "0f1e2d3c-0001-4000-8000-00000000000b"

FIELDS = [ap.field("title", "text", "件名", required=True),
          ap.field("note", "long_text", "備考"),
          ap.field("status", "choice", "状況", choices=["未対応", "対応中", "完了"])]

# (method, path, body, kind, target, refused_only) under /api/v1. target
# "app": run against apps R and O; "rec": against r1, ot and oi. body is a
# JSON value, or ("csv", text) for a raw CSV file. {who} is the caller.
ROWS = [
    ("GET", "/apps/{app}", None, "read", "app", False),
    ("PATCH", "/apps/{app}", {"description": "乗っ取り {who}"}, "admin", "app", False),
    ("PATCH", "/apps/{app}", {"read": {"professions": [], "organisations": []}}, "admin", "app",
     True),
    ("PATCH", "/apps/{app}", {"write": {"professions": ["police_officer"], "organisations": [],
                                        "owner_organisation": True}}, "admin", "app", True),
    ("PATCH", "/apps/{app}", {"name": "乗っ取り {who}"}, "admin", "app", True),
    ("GET", "/apps/{app}/records", None, "read", "app", False),
    ("GET", "/apps/{app}/records?q={qword}", None, "read", "app", False),
    ("GET", "/apps/{app}/records?q={qmid}&sort=title&limit=1", None, "read", "app", False),
    ("GET", "/apps/{app}/records?f.status=%E6%9C%AA%E5%AF%BE%E5%BF%9C", None, "read", "app",
     False),
    ("POST", "/apps/{app}/records", {"values": {"title": "侵入 {word} {who}"}}, "create", "app",
     False),
    ("POST", "/apps/{app}/records", {"values": {"title": "侵入 {word} {who}"},
                                     "owner_organisation_id": POLICE}, "create", "app", True),
    ("GET", "/apps/{app}/export.csv?encoding=utf-8", None, "read", "app", False),
    ("GET", "/apps/{app}/export.csv?encoding=shift_jis&q={qword}", None, "read", "app", False),
    ("POST", "/apps/{app}/imports?encoding=utf-8&mode=dry_run",
     ("csv", "件名,備考\r\n侵入 {word} {who}-dry,試し\r\n"), "create", "app", False),
    ("POST", "/apps/{app}/imports?encoding=utf-8&mode=commit",
     ("csv", "件名,備考\r\n侵入 {word} {who}-csv,取込\r\n"), "create", "app", False),
    ("GET", "/imports/{import}", None, "starter", "app", False),
    ("GET", "/app-records/{rec}", None, "read", "rec", False),
    ("PATCH", "/app-records/{rec}", {"values": {"note": "更新 {who}"}}, "write", "rec", False),
    ("PATCH", "/app-records/{rec}", {"values": {"status": "完了"}}, "write", "rec", True),
    ("PATCH", "/app-records/{rec}", {"values": {"title": "乗っ取り {who}"},
                                     "owner_organisation_id": POLICE}, "write", "rec", True),
    ("GET", "/app-records/{rec}/history", None, "read", "rec", False),
    ("GET", "/app-records/{rec}/comments", None, "read", "rec", False),
    ("POST", "/app-records/{rec}/comments", {"body": "コメント {word} {who}"}, "read", "rec",
     False),
    ("DELETE", "/app-records/{fresh}", None, "write", "rec", False),
]

# the event calendar and the facility directory: everyone of the tenant
# reads; the owner organisation (田中's) writes. Run after ROWS.
EV_ROWS = [
    ("GET", "/apps/{events_app}", None, "read"),
    ("GET", "/apps/{facilities_app}", None, "read"),
    ("GET", "/app-records/{event}", None, "read"),
    ("GET", "/app-records/{event}/history", None, "read"),
    ("POST", "/events/{event}/registration", {}, "read"),
    ("DELETE", "/events/{event}/registration", None, "read"),
    ("GET", "/events/{event}/registrations", None, "write"),
    ("PATCH", "/app-records/{event}", {"values": {"place": "会場 {who}"}}, "write"),
    ("PATCH", "/apps/{events_app}", {"description": "乗っ取り {who}"}, "admin"),
    ("GET", "/facilities/{facility}", None, "read"),
    ("GET", "/app-records/{facility}", None, "read"),
    ("PATCH", "/app-records/{facility}", {"values": {"hours": "9:00-17:00 {who}"}}, "write"),
]

PEOPLE = ("suzuki", "tanaka", "watanabe", "ito", "kato", "yamamoto", "nakamura")

# level of each person for each target: none, read, write, admin
LEVELS = {
    "R": {"suzuki": "admin", "tanaka": "write", "watanabe": "write", "ito": "read",
          "kato": "read", "yamamoto": "none", "nakamura": "none"},
    # app O as a target of app rows: every reader creates (owner rule)
    "O": {"suzuki": "admin", "tanaka": "write", "ito": "write", "yamamoto": "write",
          "watanabe": "none", "kato": "none", "nakamura": "none"},
    "ot": {"suzuki": "admin", "tanaka": "write", "ito": "read", "yamamoto": "read",
           "watanabe": "none", "kato": "none", "nakamura": "none"},
    "oi": {"suzuki": "admin", "tanaka": "read", "ito": "write", "yamamoto": "read",
           "watanabe": "none", "kato": "none", "nakamura": "none"},
    "ev": {"suzuki": "admin", "tanaka": "write", "watanabe": "read", "ito": "read",
           "kato": "read", "yamamoto": "read", "nakamura": "read"},
}
LEVELS["r1"] = LEVELS["R"]


def expected(method, path, kind, level, who, starter="suzuki"):
    """The status a person of level gets for a row of kind."""
    if level == "none":
        return 404
    if kind == "starter":
        return 200 if who == starter else 404
    need = {"read": ("read", "write", "admin"), "write": ("write", "admin"),
            "create": ("write", "admin"), "admin": ("admin",)}[kind]
    if level not in need:
        return 403
    if method == "GET":
        return 200
    if method == "DELETE":
        return 204
    if method == "PATCH":
        return 200
    if "/imports" in path:
        return 202
    if path.endswith("/registration"):
        return 201
    return 201


def fill(value, ids):
    if isinstance(value, str):
        for k, v in ids.items():
            value = value.replace("{%s}" % k, v)
        return value
    if isinstance(value, tuple):
        return (value[0], fill(value[1], ids))
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def send(session, method, path, body, prefix=API):
    if isinstance(body, tuple):
        return session.request(method, prefix + path, body=body[1].encode("utf-8"),
                               headers={"Content-Type": "text/csv"})
    if body is None:
        return session.request(method, prefix + path)
    return session.request(method, prefix + path, json_body=body)


class SignedCaller:
    """An identity of another tenant, signed with the services' key, sent
    straight to records (/v1/...)."""

    def __init__(self, claims):
        self.claims = claims

    def request(self, method, path, body=None, headers=None, json_body=None):
        return w.records_request(self.claims, method, path.replace(API, "/v1", 1),
                                 json_body=json_body, body=body, headers=headers)


class Fixture:
    pass


def setup():
    f = Fixture()
    f.people = {n: ap.login(n) for n in PEOPLE}
    f.takahashi = ap.login("takahashi")
    f.marks = {n: w.feed_mark(s) for n, s in f.people.items()}
    f.word = ap.new_word(12)
    f.hex = uuid.uuid4().hex
    f.name_r = "限定アプリ R %s %s" % (f.word, f.hex[:8])
    f.name_o = "所有者アプリ O %s %s" % (f.word, f.hex[:8])
    f.desc = "アクセス試験 %s" % f.word
    f.read_r = {"professions": ["care_manager", "care_worker"],
                "organisations": [HOSPITAL, WELFARE]}
    f.write_r = {"professions": ["care_manager"], "organisations": [HOSPITAL],
                 "owner_organisation": False}
    f.read_o = {"professions": ["care_manager", "care_worker", "pharmacist"],
                "organisations": []}
    f.write_o = {"professions": [], "organisations": [], "owner_organisation": True}
    f.app_r = ap.create_app(f.takahashi, f.name_r, FIELDS, f.read_r, f.write_r,
                            description=f.desc)
    f.app_o = ap.create_app(f.takahashi, f.name_o, FIELDS, f.read_o, f.write_o,
                            description=f.desc)
    for who, s in (("tanaka", f.people["tanaka"]), ("ito", f.people["ito"])):
        ct.check(any(a["id"] == f.app_r["id"] for a in ap.list_apps(s)),
                 "reader %s does not find app R in GET /apps" % who)
    t, i = f.people["tanaka"], f.people["ito"]
    f.title_r1 = "記録 %s %s" % (f.word, f.hex)
    f.r1 = ap.create_record(t, f.app_r["id"], {"title": f.title_r1, "note": "秘密の備考 " + f.hex,
                                               "status": "未対応"})
    f.ot = ap.create_record(t, f.app_o["id"], {"title": "田中の記録 %s" % f.word,
                                               "status": "未対応"})
    f.oi = ap.create_record(i, f.app_o["id"], {"title": "伊藤の記録 %s" % f.word,
                                               "status": "未対応"})
    ct.check_eq((f.ot.get("owner_organisation") or {}).get("id"), ap.org_of("tanaka"),
                "owner organisation of 田中's record")
    ct.check_eq((f.oi.get("owner_organisation") or {}).get("id"), ap.org_of("ito"),
                "owner organisation of 伊藤's record")
    f.comment = ap.add_comment(i, f.r1["id"], "伊藤のコメント %s" % f.word)
    suzuki = f.people["suzuki"]
    f.imports = {}
    for key, app in (("R", f.app_r), ("O", f.app_o)):
        imp = ap.start_import_ok(suzuki, app["id"], "件名\r\n試し %s\r\n" % f.word, "utf-8",
                                 "dry_run")
        f.imports[key] = imp["id"]
    # the event and the facility of 田中's organisation
    start = ap.jst_now() + ap.datetime.timedelta(days=10)
    f.event = ap.create_event(t, "アクセス試験の研修 %s" % f.word, start, capacity=50,
                              place="中央公民館")
    f.facility = ap.create_record(t, "facilities", {
        "name": "試験事業所 %s" % f.word, "kind": "居宅介護支援事業所", "district": "中央地区",
        "address": "みどり市中央1-2-3", "phone": "0120-000-000"})
    f.events_app = ap.get_app(t, "events")
    f.facilities_app = ap.get_app(t, "facilities")
    ct.log("app R %s, app O %s, r1 %s, ot %s, oi %s, event %s, facility %s"
           % (f.app_r["id"], f.app_o["id"], f.r1["id"], f.ot["id"], f.oi["id"],
              f.event["id"], f.facility["id"]))
    return f


def targets(f):
    """(app level key, record level key, ids) for each run of ROWS."""
    base = {"word": f.word, "qword": ap.urllib.parse.quote(f.word),
            "qmid": ap.urllib.parse.quote(f.word[3:8])}
    return [
        ("R", "r1", dict(base, app=f.app_r["id"], rec=f.r1["id"], **{"import": f.imports["R"]})),
        ("O", "ot", dict(base, app=f.app_o["id"], rec=f.ot["id"], **{"import": f.imports["O"]})),
        ("O", "oi", dict(base, app=f.app_o["id"], rec=f.oi["id"], **{"import": f.imports["O"]})),
    ]


def traces(f):
    return [f.word, f.hex, f.name_r, f.name_o, f.title_r1]


def id_traces(f):
    return [f.app_r["id"], f.app_o["id"], f.r1["id"], f.ot["id"], f.oi["id"],
            f.comment["id"]]


def leaks(r, f, path):
    text = ap.text_of(r)
    found = [t for t in traces(f) if t in text]
    found += [i for i in id_traces(f) if i in text and i not in path]
    return found


def fake_ids(ids):
    out = dict(ids)
    for k in ("app", "rec", "import", "fresh", "event", "facility", "events_app",
              "facilities_app"):
        out[k] = str(uuid.uuid4())
    return out


def fresh_record(f, app_key, rec_key):
    """A record for a DELETE row, made by 高橋 and owned like the target
    record (田中's organisation, or 伊藤's for oi), so the same rules hold."""
    app = f.app_r if app_key == "R" else f.app_o
    owner = ap.org_of("ito" if rec_key == "oi" else "tanaka")
    rec = ap.create_record(f.takahashi, app["id"], {"title": "削除用 %s" % f.word},
                           owner=owner)
    return rec["id"]


def run_rows(f, who, caller, levels, problems, prefix=API, deletes=None):
    """ROWS for caller (levels: None = every answer must be a 404 like an
    unknown id's)."""
    for app_key, rec_key, ids in targets(f):
        ids = dict(ids, who=who)
        for method, path, body, kind, target, refused_only in ROWS:
            if target == "app" and rec_key == "oi":
                continue  # app rows once per app
            level = "none" if levels is None else \
                LEVELS[app_key if target == "app" else rec_key][who]
            want = expected(method, path, kind, level, who)
            if refused_only and want < 400:
                continue
            if "{fresh}" in path:
                ids["fresh"] = fresh_record(f, app_key, rec_key)
                if want >= 400:
                    deletes.append(ids["fresh"])
            real_path = fill(path, ids)
            r = send(caller, method, real_path, fill(body, ids), prefix)
            what = "%s %s %s (%s, %s)" % (who, method, path, app_key if target == "app"
                                          else rec_key, level)
            if r.status != want:
                problems.append("%s: expected %d, got %s" % (what, want, r.describe()))
                continue
            if "/imports?" in path and want == 202:
                f.started.append((caller, r.json()["import"]["id"]))
            if want == 404:
                fake = fake_ids(ids)
                n = send(caller, method, fill(path, fake), fill(body, fake), prefix)
                if w.error_of(r) != w.error_of(n):
                    problems.append("%s: answer %r differs from an unknown id's %r"
                                    % (what, w.error_of(r), w.error_of(n)))
                found = leaks(r, f, real_path)
                if found:
                    problems.append("%s: the 404 holds %r" % (what, found))
            elif want == 403:
                if r.error_code() != "forbidden":
                    problems.append("%s: 403 with code %r, expected forbidden"
                                    % (what, r.error_code()))


def run_ev_rows(f, who, caller, problems, other_tenant=False, prefix=API):
    ids = {"who": who, "event": f.event["id"], "facility": f.facility["id"],
           "events_app": f.events_app["id"], "facilities_app": f.facilities_app["id"]}
    for method, path, body, kind in EV_ROWS:
        level = "none" if other_tenant else LEVELS["ev"][who]
        want = expected(method, path, kind, level, who)
        if kind == "admin" and want == 200:
            continue  # the tenant's own events app: not changed by the matrix
        real_path = fill(path, ids)
        r = send(caller, method, real_path, fill(body, ids), prefix)
        what = "%s %s %s" % (who, method, path)
        if r.status != want and not (want == 201 and r.status == 200
                                     and path.endswith("/registration")):
            problems.append("%s: expected %d, got %s" % (what, want, r.describe()))
            continue
        if want == 404:
            fake = fake_ids(ids)
            n = send(caller, method, fill(path, fake), fill(body, fake), prefix)
            if w.error_of(r) != w.error_of(n):
                problems.append("%s: answer %r differs from an unknown id's %r"
                                % (what, w.error_of(r), w.error_of(n)))
            text = ap.text_of(r)
            if f.word in text:
                problems.append("%s: the 404 names the event or facility" % what)
        elif want == 403 and r.error_code() != "forbidden":
            problems.append("%s: 403 with code %r" % (what, r.error_code()))


def outsider_views(f, who, s, problems, apps_visible):
    """Lists, exports and the iCalendar of a person who reads neither app
    (apps_visible: the app ids this person may list)."""
    r = s.request("GET", API + "/apps")
    if r.status != 200:
        problems.append("%s: GET /apps: %s" % (who, r.describe()))
    else:
        listed = {a.get("id") for a in r.json().get("apps") or []}
        for key, app in (("R", f.app_r), ("O", f.app_o)):
            if (app["id"] in listed) != (app["id"] in apps_visible):
                problems.append("%s: GET /apps lists app %s: %s, expected %s"
                                % (who, key, app["id"] in listed, app["id"] in apps_visible))
        hidden = [t for t in traces(f) if t in r.body.decode("utf-8", "replace")
                  and not apps_visible]
        if hidden:
            problems.append("%s: GET /apps holds %r" % (who, hidden))
    for scope in ("tenant", "mine"):
        r = ap.calendar_ics(s, scope)
        if r.status == 200 and (f.hex in ap.text_of(r) or f.title_r1 in ap.text_of(r)):
            problems.append("%s: calendar.ics?scope=%s holds app records" % (who, scope))


def feeds(f, problems):
    """A reader of app R (伊藤) is told of r1; the outsiders are not."""
    needles = [f.hex, f.r1["id"], f.app_r["id"], f.title_r1]
    try:
        w.wait_feed(f.people["ito"], f.marks["ito"], lambda n: w.mentions_any(n, needles),
                    "notification of record r1 (AppRecordCreated)")
    except ct.TestFailure as e:
        problems.append("N2/A1: %s" % e)
    for who in ("nakamura", "yamamoto"):
        got = [n for n in w.feed_since(f.people[who], f.marks[who])
               if w.mentions_any(n, needles)]
        if got:
            problems.append("outsider %s was notified of app R: %r" % (who, got))


def check_unchanged(f, problems):
    """Refused writes changed nothing; successful ones were by those the
    rules allow."""
    s = f.takahashi
    writers = {"R": {"suzuki", "tanaka", "watanabe"}, "O": {"suzuki", "tanaka", "ito",
                                                           "yamamoto"}}
    rec_writers = {"r1": {"suzuki", "tanaka", "watanabe"}, "ot": {"suzuki", "tanaka"},
                   "oi": {"suzuki", "ito"}}
    uid_name = {ap.uid(n): n for n in PEOPLE}
    for key, app, read, write in (("R", f.app_r, f.read_r, f.write_r),
                                  ("O", f.app_o, f.read_o, f.write_o)):
        cur = ap.get_app(s, app["id"])
        if cur.get("read") != read or cur.get("write") != write or \
                cur.get("name") != app["name"] or \
                cur.get("description") not in (f.desc, "乗っ取り suzuki"):
            problems.append("app %s changed: %r" % (key, {k: cur.get(k) for k in (
                "name", "description", "read", "write")}))
        for rec in ap.all_records(s, app["id"]):
            title = rec["values"].get("title") or ""
            if title.startswith("侵入"):
                by = title.rsplit(" ", 1)[-1].replace("-csv", "")
                if by not in writers[key]:
                    problems.append("app %s holds a record %r that %s may not create"
                                    % (key, title, by))
    for key, rec in (("r1", f.r1), ("ot", f.ot), ("oi", f.oi)):
        cur = ap.get_record(s, rec["id"])
        if cur["values"].get("title") != rec["values"]["title"] or \
                cur["values"].get("status") != "未対応" or \
                cur.get("owner_organisation") != rec.get("owner_organisation"):
            problems.append("record %s changed: %r" % (key, cur))
        for ch in ap.history(s, rec["id"]):
            by = uid_name.get((ch.get("by") or {}).get("id"), "?")
            if ch.get("action") != "created" and by not in rec_writers[key]:
                problems.append("record %s was changed by %s: %r" % (key, by, ch))
    for rid in f.refused_deletes:
        r = s.request("GET", API + "/app-records/" + rid)
        if r.status != 200:
            problems.append("record %s, whose delete was refused, is gone: %s"
                            % (rid, r.describe()))


def other_tenant(f, problems):
    t = w.other_tenant("apps-acl")
    cm = w.tenant_member(t, "apps-acl-cm", profession="care_manager")
    for who, s in (("other tenant's admin", t.admin), ("other tenant's care manager", cm)):
        run_rows(f, who, s, None, problems, deletes=f.refused_deletes)
        run_ev_rows(f, who, s, problems, other_tenant=True)
        outsider_views(f, who, s, problems, set())
        for path in (w.q(API + "/facilities", q=f.word),
                     w.q(API + "/apps/facilities/records", q=f.word),
                     w.q(API + "/apps/events/records", q=f.word),
                     API + "/apps/events/export.csv?encoding=utf-8",
                     API + "/calendar.ics?scope=tenant"):
            r = s.request("GET", path)
            if r.status != 200:
                problems.append("%s: GET %s: expected 200 of its own tenant, got %s"
                                % (who, path, r.describe()))
            elif f.word in ap.text_of(r) or f.event["id"] in ap.text_of(r):
                problems.append("%s: GET %s shows this tenant's data" % (who, path))
    # and the other way round: its app is invisible here
    word_b = ap.new_word(12)
    app_b = ap.create_app(t.admin, "他市アプリ %s" % word_b, FIELDS)
    rec_b = ap.create_record(t.admin, app_b["id"], {"title": "他市の記録 %s" % word_b})
    for who in ("suzuki", "tanaka"):
        s = f.people[who]
        for path in ("/apps/" + app_b["id"], "/apps/%s/records" % app_b["id"],
                     "/app-records/" + rec_b["id"]):
            r = s.request("GET", API + path)
            if r.status != 404 or word_b in ap.text_of(r):
                problems.append("%s: GET %s of the other tenant: %s" % (who, path, r.describe()))
        r = s.request("GET", API + "/apps")
        if word_b in ap.text_of(r) or app_b["id"] in ap.text_of(r):
            problems.append("%s: GET /apps lists the other tenant's app" % who)


def forged_identity(f, problems):
    u = ct.seed_user("tanaka")
    other = w.claims(u["id"], u["organisation"], u["profession"], str(uuid.uuid4()),
                     roles=("member", "tenant_admin"))
    caller = SignedCaller(other)
    run_rows(f, "田中's ids in another tenant (signed)", caller, None, problems,
             deletes=f.refused_deletes)
    run_ev_rows(f, "田中's ids in another tenant (signed)", caller, problems, other_tenant=True)


def wait_started(f, problems):
    for s, import_id in f.started:
        try:
            imp = ap.wait_import(s, import_id, timeout=30)
        except ct.TestFailure as e:
            problems.append(str(e))
            continue
        if imp.get("state") != "done":
            problems.append("import %s of a writer: %r" % (import_id, imp))


def test():
    f = setup()
    f.started, f.refused_deletes = [], []
    problems = []
    # controls: the insiders reach the records
    ap.get_record(f.people["watanabe"], f.r1["id"])
    ap.get_record(f.people["kato"], f.r1["id"])
    ap.get_record(f.people["yamamoto"], f.oi["id"])
    for who in PEOPLE:
        run_rows(f, who, f.people[who], LEVELS, problems, deletes=f.refused_deletes)
        run_ev_rows(f, who, f.people[who], problems)
    ct.log("tenant members: %d problems so far" % len(problems))
    outsider_views(f, "nakamura", f.people["nakamura"], problems, set())
    outsider_views(f, "yamamoto", f.people["yamamoto"], problems, {f.app_o["id"]})
    outsider_views(f, "kato", f.people["kato"], problems, {f.app_r["id"]})
    outsider_views(f, "suzuki", f.people["suzuki"], problems, {f.app_r["id"], f.app_o["id"]})
    forged_identity(f, problems)
    ct.log("signed identity of another tenant: %d problems so far" % len(problems))
    try:
        other_tenant(f, problems)
    except ct.TestFailure as e:
        problems.append("the other tenant's part stopped: %s" % e)
    ct.log("other tenant: %d problems so far" % len(problems))
    wait_started(f, problems)
    feeds(f, problems)
    check_unchanged(f, problems)
    if problems:
        ct.fail("%d access problems:\n  %s" % (len(problems), "\n  ".join(problems)))


if __name__ == "__main__":
    ct.run(test, budget_s=170)
