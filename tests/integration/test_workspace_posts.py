#!/usr/bin/env python3
"""Posts in a restricted space (care managers, social workers and the
support centre), through the public API as services/records/API.md says:

* mentions of a user and of a listed organisation; a mention of a person
  or an organisation outside the space is 400 mention_outside_space, of
  nobody 400 unknown_mention, and writes nothing;
* edit history: two edits leave three revisions, the post shows edited_at;
  only the author edits;
* confirmation: two readers confirm (once counts once); the author sees
  them confirmed and the rest of the audience pending; a reader who is
  neither author nor admin gets 403; confirming one's own post or a
  comment is refused;
* soft delete by the author and by a space admin, refused to another
  member; a deleted post keeps its place with deleted:true and an empty
  body, its attachment answers 404, records keeps an audit entry;
* bad input: unknown thread, closed thread, archived space, body over the
  limit, empty body, refused attachment type and size, invalid UTF-8,
  unknown or foreign attachments: each its 4xx and nothing written.
"""

import glob
import os
import shutil
import subprocess
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = w.API


class F:
    pass


def setup():
    f = F()
    f.suzuki, f.tanaka, f.kato = w.login("suzuki"), w.login("tanaka"), w.login("kato")
    f.word = w.jp_word(10)
    f.centre = w.seed_org("support_centre")
    f.police = w.seed_org("police")
    f.space = w.create_space(f.suzuki, "投稿試験 %s" % f.word, "",
                             professions=["care_manager", "social_worker"],
                             organisations=[f.centre])
    f.sid = f.space["id"]
    f.thread = w.add_thread(f.suzuki, f.sid, "連絡 %s" % f.word)
    f.tid = f.thread["id"]
    for name in ("tanaka", "kato", "suzuki"):
        w.wait_member(f.suzuki, f.sid, w.uid(name))
    return f


def post_ids(f, tid=None):
    return [p["id"] for p in w.thread_posts(f.suzuki, tid or f.tid)["posts"]]


def mentions(f):
    kato, centre = w.uid("kato"), f.centre
    p = w.create_post(f.tanaka, f.tid, "@加藤 さん @包括 へ %s" % f.word,
                      mentions={"users": [kato], "organisations": [centre]})
    m = p.get("mentions") or {}
    ct.check_eq([u.get("id") for u in m.get("users", [])], [kato], "mentioned users")
    ct.check_eq(m["users"][0].get("name"), ct.seed_user("kato")["name"], "mentioned user's name")
    ct.check_eq([o.get("id") for o in m.get("organisations", [])], [centre],
                "mentioned organisations")
    ct.check_eq(m["organisations"][0].get("name"), ct.organisation_name(centre),
                "mentioned organisation's name")
    ct.check_eq(w.get_post(f.kato, p["id"]).get("mentions"), m, "mentions as read back")

    before = post_ids(f)
    cases = [
        ("a user outside the space (police)", {"users": [w.uid("nakamura")]},
         400, "mention_outside_space"),
        ("a user outside the space (care worker)", {"users": [kato, w.uid("ito")]},
         400, "mention_outside_space"),
        ("an organisation not listed", {"organisations": [f.police]},
         400, "mention_outside_space"),
        ("nobody", {"users": [str(uuid.uuid4())]}, 400, "unknown_mention"),
        ("no organisation", {"organisations": [str(uuid.uuid4())]}, 400, "unknown_mention"),
    ]
    for what, men, status, code in cases:
        r = f.tanaka.request("POST", API + "/threads/%s/posts" % f.tid,
                             json_body={"body": "言及 %s" % f.word, "mentions": men})
        w.expect(r, status, "post mentioning %s" % what, code)
        r = f.tanaka.request("POST", API + "/posts/%s/comments" % p["id"],
                             json_body={"body": "言及 %s" % f.word, "mentions": men})
        w.expect(r, status, "comment mentioning %s" % what, code)
        r = f.tanaka.request("PATCH", API + "/posts/%s" % p["id"],
                             json_body={"body": "言及 %s" % f.word, "mentions": men})
        w.expect(r, status, "edit mentioning %s" % what, code)
    ct.check_eq(post_ids(f), before, "posts after the refused mentions")
    after = w.get_post(f.tanaka, p["id"])
    ct.check_eq(after.get("comments"), [], "comments after the refused mentions")
    ct.check(after.get("edited_at") is None and after["body"] == p["body"],
             "the post changed after refused edits: %r" % after)
    ct.log("mentions: ok")


def history(f):
    texts = ["版1 %s" % f.word, "版2 %s\n改行あり" % f.word, "版3 %s" % f.word]
    p = w.create_post(f.tanaka, f.tid, texts[0])
    ct.check(p.get("edited_at") is None, "a new post has edited_at %r" % p.get("edited_at"))
    for text in texts[1:]:
        r = f.tanaka.request("PATCH", API + "/posts/" + p["id"], json_body={"body": text})
        doc = w.expect(r, 200, "PATCH by the author")
        ct.check_eq(doc["post"]["body"], text, "body of the edited post")
    r = f.kato.request("PATCH", API + "/posts/" + p["id"], json_body={"body": "他人 %s" % f.word})
    w.expect(r, 403, "PATCH by another member", "not_author")
    got = w.get_post(f.kato, p["id"])
    ct.check_eq(got["body"], texts[2], "body after two edits")
    ct.check(got.get("edited_at"), "an edited post shows no edited_at: %r" % got)
    revs = w.expect(f.kato.request("GET", API + "/posts/%s/history" % p["id"]), 200,
                    "history")["revisions"]
    ct.check_eq([r["body"] for r in revs], texts, "revisions, oldest first")
    ct.check_eq({r["editor"]["id"] for r in revs}, {w.uid("tanaka")}, "editors")
    ct.check(all(r.get("created_at") for r in revs) and
             [r["created_at"] for r in revs] == sorted(r["created_at"] for r in revs),
             "revision times %r" % [r.get("created_at") for r in revs])
    ct.log("history: ok")


def confirmations(f):
    p = w.create_post(f.tanaka, f.tid, "確認お願いします %s" % f.word)
    c = w.add_comment(f.kato, p["id"], "了解 %s" % f.word)
    w.expect(f.tanaka.request("POST", API + "/posts/%s/confirm" % p["id"], json_body={}),
             400, "confirming one's own post", "own_post")
    w.expect(f.suzuki.request("POST", API + "/posts/%s/confirm" % c["id"], json_body={}),
             400, "confirming a comment", "not_a_post")
    doc = w.confirm(f.kato, p["id"])
    ct.check_eq((doc.get("confirmation") or {}).get("confirmed"), True, "kato's confirmation")
    w.confirm(f.suzuki, p["id"])
    doc = w.confirm(f.suzuki, p["id"])  # idempotent
    ct.check_eq(doc["confirmation"].get("count"), 2, "confirmations after a repeated confirm")
    seen = w.get_post(f.tanaka, p["id"])["confirmation"]
    ct.check_eq(seen.get("count"), 2, "confirmation count the author sees")
    ct.check_eq(seen.get("confirmed"), False, "the author's own confirmed flag")
    r = f.kato.request("GET", API + "/posts/%s/confirmations" % p["id"])
    ct.check(r.status == 403 and r.error_code() in ("forbidden", "not_author"),
             "confirmations read by a reader who is not the author: expected 403, got %s"
             % r.describe())
    doc = w.expect(f.tanaka.request("GET", API + "/posts/%s/confirmations" % p["id"]), 200,
                   "confirmations read by the author")
    confirmed = {x["user"]["id"] for x in doc["confirmed"]}
    pending = {x["id"] for x in doc["pending"]}
    ct.check_eq(confirmed, {w.uid("kato"), w.uid("suzuki")}, "confirmed readers")
    ct.check(all(x.get("at") for x in doc["confirmed"]), "confirmed without a time: %r" % doc)
    audience = {m["id"] for m in w.members(f.tanaka, f.sid)} - {w.uid("tanaka")}
    ct.check_eq(confirmed | pending, audience, "confirmed and pending versus the space's members")
    ct.check(not confirmed & pending, "someone is both confirmed and pending")
    for outsider in ("nakamura", "ito", "tanaka"):
        ct.check(w.uid(outsider) not in pending, "%s is pending" % outsider)
    ct.check_eq(audience >= {w.uid("kato"), w.uid("suzuki")}, True, "audience")
    # a space admin (鈴木 is tenant admin) may read them too
    w.expect(f.suzuki.request("GET", API + "/posts/%s/confirmations" % p["id"]), 200,
             "confirmations read by a space admin")
    ct.log("confirmations: ok")


def records_psql(sql, **params):
    exe = shutil.which("psql") or next(iter(sorted(
        glob.glob("/usr/lib/postgresql/*/bin/psql"), reverse=True)), None)
    ct.check(exe, "no psql")
    with open(os.path.join(ct.var_dir(), "pg-records.conninfo"), encoding="utf-8") as fh:
        conninfo = fh.read().strip()
    cmd = [exe, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo]
    for k, v in params.items():
        cmd += ["-v", "%s=%s" % (k, v)]
    p = subprocess.run(cmd, input=sql.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    if p.returncode != 0:
        ct.fail("psql on records failed: %s" % p.stderr.decode("utf-8", "replace")[-500:])
    return [line.split("|") for line in p.stdout.decode().splitlines() if line]


def audited(post_id):
    """Whether an audit table of records' database names post_id."""
    tables = records_psql("SELECT table_name FROM information_schema.tables"
                          " WHERE table_schema = 'public' AND table_name LIKE '%audit%';")
    for (t,) in tables:
        rows = records_psql('SELECT count(*) FROM "%s" a WHERE a::text LIKE :\'pat\';' % t,
                            pat="%" + post_id + "%")
        if rows and int(rows[0][0]) > 0:
            return True
    return False


def soft_delete(f):
    att = w.upload_ok(f.tanaka, w.pdf(f.word), "application/pdf", "資料-%s.pdf" % f.word)
    p = w.create_post(f.tanaka, f.tid, "消す投稿 %s" % f.word, attachments=[att["id"]])
    c = w.add_comment(f.kato, p["id"], "残るコメント %s" % f.word)
    r = f.suzuki.request("GET", API + "/attachments/" + att["id"])
    w.expect(r, 200, "the PDF before the delete")
    disp = r.headers.get("Content-Disposition") or ""
    ct.check(disp.startswith("attachment") and "filename*=UTF-8''" in disp,
             "Content-Disposition of a PDF: %r" % disp)
    ct.check_eq(r.headers.get("Content-Type"), "application/pdf", "Content-Type of the PDF")

    w.expect(f.kato.request("DELETE", API + "/posts/" + p["id"]), 403,
             "DELETE by a member who is neither author nor admin")
    ct.check_eq(w.get_post(f.suzuki, p["id"])["deleted"], False, "deleted after a refused DELETE")
    w.expect(f.tanaka.request("DELETE", API + "/posts/" + p["id"]), 204, "DELETE by the author")
    got = w.get_post(f.kato, p["id"])
    ct.check(got["deleted"] is True and got["body"] == "" and not got.get("attachments")
             and not (got.get("mentions") or {}).get("users"),
             "a deleted post as read: %r" % got)
    ct.check_eq([x["id"] for x in got.get("comments", [])], [c["id"]], "its comments stay")
    listed = [x for x in w.thread_posts(f.kato, f.tid)["posts"] if x["id"] == p["id"]]
    ct.check(len(listed) == 1 and listed[0]["deleted"] and listed[0]["body"] == "",
             "the deleted post in the thread: %r" % listed)
    for who in (f.suzuki, f.tanaka):
        w.expect(who.request("GET", API + "/attachments/" + att["id"]), 404,
                 "the attachment of a deleted post")
    w.expect(f.tanaka.request("PATCH", API + "/posts/" + p["id"], json_body={"body": "復活"}),
             409, "editing a deleted post", "post_deleted")
    w.expect(f.kato.request("POST", API + "/posts/%s/comments" % p["id"],
                            json_body={"body": "遅れて"}), 409,
             "commenting on a deleted post", "post_deleted")
    ct.check(audited(p["id"]), "records keeps no audit entry of the deleted post %s" % p["id"])

    # a space admin deletes another's post; the other member may not
    q = w.create_post(f.kato, f.tid, "管理者が消す %s" % f.word)
    w.expect(f.tanaka.request("DELETE", API + "/posts/" + q["id"]), 403,
             "DELETE of kato's post by tanaka")
    w.expect(f.suzuki.request("DELETE", API + "/posts/" + q["id"]), 204,
             "DELETE by a space admin")
    ct.check_eq(w.get_post(f.kato, q["id"])["deleted"], True, "deleted by the space admin")
    ct.check(w.search_ids(f.tanaka, q=f.word).count(q["id"]) == 0,
             "the deleted post is still found by search")
    ct.log("soft delete: ok")


def bad_input(f):
    closed = w.add_thread(f.suzuki, f.sid, "閉じる %s" % f.word)
    open_post = w.create_post(f.tanaka, closed["id"], "閉じる前 %s" % f.word)
    w.expect(w.patch_thread(f.suzuki, closed["id"], closed=True), 200, "closing a thread")
    arch = w.create_space(f.suzuki, "保管 %s" % f.word, "")
    arch_thread = w.add_thread(f.suzuki, arch["id"], "保管 連絡 %s" % f.word)
    w.wait_member(f.tanaka, arch["id"], w.uid("tanaka"))
    arch_post = w.create_post(f.tanaka, arch_thread["id"], "保管前 %s" % f.word)
    w.expect(w.patch_space(f.suzuki, arch["id"], archived=True), 200, "archiving a space")
    ct.check_eq(w.get_space(f.tanaka, arch["id"])["space"]["archived"], True,
                "an archived space is still readable")

    limit = int(ct.service_conf("records").get("records.post_body_max", "10000"))
    max_bytes = int(ct.service_conf("records").get("records.attachment_max_bytes",
                                                      str(10 << 20)))
    other_upload = w.upload_ok(f.kato, w.png(), "image/png", "他人.png")
    many = [w.upload_ok(f.tanaka, w.png((i, i, i)), "image/png", "p%d.png" % i)["id"]
            for i in range(11)]

    def posting(tid, body, raw=None):
        if raw is not None:
            return lambda: f.tanaka.request("POST", API + "/threads/%s/posts" % tid, body=raw,
                                            headers={"Content-Type": "application/json"})
        return lambda: f.tanaka.request("POST", API + "/threads/%s/posts" % tid, json_body=body)

    cases = [
        ("unknown thread", posting(str(uuid.uuid4()), {"body": "x"}), 404, "thread_not_found"),
        ("closed thread", posting(closed["id"], {"body": "閉じた %s" % f.word}),
         409, "thread_closed"),
        ("comment in a closed thread",
         lambda: f.kato.request("POST", API + "/posts/%s/comments" % open_post["id"],
                                json_body={"body": "閉じた"}), 409, "thread_closed"),
        ("archived space", posting(arch_thread["id"], {"body": "保管中 %s" % f.word}),
         409, "space_archived"),
        ("comment in an archived space",
         lambda: f.kato.request("POST", API + "/posts/%s/comments" % arch_post["id"],
                                json_body={"body": "保管中"}), 409, "space_archived"),
        ("edit in an archived space",
         lambda: f.tanaka.request("PATCH", API + "/posts/" + arch_post["id"],
                                  json_body={"body": "保管中"}), 409, "space_archived"),
        ("thread in an archived space",
         lambda: f.suzuki.request("POST", API + "/spaces/%s/threads" % arch["id"],
                                  json_body={"title": "新 %s" % f.word}), 409, "space_archived"),
        ("body over the limit", posting(f.tid, {"body": "あ" * (limit + 1)}),
         400, "body_too_long"),
        ("empty body", posting(f.tid, {"body": " \u3000\n "}), 400, "invalid_body"),
        ("invalid UTF-8", posting(f.tid, None, raw=b'{"body":"\xff\xfe \xe3\x81"}'),
         400, "invalid_json"),
        ("an attachment that does not exist",
         posting(f.tid, {"body": "添付 %s" % f.word, "attachments": [str(uuid.uuid4())]}),
         400, "unknown_attachment"),
        ("another person's upload",
         posting(f.tid, {"body": "添付 %s" % f.word, "attachments": [other_upload["id"]]}),
         400, "unknown_attachment"),
        ("11 attachments", posting(f.tid, {"body": "添付 %s" % f.word, "attachments": many}),
         400, "too_many_attachments"),
    ]
    before = {t: post_ids(f, t) for t in (f.tid, closed["id"])}
    arch_before = post_ids(f, arch_thread["id"])
    problems = []
    for what, call, status, code in cases:
        r = call()
        if r.status != status or r.error_code() != code:
            problems.append("%s: expected %d %s, got %s" % (what, status, code, r.describe()))
    for t, ids in before.items():
        if post_ids(f, t) != ids:
            problems.append("thread %s changed after refused posts" % t)
    if post_ids(f, arch_thread["id"]) != arch_before:
        problems.append("the archived space's thread changed")
    if w.get_post(f.tanaka, arch_post["id"])["body"] != arch_post["body"]:
        problems.append("the archived post was edited")
    if [c["id"] for c in w.get_post(f.tanaka, open_post["id"]).get("comments", [])]:
        problems.append("a comment was written into the closed thread")
    if len(w.get_space(f.suzuki, arch["id"])["threads"]) != 1:
        problems.append("a thread was added to the archived space")
    # the 11 uploads are still unattached: 10 of them make a post
    r = posting(f.tid, {"body": "添付十 %s" % f.word, "attachments": many[:10]})()
    if r.status != 201:
        problems.append("10 unused uploads after the refusal: expected 201, got %s"
                        % r.describe())

    # uploads
    uploads = [
        ("text/plain", b"hello", "memo.txt", 415, "unsupported_type"),
        ("image/png declared, PDF bytes", w.pdf(), "fake.png", 415, "unsupported_type"),
        ("over the size limit", None, "big.png", 413, "attachment_too_large"),
        ("empty", b"", "empty.png", 400, "empty_attachment"),
        ("a / in the name", w.png(), "a/b.png", 400, "invalid_filename"),
    ]
    for what, data, name, status, code in uploads:
        ctype = "text/plain" if what == "text/plain" else "image/png"
        if data is None:
            png = w.png()
            data = png[:-12] + b"\x00" * (max_bytes + 1 - len(png)) + png[-12:]
        r = w.upload(f.tanaka, data, ctype, name)
        if r.status != status or r.error_code() != code:
            problems.append("upload %s: expected %d %s, got %s" % (what, status, code,
                                                                   r.describe()))
    if problems:
        ct.fail("%d bad-input problems:\n  %s" % (len(problems), "\n  ".join(problems)))
    ct.log("bad input: ok")


def test():
    f = setup()
    steps = [mentions, history, confirmations, soft_delete, bad_input]
    failed = []
    for step in steps:
        try:
            step(f)
        except ct.TestFailure as e:
            failed.append("%s: %s" % (step.__name__, e))
            ct.log("FAILED %s: %s" % (step.__name__, e))
    if failed:
        ct.fail("%d of %d parts failed:\n" % (len(failed), len(steps)) + "\n".join(failed))


if __name__ == "__main__":
    ct.run(test, budget_s=150)
