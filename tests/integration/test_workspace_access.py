#!/usr/bin/env python3
"""The access matrix of the workspace (issue 4's first "done when").

A space restricted to care managers and the community general support
centre holds two threads, a post by 田中 (care manager) with a PNG
attachment and a comment by 鈴木 (support centre, tenant admin). Then, for
every endpoint of services/records/API.md that reads or writes spaces,
threads, posts, comments, attachments and confirmations (the ROWS table:
one row per route and body, so a route added later is one more row):

* the outsiders 中村 (police) and 伊藤 (care worker, care provider) get 404,
  exactly the answer (status, code, message) of an id that does not exist,
  with no trace of the space's name or content;
* people of another tenant (a second municipality: its tenant admin, and
  a care manager it invited) get the same, see none of the spaces and find
  nothing; that tenant's own space is likewise invisible here;
* an identity of another tenant signed with the services' key and sent
  straight to records (same user, organisation and profession as 田中, only
  the tenant differs) gets the same;
* nothing the refused writes asked for happened.

Search (SEARCH_ROWS, Japanese queries, space= and thread= filters) gives
outsiders no hit while 田中 finds the post; the attachment URL gives 404 to
outsiders and the bytes to insiders; the outsiders' feeds hold no
notification of the space once the insiders' feeds have theirs.
"""

import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = w.API

# (method, path, body) under /api/v1 (records: /v1); {space}, {thread},
# {thread2}, {post}, {comment}, {attachment}, {word} and {tanaka} are
# filled in. Refused writes must change nothing (checked afterwards).
ROWS = [
    ("GET", "/spaces/{space}", None),
    ("PATCH", "/spaces/{space}", {"name": "乗っ取り {word}"}),
    ("PATCH", "/spaces/{space}", {"description": "乗っ取り"}),
    ("PATCH", "/spaces/{space}", {"archived": True}),
    ("PATCH", "/spaces/{space}", {"visibility": {"professions": [], "organisations": []}}),
    ("GET", "/spaces/{space}/members", None),
    ("GET", "/spaces/{space}/members?q=%E7%94%B0%E4%B8%AD", None),
    ("POST", "/spaces/{space}/threads", {"title": "侵入 {word}"}),
    ("PATCH", "/threads/{thread}", {"title": "乗っ取り"}),
    ("PATCH", "/threads/{thread}", {"closed": True}),
    ("PUT", "/spaces/{space}/thread-order", {"thread_ids": ["{thread2}", "{thread}"]}),
    ("GET", "/threads/{thread}/posts", None),
    ("GET", "/threads/{thread}/posts?limit=1", None),
    ("POST", "/threads/{thread}/posts", {"body": "侵入 {word}"}),
    ("POST", "/threads/{thread}/posts", {"body": "侵入 {word}",
                                         "mentions": {"users": ["{tanaka}"]}}),
    ("GET", "/posts/{post}", None),
    ("GET", "/posts/{comment}", None),
    ("PATCH", "/posts/{post}", {"body": "改ざん {word}"}),
    ("PATCH", "/posts/{comment}", {"body": "改ざん {word}"}),
    ("GET", "/posts/{post}/history", None),
    ("GET", "/posts/{comment}/history", None),
    ("POST", "/posts/{post}/comments", {"body": "侵入 {word}"}),
    ("POST", "/posts/{post}/confirm", {}),
    ("GET", "/posts/{post}/confirmations", None),
    ("DELETE", "/posts/{comment}", None),
    ("DELETE", "/posts/{post}", None),
    ("GET", "/attachments/{attachment}", None),
]

# search parameters: outsiders get 200 and no hit, 田中 finds the post
SEARCH_ROWS = [
    {"q": "{word}"},
    {"q": "{mid}"},
    {"q": "{word}", "space": "{space}"},
    {"q": "{mid}", "thread": "{thread}"},
    {"author": "{tanaka}", "space": "{space}"},
    {"q": "{mid}", "author": "{tanaka}"},
]

PLACEHOLDERS = ("space", "thread", "thread2", "post", "comment", "attachment")


def fill(value, ids):
    """value (str, dict, list) with every {name} replaced from ids."""
    if isinstance(value, str):
        for k, v in ids.items():
            value = value.replace("{%s}" % k, v)
        return value
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def fake_ids(ids):
    """The same ids, those of the workspace replaced by fresh UUIDs."""
    out = dict(ids)
    for k in PLACEHOLDERS:
        out[k] = str(uuid.uuid4())
    return out


class Fixture:
    pass


def setup(streams=None):
    """The restricted space and its content; streams, when given, is a list
    that gets the outsiders' live streams, opened before anything exists."""
    f = Fixture()
    f.suzuki = w.login("suzuki")      # tenant admin of the support centre: inside
    f.tanaka = w.login("tanaka")      # care manager: inside
    f.outsiders = {"nakamura": w.login("nakamura"), "ito": w.login("ito")}
    f.marks = {n: w.feed_mark(s) for n, s in f.outsiders.items()}
    if streams is not None:
        for n, s in list(f.outsiders.items()) + [("suzuki", f.suzuki)]:
            st = ct.EventStream(s)
            streams.append((n, st))
            st.wait_ready()
    f.suzuki_mark = w.feed_mark(f.suzuki)
    f.tanaka_mark = w.feed_mark(f.tanaka)

    f.word = w.jp_word(12)
    f.hex = uuid.uuid4().hex
    f.name = "限定 %s %s" % (f.word, f.hex[:8])
    centre = w.seed_org("support_centre")
    f.space = w.create_space(f.suzuki, f.name, "ケアマネと包括のみ %s" % f.word,
                             professions=["care_manager"], organisations=[centre])
    sid = f.space["id"]
    f.thread = w.add_thread(f.suzuki, sid, "連絡 %s" % f.word)
    f.thread2 = w.add_thread(f.suzuki, sid, "予備 %s" % f.word)
    w.wait_member(f.tanaka, sid, w.uid("tanaka"))
    f.png = w.png()
    f.filename = "photo-%s.png" % f.hex
    att = w.upload_ok(f.tanaka, f.png, "image/png", f.filename)
    f.body = "限定の連絡 %s\n二行目 %s" % (f.word, f.hex)
    f.post = w.create_post(f.tanaka, f.thread["id"], f.body, attachments=[att["id"]])
    ct.check_eq([a["id"] for a in f.post.get("attachments") or []], [att["id"]],
                "attachments of the new post")
    f.attachment = att
    f.comment = w.add_comment(f.suzuki, f.post["id"], "コメント %s" % f.word)
    f.ids = {"space": sid, "thread": f.thread["id"], "thread2": f.thread2["id"],
             "post": f.post["id"], "comment": f.comment["id"], "attachment": att["id"],
             "word": f.word, "mid": f.word[3:7], "tanaka": w.uid("tanaka")}
    ct.log("space %s, thread %s, post %s, comment %s, attachment %s"
           % (sid, f.thread["id"], f.post["id"], f.comment["id"], att["id"]))
    return f


def traces(f):
    """Strings none of the outsiders' answers may hold."""
    return [f.word, f.hex, f.name, f.filename]


def leaks(r, f, path_ids):
    """The traces found in an answer (body and headers), besides ids that
    were in the request's own path."""
    text = r.body.decode("utf-8", "replace") + "\n" + "\n".join(
        "%s: %s" % kv for kv in r.headers.items())
    found = [t for t in traces(f) if t and t in text]
    found += [v for k, v in f.ids.items() if k in PLACEHOLDERS and v in text
              and v not in path_ids]
    return found


def send(session, method, path, body):
    if body is None:
        return session.request(method, API + path)
    return session.request(method, API + path, json_body=body)


def matrix(who, call, f, problems):
    """Runs every row as who (call(method, path, body) -> Response) against
    the real ids and against ids that do not exist; records problems."""
    fake = fake_ids(f.ids)
    for method, path, body in ROWS:
        real_path, fake_path = fill(path, f.ids), fill(path, fake)
        r = call(method, real_path, fill(body, f.ids))
        n = call(method, fake_path, fill(body, fake))
        what = "%s %s %s" % (who, method, path)
        if r.status != 404:
            problems.append("%s: expected 404, got %s" % (what, r.describe()))
            continue
        if w.error_of(r) != w.error_of(n):
            problems.append("%s: answer %r differs from a missing id's %r"
                            % (what, w.error_of(r), w.error_of(n)))
        found = leaks(r, f, real_path)
        if found:
            problems.append("%s: the answer holds %r: %s" % (what, found, r.describe()))


def check_unchanged(f, problems):
    """The insiders still see exactly what was set up."""
    doc = w.get_space(f.tanaka, f.space["id"])
    sp = doc["space"]
    if sp.get("name") != f.name or sp.get("archived") or \
            sp.get("visibility", {}).get("professions") != ["care_manager"]:
        problems.append("the space changed: %r" % sp)
    titles = [(t["id"], t["title"], t["closed"]) for t in doc.get("threads", [])]
    want = [(f.thread["id"], f.thread["title"], False), (f.thread2["id"], f.thread2["title"], False)]
    if titles != want:
        problems.append("the threads changed: %r, expected %r" % (titles, want))
    posts = w.thread_posts(f.tanaka, f.thread["id"])["posts"]
    if [p["id"] for p in posts] != [f.post["id"]]:
        problems.append("the thread holds %r, not only the post" % [p["id"] for p in posts])
    else:
        p = posts[0]
        if p["body"] != f.body or p["deleted"] or p.get("edited_at"):
            problems.append("the post changed: %r" % p)
        if [c["id"] for c in p.get("comments", [])] != [f.comment["id"]] or \
                p["comments"][0]["deleted"] or p["comments"][0]["body"] != f.comment["body"]:
            problems.append("the comments changed: %r" % p.get("comments"))
        if (p.get("confirmation") or {}).get("count") != 0:
            problems.append("the post was confirmed: %r" % p.get("confirmation"))
    revs = w.expect(f.tanaka.request("GET", API + "/posts/%s/history" % f.post["id"]), 200,
                    "history of the post")["revisions"]
    if len(revs) != 1:
        problems.append("the post has %d revisions, not 1" % len(revs))


def check_search(f, problems, who, session):
    for params in SEARCH_ROWS:
        p = fill(params, f.ids)
        r = session.request("GET", w.q(API + "/search", **p))
        if r.status != 200:
            problems.append("%s: search %r: expected 200 and no hits, got %s"
                            % (who, params, r.describe()))
            continue
        hits = r.json().get("hits")
        if hits != [] or leaks(r, f, []):
            problems.append("%s: search %r found %s" % (who, params, r.describe()))


def check_space_lists(f, problems, who, session, admin=False):
    paths = [API + "/spaces"] + ([API + "/spaces?all=1"] if admin else [])
    if not admin:
        r = session.request("GET", API + "/spaces?all=1")
        if r.status != 403 or r.error_code() != "forbidden" or leaks(r, f, []):
            problems.append("%s: GET /spaces?all=1: expected 403 forbidden, got %s"
                            % (who, r.describe()))
    for path in paths:
        r = session.request("GET", path)
        if r.status != 200:
            problems.append("%s: GET %s: expected 200, got %s" % (who, path, r.describe()))
        elif leaks(r, f, []):
            problems.append("%s: GET %s lists the space: %s" % (who, path, r.describe()))


def insider_checks(f):
    """Controls: the insiders reach everything the rows name."""
    for method, path, _ in ROWS:
        if method != "GET" or "confirmations" in path:
            continue
        r = send(f.tanaka, method, fill(path, f.ids), None)
        ct.check(r.status == 200, "insider 田中: GET %s: expected 200, got %s"
                 % (path, r.describe()))
    w.expect(send(f.tanaka, "GET", fill("/posts/{post}/confirmations", f.ids), None), 200,
             "the author reads the confirmations")
    for params in SEARCH_ROWS:
        w.wait_search(f.tanaka, f.post["id"], **fill(params, f.ids))
    listed = {m["id"] for m in w.members(f.suzuki, f.space["id"])}
    ct.check({w.uid("tanaka"), w.uid("suzuki")} <= listed,
             "the members of the space lack 田中 or 鈴木: %r" % listed)
    for name in ("nakamura", "ito", "kato", "sato", "takahashi"):
        ct.check(w.uid(name) not in listed, "%s, outside the space, is listed among its "
                 "members" % name)
    r = f.suzuki.request("GET", API + "/attachments/" + f.attachment["id"])
    w.expect(r, 200, "insider 鈴木 reads the attachment")
    ct.check_eq(r.body, f.png, "the attachment's bytes")
    ct.check_eq(r.headers.get("Content-Type"), "image/png", "the attachment's Content-Type")
    disp = r.headers.get("Content-Disposition") or ""
    ct.check(disp.startswith("inline") and f.hex in disp,
             "Content-Disposition of a PNG: %r" % disp)
    ct.check("no-store" in (r.headers.get("Cache-Control") or ""),
             "Cache-Control of an attachment: %r" % r.headers.get("Cache-Control"))


def live(f, streams, problems):
    """What the outsiders' live streams carried while the space was made,
    written in and read (the insiders' feeds have their notifications by
    now, so notify has handled the events)."""
    needles = [f.word, f.hex] + [f.ids[k] for k in PLACEHOLDERS]
    for name, st in streams:
        st.collect(1.0)  # whatever is still on its way
        got = [e for e in st.seen if e.event == "notification" and
               any(x in e.data for x in needles)]
        if name == "suzuki":  # the control: an insider's stream has the post
            if not any(f.post["id"] in e.data for e in got):
                problems.append("鈴木's live stream did not carry the post: %r" % st.seen[-5:])
        elif got:
            problems.append("outsider %s's live stream carried the space: %r" % (name, got))


def feeds(f, problems):
    # the insiders' feeds have theirs: suzuki the post, tanaka the comment
    w.wait_feed(f.suzuki, f.suzuki_mark, w.about(f.post["id"]), "notification of the post")
    w.wait_feed(f.tanaka, f.tanaka_mark, w.about(f.post["id"]), "notification of the comment")
    needles = [f.word, f.hex] + [f.ids[k] for k in PLACEHOLDERS]
    for name, s in f.outsiders.items():
        got = [n for n in w.feed_since(s, f.marks[name]) if w.mentions_any(n, needles)]
        if got:
            problems.append("outsider %s was notified of the space: %r" % (name, got))


def other_tenant(f, problems):
    """A person of a second municipality, logged in through the gateway."""
    t = w.other_tenant("ws-acl")
    admin = t.admin
    mark = w.feed_mark(admin)
    matrix("other tenant's admin", lambda m, p, b: send(admin, m, p, b), f, problems)
    check_search(f, problems, "other tenant's admin", admin)
    check_space_lists(f, problems, "other tenant's admin", admin, admin=True)
    # a care manager there: the very profession this tenant's space admits
    cm = w.tenant_member(t, "ws-acl-cm", profession="care_manager")
    matrix("other tenant's care manager", lambda m, p, b: send(cm, m, p, b), f, problems)
    check_search(f, problems, "other tenant's care manager", cm)
    check_space_lists(f, problems, "other tenant's care manager", cm)
    # and the other way round: its own space is invisible to this tenant
    word_b = w.jp_word(12)
    sp = w.create_space(admin, "他市 %s" % word_b, "他市の掲示板 %s" % word_b)
    th = w.add_thread(admin, sp["id"], "他市 連絡 %s" % word_b)
    w.wait_member(admin, sp["id"], admin.user["id"])
    pb = w.create_post(admin, th["id"], "他市の投稿 %s" % word_b)
    for name, s in (("鈴木 (tenant admin)", f.suzuki), ("田中", f.tanaka)):
        for path in ("/spaces/" + sp["id"], "/threads/%s/posts" % th["id"],
                     "/posts/" + pb["id"]):
            r = s.request("GET", API + path)
            if r.status != 404 or word_b in r.body.decode("utf-8", "replace"):
                problems.append("%s: GET %s of the other tenant: %s" % (name, path, r.describe()))
        for path in ("/spaces", "/spaces?all=1", w.q("/search", q=word_b)):
            r = s.request("GET", API + path)
            if word_b in r.body.decode("utf-8", "replace") or sp["id"] in r.body.decode():
                problems.append("%s: GET %s shows the other tenant's space" % (name, path))
    got = [n for n in w.feed_since(admin, mark) if w.mentions_any(n, [f.word, f.hex])]
    if got:
        problems.append("the other tenant's admin was notified of this tenant: %r" % got)


def forged_identity(f, problems):
    """records itself, with identities signed by the services' key: 田中's
    own user, organisation and profession in another tenant."""
    u = ct.seed_user("tanaka")
    mine = w.claims(u["id"], u["organisation"], u["profession"], ct.seed()["tenant"]["id"])
    r = w.records_request(mine, "GET", "/v1/spaces/" + f.space["id"])
    w.expect(r, 200, "control: 田中's own identity straight to records")
    other = w.claims(u["id"], u["organisation"], u["profession"], str(uuid.uuid4()),
                     roles=("member", "tenant_admin"))
    matrix("田中's ids in another tenant (signed)",
           lambda m, p, b: w.records_request(other, m, "/v1" + p, json_body=b), f, problems)
    for path in ("/v1/spaces", "/v1/spaces?all=1"):
        r = w.records_request(other, "GET", path)
        if r.status != 200 or r.json().get("spaces") != []:
            problems.append("another tenant (signed): GET %s: expected no spaces, got %s"
                            % (path, r.describe()))
    for params in SEARCH_ROWS:
        r = w.records_request(other, "GET", w.q("/v1/search", **fill(params, f.ids)))
        if r.status != 200 or r.json().get("hits") != []:
            problems.append("another tenant (signed): search %r: %s" % (params, r.describe()))


def test():
    streams = []
    try:
        run_all(streams)
    finally:
        for _, st in streams:
            st.close()


def run_all(streams):
    f = setup(streams)
    insider_checks(f)
    problems = []
    for name, s in f.outsiders.items():
        matrix(name, lambda m, p, b, s=s: send(s, m, p, b), f, problems)
        check_search(f, problems, name, s)
        check_space_lists(f, problems, name, s)
    ct.log("outsiders: %d rows each, %d problems so far" % (len(ROWS), len(problems)))
    forged_identity(f, problems)
    ct.log("signed identity of another tenant: %d problems so far" % len(problems))
    try:
        other_tenant(f, problems)
    except ct.TestFailure as e:
        problems.append("the other tenant's part stopped: %s" % e)
    ct.log("other tenant: %d problems so far" % len(problems))
    feeds(f, problems)
    live(f, streams, problems)
    check_unchanged(f, problems)
    if problems:
        ct.fail("%d access problems:\n  %s" % (len(problems), "\n  ".join(problems)))


if __name__ == "__main__":
    ct.run(test, budget_s=170)
