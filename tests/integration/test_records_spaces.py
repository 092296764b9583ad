#!/usr/bin/env python3
"""Spaces and threads (services/records/API.md, "Spaces and threads")
through the gateway's /api/v1 with real logins:

* the demo's restricted spaces: police and fire do not see them (404 like
  an id that does not exist), the care manager and the support centre do;
* a tenant admin creates a restricted space with a space admin; bad names,
  professions, organisations and admins get their 400, a taken name 409,
  and none of them creates anything; SpaceChanged CREATED reaches
  carelink.posts keyed by the space id, with readers and admins (every
  SpaceChanged is looked for once, after the last action);
* the space admin adds, renames, closes and reorders threads (409 for a
  taken title, 400 invalid_order), renames and archives the space
  (ARCHIVED / UNARCHIVED events; an archived space is listed and read but
  takes no thread: 409 space_archived), but may not change readers (403);
* a member who sees a space but is no admin gets 403; one who does not see
  it gets exactly the 404 of a missing id on every route; ?all=1 is for
  tenant admins, who may change a space they cannot see;
* records' copy of the people: a person invited through the gateway shows
  up among a space's members within a bounded wait, an organisation
  renamed through the gateway shows its new name there, and a deactivated
  person leaves the members.
"""

import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import admin_helpers as ah  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = w.API
CARE_SPACE = "7c8d9e0f-0003-4000-8000-000000000002"
MEDICAL_SPACE = "7c8d9e0f-0003-4000-8000-000000000003"


# SpaceChanged messages the test expects on carelink.posts: (space id,
# pred, what, then); all are looked for once, after the last action
# (reading the whole topic with kcat takes a second or more each time)
EXPECTED = []


def space_changed(space_id, pred, what, then=None):
    """Expects a SpaceChanged of space_id on carelink.posts for which pred
    holds, keyed by the space id; then(datum), if given, checks it further.
    Checked by space_events_check()."""
    EXPECTED.append((space_id, pred, what, then))


def space_events_check(timeout=20):
    """Every expected SpaceChanged, waiting for the outbox relay (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        msgs = []
        for m in ct.consume("carelink.posts", with_headers=False):
            d = ct.decode_single_object("SpaceChanged", m.value)
            if d is not None:
                msgs.append((m, d))
        missing = []
        for space_id, pred, what, then in EXPECTED:
            found = [(m, d) for m, d in msgs if d.get("space_id") == space_id and pred(d)]
            if not found:
                missing.append("%s of space %s" % (what, space_id))
                continue
            m, d = found[0]
            ct.check_eq(m.key, space_id.encode(), "key of the SpaceChanged message")
            if then is not None:
                then(d)
        if not missing:
            return
        if time.monotonic() > deadline:
            ct.fail("no SpaceChanged (%s) on carelink.posts within %d s"
                    % ("; ".join(missing), timeout))
        time.sleep(0.3)


def listed(session, path="/spaces"):
    doc = w.expect(session.request("GET", API + path), 200, "GET %s" % path)
    return {s["id"]: s for s in doc["spaces"]}


def same_as_missing(session, method, path, body, real, what):
    """method path (with {id}) answers exactly as for an id that does not
    exist: 404 with the same code and message."""
    fake = str(uuid.uuid4())
    send = (lambda p: session.request(method, API + p)) if body is None else \
        (lambda p: session.request(method, API + p, json_body=body))
    r, n = send(path.format(id=real)), send(path.format(id=fake))
    ct.check(r.status == 404, "%s: expected 404, got %s" % (what, r.describe()))
    ct.check_eq(w.error_of(r), w.error_of(n), "%s: the answer of a missing id" % what)


def demo_spaces(tanaka, suzuki, nakamura, kobayashi):
    for name, s in (("nakamura (police)", nakamura), ("kobayashi (fire)", kobayashi)):
        ids = listed(s)
        ct.check(CARE_SPACE not in ids and MEDICAL_SPACE not in ids,
                 "%s lists a restricted demo space: %r" % (name, list(ids)))
        ct.check(ct.demo_space()["id"] in ids, "%s does not list the space of everyone" % name)
        for sid in (CARE_SPACE, MEDICAL_SPACE):
            same_as_missing(s, "GET", "/spaces/{id}", None, sid, "%s GET demo space" % name)
            same_as_missing(s, "GET", "/spaces/{id}/members", None, sid,
                            "%s GET demo space members" % name)
    ids = listed(tanaka)
    ct.check(CARE_SPACE in ids and MEDICAL_SPACE in ids,
             "the care manager lists both restricted demo spaces: %r" % list(ids))
    for sid in (CARE_SPACE, MEDICAL_SPACE):
        space_changed(sid, lambda d: d["change"] == "CREATED" and d["admins"], "demo CREATED")
    care = w.get_space(suzuki, CARE_SPACE)
    ct.check(care["space"]["can_admin"], "鈴木 administers the care managers' space")
    ct.check(len(care["threads"]) >= 5, "the care managers' space has its standing threads")
    ct.check_eq([t["position"] for t in care["threads"]],
                list(range(1, len(care["threads"]) + 1)), "positions of the demo threads")
    everyone = w.get_space(tanaka, ct.demo_space()["id"])
    ct.check(len(everyone["threads"]) >= 20, "the space of everyone has 20+ threads")
    ct.check(not everyone["space"]["can_admin"], "田中 is no admin of the space of everyone")


def bad_creations(suzuki, tanaka, word):
    centre = w.seed_org("support_centre")
    ok_vis = {"professions": ["care_manager"], "organisations": [centre]}
    cases = [
        ({"name": "   "}, 400, "invalid_name"),
        ({"name": "x" * 201}, 400, "invalid_name"),
        ({"name": "悪い %s 1" % word, "description": "あ" * 2001}, 400, "invalid_description"),
        ({"name": "悪い %s 2" % word, "visibility": {"professions": ["Care-Manager"]}}, 400,
         "invalid_profession"),
        ({"name": "悪い %s 3" % word, "visibility": {"organisations": [str(uuid.uuid4())]}},
         400, "unknown_organisation"),
        ({"name": "悪い %s 4" % word, "visibility": ok_vis, "admins": [str(uuid.uuid4())]},
         400, "unknown_user"),
        ({"name": "悪い %s 5" % word, "extra": 1}, 400, "invalid_body"),
    ]
    for body, status, code in cases:
        w.expect(suzuki.request("POST", API + "/spaces", json_body=body), status,
                 "POST /spaces %r" % list(body), code)
    w.expect(tanaka.request("POST", API + "/spaces", json_body={"name": "悪い %s 6" % word}),
             403, "a member creates a space", "forbidden")
    names = [s["name"] for s in listed(suzuki, "/spaces?all=1").values()]
    ct.check(not [n for n in names if word in n], "a refused creation left a space: %r" % names)


def threads(tanaka, suzuki, sid, word):
    a = w.add_thread(tanaka, sid, "連絡 %s" % word)
    b = w.add_thread(tanaka, sid, "相談 %s" % word)
    c = w.add_thread(tanaka, sid, "予定 %s" % word)
    ct.check_eq([a["position"], b["position"], c["position"]], [1, 2, 3], "positions")
    ct.check_eq((a["closed"], a["post_count"], a["last_post_at"], a["space_id"]),
                (False, 0, None, sid), "a new thread")
    w.expect(tanaka.request("POST", API + "/spaces/%s/threads" % sid,
                            json_body={"title": " 連絡 %s " % word}), 409, "a taken title",
             "thread_title_taken")
    w.expect(tanaka.request("POST", API + "/spaces/%s/threads" % sid, json_body={"title": ""}),
             400, "an empty title", "invalid_title")
    th = w.expect(w.patch_thread(tanaka, b["id"], title="質問 %s" % word), 200, "rename")["thread"]
    ct.check_eq(th["title"], "質問 %s" % word, "renamed title")
    w.expect(w.patch_thread(tanaka, b["id"], title=a["title"]), 409, "rename to a taken title",
             "thread_title_taken")
    th = w.expect(w.patch_thread(tanaka, c["id"], closed=True), 200, "close")["thread"]
    ct.check(th["closed"], "the thread is closed")
    w.expect(w.patch_thread(tanaka, c["id"], closed="yes"), 400, "closed not boolean",
             "invalid_body")
    order = [c["id"], a["id"], b["id"]]
    doc = w.expect(tanaka.request("PUT", API + "/spaces/%s/thread-order" % sid,
                                  json_body={"thread_ids": order}), 200, "reorder")
    ct.check_eq([t["id"] for t in doc["threads"]], order, "the new order")
    for bad in ([a["id"], b["id"]], [c["id"], a["id"], b["id"], str(uuid.uuid4())],
                [c["id"], a["id"], a["id"]], "x"):
        w.expect(tanaka.request("PUT", API + "/spaces/%s/thread-order" % sid,
                                json_body={"thread_ids": bad}), 400, "order %r" % (bad,),
                 "invalid_order")
    got = w.get_space(suzuki, sid)
    ct.check_eq([(t["id"], t["position"]) for t in got["threads"]],
                list(zip(order, [1, 2, 3])), "order read back")
    ct.check_eq(got["space"]["thread_count"], 3, "thread_count")
    return {"a": a, "b": b, "c": c}


def archive(tanaka, sid, word, ths):
    doc = w.expect(w.patch_space(tanaka, sid, archived=True), 200, "archive")
    ct.check(doc["space"]["archived"], "the space is archived")
    space_changed(sid, lambda d: d["change"] == "ARCHIVED" and d["archived"], "ARCHIVED")
    ct.check(sid in listed(tanaka), "an archived space is still listed")
    w.get_space(tanaka, sid)
    w.expect(tanaka.request("POST", API + "/spaces/%s/threads" % sid,
                            json_body={"title": "追加 %s" % word}), 409,
             "a thread in an archived space", "space_archived")
    w.expect(w.patch_thread(tanaka, ths["a"]["id"], closed=True), 409,
             "closing a thread of an archived space", "space_archived")
    r = tanaka.request("POST", API + "/threads/%s/posts" % ths["a"]["id"],
                       json_body={"body": "アーカイブ後 %s" % word})
    w.expect(r, 409, "a post in an archived space", "space_archived")
    doc = w.expect(w.patch_space(tanaka, sid, archived=False), 200, "unarchive")
    ct.check(not doc["space"]["archived"], "the space is open again")
    space_changed(sid, lambda d: d["change"] == "UNARCHIVED" and not d["archived"],
                  "UNARCHIVED")


def outsiders(ito, tanaka, sid, ths):
    """ito (care worker) does not see the space: every route as a missing id."""
    rows = [("GET", "/spaces/{id}", None), ("GET", "/spaces/{id}/members", None),
            ("PATCH", "/spaces/{id}", {"name": "乗っ取り"}),
            ("PATCH", "/spaces/{id}", {"archived": True}),
            ("POST", "/spaces/{id}/threads", {"title": "侵入"})]
    for method, path, body in rows:
        same_as_missing(ito, method, path, body, sid, "ito %s %s" % (method, path))
    same_as_missing(ito, "PATCH", "/threads/{id}", {"closed": True}, ths["a"]["id"],
                    "ito PATCH /threads")
    same_as_missing(ito, "PUT", "/spaces/{id}/thread-order",
                    {"thread_ids": [t["id"] for t in ths.values()]}, sid,
                    "ito PUT thread-order")
    ct.check(sid not in listed(ito), "ito lists the space")
    w.expect(ito.request("GET", API + "/spaces?all=1"), 403, "?all=1 by a member", "forbidden")
    w.expect(tanaka.request("GET", API + "/spaces?all=1"), 403, "?all=1 by a space admin",
             "forbidden")
    # a visible space administered by someone else: 403
    w.expect(w.patch_space(tanaka, ct.demo_space()["id"], description="x"), 403,
             "PATCH of the space of everyone by a member", "forbidden")
    w.expect(tanaka.request("POST", API + "/spaces/%s/threads" % ct.demo_space()["id"],
                            json_body={"title": "x"}), 403,
             "a thread in the space of everyone by a member", "forbidden")


def hidden_from_admin(suzuki, word):
    """A tenant admin changes a space they cannot see (firefighters only)."""
    sp = w.create_space(suzuki, "消防専用 %s" % word, professions=["firefighter"])
    ct.check(sp["can_admin"], "a tenant admin administers every space")
    ct.check(sp["id"] not in listed(suzuki), "the creator does not see a firefighters' space")
    ct.check(sp["id"] in listed(suzuki, "/spaces?all=1"), "?all=1 lists every space")
    w.expect(suzuki.request("GET", API + "/spaces/" + sp["id"]), 404,
             "the tenant admin reads a space they cannot see", "space_not_found")
    doc = w.expect(w.patch_space(suzuki, sp["id"], description="説明 %s" % word), 200,
                   "the tenant admin changes a space they cannot see")
    ct.check_eq(doc["space"]["description"], "説明 %s" % word, "the new description")


def people_copy(suzuki, sid, word):
    """A person invited through the gateway shows up among the members; an
    organisation renamed shows its new name; a deactivated person leaves."""
    org = w.expect(suzuki.request("POST", API + "/organisations",
                                  json_body={"name": "居宅 %s" % word,
                                             "kind": "home_care_support_office"}),
                   201, "POST /organisations")["organisation"]
    person = ah.new_user(suzuki, org["id"], "spaces-%s" % uuid.uuid4().hex[:8],
                         profession="care_manager")
    pid = person.user["id"]
    t0 = time.monotonic()
    w.wait_member(suzuki, sid, pid, timeout=15)
    ct.log("the new person appeared among the members after %.1f s" % (time.monotonic() - t0))
    m = [x for x in w.members(suzuki, sid) if x["id"] == pid][0]
    ct.check_eq((m["organisation"], m["profession"]),
                ({"id": org["id"], "name": "居宅 %s" % word}, "care_manager"), "the member")
    found = w.members(suzuki, sid, q=m["name"][-6:])
    ct.check_eq([x["id"] for x in found], [pid], "members ?q= by name")
    ct.check_eq(w.members(suzuki, sid, q="該当なし%s" % word), [], "members ?q= no match")
    # the organisation is now known: it may be named in a space's readers
    orgs = [w.seed_org("support_centre"), org["id"]]
    doc = w.expect(w.patch_space(suzuki, sid, visibility={"professions": ["care_manager"],
                                                         "organisations": orgs}),
                   200, "readers naming the new organisation")
    ct.check_eq(doc["space"]["visibility"]["organisations"], orgs, "new readers")
    space_changed(sid, lambda d: d["change"] == "UPDATED" and
                  d["audience"]["organisations"] == orgs, "UPDATED readers")
    # the organisation's new name reaches the copy
    new_name = "居宅 改名 %s" % word
    w.expect(suzuki.request("PATCH", API + "/organisations/" + org["id"],
                            json_body={"name": new_name}), 200, "rename the organisation")
    deadline = time.monotonic() + 15
    while True:
        m = [x for x in w.members(suzuki, sid) if x["id"] == pid]
        if m and m[0]["organisation"]["name"] == new_name:
            break
        ct.check(time.monotonic() < deadline,
                 "the member's organisation is not renamed within 15 s: %r" % m)
        time.sleep(0.3)
    # an older state replayed (as a producer retry or a compaction replay
    # would) does not overwrite the newer one
    old, d = ah.wait_user_changed(pid, lambda d: d.get("organisation_name") == "居宅 %s" % word,
                                  "state before the rename")
    ah.wait_user_changed(pid, lambda d: d.get("organisation_name") == new_name,
                         "state after the rename", after=old)
    ct.produce("carelink.identity", old.key, old.value, old.headers or (),
               partition=old.partition)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        m = [x for x in w.members(suzuki, sid) if x["id"] == pid]
        ct.check(m and m[0]["organisation"]["name"] == new_name,
                 "a replayed older UserChanged overwrote the newer state: %r" % m)
        time.sleep(0.3)
    # a deactivated person leaves the members
    ah.expect(ah.user_action(suzuki, pid, "deactivate"), 200, "deactivate")
    deadline = time.monotonic() + 15
    while any(x["id"] == pid for x in w.members(suzuki, sid)):
        ct.check(time.monotonic() < deadline, "a deactivated person is still a member")
        time.sleep(0.3)


def test():
    suzuki, tanaka = w.login("suzuki"), w.login("tanaka")
    ito, nakamura, kobayashi = w.login("ito"), w.login("nakamura"), w.login("kobayashi")
    demo_spaces(tanaka, suzuki, nakamura, kobayashi)

    word = w.jp_word(10)
    bad_creations(suzuki, tanaka, word)
    centre = w.seed_org("support_centre")
    name = "連絡 %s" % word
    sp = w.create_space(suzuki, name, " ケアマネと包括 ", professions=["care_manager"],
                        organisations=[centre], admins=[w.uid("tanaka"), w.uid("tanaka")])
    sid = sp["id"]
    ct.check_eq((sp["name"], sp["description"], sp["archived"], sp["admins"], sp["can_admin"],
                 sp["thread_count"], sp["visibility"]),
                (name, "ケアマネと包括", False, [w.uid("tanaka")], True, 0,
                 {"professions": ["care_manager"], "organisations": [centre]}),
                "the new space")
    ct.check(sp["created_at"].endswith("Z") and sp["updated_at"], "times of the space")
    space_changed(sid, lambda d: d["change"] == "CREATED", "CREATED",
                  lambda d: ct.check_eq(
                      (d["name"], d["audience"], d["admins"], d["archived"], d["actor_id"]),
                      (name, {"professions": ["care_manager"], "organisations": [centre]},
                       [w.uid("tanaka")], False, w.uid("suzuki")), "the CREATED event"))
    w.expect(suzuki.request("POST", API + "/spaces", json_body={"name": " %s " % name}), 409,
             "a taken name", "space_name_taken")
    ct.check(listed(tanaka)[sid]["can_admin"], "田中 is an admin of the new space")

    ths = threads(tanaka, suzuki, sid, word)
    # the space admin renames, but may not change readers or admins
    doc = w.expect(w.patch_space(tanaka, sid, name=name + " 改"), 200, "rename by a space admin")
    ct.check_eq(doc["space"]["name"], name + " 改", "renamed space")
    space_changed(sid, lambda d: d["change"] == "UPDATED" and d["name"] == name + " 改",
                  "UPDATED name")
    w.expect(w.patch_space(tanaka, sid, visibility={"professions": []}), 403,
             "readers changed by a space admin", "forbidden")
    w.expect(w.patch_space(tanaka, sid, admins=[]), 403, "admins changed by a space admin",
             "forbidden")
    w.expect(w.patch_space(tanaka, sid), 400, "an empty PATCH", "invalid_body")
    archive(tanaka, sid, word, ths)
    outsiders(ito, tanaka, sid, ths)
    hidden_from_admin(suzuki, word)
    people_copy(suzuki, sid, word)
    space_events_check()


if __name__ == "__main__":
    ct.run(test, budget_s=240)
