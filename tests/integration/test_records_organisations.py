#!/usr/bin/env python3
"""Records knows every organisation of the tenant, not only those with a
person: the gateway announces organisations (OrganisationChanged on
carelink.identity) and records keeps a copy. Through the gateway's API, as
a tenant admin: an organisation with no users, once records has it, can be
a restricted space's visibility, an event's organiser (named in the
record's display and in the iCalendar feed) and a mention; a rename reaches
records; the demo's みどり市医師会 (no users) names the demo event it
organises."""

import datetime
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apps_helpers as a  # noqa: E402
import auth_helpers as ah  # noqa: E402
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = "/api/v1"
COPY_TIMEOUT_S = 30
# the demo's doctors' association (no demo user belongs to it) and the
# demo event it organises (tools/demo/events.json)
DOCTORS_ASSOCIATION = "0f1e2d3c-0001-4000-8000-000000000007"
DEMO_EVENT = "e7e70000-0005-4000-8000-000000000003"


def organisation_changed(org_id, name, kind, timeout=20):
    """Waits for an OrganisationChanged of org_id with name and kind on
    carelink.identity (keyed by the id) and checks every field."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        for m in ct.consume("carelink.identity", with_headers=False):
            d = ct.decode_single_object("OrganisationChanged", m.value)
            if d is None or d.get("organisation_id") != org_id:
                continue
            seen.append(d)
            if d.get("name") == name and d.get("kind") == kind:
                ct.check_eq(m.key, org_id.encode(), "key of the OrganisationChanged")
                ct.check_eq(d.get("tenant_id"), a.tenant_id(), "tenant of the event")
                ct.check(d.get("event_id") and isinstance(d.get("time"), datetime.datetime),
                         "event id and time of %r" % d)
                return d
        if time.monotonic() > deadline:
            ct.fail("no OrganisationChanged %s (%s, %s) within %d s; seen %r"
                    % (org_id, name, kind, timeout, seen))
        time.sleep(0.3)


def create_restricted_space(admin, org_id):
    """POST /spaces visible to org_id only, retried while records does not
    know the organisation yet (400 unknown_organisation, nothing written)."""
    name = "組織限定 %s" % w.jp_word(8)
    body = {"name": name, "description": "",
            "visibility": {"professions": [], "organisations": [org_id]}}
    deadline = time.monotonic() + COPY_TIMEOUT_S
    while True:
        r = admin.request("POST", API + "/spaces", json_body=body)
        if r.status != 400 or r.error_code() != "unknown_organisation":
            break
        if time.monotonic() > deadline:
            ct.fail("records still refuses the new organisation after %d s: %s"
                    % (COPY_TIMEOUT_S, r.describe()))
        time.sleep(0.3)
    doc = w.expect(r, 201, "a space restricted to an organisation without users")
    return doc["space"]


def wait_organiser_name(session, record_id, name):
    deadline = time.monotonic() + COPY_TIMEOUT_S
    while True:
        rec = a.get_record(session, record_id)
        if rec.get("display", {}).get("organiser") == name:
            return rec
        if time.monotonic() > deadline:
            ct.fail("organiser of %s not named %r after %d s: display %r"
                    % (record_id, name, COPY_TIMEOUT_S, rec.get("display")))
        time.sleep(0.3)


def ics_organizer_names(session):
    """The CN of every ORGANIZER of the tenant's calendar (lines unfolded)."""
    r = a.calendar_ics(session)
    ct.check_eq(r.status, 200, "GET /calendar.ics")
    text = r.body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    out = []
    for line in text.split("\r\n"):
        if line.startswith("ORGANIZER;CN="):
            cn = line[len("ORGANIZER;CN="):].split(":", 1)[0]
            out.append(cn.strip('"'))
    return out


def test():
    admin = ah.login_demo("takahashi")
    tanaka = w.login("tanaka")

    # the demo's doctors' association has no users, yet names its event
    demo = a.get_record(tanaka, DEMO_EVENT)
    ct.check_eq(demo["values"].get("organiser"), DOCTORS_ASSOCIATION, "demo event organiser")
    ct.check_eq(demo.get("display", {}).get("organiser"), ct.organisation_name(
        DOCTORS_ASSOCIATION), "name of the demo event's organiser")

    # a new organisation without users
    name = "試験医師会 %s" % w.jp_word(8)
    r = admin.request("POST", API + "/organisations",
                      json_body={"name": name, "kind": "doctors_association"})
    org = w.expect(r, 201, "creating an organisation")["organisation"]
    org_id = org["id"]
    ct.check_eq(org.get("members"), 0, "members of the new organisation")
    organisation_changed(org_id, name, "doctors_association")

    # a space restricted to it
    space = create_restricted_space(admin, org_id)
    ct.check_eq(space.get("visibility", {}).get("organisations"), [org_id],
                "visibility of the restricted space")

    # an event it organises, named in display and in the iCalendar feed
    starts = a.jst_now().replace(hour=14, minute=0, second=0) + datetime.timedelta(days=10)
    ev = a.create_event(admin, "組織の研修 %s" % w.jp_word(6), starts,
                        ends_at=starts + datetime.timedelta(hours=1), organiser=org_id)
    ct.check_eq(ev["values"].get("organiser"), org_id, "organiser value of the new event")
    ct.check_eq(ev.get("display", {}).get("organiser"), name, "organiser name in display")
    ct.check_eq(a.get_record(tanaka, ev["id"]).get("display", {}).get("organiser"), name,
                "organiser name another person reads")
    ct.check(name in ics_organizer_names(tanaka),
             "ORGANIZER;CN=%s in the tenant's calendar" % name)

    # a mention of it in the space for everyone
    thread = w.get_space(tanaka, a.everyone_space())["threads"][0]["id"]
    post = w.create_post(tanaka, thread, "%s へのお知らせ %s" % (name, w.jp_word(6)),
                         mentions={"users": [], "organisations": [org_id]})
    ct.check_eq([(o.get("id"), o.get("name")) for o in post["mentions"]["organisations"]],
                [(org_id, name)], "the mentioned organisation")

    # renamed (and another kind): records follows
    renamed = "改称医師会 %s" % w.jp_word(8)
    r = admin.request("PATCH", API + "/organisations/" + org_id,
                      json_body={"name": renamed, "kind": "other"})
    w.expect(r, 200, "renaming the organisation")
    organisation_changed(org_id, renamed, "other")
    wait_organiser_name(tanaka, ev["id"], renamed)
    names = ics_organizer_names(tanaka)
    ct.check(renamed in names and name not in names,
             "the calendar names the organiser %r, not %r: %r" % (renamed, name, names))


if __name__ == "__main__":
    ct.run(test)
