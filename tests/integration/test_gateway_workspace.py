#!/usr/bin/env python3
"""The gateway's side of the workspace: every route of services/records/API.md
is served under /api/v1 and passed on to records' /v1 with the caller's
identity, and what the gateway itself must refuse never reaches records.

* Before records: 401 without a session (and with a token on a session-only
  route), 403 `csrf` on writes without the session's X-CSRF-Token, 404 for a
  path id that is not an id, 415 for a JSON route without JSON, 400
  `invalid_query` for query text that is not UTF-8, 413 for an upload over
  the gateway's http.max_upload.
* Reaching records: for every route, the gateway's answer (status, body)
  equals records' own answer to the same person asked directly with a
  signed identity (unknown ids, refused bodies: nothing changes).
* Tokens: posts:write lets a machine client post, comment and confirm (and
  nothing else); feed:read does not (403 insufficient_scope).
* Files: a PNG and a PDF with Japanese file names go up as raw bytes and come
  back identical, with records' Content-Type, Content-Disposition
  (filename*=UTF-8''...) and Cache-Control, to the uploader and, once
  attached to a post, to another reader.
* Without records: 503 `unavailable`.
* Search: Japanese text with spaces and the characters & = + % # reaches
  records intact (percent-encoded), and finds the post that holds it.
"""

import json
import os
import re
import sys
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402
import platform_helpers as plh  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = "/api/v1"
THREAD_TITLE = "雑談・その他"

# every workspace route: (method, path with {id}, JSON body or None,
# the 404 code for a malformed id, token scope or None)
ROUTES = [
    ("GET", "/spaces", None, None, None),
    ("POST", "/spaces", {"name": "x"}, None, None),
    ("GET", "/spaces/{id}", None, "space_not_found", None),
    ("PATCH", "/spaces/{id}", {"name": "x"}, "space_not_found", None),
    ("GET", "/spaces/{id}/members", None, "space_not_found", None),
    ("POST", "/spaces/{id}/threads", {"title": "x"}, "space_not_found", None),
    ("PUT", "/spaces/{id}/thread-order", {"thread_ids": []}, "space_not_found", None),
    ("PATCH", "/threads/{id}", {"title": "x"}, "thread_not_found", None),
    ("GET", "/threads/{id}/posts", None, "thread_not_found", None),
    ("POST", "/threads/{id}/posts", {"body": "x"}, "thread_not_found", "posts:write"),
    ("GET", "/posts/{id}", None, "post_not_found", None),
    ("PATCH", "/posts/{id}", {"body": "x"}, "post_not_found", None),
    ("DELETE", "/posts/{id}", None, "post_not_found", None),
    ("GET", "/posts/{id}/history", None, "post_not_found", None),
    ("POST", "/posts/{id}/comments", {"body": "x"}, "post_not_found", "posts:write"),
    ("POST", "/posts/{id}/confirm", {}, "post_not_found", "posts:write"),
    ("GET", "/posts/{id}/confirmations", None, "post_not_found", None),
    ("POST", "/attachments?filename=a.png", b"\x89PNG", None, None),
    ("GET", "/attachments/{id}", None, "attachment_not_found", None),
    ("GET", "/search?q=a", None, None, None),
]

# ids that are not ids: the gateway answers 404 without asking records
MALFORMED = ["not-an-id", "zz", "a" * 65, "%2e%2e", "1;drop", "ff%3Fall=1"]


def is_write(method):
    return method not in ("GET", "HEAD")


def send(session, method, path, body, headers=None, **kw):
    """A request of a ROUTES row: JSON bodies as JSON, bytes as a PNG."""
    if isinstance(body, bytes):
        return session.request(method, API + path, body=body,
                               headers=dict({"Content-Type": "image/png"}, **(headers or {})),
                               **kw)
    return session.request(method, API + path, json_body=body, headers=headers, **kw)


def fill(path, ident):
    return path.replace("{id}", ident)


def check_refusals(tanaka):
    """What the gateway answers itself, route by route."""
    anonymous = ct.Session()
    no_csrf = 0
    for method, path, body, missing, scope in ROUTES:
        p = fill(path, str(uuid.uuid4()))
        w.expect(send(anonymous, method, p, body), 401, "%s %s without a session" % (method, p),
                 "unauthenticated")
        if is_write(method):
            w.expect(send(tanaka, method, p, body, csrf=False), 403,
                     "%s %s without X-CSRF-Token" % (method, p), "csrf")
            w.expect(send(tanaka, method, p, body, headers={"X-CSRF-Token": "0" * 43}), 403,
                     "%s %s with another X-CSRF-Token" % (method, p), "csrf")
            no_csrf += 1
        if missing:
            for bad in MALFORMED:
                q = fill(path, bad)
                w.expect(send(tanaka, method, q, body), 404, "%s %s (not an id)" % (method, q),
                         missing)
        if isinstance(body, dict) and method != "DELETE" and not path.endswith("/confirm"):
            r = tanaka.request(method, API + p, body=json.dumps(body),
                               headers={"Content-Type": "text/plain"})
            w.expect(r, 415, "%s %s as text/plain" % (method, p), "unsupported_media_type")
    ct.log("ok: %d routes: 401 without a session, 403 on %d writes without the CSRF token, "
           "404 for ids that are not ids, 415 for JSON routes without JSON"
           % (len(ROUTES), no_csrf))

    # query text that is not UTF-8 is refused here
    for path in ("/search?q=%E9%80", "/search?q=%FF%FE", "/search?author=%C0%AF&q=x",
                 "/spaces/%s/members?q=%%ED%%A0%%80" % uuid.uuid4()):
        w.expect(tanaka.request("GET", API + path), 400, "GET %s" % path, "invalid_query")
    r = tanaka.request("POST", API + "/attachments?filename=%E5%9C%B0%E5%9B%B3%FF.png",
                       body=w.png(), headers={"Content-Type": "image/png"})
    w.expect(r, 400, "an upload whose filename is not UTF-8", "invalid_query")
    w.expect(tanaka.request("GET", API + "/search?q=" + "%E3%81%82" * 1500), 414,
             "a search over the gateway's URL limit", "uri_too_long")
    ct.log("ok: query values that are not UTF-8 -> 400 invalid_query; too long -> 414")

    # an upload over the gateway's own limit never reaches records
    limit = int(ct.service_conf("gateway").get("http.max_upload", 16 << 20))
    big = w.png() + b"\0" * (limit + 1 - len(w.png()))
    r = w.upload(tanaka, big, "image/png", "大きすぎる.png")
    w.expect(r, 413, "an upload of http.max_upload + 1 bytes", "body_too_large")
    ct.log("ok: an upload of %d bytes -> 413 at the gateway" % len(big))


def direct(name, method, path, body):
    """The same request sent to records' /v1 as name, signed."""
    claims = ct.identity_claims(name)
    if isinstance(body, bytes):
        return w.records_request(claims, method, "/v1" + path, body=body,
                                 headers={"Content-Type": "image/png"})
    return w.records_request(claims, method, "/v1" + path, json_body=body)


def same_answer(gw, rec, what):
    ct.check(gw.status == rec.status, "%s: the gateway answered %s, records %s"
             % (what, gw.describe(), rec.describe()))
    ct.check(gw.error_code() not in ("not_found", "method_not_allowed"),
             "%s: %s: records does not serve this route" % (what, gw.describe()))
    gtype = (gw.headers.get("Content-Type") or "").split(";")[0]
    rtype = (rec.headers.get("Content-Type") or "").split(";")[0]
    ct.check_eq(gtype, rtype, "%s: Content-Type through the gateway" % what)
    if rtype == "application/json":
        ct.check_eq(gw.json(), rec.json(), "%s: the body through the gateway" % what)
    else:
        ct.check(gw.body == rec.body, "%s: the body differs through the gateway" % what)


def check_reaches_records(tanaka, space_id, thread_id):
    """Each route's answer is records' own answer to the same person."""
    # unknown ids and refused bodies: nothing changes (an upload would)
    cases = [(method, fill(path, str(uuid.uuid4())), body)
             for method, path, body, missing, scope in ROUTES if not isinstance(body, bytes)]
    # answers with content, and refusals that only records can give
    cases += [
        ("GET", "/spaces/" + space_id, None),
        ("GET", "/spaces/%s/members?q=%s" % (space_id, urllib.parse.quote("田中")), None),
        ("GET", "/threads/%s/posts?limit=2" % thread_id, None),
        ("GET", "/threads/%s/posts?limit=0" % thread_id, None),
        ("POST", "/threads/%s/posts" % thread_id, {"body": "   "}),
        ("POST", "/threads/%s/posts" % thread_id, {"body": "x", "unknown": 1}),
        ("POST", "/spaces", {"name": "権限のない作成"}),
        ("GET", "/spaces?all=1", None),
        ("PUT", "/spaces/%s/thread-order" % space_id, {"thread_ids": [str(uuid.uuid4())]}),
        ("POST", "/attachments?filename=%s" % urllib.parse.quote("メモ.txt"), b"plain text"),
        ("POST", "/attachments", b"\x89PNG\r\n\x1a\n"),
        ("GET", "/search?q=" + urllib.parse.quote("存在しない語" + uuid.uuid4().hex), None),
        ("GET", "/search?space=%s" % space_id, None),
        ("GET", "/search?q=%s&from=2026-13-01" % urllib.parse.quote("見守り"), None),
    ]
    for method, path, body in cases:
        what = "%s %s" % (method, path)
        same_answer(send(tanaka, method, path, body), direct("tanaka", method, path, body), what)
    ct.log("ok: %d requests through the gateway got records' own answers" % len(cases))


def check_tokens(tanaka, thread_id):
    """posts:write: post, comment and confirm as the token's owner; nothing
    else. feed:read: none of the three."""
    owner_u = ph.make_user(ct.seed()["tenant"]["id"], ct.seed_user("tanaka")["organisation"],
                           "ws-token", ("member", "org_admin"))
    owner = ph.login_user(owner_u)
    _, writer = ph.create_token(owner, "投稿連携 " + ct.unique("ws"), ["posts:write"])
    _, reader = ph.create_token(owner, "閲覧連携 " + ct.unique("ws"), ["feed:read"])

    post = w.create_post(tanaka, thread_id, "トークン確認用の投稿 " + ct.unique("tok"))
    for path, body in (("/threads/%s/posts" % thread_id, {"body": "読むだけ"}),
                       ("/posts/%s/comments" % post["id"], {"body": "読むだけ"}),
                       ("/posts/%s/confirm" % post["id"], {})):
        w.expect(ph.bearer("POST", API + path, reader, json_body=body), 403,
                 "POST %s with a feed:read token" % path, "insufficient_scope")
    for method, path, body, missing, scope in ROUTES:
        if scope:
            continue
        p = fill(path, post["id"])
        r = ph.bearer(method, API + p, writer,
                      body=body if isinstance(body, bytes) else None,
                      json_body=body if isinstance(body, dict) else None)
        w.expect(r, 401, "%s %s with a posts:write token (session only)" % (method, p),
                 "unauthenticated")
    ct.check_eq(w.get_post(tanaka, post["id"])["deleted"], False,
                "the post after the refused token calls")

    text = "機械からの投稿 " + ct.unique("tok")
    r = ph.bearer("POST", API + "/threads/%s/posts" % thread_id, writer, json_body={"body": text})
    made = w.expect(r, 201, "POST /threads/{id}/posts with a posts:write token")["post"]
    ct.check_eq(made["body"], text, "the token's post")
    ct.check_eq(made["author"]["id"], owner_u["id"], "the author of the token's post")
    r = ph.bearer("POST", API + "/posts/%s/comments" % post["id"], writer,
                  json_body={"body": "機械からのコメント"})
    comment = w.expect(r, 201, "POST /posts/{id}/comments with a posts:write token")["comment"]
    ct.check_eq(comment["parent_id"], post["id"], "the token's comment's parent")
    r = ph.bearer("POST", API + "/posts/%s/confirm" % post["id"], writer)
    conf = w.expect(r, 200, "POST /posts/{id}/confirm with a posts:write token, no body")
    ct.check_eq(conf["confirmation"]["confirmed"], True, "the token owner's confirmation")
    r = ph.bearer("POST", API + "/posts/%s/confirm" % str(uuid.uuid4()), writer)
    w.expect(r, 404, "confirming an unknown post with a token", "post_not_found")
    ct.log("ok: posts:write posts, comments and confirms (and nothing else); feed:read none")


def disposition_name(value):
    """The file name of a Content-Disposition value's filename*=UTF-8''..."""
    m = re.search(r"filename\*=UTF-8''([^;\s]+)", value or "", re.I)
    ct.check(m, "Content-Disposition %r has no filename*=UTF-8''" % value)
    return urllib.parse.unquote(m.group(1), encoding="utf-8", errors="strict")


def check_download(session, att, data, ctype, disposition, name, what):
    r = session.request("GET", API + "/attachments/" + att["id"])
    ct.check(r.status == 200, "%s: GET /attachments/%s: %s" % (what, att["id"], r.describe()))
    ct.check(r.body == data, "%s: %d bytes came back, %d went up, or they differ"
             % (what, len(r.body), len(data)))
    ct.check_eq(r.headers.get("Content-Type"), ctype, "%s: Content-Type" % what)
    cd = r.headers.get("Content-Disposition") or ""
    ct.check(cd.lower().startswith(disposition), "%s: Content-Disposition %r is not %s"
             % (what, cd, disposition))
    ct.check_eq(disposition_name(cd), name, "%s: the file name in Content-Disposition" % what)
    cc = [v.strip() for v in (r.headers.get("Cache-Control") or "").split(",")]
    ct.check("private" in cc and "no-store" in cc, "%s: Cache-Control %r" % (what, cc))
    rec = direct(session.name, "GET", "/attachments/" + att["id"], None)
    ct.check_eq(cd, rec.headers.get("Content-Disposition"),
                "%s: Content-Disposition through the gateway versus records'" % what)


def check_files(tanaka, ito, thread_id):
    files = [
        (w.png((0x12, 0x34, 0x56)), "image/png", "inline", "徘徊時の写真 2026年11月.png"),
        (w.pdf("carelink " + uuid.uuid4().hex) + bytes(range(256)) * 64, "application/pdf",
         "attachment", "退院前カンファレンス資料（田中様）.pdf"),
    ]
    atts = []
    for data, ctype, disposition, name in files:
        att = w.upload_ok(tanaka, data, ctype, name)
        ct.check_eq(att["filename"], name, "the stored file name")
        ct.check_eq(att["content_type"], ctype, "the stored content type")
        ct.check_eq(att["size"], len(data), "the stored size")
        check_download(tanaka, att, data, ctype, disposition, name, "the uploader, before use")
        w.expect(ito.request("GET", API + "/attachments/" + att["id"]), 404,
                 "another reader before the file is attached")
        atts.append(att)
    post = w.create_post(tanaka, thread_id, "添付の確認 " + ct.unique("files"),
                         attachments=[a["id"] for a in atts])
    ct.check_eq(sorted(a["id"] for a in post["attachments"]), sorted(a["id"] for a in atts),
                "the post's attachments")
    for (data, ctype, disposition, name), att in zip(files, atts):
        check_download(ito, att, data, ctype, disposition, name, "another reader of the post")
    # records' refusals pass through: a type that is not allowed, too large
    w.expect(w.upload(tanaka, b"MZ\x90\x00", "application/x-msdownload", "実行.exe"), 415,
             "an upload of a refused type", "unsupported_type")
    rec_max = int(ct.service_conf("records").get("records.attachment_max_bytes", 10 << 20))
    gw_max = int(ct.service_conf("gateway").get("http.max_upload", 16 << 20))
    if rec_max < gw_max:
        big = w.png() + b"\0" * (rec_max + 1 - len(w.png()))
        w.expect(w.upload(tanaka, big, "image/png", "大きい.png"), 413,
                 "an upload over records.attachment_max_bytes", "attachment_too_large")
    ct.log("ok: a PNG and a PDF with Japanese names round trip byte for byte with their "
           "Content-Type, Content-Disposition and Cache-Control")


def check_search_encoding(tanaka, thread_id):
    word = w.jp_word(8)
    needle = "%s 見守り&訪問=週2回+100%%#確認" % word
    post = w.create_post(tanaka, thread_id, "検索の確認 %s です。" % needle)
    ids = w.wait_search(tanaka, post["id"], q=needle)
    ct.check_eq(ids, [post["id"]], "hits of the Japanese search with & = + %% #")
    ids = w.search_ids(tanaka, q=needle[:len(word) + 4], thread=thread_id)
    ct.check(post["id"] in ids, "a search by a Japanese prefix within the thread misses the post")
    # the text as records received it: only what was asked for matches
    ct.check_eq(w.search_ids(tanaka, q=word + " 見守り&訪問=週3回"), [],
                "hits of a search that differs after the &")
    ct.log("ok: Japanese search text with & = + % # and spaces reaches records intact")


def check_unreachable():
    """A gateway whose records does not answer says 503, for JSON and files."""
    with plh.ExtraGateway({"records.url": "http://127.0.0.1:%d" % plh.free_port()}) as gw:
        s = ct.Session(gw.url())
        s.login(ct.seed_user("tanaka")["email"], ct.seed()["password"])
        for method, path, body in (("GET", "/spaces", None),
                                   ("POST", "/posts/%s/confirm" % uuid.uuid4(), {}),
                                   ("GET", "/attachments/%s" % uuid.uuid4(), None),
                                   ("POST", "/attachments?filename=a.png", w.png())):
            w.expect(send(s, method, path, body), 503, "%s %s without records" % (method, path),
                     "unavailable")
    ct.log("ok: 503 unavailable when records does not answer")


def test():
    tanaka = w.login("tanaka")
    ito = w.login("ito")
    space_id = ct.demo_space()["id"]
    thread_id = ct.thread_id(tanaka, THREAD_TITLE)
    check_refusals(tanaka)
    check_reaches_records(tanaka, space_id, thread_id)
    check_tokens(tanaka, thread_id)
    check_files(tanaka, ito, thread_id)
    check_search_encoding(tanaka, thread_id)
    check_unreachable()


if __name__ == "__main__":
    ct.run(test, budget_s=240)
