#!/usr/bin/env python3
"""A PostCreated on carelink.posts decodes with nothing but
schemas/PostCreated.avsc and a standard Avro library (python3-avro): the
single-object encoding's marker, the CRC-64-AVRO fingerprint of the schema's
Parsing Canonical Form (computed here, checked against Apache Avro's test
vectors), the datum, and the CloudEvents headers."""

import datetime
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

THREAD_TITLE = "多職種連携の事例共有"


def reference_vectors():
    """(input, canonical, fingerprint or None) from Avro's schema-tests.txt."""
    path = os.path.join(ct.home_dir(), "..", "shared", "reference", "avro", "schema-tests.txt")
    path = os.path.normpath(path)
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        ct.fail("cannot read the Avro test vectors %s: %s" % (path, e))
    cases, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("<<INPUT"):
            text = line[len("<<INPUT"):].strip()
            if not text:  # a multi-line input ends with a line "INPUT"
                body = []
                i += 1
                while lines[i] != "INPUT":
                    body.append(lines[i])
                    i += 1
                text = "\n".join(body)
            cases.append({"input": text, "canonical": None, "fingerprint": None})
        elif line.startswith("<<canonical"):
            cases[-1]["canonical"] = line[len("<<canonical"):].strip()
        elif line.startswith("<<fingerprint"):
            cases[-1]["fingerprint"] = int(line[len("<<fingerprint"):].strip())
        i += 1
    ct.check(len(cases) >= 20, "only %d vectors read from %s" % (len(cases), path))
    return cases


def check_canonical_form_implementation():
    n_fp = 0
    for c in reference_vectors():
        got = ct.canonical_form(c["input"])
        ct.check_eq(got, c["canonical"], "canonical form of %s" % c["input"])
        if c["fingerprint"] is not None:
            n_fp += 1
            fp = ct.signed64(ct.crc64_avro(c["canonical"].encode("utf-8")))
            ct.check_eq(fp, c["fingerprint"], "CRC-64-AVRO of %s" % c["canonical"])
    ct.check(n_fp >= 10, "only %d fingerprint vectors checked" % n_fp)
    ct.log("canonical form and CRC-64-AVRO agree with %d Avro test vectors" % n_fp)


def to_millis(v):
    if isinstance(v, datetime.datetime):
        return int(v.timestamp() * 1000)
    return v


def test():
    check_canonical_form_implementation()

    # python3-avro 1.11 has a canonical_form of its own, but it keeps
    # {"type":"long"} for a logical type where the specification's
    # [PRIMITIVES] rule gives "long", so the form is computed here
    text = ct.schema_text("PostCreated")
    pcf = ct.canonical_form(text)
    ct.check('"time","type":"long"' in pcf and "logicalType" not in pcf and "doc" not in pcf,
             "canonical form of PostCreated still carries attributes: %s" % pcf)
    fingerprint = ct.crc64_avro(pcf.encode("utf-8")).to_bytes(8, "little")

    tanaka = ct.login("tanaka")
    author = ct.seed_user("tanaka")
    space = ct.demo_space()
    tid = ct.thread_id(tanaka, THREAD_TITLE)
    body = "Avro 単独デコード確認 ✓ \"quotes\" \\ 改行\nあり %s" % ct.unique("avro")
    post = ct.create_post(tanaka, tid, body)
    pid = post["id"]

    msg, _ = ct.find_post_created(pid)
    v = msg.value
    ct.check_eq(v[:2], b"\xc3\x01", "single-object marker")
    ct.check_eq(v[2:10].hex(), fingerprint.hex(),
                "schema fingerprint (CRC-64-AVRO of the Parsing Canonical Form, little-endian)")
    d = ct.avro_decode("PostCreated", v[10:])
    ct.log("decoded %s" % json.dumps({k: str(x) for k, x in d.items()}, ensure_ascii=False)[:300])

    expected = {
        "tenant_id": ct.seed()["tenant"]["id"],
        "post_id": pid,
        "space_id": space["id"],
        "space_name": space["name"],
        "thread_id": tid,
        "thread_title": THREAD_TITLE,
        "author_id": author["id"],
        "author_name": author["name"],
        "author_organisation_id": author["organisation"],
        "author_organisation_name": ct.organisation_name(author["organisation"]),
        "body": body,
        "audience": {"professions": space["professions"],
                     "organisations": space["organisations"]},
    }
    for field, want in expected.items():
        ct.check_eq(d.get(field), want, "PostCreated." + field)
    ct.check(len(d["event_id"]) == 36, "event_id %r is not a UUID" % d["event_id"])
    created = to_millis(d["created_at"])
    produced = to_millis(d["time"])
    ct.check(isinstance(created, int) and created > 1.6e12,
             "created_at %r is not a timestamp in milliseconds" % d["created_at"])
    ct.check(produced >= created, "time %r is before created_at %r" % (d["time"], d["created_at"]))
    api_created = datetime.datetime.strptime(post["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ") \
        .replace(tzinfo=datetime.timezone.utc)
    ct.check(abs(int(api_created.timestamp() * 1000) - created) <= 1,
             "created_at %d differs from the API's %s" % (created, post["created_at"]))

    ct.check_eq(msg.key, space["id"].encode(), "message key (the space id)")
    ct.check(msg.headers is not None, "no headers read for the message")
    want_headers = {
        "ce_specversion": "1.0",
        "ce_type": "carelink.posts.PostCreated",
        "ce_id": d["event_id"],
        "content-type": "application/avro",
    }
    for name, want in want_headers.items():
        ct.check_eq(msg.header(name), want, "header " + name)
    ct.check(msg.header("ce_source"), "header ce_source is missing: %r" % msg.headers)
    ce_time = msg.header("ce_time") or ""
    try:
        datetime.datetime.fromisoformat(ce_time.replace("Z", "+00:00"))
    except ValueError:
        ct.fail("header ce_time %r is not an RFC 3339 time" % ce_time)


if __name__ == "__main__":
    ct.run(test)
