#!/usr/bin/env python3
"""Two-factor (TOTP, RFC 6238): a doctor must enrol before using anything
but /me, /logout, /me/password and /me/totp/setup|confirm; enrolment with a
QR code and a code computed here; login then needs a code, a wrong one and a
replayed one are refused; the doctor cannot turn two-factor off; a care
manager may, with a valid code; sessions opened with the password alone
before enrolment end; tenant admins must enrol too; audit entries."""

import re
import time
import urllib.parse

import auth_helpers as ah
import carelink_test as ct

API = ah.API


def check_setup_doc(doc, email):
    secret = doc.get("secret") or ""
    ct.check(re.fullmatch(r"[A-Z2-7]{32}", secret), "secret %r is not 32 base32 chars" % secret)
    uri = urllib.parse.urlsplit(doc.get("otpauth_uri") or "")
    ct.check_eq((uri.scheme, uri.netloc), ("otpauth", "totp"), "otpauth URI type")
    ct.check_eq(urllib.parse.unquote(uri.path), "/carelink:" + email, "otpauth label")
    q = dict(urllib.parse.parse_qsl(uri.query))
    ct.check_eq(q.get("secret"), secret, "otpauth secret")
    ct.check_eq(q.get("issuer"), "carelink", "otpauth issuer")
    ct.check_eq((q.get("algorithm"), q.get("digits"), q.get("period")), ("SHA1", "6", "30"),
                "otpauth parameters")
    svg = doc.get("qr_svg") or ""
    ct.check(svg.startswith("<svg") and svg.endswith("</svg>") and "<path" in svg,
             "qr_svg is not an SVG drawing: %r" % svg[:120])


def test_required_enrolment():
    doctor = ah.create_user("doctor", profession="doctor")
    early = ah.login(doctor)  # opened with the password alone, before enrolment
    s = ah.login(doctor)
    u = s.user
    ct.check(u["totp_required"] and not u["totp_enabled"] and u["totp_pending"],
             "a doctor without two-factor: %r" % u)
    # everything but the enrolment routes is closed
    for method, path in (("GET", "/spaces"), ("GET", "/feed"), ("GET", "/stream"),
                         ("POST", "/me/totp/disable")):
        body = {"code": "000000"} if method == "POST" else None
        ah.expect(s.request(method, API + path, json_body=body), 403,
                  "%s %s before enrolment" % (method, path), "totp_enrolment_required")
    me = ah.expect(s.request("GET", API + "/me"), 200, "/me before enrolment").json()
    ct.check(me["user"]["totp_pending"], "/me does not say enrolment is owed: %r" % me)

    # setup: a new unconfirmed secret each time until confirmed
    first = ah.expect(s.request("POST", API + "/me/totp/setup", json_body={}), 200,
                      "setup").json()
    check_setup_doc(first, doctor["email"])
    doc = ah.expect(s.request("POST", API + "/me/totp/setup", json_body={}), 200,
                    "setup again").json()
    ct.check(doc["secret"] != first["secret"], "a second setup kept the secret")
    secret = doc["secret"]
    # the first secret is gone; a wrong code is refused
    ah.expect(s.request("POST", API + "/me/totp/confirm",
                        json_body={"code": ah.hotp(first["secret"], ah.now_step())}), 400,
              "confirm with the replaced secret's code", "totp_invalid")
    ah.expect(s.request("POST", API + "/me/totp/confirm", json_body={"code": "12345"}), 400,
              "confirm with five digits", "totp_invalid")
    me = s.get_json(API + "/me")
    ct.check(not me["user"]["totp_enabled"], "enabled by wrong codes: %r" % me)
    code, step = ah.fresh_code(secret)
    ah.expect(s.request("POST", API + "/me/totp/confirm", json_body={"code": code}), 204,
              "confirm")
    ah.check_audited(doctor["id"], "totp.enable")
    me = s.get_json(API + "/me")["user"]
    ct.check(me["totp_enabled"] and not me["totp_pending"], "after enrolment: %r" % me)
    ah.expect(s.request("GET", API + "/spaces"), 200, "GET /spaces after enrolment")
    ah.expect(s.request("POST", API + "/me/totp/setup", json_body={}), 409,
              "setup once enabled", "totp_already_enabled")
    ah.expect(s.request("POST", API + "/me/totp/confirm", json_body={"code": code}), 409,
              "confirm once enabled", "totp_already_enabled")
    # the session opened before enrolment does not get the second factor
    ah.expect(early.request("GET", API + "/me"), 401,
              "a password-only session opened before enrolment", "unauthenticated")
    # a doctor cannot turn it off, even with a valid code
    code2, _ = ah.fresh_code(secret)
    ah.expect(s.request("POST", API + "/me/totp/disable", json_body={"code": code2}), 409,
              "disable for a doctor", "totp_required")
    ct.log("ok: a doctor enrols before anything else; setup, confirm, no disable")
    return doctor, s, secret, step, code


def test_login_with_code(doctor, secret, used_step, used_code):
    r = ah.login_request(doctor["email"], doctor["password"])
    ah.expect(r, 401, "login without a code", "totp_required")
    ct.check(not ah.set_cookies(r), "a login without its code set a cookie")
    wrong = "%06d" % ((int(ah.hotp(secret, ah.now_step())) + 1) % 1000000)
    while wrong in {ah.hotp(secret, ah.now_step() + d) for d in (-1, 0, 1)}:
        wrong = "%06d" % ((int(wrong) + 1) % 1000000)
    ah.expect(ah.login_request(doctor["email"], doctor["password"], wrong), 401,
              "login with a wrong code", "totp_invalid")
    rows = ah.check_audited(doctor["id"], "login.failure", "denied")
    ct.check('"totp_invalid"' in rows[-1][4], "login.failure detail: %r" % (rows[-1],))
    # the code that confirmed the enrolment is spent
    if ah.now_step() - used_step <= 1:
        ah.expect(ah.login_request(doctor["email"], doctor["password"], used_code), 401,
                  "login with the confirmation's code", "totp_invalid")
    code, _ = ah.fresh_code(secret)
    ah.expect(ah.login_request(doctor["email"], "Wrong-password-2026!", code), 401,
              "right code, wrong password", "invalid_credentials")
    s = ah.login(doctor, totp=code.replace(code[3:], " " + code[3:]))
    ct.check(s.user["totp_enabled"] and not s.user["totp_pending"], "login user: %r" % s.user)
    ah.expect(s.request("GET", API + "/spaces"), 200, "GET /spaces after a two-factor login")
    rows = ah.check_audited(doctor["id"], "login.success")
    ct.check('"totp": true' in rows[-1][4] or '"totp":true' in rows[-1][4],
             "login.success detail: %r" % (rows[-1],))
    # the same code again: a replay
    ah.expect(ah.login_request(doctor["email"], doctor["password"], code), 401,
              "the same code a second time", "totp_invalid")
    ct.log("ok: login needs the code; wrong, spent and replayed codes refused")
    ah.clear_throttle(account=doctor["email"])


def test_optional(user_label="carer"):
    carer = ah.create_user(user_label)
    s = ah.login(carer)
    ct.check(not s.user["totp_required"] and not s.user["totp_pending"],
             "a care manager: %r" % s.user)
    ah.expect(s.request("POST", API + "/me/totp/disable", json_body={"code": "123456"}), 409,
              "disable without two-factor", "totp_not_enabled")
    ah.expect(s.request("POST", API + "/me/totp/confirm", json_body={"code": "123456"}), 409,
              "confirm without setup", "totp_not_set_up")
    ah.enrol(s)
    secret = s.totp_secret
    ah.expect(s.request("POST", API + "/me/totp/disable", json_body={"code": "99999x"}), 400,
              "disable with a malformed code", "totp_invalid")
    ah.expect(s.request("POST", API + "/me/totp/disable", json_body={"code": "1"}), 400,
              "disable with a short code", "totp_invalid")
    ah.expect(s.request("POST", API + "/me/totp/disable", json_body={}), 400,
              "disable without a code", "invalid_body")
    me = s.get_json(API + "/me")["user"]
    ct.check(me["totp_enabled"], "disabled by wrong codes: %r" % me)
    ah.check_audited(carer["id"], "totp.disable", "denied")
    code, _ = ah.fresh_code(secret)
    ah.expect(s.request("POST", API + "/me/totp/disable", json_body={"code": code}), 204,
              "disable with a valid code")
    ah.check_audited(carer["id"], "totp.disable")
    me = s.get_json(API + "/me")["user"]
    ct.check(not me["totp_enabled"], "still enabled after disable: %r" % me)
    ah.login(carer)  # no code needed any more
    ah.clear_throttle(account=carer["email"])
    ct.log("ok: a care manager may turn two-factor on and off (with a valid code)")


def test_admin_role():
    admin = ah.create_user("tadmin", roles=("member", "tenant_admin"))
    s = ah.login(admin)
    ct.check(s.user["totp_required"] and s.user["totp_pending"], "a tenant admin: %r" % s.user)
    ah.expect(s.request("GET", API + "/spaces"), 403, "tenant admin before enrolment",
              "totp_enrolment_required")
    ah.enrol(s)
    ah.expect(s.request("GET", API + "/spaces"), 200, "tenant admin after enrolment")
    ct.log("ok: the tenant_admin role requires two-factor too")


def main():
    doctor, s, secret, step, code = test_required_enrolment()
    test_login_with_code(doctor, secret, step, code)
    test_optional()
    test_admin_role()


if __name__ == "__main__":
    ct.run(main, budget_s=280)
