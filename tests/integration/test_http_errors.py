#!/usr/bin/env python3
"""Requests the API must refuse, each with its status and error code, and
none of them may create a post; the internal services accept only a valid,
unexpired signed identity."""

import base64
import json
import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

THREAD_TITLE = "雑談・その他"
MIB = 1 << 20
CL_IDENTITY = "X-Carelink-Identity"


def json_bytes(obj):
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def post_cases(marker):
    """(name, options, status, accepted error codes). Options: body (bytes),
    content_type, session ("none" / "valid"), csrf ("valid" / "none" /
    "wrong"), thread ("real" or a literal id)."""
    m = marker
    ok = json_bytes({"body": "should not be stored " + m})
    return [
        ("no session", {"body": ok, "session": "none"}, 401, {"unauthenticated"}),
        ("unknown session cookie", {"body": ok, "session": "bogus"}, 401, {"unauthenticated"}),
        ("no X-CSRF-Token", {"body": ok, "csrf": "none"}, 403, {"csrf"}),
        ("wrong X-CSRF-Token", {"body": ok, "csrf": "wrong"}, 403, {"csrf"}),
        ("Content-Type text/plain", {"body": ok, "content_type": "text/plain"},
         415, {"unsupported_media_type"}),
        ("no Content-Type", {"body": ok, "content_type": None}, 415, {"unsupported_media_type"}),
        ("invalid JSON", {"body": b'{"body": "' + m.encode() + b'"'}, 400, {"invalid_json"}),
        ("JSON array", {"body": json_bytes(["body", m])}, 400, {"invalid_json", "invalid_body"}),
        ("unknown key", {"body": json_bytes({"body": m, "pinned": True})}, 400, {"invalid_json", "invalid_body"}),
        ("missing body key", {"body": json_bytes({"text": m})}, 400, {"invalid_json", "invalid_body"}),
        ("body not a string", {"body": json_bytes({"body": 12345})}, 400, {"invalid_json", "invalid_body"}),
        ("empty request body", {"body": b""}, 400, {"invalid_json", "invalid_body"}),
        ("empty text", {"body": json_bytes({"body": ""})}, 400, {"invalid_body"}),
        ("blank text (spaces, ideographic space, newline)",
         {"body": json_bytes({"body": "  \u3000\n\t "})}, 400, {"invalid_body"}),
        ("text of 10001 characters",
         {"body": json_bytes({"body": m + "x" * (10001 - len(m))})}, 400, {"body_too_long"}),
        ("text of 10001 Japanese characters",
         {"body": json_bytes({"body": m + "あ" * (10001 - len(m))})}, 400, {"body_too_long"}),
        ("request over 1 MiB",
         {"body": json_bytes({"body": m + "y" * (MIB + 16)})}, 413, {"body_too_large"}),
        ("unknown thread (random UUID)", {"body": ok, "thread": str(uuid.uuid4())},
         404, {"thread_not_found", "not_found"}),
        ("thread id not a UUID", {"body": ok, "thread": "not-a-thread"},
         404, {"thread_not_found", "not_found"}),
        ("thread id of hex digits, not a UUID", {"body": ok, "thread": "abc123"},
         404, {"thread_not_found", "not_found"}),
        ("invalid UTF-8 in the JSON",
         {"body": b'{"body": "\xff\xfe\x80 ' + m.encode() + b'"}'}, 400, {"invalid_json"}),
        ("overlong UTF-8 encoding in the JSON",
         {"body": b'{"body": "\xc0\xaf ' + m.encode() + b'"}'}, 400, {"invalid_json"}),
    ]


def post_ids(session, tid):
    return [p["id"] for p in ct.thread_posts(session, tid)]


def check_error(r, status, codes, what):
    if r.status != status or r.error_code() not in codes:
        ct.fail("%s: expected %d %s, got %s" % (what, status, "/".join(sorted(codes)),
                                                r.describe()))
    err = r.json()["error"]
    ct.check(isinstance(err.get("message"), str) and err["message"],
             "%s: the error has no message: %r" % (what, err))


def check_public_api(failures):
    tanaka = ct.login("tanaka")
    tid = ct.thread_id(tanaka, THREAD_TITLE)
    marker = ct.unique("http")
    for name, opt, status, codes in post_cases(marker):
        before = post_ids(tanaka, tid)
        hdrs = {"Content-Type": opt.get("content_type", "application/json")}
        session = opt.get("session", "valid")
        if session == "none":
            hdrs["Cookie"] = None
        elif session == "bogus":
            hdrs["Cookie"] = "carelink_session=" + "A" * 43
        csrf = opt.get("csrf", "valid")
        if csrf == "none":
            hdrs["X-CSRF-Token"] = None
        elif csrf == "wrong":
            hdrs["X-CSRF-Token"] = tanaka.csrf[:-2] + ("AA" if tanaka.csrf[-2:] != "AA" else "BB")
        thread = opt.get("thread", tid)
        r = tanaka.request("POST", "/api/v1/threads/%s/posts" % thread, body=opt["body"],
                           headers=hdrs)
        try:
            check_error(r, status, codes, "POST posts, " + name)
            after = post_ids(tanaka, tid)
            ct.check(after == before, "POST posts, %s: the thread's posts changed: %d before, "
                     "%d after" % (name, len(before), len(after)))
            ct.log("ok: %s -> %d %s" % (name, r.status, r.error_code()))
        except ct.TestFailure as e:
            failures.append(str(e))
    # the marker must not be anywhere in the thread
    stored = [p for p in ct.thread_posts(tanaka, tid) if marker in p.get("body", "")]
    if stored:
        failures.append("posts with the marker of refused requests were stored: %r"
                        % [p["id"] for p in stored])

    # login with a wrong password, and with an unknown e-mail address
    u = ct.seed_user("sato")
    for name, email, password in (
            ("wrong password", u["email"], ct.seed()["password"] + "x"),
            ("unknown e-mail", "nobody-%s@demo.carelink.jp" % marker, ct.seed()["password"])):
        r = ct.Session().request("POST", "/api/v1/login",
                                 json_body={"email": email, "password": password})
        try:
            check_error(r, 401, {"invalid_credentials"}, "login, " + name)
            cookies = [v for k, v in r.headers.items()
                       if k.lower() == "set-cookie" and "carelink_session=" in v
                       and not v.split("carelink_session=", 1)[1].startswith(";")]
            ct.check(not cookies, "login, %s: a session cookie was set: %r" % (name, cookies))
            ct.log("ok: login, %s -> 401" % name)
        except ct.TestFailure as e:
            failures.append(str(e))
    return tid


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def tampered(header, **changes):
    """The same MAC over a changed payload."""
    payload, mac = header.split(".")
    claims = json.loads(b64url_decode(payload))
    claims.update(changes)
    new = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()) \
        .rstrip(b"=").decode()
    return new + "." + mac


def identity_cases():
    key = ct.identity_key()
    valid = ct.sign_identity(ct.identity_claims("tanaka"), key)
    sato = ct.seed_user("sato")
    other_key = bytes(b ^ 0x5A for b in key)
    return [
        ("no identity header", None, 401),
        ("empty identity header", "", 401),
        ("not a signed identity", "Bearer hello", 401),
        ("payload changed, MAC kept (another user)", tampered(valid, u=sato["id"]), 401),
        ("payload changed, MAC kept (later expiry)",
         tampered(valid, exp=ct.identity_claims("tanaka", 3600)["exp"]), 401),
        ("MAC removed", valid.split(".")[0] + ".", 401),
        ("MAC of another key", ct.sign_identity(ct.identity_claims("tanaka"), other_key), 401),
        ("expired (signed with the real key)",
         ct.sign_identity(ct.identity_claims("tanaka", -120), key), 401),
        ("valid", valid, 200),
    ]


def check_internal(tid, failures):
    tanaka = ct.login("tanaka")
    space_id = ct.demo_space()["id"]

    def spaces_ok(doc):
        return any(s.get("id") == space_id for s in doc.get("spaces", []))

    def feed_ok(doc):
        return isinstance(doc.get("notifications"), list)

    # (service, method, path, how a 200 body must look; None: no valid call)
    targets = [
        ("records", "GET", "/v1/spaces", spaces_ok),
        ("notify", "GET", "/v1/feed?limit=5", feed_ok),
        ("records", "POST", "/v1/threads/%s/posts" % tid, None),
    ]
    for svc, method, path, body_ok in targets:
        url = "http://127.0.0.1:%d" % ct.service_port(svc)
        for name, header, status in identity_cases():
            if body_ok is None and status == 200:
                continue  # a valid identity would create a post: not here
            before = post_ids(tanaka, tid)
            marker = ct.unique("identity")
            hdrs = {CL_IDENTITY: header} if header is not None else {}
            body = None
            if method == "POST":
                hdrs["Content-Type"] = "application/json"
                body = json_bytes({"body": "should not be stored " + marker})
            r = ct.http_request(url, method, path, body, hdrs)
            what = "%s %s %s with %s" % (svc, method, path, name)
            try:
                if status == 200:
                    ct.check(r.status == 200, "%s: expected 200, got %s" % (what, r.describe()))
                    ct.check(body_ok(r.json()), "%s: unexpected body %s" % (what, r.describe()))
                else:
                    check_error(r, status, {"unauthenticated"}, what)
                after = post_ids(tanaka, tid)
                ct.check(after == before, "%s: the thread's posts changed" % what)
                ct.log("ok: %s -> %d" % (what, r.status))
            except ct.TestFailure as e:
                failures.append(str(e))


def test():
    failures = []
    tid = check_public_api(failures)
    check_internal(tid, failures)
    if failures:
        ct.fail("%d case(s) failed:\n  - %s" % (len(failures), "\n  - ".join(failures)))


if __name__ == "__main__":
    ct.run(test)
