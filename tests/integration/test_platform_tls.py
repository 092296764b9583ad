#!/usr/bin/env python3
"""The gateway serves HTTPS itself when http.tls_cert and http.tls_key name
a certificate and key: an extra gateway of this test on a port of its own
(the running system's configuration, port and TLS keys overridden) answers
over TLS 1.3, still accepts TLS 1.2, refuses TLS 1.1 and plain HTTP, and a
person can log in over it."""

import http.client
import json
import os
import socket
import ssl
import sys
import tempfile
import warnings

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import platform_helpers as ph  # noqa: E402


def handshake(port, ctx):
    """The negotiated protocol version, or the exception of a failed handshake."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        try:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                return s.version()
        except (ssl.SSLError, OSError) as e:
            return e


def https(gw, method, path, body=None, headers=None):
    conn = http.client.HTTPSConnection("127.0.0.1", gw.port, context=gw.ssl_context(),
                                       timeout=15)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def check_tls(gw, cafile):
    # HTTPS works, with the certificate checked
    status, headers, body = https(gw, "GET", "/api/v1/openapi.json")
    ct.check_eq(status, 200, "GET /api/v1/openapi.json over HTTPS")
    ct.check(json.loads(body).get("openapi", "").startswith("3."), "the document over HTTPS")
    ct.check(headers.get("Strict-Transport-Security", "").startswith("max-age="),
             "no Strict-Transport-Security over HTTPS: %r" % dict(headers))
    ct.log("HTTPS answers, with Strict-Transport-Security")

    # TLS 1.3 when the client offers it
    v = handshake(gw.port, ssl.create_default_context(cafile=cafile))
    ct.check_eq(v, "TLSv1.3", "protocol negotiated with a default client")
    # TLS 1.2 is the minimum, still accepted
    ctx12 = ssl.create_default_context(cafile=cafile)
    ctx12.maximum_version = ssl.TLSVersion.TLSv1_2
    ct.check_eq(handshake(gw.port, ctx12), "TLSv1.2", "protocol negotiated by a TLS 1.2 client")
    ct.log("TLS 1.3 negotiated; TLS 1.2 accepted")

    # TLS 1.1 refused by the server: the client is made willing to speak it
    # (security level 0), so a failure is the server's refusal
    ctx11 = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx11.load_verify_locations(cafile)
    ctx11.set_ciphers("DEFAULT:@SECLEVEL=0")
    try:
        with warnings.catch_warnings():  # deprecated: that is the point
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx11.minimum_version = ssl.TLSVersion.TLSv1_1
            ctx11.maximum_version = ssl.TLSVersion.TLSv1_1
    except (ValueError, ssl.SSLError) as e:
        ct.fail("this python cannot make a TLS 1.1 client: %s" % e)
    r = handshake(gw.port, ctx11)
    ct.check(isinstance(r, Exception), "a TLS 1.1 client was accepted (%r)" % r)
    ct.check("NO_PROTOCOLS_AVAILABLE" not in str(r) and "NO_CIPHERS_AVAILABLE" not in str(r),
             "the TLS 1.1 client refused itself, the server was not asked: %s" % r)
    ct.log("TLS 1.1 refused by the server (%s)" % r)

    # plain HTTP to the TLS port gets no HTTP answer
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    try:
        conn.request("GET", "/api/v1/openapi.json")
        resp = conn.getresponse()
        resp.read()
        ct.fail("plain HTTP to the TLS port was answered: %d" % resp.status)
    except (OSError, http.client.HTTPException) as e:
        ct.log("plain HTTP to the TLS port fails (%s)" % type(e).__name__)
    finally:
        conn.close()

    # a person logs in over HTTPS (database, sessions: the whole gateway)
    u = ct.seed_user("tanaka")
    status, headers, body = https(
        gw, "POST", "/api/v1/login",
        json.dumps({"email": u["email"], "password": ct.seed()["password"]}),
        {"Content-Type": "application/json"})
    ct.check_eq(status, 200, "login over HTTPS (%r)" % body[:300])
    ct.check(json.loads(body)["user"]["id"] == u["id"], "login over HTTPS: another user")
    ct.check(headers.get("Set-Cookie"), "login over HTTPS set no cookie")
    ct.log("login over HTTPS works")


def main():
    with tempfile.TemporaryDirectory(prefix="carelink-tls-") as d:
        cert, key = ph.self_signed(d)
        with ph.ExtraGateway({"http.tls_cert": cert, "http.tls_key": key}, tls_ca=cert) as gw:
            check_tls(gw, cert)
        # a key without a certificate is a configuration error, not plain HTTP
        env_gw = ph.ExtraGateway({"http.tls_key": key})
        try:
            env_gw.__enter__()
        except ct.TestFailure as e:
            ct.check("exited" in str(e), "the half-configured gateway: %s" % e)
            ct.log("a key without a certificate stops the gateway at start")
        else:
            env_gw.__exit__(None, None, None)
            ct.fail("a gateway with http.tls_key but no http.tls_cert started")


if __name__ == "__main__":
    ct.run(main, budget_s=180)
