#!/usr/bin/env python3
"""Sessions: the cookie's attributes on plain HTTP, a new token at every
login with the browser's previous session ended, logout ending the session
on the server, CSRF tokens (missing, wrong, replayed after logout: refused
and audited), wrong Content-Type (415), wrong credentials telling nothing
about whether the account exists, the audit entries of login and logout."""

import re

import auth_helpers as ah
import carelink_test as ct

API = ah.API


def check_cookie(r, what):
    cookies = ah.set_cookies(r)
    ct.check_eq(len(cookies), 1, "%s: Set-Cookie headers" % what)
    name, value, attrs = cookies[0]
    ct.check_eq(name, ah.COOKIE, "%s: cookie name on plain HTTP" % what)
    ct.check(attrs.get("httponly") is True, "%s: cookie is not HttpOnly: %r" % (what, attrs))
    ct.check_eq(attrs.get("samesite"), "Strict", "%s: SameSite" % what)
    ct.check_eq(attrs.get("path"), "/", "%s: Path" % what)
    ct.check("secure" not in attrs, "%s: Secure on plain HTTP: %r" % (what, attrs))
    ct.check("domain" not in attrs, "%s: Domain set: %r" % (what, attrs))
    return value, attrs


def test_cookie_and_rotation(user):
    r = ah.expect(ah.login_request(user["email"], user["password"]), 200, "login")
    token, attrs = check_cookie(r, "login")
    # at least 128 random bits: base64url of 32 bytes
    ct.check(re.fullmatch(r"[A-Za-z0-9_-]{43}", token),
             "session token %r is not 256 bits of base64url" % token)
    ct.check_eq(attrs.get("max-age"), "43200", "Max-Age (12 h absolute timeout)")
    s1 = ah.session_from(r)
    ct.check_eq(s1.user["email"], user["email"], "login user")
    for k in ("totp_enabled", "totp_required", "totp_pending"):
        ct.check(k in s1.user, "login answer's user has no %s: %r" % (k, s1.user))
    ct.check_eq(s1.user.get("language"), "ja", "language of a new person")
    ah.expect(s1.request("PATCH", API + "/me/profile", json_body={"language": "en"}), 200,
              "PATCH /me/profile language")
    me = ah.expect(s1.request("GET", API + "/me"), 200, "/me of the first session").json()
    ct.check_eq(me["user"].get("language"), "en", "/me language after choosing English")

    # a second login from the same browser: new token, the old one ends
    r = ah.login_request(user["email"], user["password"],
                         headers={"Cookie": "%s=%s" % (ah.COOKIE, s1.cookie)})
    s2 = ah.session_from(ah.expect(r, 200, "second login"))
    ct.check(s2.cookie != s1.cookie, "the second login kept the session token")
    ct.check(s2.csrf != s1.csrf, "the second login kept the CSRF token")
    ah.expect(s1.request("GET", API + "/me"), 401, "/me with the replaced cookie",
              "unauthenticated")
    ah.expect(s2.request("GET", API + "/me"), 200, "/me of the new session")
    # another browser's session is not touched
    s3 = ah.login(user)
    ah.expect(s2.request("GET", API + "/me"), 200, "/me after a login elsewhere")
    ct.log("ok: cookie attributes, 256-bit token, new token at every login, old one ended")
    return s2, s3


def test_csrf(user, s):
    ah.expect(s.request("POST", API + "/me/totp/setup", json_body={}, csrf=False), 403,
              "POST without X-CSRF-Token", "csrf")
    ah.expect(s.request("POST", API + "/me/totp/setup", json_body={},
                        headers={"X-CSRF-Token": s.csrf[:-1] + ("A" if s.csrf[-1] != "A" else "B")}),
              403, "POST with a wrong X-CSRF-Token", "csrf")
    rows = ah.check_audited(user["id"], "csrf.reject", "denied")
    ct.check(len(rows) >= 2, "two CSRF rejections, %d audit entries" % len(rows))
    ct.check('"/api/v1/me/totp/setup"' in rows[-1][4], "csrf.reject detail: %r" % (rows[-1],))

    # logout ends the session on the server; its cookie and token stop working
    old_cookie, old_csrf = s.cookie, s.csrf
    rows_of_token = ("SELECT count(*) FROM sessions"
                     " WHERE token_hash = encode(sha256(convert_to(:'t', 'UTF8')), 'hex');")
    ct.check_eq(ah.psql(rows_of_token, t=old_cookie)[0][0], "1", "session rows before logout")
    r = ah.expect(s.request("POST", API + "/logout"), 204, "logout")
    cookies = ah.set_cookies(r)
    ct.check(cookies and cookies[0][1] == "" and cookies[0][2].get("max-age") == "0",
             "logout does not expire the cookie: %r" % cookies)
    ah.check_audited(user["id"], "logout")
    ct.check_eq(ah.psql(rows_of_token, t=old_cookie)[0][0], "0", "session rows after logout")
    replay = ah.AuthSession()
    replay.cookie, replay.csrf = old_cookie, old_csrf
    ah.expect(replay.request("GET", API + "/me"), 401, "/me after logout", "unauthenticated")
    ah.expect(replay.request("POST", API + "/me/totp/setup", json_body={}), 401,
              "logged-out cookie and its CSRF token", "unauthenticated")
    # the old CSRF token with a new session of the same person
    fresh = ah.login(user)
    fresh.csrf, good = old_csrf, fresh.csrf
    ah.expect(fresh.request("POST", API + "/me/totp/setup", json_body={}), 403,
              "a logged-out session's CSRF token replayed on a new session", "csrf")
    fresh.csrf = good
    ah.expect(fresh.request("POST", API + "/logout"), 204, "logout with the right token")
    ct.log("ok: missing, wrong and replayed CSRF tokens refused and audited")


def test_content_type(user):
    body = '{"email":"%s","password":"%s"}' % (user["email"], user["password"])
    r = ct.http_request(ct.base_url(), "POST", API + "/login", body,
                        {"Content-Type": "text/plain"})
    ah.expect(r, 415, "login as text/plain")
    r = ct.http_request(ct.base_url(), "POST", API + "/login", body,
                        {"Content-Type": "application/x-www-form-urlencoded"})
    ah.expect(r, 415, "login as a form")
    s = ah.login(user)
    for path in ("/me/password", "/me/totp/setup", "/me/totp/confirm", "/me/totp/disable"):
        ah.expect(s.request("POST", API + path, body="{}",
                            headers={"Content-Type": "text/plain"}), 415, "POST %s as text" % path)
    ah.expect(s.request("POST", API + "/logout"), 204, "logout")
    ct.log("ok: wrong Content-Type -> 415 on login and every POST of this module")


def test_bad_credentials(user):
    unknown = "nobody-%s@test.carelink.jp" % ct.unique("x")[-12:]
    a = ah.login_request(user["email"], "Wrong-password-2026!")
    b = ah.login_request(unknown, "Wrong-password-2026!")
    ah.expect(a, 401, "wrong password", "invalid_credentials")
    ah.expect(b, 401, "unknown account", "invalid_credentials")
    ct.check_eq(b.json(), a.json(), "answer for an unknown account vs a wrong password")
    ct.check(not ah.set_cookies(a), "a failed login sets a cookie")
    rows = ah.check_audited(user["id"], "login.failure", "denied")
    ct.check('"password"' in rows[-1][4], "login.failure detail: %r" % (rows[-1],))
    ah.check_audited(unknown, "login.failure", "denied")
    r = ah.login_request(user["email"], "x" * 129)
    ah.expect(r, 400, "a 129-character password at login", "invalid_body")
    r = ct.Session().request("POST", API + "/login",
                             json_body={"email": user["email"], "password": user["password"],
                                        "remember": True})
    ah.expect(r, 400, "login with an unknown field", "invalid_body")
    ah.clear_throttle(account=user["email"])
    ah.clear_throttle(account=unknown)
    ct.log("ok: unknown account and wrong password answer alike; both audited")


def main():
    user = ah.create_user("session")
    try:
        s2, s3 = test_cookie_and_rotation(user)
        rows = ah.check_audited(user["id"], "login.success")
        ct.check_eq(rows[-1][1], user["id"], "actor of login.success")
        test_csrf(user, s3)
        test_content_type(user)
        test_bad_credentials(user)
    finally:
        ah.clear_throttle(account=user["email"])


if __name__ == "__main__":
    ct.run(main)
