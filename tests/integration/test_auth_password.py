#!/usr/bin/env python3
"""POST /api/v1/me/password: the policy of the health ministry's guideline
with a Japanese message naming the rule broken; the current password is
checked (and counted like a failed login); on success every other session
of the person ends, this one stays, the new password logs in and the old
one no longer does; with two-factor, 8 characters are enough; audited."""

import auth_helpers as ah
import carelink_test as ct

API = ah.API


def change(s, current, new):
    return s.request("POST", API + "/me/password",
                     json_body={"current_password": current, "new_password": new})


def test_policy(user, s):
    cases = [
        ("Kx7!pQ2#vL9$", "13文字", "12 characters"),
        ("kxmpqzvlwrty!", "数字", "no digit"),
        ("Kxmpqzvlwrty7", "記号", "no symbol"),
        ("8362-9471-0553", "英字", "no letter"),
        ("Password2026!!", "推測", "a common password with digits and symbols"),
        ("Ab1!" * 32 + "x", "128文字", "129 characters"),
        ("Kx7!pQ2#", "13文字", "8 characters without two-factor"),
    ]
    for pw, word, what in cases:
        r = ah.expect(change(s, user["password"], pw), 400, "new password: " + what,
                      "password_policy")
        msg = r.json()["error"]["message"]
        ct.check(word in msg, "%s: the message does not name the rule (%s): %r" % (what, word, msg))
    ah.expect(s.request("POST", API + "/me/password", json_body={"new_password": "x"}), 400,
              "no current password", "invalid_body")
    r = ah.expect(change(s, "Not-the-password-1!", "Kx7!pQ2#vL9$wR"), 403,
                  "a wrong current password", "invalid_credentials")
    ah.check_audited(user["id"], "password.change", "denied")
    ah.login(user)  # nothing changed
    ct.log("ok: each broken rule named in the message; a wrong current password refused")


def test_change(user, s):
    other = ah.login(user)
    third = ah.login(user)
    new = "さくら通り-Kx7!pQ2#"  # Japanese characters count as characters
    others = int(ah.psql("SELECT count(*) - 1 FROM sessions WHERE user_id = :'u';",
                         u=user["id"])[0][0])
    ct.check(others >= 2, "expected at least two other sessions, found %d" % others)
    ah.expect(change(s, user["password"], new), 204, "a good new password")
    ah.expect(s.request("GET", API + "/me"), 200, "this session after the change")
    for o in (other, third):
        ah.expect(o.request("GET", API + "/me"), 401, "another session after the change",
                  "unauthenticated")
    rows = ah.check_audited(user["id"], "password.change")
    ct.check('"sessions_ended": %d' % others in rows[-1][4],
             "password.change detail (%d other sessions): %r" % (others, rows[-1]))
    ct.check_eq(ah.psql("SELECT count(*) FROM sessions WHERE user_id = :'u';", u=user["id"]),
                [["1"]], "sessions of the person after the change")
    ah.expect(ah.login_request(user["email"], user["password"]), 401, "the old password",
              "invalid_credentials")
    user["password"] = new
    ah.login(user)
    ah.expect(change(s, new, new), 400, "the same password again", "password_policy")
    ct.log("ok: changed; other sessions ended, this one kept; new password logs in")


def test_two_factor_minimum():
    user = ah.create_user("pw2fa")
    s = ah.login(user)
    ah.enrol(s)
    ah.expect(change(s, user["password"], "Kx7!pQ2"), 400, "7 characters with two-factor",
              "password_policy")
    ah.expect(change(s, user["password"], "Kx7!pQ2#"), 204, "8 characters with two-factor")
    ct.log("ok: with two-factor, 8 characters are enough")


def main():
    user = ah.create_user("password")
    try:
        s = ah.login(user)
        test_policy(user, s)
        test_change(user, s)
        test_two_factor_minimum()
    finally:
        ah.clear_throttle(account=user["email"])


if __name__ == "__main__":
    ct.run(main)
