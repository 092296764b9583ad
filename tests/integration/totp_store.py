"""Two-factor secrets that test processes enrolled, shared by every test
of one running system: the integration tests (Python) and the browser
harness (tests/browser/lib/browser.mjs) read and write the same files.

$CARELINK_VAR/test-totp/<email>.json holds {"email", "secret", "lastStep"}:
the secret enrolled for that person and the last RFC 6238 time step a code
was made for; and, for the integration tests, the last session opened with
a code ("session", "csrf"), which a later test process reuses while it is
valid rather than waiting for the next time step. The gateway refuses a code of a step it already accepted, so
the next code always uses a later step (waiting for the clock when needed).
Updates take an exclusive lock on the file so that processes running at
the same time never hand out the same step.
"""

import fcntl
import json
import os
import time

import carelink_test as ct


def _path(email):
    d = os.path.join(ct.var_dir(), "test-totp")
    os.makedirs(d, mode=0o700, exist_ok=True)
    return os.path.join(d, email.lower() + ".json")


def _read(f):
    f.seek(0)
    try:
        doc = json.loads(f.read() or "{}")
    except ValueError:
        doc = {}
    return doc if isinstance(doc, dict) else {}


def _write(f, doc):
    f.seek(0)
    f.truncate()
    f.write(json.dumps(doc))
    f.flush()


def _locked(email):
    f = open(_path(email), "a+", encoding="utf-8")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


def now_step():
    return int(time.time() // 30)


def secret(email):
    """The secret enrolled for email by any test process, or None."""
    with _locked(email) as f:
        return _read(f).get("secret") or None


def remember(email, secret_b32, step=None):
    """Keep the secret just enrolled for email (and the step its
    confirmation code used)."""
    with _locked(email) as f:
        doc = _read(f)
        doc.update({"email": email, "secret": secret_b32})
        if step is not None:
            doc["lastStep"] = max(int(doc.get("lastStep", -1)), step)
        _write(f, doc)


def use_step(email, step):
    """Record that a code of step was sent for email."""
    with _locked(email) as f:
        doc = _read(f)
        doc["email"] = email
        doc["lastStep"] = max(int(doc.get("lastStep", -1)), step)
        _write(f, doc)


def next_step(email, deadline_s=95):
    """A time step no process used for email yet, within one step of now
    (waits for the clock when needed), recorded as used."""
    end = time.time() + deadline_s
    while True:
        with _locked(email) as f:
            doc = _read(f)
            now = now_step()
            step = max(now - 1, int(doc.get("lastStep", -1)) + 1)
            if step <= now + 1:
                doc["email"] = email
                doc["lastStep"] = step
                _write(f, doc)
                return step
        if time.time() > end:
            ct.fail("no unused two-factor time step for %s" % email)
        time.sleep(0.5)


def session(email):
    """(cookie, csrf) of the last session kept for email, or None."""
    with _locked(email) as f:
        doc = _read(f)
    if doc.get("session") and doc.get("csrf"):
        return doc["session"], doc["csrf"]
    return None


def remember_session(email, cookie, csrf):
    """Keep a session opened for email with a two-factor code."""
    with _locked(email) as f:
        doc = _read(f)
        doc.update({"email": email, "session": cookie, "csrf": csrf})
        _write(f, doc)
