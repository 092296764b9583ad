#!/usr/bin/env python3
"""notify turns every workspace event into exactly the right notifications.

In a space for care managers, the support centre and the social welfare
council (田中 care manager, 鈴木 support centre, 加藤 social welfare council
inside; 中村 of the police and 伊藤, a care worker, outside), acting through
the gateway's API:

* SpaceChanged CREATED: a "space" notification for the readers, not the
  creator;
* PostCreated with an @mention: the broad "post" for the readers without
  the author and the mentioned user, who gets a "mention" instead; a
  mention of an organisation reaches its members;
* CommentAdded: a "comment" for the post's author and earlier commenters,
  never the commenter; a mention in a comment is a "mention";
* PostConfirmed: a "confirmation" for the post's author with the counts;
* PostEdited: "post_edited" for who had confirmed, "mention" only for the
  mentions the edit added;
* PostDeleted: every notification of the post and of its comments vanishes
  from every feed, from the catch-up of a live stream and from
  /v1/notifications/:id;
* narrowing the space's readers hides its earlier notifications from the
  people taken out at once, widening it shows them again;
* the outsiders' feeds never hold any of it.

Then, injected on carelink.posts with python3-avro (what the API cannot
produce): a SpaceChanged older than notify's copy changes nothing, a newer
one does; an event of another type is ignored, not dead-lettered; a
PostCreated delivered twice makes its two notifications once.
"""

import json
import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = w.API
INSIDE = ("tanaka", "suzuki", "kato")
OUTSIDE = ("nakamura", "ito")


def kinds(items, subject):
    """Sorted kinds of the notifications whose link names subject."""
    return sorted(n.get("kind") for n in items if subject in (n.get("link") or ""))


def feed(s, mark):
    return w.feed_since(s, mark)


def notify_get(name, nid):
    """GET notify's /v1/notifications/:id as name (signed identity)."""
    hdrs = {w.IDENTITY_HEADER: ct.sign_identity(ct.identity_claims(name))}
    return ct.http_request("http://127.0.0.1:%d" % ct.service_port("notify"), "GET",
                           "/v1/notifications/%d" % nid, None, hdrs)


def wait_until(cond, what, timeout=20):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            ct.fail("%s within %d s" % (what, timeout))
        time.sleep(0.3)


def wait_kinds(s, mark, subject, want, what):
    """Waits until the kinds about subject in s's feed are exactly want."""
    last = []

    def ok():
        last[:] = [kinds(feed(s, mark), subject)]
        return last[0] == sorted(want)
    try:
        wait_until(ok, "%s: %s's notifications about %s are %r" % (what, s.name, subject,
                                                                  sorted(want)))
    except ct.TestFailure as e:
        raise ct.TestFailure("%s (last seen %r)" % (e, last[0] if last else None))


def check_item(item, kind, title_has, body_has, link, actor):
    what = "%s notification %r" % (kind, item)
    ct.check_eq(item.get("kind"), kind, "kind of " + what)
    for part in title_has:
        ct.check(part in item.get("title", ""), "%s: title lacks %r" % (what, part))
    ct.check(body_has in item.get("body", ""), "%s: body lacks %r" % (what, body_has))
    ct.check_eq(item.get("link"), link, "link of " + what)
    ct.check_eq((item.get("actor") or {}).get("id"), w.uid(actor), "actor of " + what)


def one(s, mark, subject, kind):
    found = [n for n in feed(s, mark) if subject in (n.get("link") or "")
             and n.get("kind") == kind]
    ct.check(len(found) == 1, "%s has %d %s notifications about %s"
             % (s.name, len(found), kind, subject))
    return found[0]


# --------------------------------------------------------------------------
# Avro encoding with python3-avro, for the injected events


def encode(name, datum):
    return ct.avro_encode(name, datum)


def inject(name, key, datum):
    ct.produce("carelink.posts", key, encode(name, datum),
               [("ce_id", datum["event_id"]), ("ce_type", "carelink.posts." + name),
                ("ce_source", "test"), ("ce_specversion", "1.0"),
                ("content-type", "application/avro")])


def now_ms():
    return int(time.time() * 1000)


def space_changed(tenant, sid, change, professions, organisations, t):
    return {"event_id": str(uuid.uuid4()), "tenant_id": tenant, "time": t,
            "space_id": sid, "change": change, "name": "注入スペース", "description": "",
            "archived": False,
            "audience": {"professions": professions, "organisations": organisations},
            "admins": [], "actor_id": w.uid("suzuki"), "actor_name": "鈴木 美咲"}


def post_created(tenant, sid, tid, pid, text, mentioned, t, author="tanaka",
                 professions=()):
    u = ct.seed_user(author)
    return {"event_id": str(uuid.uuid4()), "tenant_id": tenant, "time": t, "post_id": pid,
            "space_id": sid, "space_name": "注入スペース", "thread_id": tid,
            "thread_title": "注入スレッド", "author_id": u["id"], "author_name": u["name"],
            "author_organisation_id": u["organisation"],
            "author_organisation_name": ct.organisation_name(u["organisation"]),
            "body": text, "created_at": t,
            "audience": {"professions": list(professions), "organisations": []},
            "mentions": {"users": mentioned, "organisations": []}, "attachment_count": 0}


# --------------------------------------------------------------------------


def test_through_the_api(s, marks, word):
    centre = w.seed_org("support_centre")
    council = w.seed_org("social_welfare_council")

    # SpaceChanged CREATED
    space = w.create_space(s["suzuki"], "通知確認 %s" % word, "説明 %s" % word,
                           professions=["care_manager"], organisations=[centre, council])
    sid = space["id"]
    thread = w.add_thread(s["suzuki"], sid, "連絡 %s" % word)
    tid = thread["id"]
    for n in ("tanaka", "kato"):
        w.wait_member(s["suzuki"], sid, w.uid(n))
        wait_kinds(s[n], marks[n], sid, ["space"], "space created")
    item = one(s["kato"], marks["kato"], sid, "space")
    check_item(item, "space", ["新しいスペース", space["name"]], word, "#/spaces/" + sid,
               "suzuki")
    ct.log("SpaceChanged: space %s announced to its readers" % sid)

    # PostCreated mentioning 加藤
    post = w.create_post(s["tanaka"], tid, "加藤さん、確認をお願いします %s" % word,
                         mentions={"users": [w.uid("kato")]})
    pid = post["id"]
    link = "#/threads/%s/posts/%s" % (tid, pid)
    wait_kinds(s["suzuki"], marks["suzuki"], pid, ["post"], "post created")
    wait_kinds(s["kato"], marks["kato"], pid, ["mention"], "post created with a mention")
    check_item(one(s["suzuki"], marks["suzuki"], pid, "post"), "post",
               [space["name"], thread["title"]], "確認をお願いします", link, "tanaka")
    check_item(one(s["kato"], marks["kato"], pid, "mention"), "mention",
               [space["name"], "メンション"], "確認をお願いします", link, "tanaka")
    ct.log("PostCreated: post for the readers, mention for the mentioned")

    # a mention of an organisation reaches its members
    org_post = w.create_post(s["tanaka"], tid, "社協の皆さんへ %s" % word,
                             mentions={"organisations": [council]})
    opid = org_post["id"]
    w.wait_feed(s["kato"], marks["kato"], w.about(opid, "mention"),
                "mention of 加藤's organisation")
    wait_kinds(s["suzuki"], marks["suzuki"], opid, ["post"], "post mentioning an organisation")

    # CommentAdded by 加藤 mentioning 鈴木, then by 鈴木
    c1 = w.add_comment(s["kato"], pid, "承知しました %s" % word,
                       mentions={"users": [w.uid("suzuki")]})
    wait_kinds(s["tanaka"], marks["tanaka"], pid, ["comment"], "comment by 加藤")
    wait_kinds(s["suzuki"], marks["suzuki"], pid, ["mention", "post"],
               "comment mentioning 鈴木")
    check_item(one(s["tanaka"], marks["tanaka"], pid, "comment"), "comment",
               [space["name"], "コメント"], "承知しました", link, "kato")
    c2 = w.add_comment(s["suzuki"], pid, "センターでも把握しました %s" % word)
    wait_kinds(s["tanaka"], marks["tanaka"], pid, ["comment", "comment"], "comment by 鈴木")
    wait_kinds(s["kato"], marks["kato"], pid, ["comment", "mention"],
               "comment after 加藤's own")
    ct.log("CommentAdded: comments %s and %s" % (c1["id"], c2["id"]))

    # PostConfirmed by 加藤
    w.confirm(s["kato"], pid)
    wait_kinds(s["tanaka"], marks["tanaka"], pid, ["comment", "comment", "confirmation"],
               "confirmation")
    conf = one(s["tanaka"], marks["tanaka"], pid, "confirmation")
    check_item(conf, "confirmation", ["加藤", "確認しました", "1 /"], space["name"], link,
               "kato")

    # PostEdited adding a mention of 鈴木 to the post (she was mentioned in a
    # comment before, which does not count for the post)
    r = s["tanaka"].request("PATCH", API + "/posts/" + pid, json_body={
        "body": "加藤さん、鈴木さん、確認をお願いします（修正）%s" % word,
        "mentions": {"users": [w.uid("kato"), w.uid("suzuki")]}})
    w.expect(r, 200, "editing the post")
    wait_kinds(s["kato"], marks["kato"], pid, ["comment", "mention", "post_edited"],
               "edit of a confirmed post")
    wait_kinds(s["suzuki"], marks["suzuki"], pid, ["mention", "mention", "post"],
               "edit adding a mention")
    check_item(one(s["kato"], marks["kato"], pid, "post_edited"), "post_edited",
               ["確認済みの投稿が編集されました"], "（修正）", link, "tanaka")
    ct.log("PostEdited: post_edited for who confirmed, mention for the added one")

    # the author never hears of her own doings
    for k in kinds(feed(s["tanaka"], marks["tanaka"]), pid):
        ct.check(k in ("comment", "confirmation"), "田中 got a %s about her own post" % k)
    ct.check(not kinds(feed(s["suzuki"], marks["suzuki"]), sid),
             "鈴木 was told of the space she created")

    # PostDeleted: everything about the post and its comments goes
    before = {n: [x["id"] for x in feed(s[n], marks[n]) if pid in (x.get("link") or "")]
              for n in INSIDE}
    ct.check(all(before.values()), "notifications about %s before the delete: %r"
             % (pid, before))
    w.expect(s["tanaka"].request("DELETE", API + "/posts/" + pid), 204, "deleting the post")
    for n in INSIDE:
        wait_kinds(s[n], marks[n], pid, [], "post deleted")
        for nid in before[n]:
            r = notify_get(n, nid)
            ct.check(r.status == 404, "notification %d of deleted post %s still served to "
                     "%s: %s" % (nid, pid, n, r.describe()))
        body = json.dumps(feed(s[n], marks[n]), ensure_ascii=False)
        for gone in (pid, c1["id"], c2["id"], "承知しました"):
            ct.check(gone not in body, "%s's feed still refers to %r" % (n, gone))
    ct.log("PostDeleted: %d notifications withdrawn" % sum(len(v) for v in before.values()))

    # a comment deleted on its own: only its own notifications go
    p2 = w.create_post(s["tanaka"], tid, "別件です %s" % word)
    wait_kinds(s["kato"], marks["kato"], p2["id"], ["post"], "second post")
    c3 = w.add_comment(s["kato"], p2["id"], "了解 %s" % word,
                       mentions={"users": [w.uid("suzuki")]})
    wait_kinds(s["tanaka"], marks["tanaka"], p2["id"], ["comment"], "comment on the second post")
    wait_kinds(s["suzuki"], marks["suzuki"], p2["id"], ["mention", "post"],
               "mention in a comment")
    w.expect(s["kato"].request("DELETE", API + "/posts/" + c3["id"]), 204,
             "deleting the comment")
    wait_kinds(s["tanaka"], marks["tanaka"], p2["id"], [], "comment deleted")
    wait_kinds(s["suzuki"], marks["suzuki"], p2["id"], ["post"], "comment deleted")

    # narrowing the readers hides the old notifications at once
    kato_items = [x for x in feed(s["kato"], marks["kato"])
                  if sid in x.get("link", "") or tid in x.get("link", "")]
    ct.check(kato_items, "加藤 has notifications of the space before it is narrowed")
    r = w.patch_space(s["suzuki"], sid, visibility={"professions": ["care_manager"],
                                                     "organisations": [centre]})
    w.expect(r, 200, "taking the council out of the space")
    wait_until(lambda: not [x for x in feed(s["kato"], marks["kato"])
                            if x["id"] in {k["id"] for k in kato_items}],
               "加藤's notifications of the space vanish once the council is taken out")
    for x in kato_items:
        ct.check_eq(notify_get("kato", x["id"]).status, 404,
                    "GET /v1/notifications/%d by 加藤 after the narrowing" % x["id"])
    wait_kinds(s["tanaka"], marks["tanaka"], sid, ["space"], "narrowing (田中 stays)")
    ct.check(kinds(feed(s["suzuki"], marks["suzuki"]), p2["id"]) == ["post"],
             "鈴木 (still a reader) keeps the post notification")
    r = w.patch_space(s["suzuki"], sid, visibility={"professions": ["care_manager"],
                                                     "organisations": [centre, council]})
    w.expect(r, 200, "letting the council in again")
    wait_until(lambda: len([x for x in feed(s["kato"], marks["kato"])
                            if x["id"] in {k["id"] for k in kato_items}]) == len(kato_items),
               "加藤's notifications of the space come back with the council")
    ct.log("visibility: %d notifications hidden and shown again" % len(kato_items))
    return [sid, tid, pid, opid, p2["id"], c1["id"], c2["id"], c3["id"], word]


def test_injected(s, marks, word):
    tenant = ct.seed()["tenant"]["id"]
    sid, tid = str(uuid.uuid4()), str(uuid.uuid4())
    t0 = now_ms()

    # a post into a space notify has no copy of yet: its audience (everyone)
    # becomes the copy
    pid = str(uuid.uuid4())
    ev = post_created(tenant, sid, tid, pid, "注入 %s" % word, [w.uid("kato")], t0)
    inject("PostCreated", sid, ev)
    # the same bytes again: still one post and one mention
    inject("PostCreated", sid, ev)
    # a type notify does not handle is ignored, not dead-lettered
    user = {"event_id": str(uuid.uuid4()), "tenant_id": tenant, "time": now_ms(),
            "user_id": w.uid("ito"), "organisation_id": ct.seed_user("ito")["organisation"],
            "profession": "care_worker", "display_name": "伊藤 由美", "roles": ["member"],
            "active": True, "organisation_name": ""}
    ct.produce("carelink.posts", sid, encode("UserChanged", user),
               [("ce_id", user["event_id"]), ("ce_type", "carelink.identity.UserChanged")])
    wait_kinds(s["ito"], marks["ito"], pid, ["post"], "injected post (everyone)")
    wait_kinds(s["kato"], marks["kato"], pid, ["mention"], "injected post's mention")

    # a newer SpaceChanged restricts the space to care managers
    inject("SpaceChanged", sid, space_changed(tenant, sid, "UPDATED", ["care_manager"], [],
                                              t0 + 2000))
    wait_kinds(s["ito"], marks["ito"], pid, [], "restricted by a newer SpaceChanged")
    wait_kinds(s["kato"], marks["kato"], pid, [], "restricted (the mention too)")
    # an older one does not open it again; a post on the same key (so the
    # same partition, handled after it) is the barrier
    inject("SpaceChanged", sid, space_changed(tenant, sid, "UPDATED", [], [], t0 + 1000))
    barrier = str(uuid.uuid4())
    inject("PostCreated", sid, post_created(tenant, sid, tid, barrier, "後続 %s" % word, [],
                                            t0 + 3000, author="suzuki",
                                            professions=["care_manager"]))
    wait_kinds(s["tanaka"], marks["tanaka"], barrier, ["post"], "barrier post (田中)")
    ct.check(kinds(feed(s["ito"], marks["ito"]), pid) == [],
             "an older SpaceChanged opened the space again to 伊藤")
    ct.check(kinds(feed(s["ito"], marks["ito"]), barrier) == [],
             "伊藤 sees the barrier post of a space for care managers")
    # a newer one opens it to everyone
    inject("SpaceChanged", sid, space_changed(tenant, sid, "UPDATED", [], [], t0 + 4000))
    wait_kinds(s["ito"], marks["ito"], pid, ["post"], "opened by a newer SpaceChanged")
    # a notification keeps its own audience: the barrier was for care managers
    ct.check(kinds(feed(s["ito"], marks["ito"]), barrier) == [],
             "伊藤 sees the notification made for care managers only")
    wait_kinds(s["kato"], marks["kato"], pid, ["mention"], "the mention, opened")
    dead = [m for m in ct.consume("carelink.deadletter") if m.key == sid.encode()]
    ct.check(not dead, "events of space %s were dead-lettered: %r" % (sid, dead))
    ct.log("injected: the copy follows event time; duplicates and other types ignored")


def test():
    names = INSIDE + OUTSIDE
    s = {n: w.login(n) for n in names}
    marks = {n: w.feed_mark(s[n]) for n in names}
    word = w.jp_word(10)
    ids = test_through_the_api(s, marks, word)
    for n in OUTSIDE:
        leak = [x for x in feed(s[n], marks[n]) if w.mentions_any(x, ids)]
        ct.check(not leak, "outsider %s was notified: %r" % (n, leak))
    ct.log("outsiders: nothing")
    test_injected(s, marks, w.jp_word(10))


if __name__ == "__main__":
    ct.run(test, budget_s=200)
