#!/usr/bin/env python3
"""The workspace's events, from the API call to the feeds.

In a space for care managers, social workers and the support centre
(田中, 加藤, 鈴木 inside; 中村 of the police and 伊藤, a care worker, outside):
鈴木 creates the space and a thread, 田中 posts mentioning 加藤, 鈴木 comments,
加藤 confirms, 田中 edits adding a mention of 鈴木, 田中 posts again and deletes
that post. Then:

* each event (SpaceChanged, PostCreated, CommentAdded, PostConfirmed,
  PostEdited, PostDeleted) is on carelink.posts, keyed by the space id,
  decodes with python3-avro from schemas/ alone (single-object encoding)
  and carries the CloudEvents type;
* notify turns them into the right notifications: space (the readers of a
  new space), post (readers), mention (the mentioned instead of post),
  comment (the post's author), confirmation (the post's author),
  post_edited (who had confirmed), mention (a mention the edit added);
  never the actor's own;
* the outsiders' feeds hold none of them;
* the notifications of a deleted post vanish from the feeds;
* narrowing a space's readers takes its notifications, posts and search
  hits away from the people taken out at once.
"""

import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = w.API
SCHEMAS = ["SpaceChanged", "PostCreated", "PostEdited", "PostDeleted", "CommentAdded",
           "PostConfirmed"]
SUBJECT = {"SpaceChanged": "space_id", "PostCreated": "post_id", "PostEdited": "post_id",
           "PostDeleted": "post_id", "CommentAdded": "comment_id", "PostConfirmed": "post_id"}


def find_events(wanted, timeout=25):
    """wanted: {(schema, subject id): pred or None}; the (message, datum) of
    each, waiting for the outbox relay."""
    found = {}
    deadline = time.monotonic() + timeout
    while True:
        for m in ct.consume("carelink.posts"):
            for name in SCHEMAS:
                d = ct.decode_single_object(name, m.value)
                if d is None:
                    continue
                key = (name, d.get(SUBJECT[name]))
                if key in wanted and key not in found and (wanted[key] is None or
                                                            wanted[key](d)):
                    found[key] = (m, d)
        if len(found) == len(wanted):
            return found
        if time.monotonic() > deadline:
            ct.fail("not on carelink.posts within %d s: %r"
                    % (timeout, sorted(set(wanted) - set(found))))
        time.sleep(0.5)


def kinds_about(items, ids):
    return sorted((n.get("kind"), i) for n in items for i in ids
                  if i in (n.get("link") or ""))


def test():
    names = ("suzuki", "tanaka", "kato", "nakamura", "ito")
    s = {n: w.login(n) for n in names}
    marks = {n: w.feed_mark(s[n]) for n in names}
    word = w.jp_word(10)
    centre = w.seed_org("support_centre")
    tenant = ct.seed()["tenant"]["id"]
    problems = []

    space = w.create_space(s["suzuki"], "通知試験 %s" % word, "説明 %s" % word,
                           professions=["care_manager", "social_worker"], organisations=[centre])
    sid = space["id"]
    thread = w.add_thread(s["suzuki"], sid, "連絡 %s" % word)
    tid = thread["id"]
    for n in ("tanaka", "kato"):
        w.wait_member(s["suzuki"], sid, w.uid(n))
    post = w.create_post(s["tanaka"], tid, "加藤さんへ %s" % word,
                         mentions={"users": [w.uid("kato")]})
    pid = post["id"]
    comment = w.add_comment(s["suzuki"], pid, "加藤さんもどうぞ %s" % word,
                            mentions={"users": [w.uid("kato")]})
    cid = comment["id"]
    # a second comment, deleted once its notification is there
    gone = w.add_comment(s["suzuki"], pid, "取り消すコメント %s" % word)
    gid = gone["id"]
    w.wait_feed_count(s["tanaka"], marks["tanaka"], w.about(pid, "comment"), 2,
                      "comment notifications")
    w.expect(s["suzuki"].request("DELETE", API + "/posts/" + gid), 204, "deleting a comment")
    w.confirm(s["kato"], pid)
    r = s["tanaka"].request("PATCH", API + "/posts/" + pid, json_body={
        "body": "加藤さんと鈴木さんへ %s" % word,
        "mentions": {"users": [w.uid("kato"), w.uid("suzuki")]}})
    w.expect(r, 200, "editing the post")
    doomed = w.create_post(s["tanaka"], tid, "消す予定 %s" % word)
    did = doomed["id"]
    w.wait_feed(s["suzuki"], marks["suzuki"], w.about(did, "post"),
                "post notification of the post to be deleted")
    w.expect(s["tanaka"].request("DELETE", API + "/posts/" + did), 204, "deleting the post")
    ct.log("space %s thread %s post %s comment %s deleted post %s" % (sid, tid, pid, cid, did))

    # -- carelink.posts
    found = find_events({
        ("SpaceChanged", sid): lambda d: d.get("change") == "CREATED",
        ("PostCreated", pid): None,
        ("CommentAdded", cid): None,
        ("PostConfirmed", pid): None,
        ("PostEdited", pid): None,
        ("PostCreated", did): None,
        ("PostDeleted", did): None,
        ("CommentAdded", gid): None,
        ("PostDeleted", gid): None,
    })
    for (name, subject), (m, d) in sorted(found.items()):
        what = "%s of %s" % (name, subject)
        if m.key != sid.encode():
            problems.append("%s: key %r, not the space id" % (what, m.key))
        if m.header("ce_type") != "carelink.posts." + name:
            problems.append("%s: ce_type %r" % (what, m.header("ce_type")))
        if m.header("ce_id") != d.get("event_id"):
            problems.append("%s: ce_id %r versus event_id %r" % (what, m.header("ce_id"),
                                                                 d.get("event_id")))
        if d.get("tenant_id") != tenant or d.get("space_id") != sid:
            problems.append("%s: tenant %r, space %r" % (what, d.get("tenant_id"),
                                                         d.get("space_id")))
        aud = d.get("audience") or {}
        if sorted(aud.get("professions") or []) != ["care_manager", "social_worker"] or \
                aud.get("organisations") != [centre]:
            problems.append("%s: audience %r" % (what, aud))
    checks = [
        (("SpaceChanged", sid), {"name": space["name"], "archived": False,
                                 "actor_id": w.uid("suzuki")}),
        (("PostCreated", pid), {"thread_id": tid, "author_id": w.uid("tanaka"),
                                "mentions": {"users": [w.uid("kato")], "organisations": []}}),
        (("CommentAdded", cid), {"post_id": pid, "author_id": w.uid("suzuki"),
                                 "post_author_id": w.uid("tanaka"),
                                 "body": comment["body"],
                                 "mentions": {"users": [w.uid("kato")], "organisations": []},
                                 "participants": [w.uid("tanaka")]}),
        (("PostConfirmed", pid), {"user_id": w.uid("kato"), "post_author_id": w.uid("tanaka"),
                                  "confirmed_count": 1}),
        (("PostEdited", pid), {"editor_id": w.uid("tanaka"), "parent_id": None,
                               "added_mentions": {"users": [w.uid("suzuki")],
                                                  "organisations": []},
                               "confirmed_by": [w.uid("kato")]}),
        (("PostDeleted", did), {"deleted_by_id": w.uid("tanaka"), "thread_id": tid,
                                "parent_id": None}),
        (("PostDeleted", gid), {"deleted_by_id": w.uid("suzuki"), "parent_id": pid}),
        (("CommentAdded", gid), {"participants": [w.uid("tanaka")]}),
    ]
    for key, fields in checks:
        d = found[key][1]
        for k, v in fields.items():
            if d.get(k) != v:
                problems.append("%s of %s: %s is %r, expected %r" % (key[0], key[1], k,
                                                                     d.get(k), v))
    ct.log("events on carelink.posts: %d checked" % len(found))

    # -- the feeds
    ids = [sid, pid, cid, did]

    def wait_kind(name, subject, kind):
        try:
            w.wait_feed(s[name], marks[name], w.about(subject, kind),
                        "%s notification about %s" % (kind, subject))
        except ct.TestFailure as e:
            problems.append(str(e))

    wait_kind("tanaka", sid, "space")
    wait_kind("kato", sid, "space")
    wait_kind("suzuki", pid, "post")
    wait_kind("kato", pid, "mention")
    try:  # mentioned in the post and in the comment
        w.wait_feed_count(s["kato"], marks["kato"], w.about(pid, "mention"), 2,
                          "mention notifications (the post's and the comment's)")
    except ct.TestFailure as e:
        problems.append(str(e))
    wait_kind("tanaka", pid, "comment")
    wait_kind("tanaka", pid, "confirmation")
    wait_kind("kato", pid, "post_edited")
    wait_kind("suzuki", pid, "mention")
    # the deleted post's notification goes away
    deadline = time.monotonic() + 20
    while [n for n in w.feed_since(s["suzuki"], marks["suzuki"]) if did in (n.get("link") or "")]:
        if time.monotonic() > deadline:
            problems.append("the notification of deleted post %s is still in 鈴木's feed" % did)
            break
        time.sleep(0.3)

    # and so does the deleted comment's: 田中 keeps one comment notification
    try:
        w.wait_feed_count(s["tanaka"], marks["tanaka"], w.about(pid, "comment"), 1,
                          "comment notifications once one of the two comments is deleted")
    except ct.TestFailure as e:
        problems.append(str(e))

    feeds = {n: w.feed_since(s[n], marks[n]) for n in names}
    got = {n: kinds_about(feeds[n], ids) for n in names}
    ct.log("notifications: %r" % got)
    for n, item in (("kato", ("post", pid)), ("suzuki", ("comment", pid)),
                    ("suzuki", ("space", sid)), ("kato", ("confirmation", pid))):
        if item in got[n]:
            problems.append("%s has a %s notification about %s: %r" % (n, item[0], item[1],
                                                                       got[n]))
    if [k for k in got["tanaka"] if k[0] in ("post", "mention", "post_edited")]:
        problems.append("田中 was notified of her own post or edit: %r" % got["tanaka"])
    for n in ("suzuki", "tanaka", "kato"):
        if did in json_dump(feeds[n]):
            problems.append("%s's feed still holds the deleted post %s" % (n, did))
        dup = [k for k in set(got[n]) if got[n].count(k) > (2 if k[0] == "mention" and
                                                             n == "kato" else 1)]
        if dup:
            problems.append("%s has duplicate notifications: %r" % (n, dup))
    for n in ("nakamura", "ito"):
        leak = [x for x in feeds[n] if w.mentions_any(x, ids + [word])]
        if leak:
            problems.append("outsider %s was notified: %r" % (n, leak))
    narrowing(s, marks, word, problems)
    if problems:
        ct.fail("%d event problems:\n  %s" % (len(problems), "\n  ".join(problems)))


def narrowing(s, marks, word, problems):
    """A space open to everyone, then narrowed to care managers: 伊藤 (care
    worker) saw its post's notification and loses it, with the post, at
    once; 田中 keeps hers."""
    sp = w.create_space(s["suzuki"], "公開→限定 %s" % word, "")
    th = w.add_thread(s["suzuki"], sp["id"], "連絡 %s" % word)
    w.wait_member(s["suzuki"], sp["id"], w.uid("ito"))
    p = w.create_post(s["kato"], th["id"], "まだ公開 %s" % word)
    for n in ("ito", "tanaka"):
        w.wait_feed(s[n], marks[n], w.about(p["id"], "post"), "post of the open space")
    w.expect(w.patch_space(s["suzuki"], sp["id"],
                           visibility={"professions": ["care_manager"], "organisations": []}),
             200, "narrowing the space to care managers")
    try:
        w.wait_feed_count(s["ito"], marks["ito"], w.about(p["id"]), 0,
                          "notifications of the narrowed space's post")
    except ct.TestFailure as e:
        problems.append(str(e))
    r = s["ito"].request("GET", API + "/posts/" + p["id"])
    if r.status != 404:
        problems.append("伊藤 reads a post of the narrowed space: %s" % r.describe())
    if p["id"] in w.search_ids(s["ito"], q=word):
        problems.append("伊藤 still finds the narrowed space's post")
    if not [n for n in w.feed_since(s["tanaka"], marks["tanaka"]) if w.about(p["id"])(n)]:
        problems.append("田中 (care manager) lost the notification of the narrowed space")


def json_dump(items):
    import json
    return json.dumps(items, ensure_ascii=False)


if __name__ == "__main__":
    ct.run(test, budget_s=150)
