"""Helpers of the platform tests: an extra gateway process of their own,
started against the running system's configuration with some keys
overridden by CARELINK_* variables, and stopped (by its own pid) at the end.
"""

import os
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request

import carelink_test as ct

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_name(key):
    """CARELINK_* variable of a configuration key: '.' is '_', '_' is '__'."""
    return "CARELINK_" + key.replace("_", "__").replace(".", "_").upper()


class ExtraGateway:
    """carelink-gateway on a port of its own; overrides maps config keys to
    values. Use as a context manager; .log_text() is what it wrote."""

    def __init__(self, overrides, tls_ca=None):
        build = os.environ.get("CARELINK_BUILD") or ct.fail("CARELINK_BUILD is not set")
        self.exe = os.path.join(build, "services", "gateway", "carelink-gateway")
        self.conf = os.path.join(ct.var_dir(), "etc", "gateway.conf")
        self.port = free_port()
        self.overrides = dict(overrides)
        self.overrides["http.port"] = str(self.port)
        self.tls_ca = tls_ca
        self.proc = None
        self.log = tempfile.NamedTemporaryFile(prefix="carelink-extra-gateway-", suffix=".log",
                                               delete=False)

    def url(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls_ca else "http", self.port)

    def ssl_context(self):
        ctx = ssl.create_default_context(cafile=self.tls_ca)
        return ctx

    def __enter__(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("CARELINK_")}
        for k, v in self.overrides.items():
            env[env_name(k)] = v
        self.proc = subprocess.Popen([self.exe, "--config", self.conf], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                ct.fail("the extra gateway exited with %s: %s"
                        % (self.proc.returncode, self.log_text()[-2000:]))
            try:
                kw = {"context": self.ssl_context()} if self.tls_ca else {}
                with urllib.request.urlopen(self.url() + "/healthz", timeout=2, **kw) as r:
                    if r.status == 200:
                        return self
            except OSError as e:
                last = e
            time.sleep(0.2)
        self.stop()
        ct.fail("the extra gateway did not answer /healthz within 60 s (%s): %s"
                % (last, self.log_text()[-2000:]))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def log_text(self):
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def __exit__(self, *exc):
        self.stop()
        text = self.log_text()
        self.log.close()
        os.unlink(self.log.name)
        if exc[0] is None:
            for mark in SANITIZER_MARKS:
                if mark in text:
                    ct.fail("the extra gateway reported %r:\n%s" % (mark, text[-4000:]))


def self_signed(dirname):
    """A P-256 certificate for 127.0.0.1 and its key: (cert path, key path)."""
    cert = os.path.join(dirname, "cert.pem")
    key = os.path.join(dirname, "key.pem")
    cmd = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
           "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
           "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        ct.fail("openssl could not make a certificate: %s" % e)
    return cert, key
