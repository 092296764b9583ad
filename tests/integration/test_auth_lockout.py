#!/usr/bin/env python3
"""Login throttling.

With the system's own configuration (the defaults: 10 failures within 15
minutes lock an account for 15 minutes), on demo user kato, whom no other
test uses: the 11th attempt is refused with 429 `locked`, Retry-After and a
Japanese message saying when to retry, even with the right password;
lockouts are audited. The lock is removed through the database at the end.

Unlocking after the configured time cannot be waited for at the default
15 minutes, so it is checked on an extra gateway replica this test starts on
the same database with short settings (3 failures, 3 seconds) and
X-Forwarded-For trusted from loopback, which also shows that replicas share
the throttling state and lets per-address lockout use addresses of its own
(TEST-NET-3) instead of locking the loopback address every test uses. The
decisions over time with an injected clock are unit-tested in
tests/unit/gateway/test_throttle.c."""

import time

import auth_helpers as ah
import carelink_test as ct

API = ah.API
WRONG = "Wrong-password-2026!"


def check_locked(r, what, max_wait, scope_word):
    ah.expect(r, 429, what, "locked")
    retry = r.headers.get("Retry-After")
    ct.check(retry and retry.isdigit(), "%s: Retry-After %r" % (what, retry))
    ct.check(0 < int(retry) <= max_wait, "%s: Retry-After %s > %d" % (what, retry, max_wait))
    msg = r.json()["error"]["message"]
    ct.check(scope_word in msg and "後" in msg and "お試しください" in msg,
             "%s: the message does not say when to retry: %r" % (what, msg))
    return int(retry)


def test_default_lockout():
    kato = dict(ct.seed_user("kato"))
    kato["password"] = ah.demo_password()
    ah.clear_throttle(account=kato["email"])
    try:
        ah.login(kato)  # works before
        for i in range(10):
            ah.expect(ah.login_request(kato["email"], WRONG), 401, "wrong password %d" % (i + 1),
                      "invalid_credentials")
        r = ah.login_request(kato["email"], kato["password"])
        wait = check_locked(r, "the right password after 10 failures", 900, "アカウント")
        ct.check(wait > 800, "Retry-After %d is not about 15 minutes" % wait)
        ct.check("分後" in r.json()["error"]["message"], "message: %r" % r.json())
        ah.expect(ah.login_request(kato["email"], WRONG), 429, "a wrong password while locked",
                  "locked")
        rows = ah.check_audited(kato["id"], "login.locked", "denied")
        ct.check(len(rows) >= 2, "lock and refused attempts audited: %r" % rows)
        # the account is locked, not the address: others still log in
        ah.login(dict(ah.create_user("bystander")))
        ct.log("ok: 10 failures lock the account; the right password is then refused (429)")
    finally:
        ah.clear_throttle(account=kato["email"])
    ah.login(kato)


def test_replica():
    overrides = {
        "auth.lockout_failures": "3",
        "auth.lockout_duration": "3",
        "auth.lockout_window": "60",
        "auth.address_failures": "4",
        "http.trusted_proxies": "127.0.0.1",
        "auth.pwhash_ops": "3",
    }
    user = ah.create_user("lockout")
    other = ah.create_user("lockout-other")
    with ah.Replica(overrides) as rep:
        url = rep.url()
        xff = {"X-Forwarded-For": "203.0.113.10"}
        for i in range(3):
            ah.expect(ah.login_request(user["email"], WRONG, url=url, headers=xff), 401,
                      "replica: wrong password %d" % (i + 1), "invalid_credentials")
        t_locked = time.monotonic()
        r = ah.login_request(user["email"], user["password"], url=url, headers=xff)
        wait = check_locked(r, "replica: right password after 3 failures", 3, "アカウント")
        ct.check("秒後" in r.json()["error"]["message"], "message: %r" % r.json())
        # the lock is in the database: the system's own gateway refuses too
        ah.expect(ah.login_request(user["email"], user["password"]), 429,
                  "the other replica while locked", "locked")
        rows = ah.check_audited(user["id"], "login.locked", "denied")
        ct.check(any(r_[3] == "203.0.113.10" for r_ in rows),
                 "login.locked not audited with the forwarded address: %r" % rows)
        time.sleep(max(0.0, wait - (time.monotonic() - t_locked)) + 0.5)
        s = ah.login(user, url=url, headers=xff)
        ct.log("ok: unlocked after the configured %s s (replica shares the state)" % wait)

        # success cleared the failures: three more are needed to lock again
        for i in range(2):
            ah.expect(ah.login_request(user["email"], WRONG, url=url, headers=xff), 401,
                      "replica: wrong password after unlock %d" % (i + 1), "invalid_credentials")
        ah.login(user, url=url, headers=xff)

        # the replica hashes with ops 3: the login rehashed the password
        h = ah.password_hash(user["id"])
        ct.check(",t=3," in h, "not rehashed with the replica's limits: %r" % h)
        s = ah.login(user)  # the system's gateway (defaults) verifies it, and rehashes back
        h = ah.password_hash(user["id"])
        ct.check(",t=2," in h, "not rehashed back to the default limits: %r" % h)
        ct.log("ok: a hash with other argon2id limits is replaced at login")

        # per address: 4 failures from one address, whatever the accounts
        addr = {"X-Forwarded-For": "203.0.113.77"}
        for i in range(4):
            unknown = "nobody%d-%s@test.carelink.jp" % (i, ct.unique("a")[-8:])
            ah.expect(ah.login_request(unknown, WRONG, url=url, headers=addr), 401,
                      "replica: unknown account %d" % (i + 1), "invalid_credentials")
        r = ah.login_request(other["email"], other["password"], url=url, headers=addr)
        check_locked(r, "an account from a locked address", 3, "接続元")
        ah.login(other, url=url, headers={"X-Forwarded-For": "203.0.113.78"})
        ct.log("ok: an address is locked after the configured failures; others are not")
    ah.clear_throttle(address="203.0.113.10")
    ah.clear_throttle(address="203.0.113.77")


def test_secure_cookie():
    user = ah.create_user("secure")
    with ah.Replica({"session.secure_cookie": "true"}) as rep:
        r = ah.expect(ah.login_request(user["email"], user["password"], url=rep.url()), 200,
                      "login on a replica with secure cookies")
        cookies = ah.set_cookies(r)
        ct.check_eq([c[0] for c in cookies], [ah.SECURE_COOKIE], "cookie names")
        attrs = cookies[0][2]
        ct.check(attrs.get("secure") is True and attrs.get("httponly") is True,
                 "__Host- cookie without Secure or HttpOnly: %r" % attrs)
        ct.check_eq((attrs.get("path"), attrs.get("samesite")), ("/", "Strict"),
                    "Path and SameSite of the __Host- cookie")
        ct.check("domain" not in attrs, "__Host- cookie with a Domain: %r" % attrs)
        s = ah.session_from(r, rep.url(), ah.SECURE_COOKIE)
        ah.expect(s.request("GET", API + "/me"), 200, "/me with the __Host- cookie")
        plain = ah.AuthSession(rep.url(), ah.COOKIE)
        plain.cookie = s.cookie
        ah.expect(plain.request("GET", API + "/me"), 401,
                  "the token under the plain cookie name", "unauthenticated")
    ct.log("ok: __Host-carelink_session with Secure when secure cookies are on")
    with ah.Replica({}, tls=True) as rep:
        status, cookies = ah.https_login(rep, user)
        ct.check_eq(status, 200, "login over TLS")
        ct.check(len(cookies) == 1 and cookies[0].startswith(ah.SECURE_COOKIE + "=")
                 and "; Secure" in cookies[0] and "HttpOnly" in cookies[0],
                 "cookie over TLS: %r" % cookies)
    ct.log("ok: served over TLS (http.tls_cert): __Host- cookie with Secure")


def main():
    test_default_lockout()
    test_replica()
    test_secure_cookie()


if __name__ == "__main__":
    ct.run(main, budget_s=280)
