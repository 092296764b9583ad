#!/usr/bin/env python3
"""Security headers, CORS and request limits as a browser or client sees
them: every API answer is nosniff, no-referrer and no-store; pages keep
their own Content-Security-Policy and cache policy, each header once;
cross-origin preflights are refused and nothing grants an origin, unless
http.cors_origins lists it (an extra gateway of this test); oversized,
deeply nested and malformed bodies get a 4xx and the gateway stays up."""

import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import platform_helpers as ph  # noqa: E402

PARTNER = "https://partner.example"


def headers_named(r, name):
    return [v for k, v in r.headers.items() if k.lower() == name.lower()]


def one(r, name, what):
    vals = headers_named(r, name)
    ct.check(len(vals) == 1, "%s: expected one %s header, got %r" % (what, name, vals))
    return vals[0]


def no_cors(r, what):
    granted = [k for k in r.headers.keys() if k.lower().startswith("access-control-")]
    ct.check(not granted, "%s: CORS headers %r sent" % (what, granted))


def check_api_headers(url):
    s = ct.login("tanaka")
    cases = [("GET /api/v1/me", s.request("GET", "/api/v1/me")),
             ("GET /api/v1/spaces (from records)", s.request("GET", "/api/v1/spaces")),
             ("401 without a session", ct.http_request(url, "GET", "/api/v1/me")),
             ("404", ct.http_request(url, "GET", "/api/v1/nothing-here"))]
    for what, r in cases:
        ct.check(r.status in (200, 401, 404), "%s: %s" % (what, r.describe()))
        ct.check_eq(one(r, "X-Content-Type-Options", what), "nosniff", what)
        ct.check_eq(one(r, "Referrer-Policy", what), "no-referrer", what)
        ct.check_eq(one(r, "Cache-Control", what), "no-store", what)
        one(r, "Content-Security-Policy", what)
        no_cors(r, what)
    ct.log("API answers: nosniff, no-referrer, no-store, each once")

    r = ct.http_request(url, "GET", "/")
    ct.check_eq(r.status, 200, "GET /")
    csp = one(r, "Content-Security-Policy", "the page")
    ct.check("default-src 'self'" in csp, "the page's own CSP was replaced: %r" % csp)
    ct.check_eq(one(r, "Cache-Control", "the page"), "no-cache", "the page's cache policy")
    ct.check_eq(one(r, "X-Frame-Options", "the page"), "DENY", "the page")
    ct.check_eq(one(r, "Referrer-Policy", "the page"), "no-referrer", "the page")
    ct.check_eq(one(r, "X-Content-Type-Options", "the page"), "nosniff", "the page")
    ct.log("the page keeps its CSP and cache policy; no header doubled")


def check_cors_off(url):
    for path, method in (("/api/v1/login", "POST"), ("/api/v1/me", "GET"),
                         ("/api/v1/threads/x/posts", "POST")):
        r = ct.http_request(url, "OPTIONS", path, headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type, x-csrf-token"})
        ct.check(r.status in (403, 405), "preflight %s %s: expected 403/405, got %s"
                 % (method, path, r.describe()))
        no_cors(r, "preflight of %s" % path)
    r = ct.http_request(url, "GET", "/api/v1/openapi.json", headers={"Origin": PARTNER})
    ct.check_eq(r.status, 200, "GET with an Origin")
    no_cors(r, "GET with an Origin")
    ct.log("CORS off: preflights refused, no origin granted")


def check_cors_configured():
    with ph.ExtraGateway({"http.cors_origins": PARTNER + " https://other.example"}) as gw:
        url = gw.url()
        r = ct.http_request(url, "OPTIONS", "/api/v1/feed", headers={
            "Origin": PARTNER, "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization"})
        ct.check_eq(r.status, 204, "a preflight from a listed origin (%s)" % r.describe())
        ct.check_eq(one(r, "Access-Control-Allow-Origin", "preflight"), PARTNER, "allowed origin")
        ct.check("GET" in one(r, "Access-Control-Allow-Methods", "preflight"), "methods")
        ct.check("Authorization" in one(r, "Access-Control-Allow-Headers", "preflight"),
                 "allowed headers")
        ct.check(not headers_named(r, "Access-Control-Allow-Credentials"),
                 "credentials are never allowed cross-origin")
        r = ct.http_request(url, "GET", "/api/v1/openapi.json", headers={"Origin": PARTNER})
        ct.check_eq(one(r, "Access-Control-Allow-Origin", "GET"), PARTNER, "granted origin")
        ct.check("Origin" in one(r, "Vary", "GET"), "Vary: Origin")
        # an origin not listed, a method the resource lacks
        r = ct.http_request(url, "OPTIONS", "/api/v1/feed", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
        ct.check_eq(r.status, 403, "preflight from an unlisted origin")
        no_cors(r, "preflight from an unlisted origin")
        r = ct.http_request(url, "OPTIONS", "/api/v1/feed", headers={
            "Origin": PARTNER, "Access-Control-Request-Method": "DELETE"})
        ct.check_eq(r.status, 403, "preflight for a method /api/v1/feed lacks")
        r = ct.http_request(url, "GET", "/api/v1/openapi.json",
                            headers={"Origin": "https://evil.example"})
        no_cors(r, "GET from an unlisted origin")
    ct.log("http.cors_origins: listed origins get preflights and grants, others nothing")


def check_limits(url):
    s = ct.login("tanaka")
    tid = ct.thread_id(s, "雑談・その他")
    path = "/api/v1/threads/%s/posts" % tid
    deep = ("[" * 33) + ("]" * 33)
    cases = [
        ("JSON nested 33 deep", "/api/v1/login", deep.encode(), 400, "invalid_body"),
        ("JSON nested 100000 deep", "/api/v1/login", ("{\"a\":" * 100000).encode(), 400,
         "invalid_body"),
        ("invalid UTF-8", "/api/v1/login", b'{"email":"\xff\xfe","password":"x"}', 400,
         "invalid_body"),
        ("lone surrogate escape", "/api/v1/login", b'{"email":"\\ud800","password":"x"}', 400,
         "invalid_body"),
    ]
    # jansson cuts its error texts by bytes: a long Japanese unknown key makes
    # a message ending inside a character (invalid UTF-8), whatever the cut
    for pre in ("", "x", "xx"):
        cases.append(("long Japanese unknown key %r" % pre, "/api/v1/login",
                      json.dumps({"email": "a@b.c", "password": "x", pre + "あ" * 200: 1},
                                 ensure_ascii=False).encode(), 400, "invalid_body"))
    cases += [
        ("body over 1 MiB", path, b'{"body":"' + b"x" * (1 << 20) + b'"}', 413, "body_too_large"),
    ]
    for what, p, body, status, code in cases:
        r = s.request("POST", p, body=body, headers={"Content-Type": "application/json"})
        if r.status != status or r.error_code() != code:
            ct.fail("%s: expected %d %s, got %s" % (what, status, code, r.describe()))
        r.json()  # the error itself is valid JSON (and UTF-8)
    r = ct.http_request(url, "GET", "/healthz")
    ct.check_eq(r.status, 200, "the gateway after the bad requests")
    ct.log("depth, UTF-8 and size limits answered with 4xx; the gateway stays up")


def main():
    url = ct.base_url()
    check_api_headers(url)
    check_cors_off(url)
    check_limits(url)
    check_cors_configured()


if __name__ == "__main__":
    ct.run(main, budget_s=120)
