#!/usr/bin/env python3
"""PATCH /me/profile: a person sets work phone, areas, what they can help
with and language; others see the profile (not the language); every invalid
change is a 400 with its code and changes nothing."""

import json
import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402

API = ph.API
USER = "ito"  # nobody else's test changes this person's profile


def profile_fields(p):
    return {k: p.get(k) for k in ("work_phone", "areas", "can_help_with", "language")}


def invalid_cases(m):
    """(name, body, status, code); body is an object or raw bytes."""
    return [
        ("unknown key", {"work_phone": "0120-000-000", "fax": "1"}, 400, "invalid_body"),
        ("not an object", [1, 2], 400, "invalid_body"),
        ("invalid JSON", b'{"work_phone": "01', 400, "invalid_body"),
        ("empty body", b"", 400, "invalid_body"),
        ("phone a number", {"work_phone": 120000000}, 400, "invalid_body"),
        ("phone null", {"work_phone": None}, 400, "invalid_body"),
        ("phone with letters", {"work_phone": "03-CALL-ME"}, 400, "invalid_phone"),
        ("phone with spaces", {"work_phone": "03 1234 5678"}, 400, "invalid_phone"),
        ("phone of 21 characters", {"work_phone": "0" * 21}, 400, "invalid_phone"),
        ("phone with a + inside", {"work_phone": "03+1234"}, 400, "invalid_phone"),
        ("phone of full-width digits", {"work_phone": "０３１２３４"}, 400, "invalid_phone"),
        ("areas a string", {"areas": "中央地区"}, 400, "invalid_body"),
        ("areas with a number", {"areas": ["中央地区", 3]}, 400, "invalid_body"),
        ("21 areas", {"areas": ["地区%d" % i for i in range(21)]}, 400, "invalid_areas"),
        ("an area of 41 characters", {"areas": ["あ" * 41]}, 400, "invalid_areas"),
        ("an empty area", {"areas": ["中央地区", ""]}, 400, "invalid_areas"),
        ("the same area twice", {"areas": ["中央地区", "中央地区"]}, 400, "invalid_areas"),
        ("an area with a line break", {"areas": ["中央\n地区"]}, 400, "invalid_areas"),
        ("can_help_with of 1001 characters", {"can_help_with": m + "あ" * (1001 - len(m))},
         400, "invalid_can_help_with"),
        ("can_help_with with a control character", {"can_help_with": m + "\u0007"},
         400, "invalid_can_help_with"),
        ("can_help_with a list", {"can_help_with": [m]}, 400, "invalid_body"),
        ("language fr", {"language": "fr"}, 400, "invalid_language"),
        ("language JA", {"language": "JA"}, 400, "invalid_language"),
        ("valid phone, invalid area: nothing applied",
         {"work_phone": "099-999-9999", "areas": ["あ" * 41]}, 400, "invalid_areas"),
        ("valid help, invalid language: nothing applied",
         {"can_help_with": m + " should not be stored", "language": "de"},
         400, "invalid_language"),
    ]


def check_update(s, other):
    me = s.user["id"]
    m = uuid.uuid4().hex[:8]
    body = {"work_phone": "+81-42-555-%s" % m[:4].translate(str.maketrans("abcdef", "123456")),
            "areas": ["みどり中央地区", "北%s地区" % m, "あ" * 40],
            "can_help_with": "退院時カンファレンス、介護保険の申請支援。" + m,
            "language": "en"}
    r = ph.patch_profile(s, body)
    doc = ph.check_status(r, 200, "PATCH /me/profile")
    ct.check_eq(profile_fields(doc["person"]), body, "the profile in the PATCH answer")
    ct.check_eq(profile_fields(ph.person(s, me)), body, "the profile read back")
    seen = ph.person(other, me)
    ct.check_eq({k: seen[k] for k in ("work_phone", "areas", "can_help_with")},
                {k: body[k] for k in ("work_phone", "areas", "can_help_with")},
                "the profile as a colleague sees it")
    ct.check("language" not in seen, "a colleague sees the language preference")
    ct.log("ok: the profile is stored, read back and shown to a colleague")

    # fields left out stay; "" clears the phone; 1000 characters fit
    long_help = m + "い" * (1000 - len(m))
    r = ph.patch_profile(s, {"can_help_with": long_help})
    ph.check_status(r, 200, "PATCH can_help_with of 1000 characters")
    p = ph.person(s, me)
    ct.check_eq(p["can_help_with"], long_help, "can_help_with of 1000 characters")
    ct.check_eq(p["areas"], body["areas"], "areas after a change of can_help_with only")
    ct.check_eq(p["work_phone"], body["work_phone"], "phone after a change of can_help_with only")
    r = ph.patch_profile(s, {"work_phone": "", "areas": [], "language": "ja"})
    ph.check_status(r, 200, "PATCH clearing phone and areas")
    p = ph.person(s, me)
    ct.check_eq((p["work_phone"], p["areas"], p["language"]), ("", [], "ja"),
                "cleared phone and areas, language ja")
    r = ph.patch_profile(s, {})
    ph.check_status(r, 200, "PATCH {}")
    ct.check_eq(profile_fields(ph.person(s, me)), profile_fields(p), "after PATCH {}")
    r = ph.patch_profile(s, {"work_phone": "0" * 20, "areas": ["地区%d" % i for i in range(20)]})
    ph.check_status(r, 200, "PATCH with 20 areas and a 20-digit phone")
    ct.log("ok: partial changes, clearing, and the largest accepted values")


def check_invalid(s):
    me = s.user["id"]
    m = ct.unique("profile")
    failures = []
    for name, body, status, code in invalid_cases(m):
        before = profile_fields(ph.person(s, me))
        r = ph.patch_profile(s, body)
        try:
            ph.check_status(r, status, "PATCH /me/profile, " + name, code)
            after = profile_fields(ph.person(s, me))
            ct.check(after == before, "PATCH /me/profile, %s: the profile changed: %r -> %r"
                     % (name, before, after))
            ct.log("ok: %s -> %d %s" % (name, r.status, code))
        except ct.TestFailure as e:
            failures.append(str(e))

    before = profile_fields(ph.person(s, me))
    body = json.dumps({"work_phone": "011-111-1111"}).encode()
    for name, kw, status, code in (
            ("Content-Type text/plain", {"headers": {"Content-Type": "text/plain"}}, 415,
             "unsupported_media_type"),
            ("no X-CSRF-Token", {"csrf": False,
                                 "headers": {"Content-Type": "application/json"}}, 403, "csrf"),
            ("no session", {"cookie": False,
                            "headers": {"Content-Type": "application/json"}}, 401, None)):
        r = s.request("PATCH", API + "/me/profile", body=body, **kw)
        try:
            ph.check_status(r, status, "PATCH /me/profile, " + name, code)
            ct.log("ok: %s -> %d" % (name, r.status))
        except ct.TestFailure as e:
            failures.append(str(e))
    after = profile_fields(ph.person(s, me))
    if after != before:
        failures.append("refused requests changed the profile: %r -> %r" % (before, after))
    if failures:
        ct.fail("%d refused changes misbehaved:\n  %s" % (len(failures), "\n  ".join(failures)))


def test():
    s = ph.login(USER)
    other = ph.login("yamamoto")
    try:
        check_update(s, other)
        check_invalid(s)
    finally:
        # the demo person is left in Japanese, with an empty profile
        ph.patch_profile(s, {"work_phone": "", "areas": [], "can_help_with": "",
                             "language": "ja"})


if __name__ == "__main__":
    ct.run(test)
