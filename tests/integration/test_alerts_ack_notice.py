#!/usr/bin/env python3
"""The raiser is told of each acknowledgement (services/notify/ALERTS.md
"Notifications"): every acknowledgement of an alert by someone else gives
its raiser one targeted, urgent notification of kind `alert_acknowledged`
("<name>さんが緊急連絡を確認しました: <title>", link `#/alerts/<id>`), live on
the raiser's event stream and in the raiser's feed; none for the raiser's
own acknowledgement, none for a refused second acknowledgement, and the
acknowledger does not get it.

tanaka (care_manager) raises; ito (care_worker) and yamamoto (pharmacist)
acknowledge.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alerts_stream_helpers as h  # noqa: E402
import carelink_test as ct  # noqa: E402

KIND = "alert_acknowledged"


def is_ack_notice(aid):
    def pred(ev):
        if ev.event != "notification":
            return False
        n = ev.json()
        return n.get("kind") == KIND and n.get("link") == "#/alerts/%s" % aid
    return pred


def feed_notices(session, aid):
    r = session.request("GET", h.API + "/feed?limit=200")
    ct.check(r.status == 200, "GET feed: %s" % r.describe())
    return [n for n in r.json()["notifications"]
            if n.get("kind") == KIND and n.get("link") == "#/alerts/%s" % aid]


def test():
    tanaka = ct.login("tanaka")
    ito = ct.login("ito")
    yamamoto = ct.login("yamamoto")
    title = "行方不明 確認通知 " + ct.unique("ack")[-8:]
    alert = h.raise_alert(tanaka, h.alert_body(
        "missing_person", audience_professions=("care_worker", "pharmacist", "care_manager"),
        title=title))
    aid = alert["id"]

    with ct.EventStream(tanaka) as stream:
        stream.wait_ready()
        # the raiser's own acknowledgement tells nobody
        h.change(tanaka, "POST", "/alerts/%s/ack" % aid, {}, "the raiser acknowledges")
        h.change(ito, "POST", "/alerts/%s/ack" % aid, {"note": "北口を見ます"}, "ito acknowledges")
        ev = stream.wait_for(is_ack_notice(aid), 10, "ito's acknowledgement notice")
        n = ev.json()
        # FEED.md: items carry "urgent" (true for alert kinds); an item
        # without the key (before the feed carries it) is not refused here
        ct.check(n.get("urgent", True) is True, "the acknowledgement notice is not urgent: %r"
                 % n)
        ct.check(ito.user["name"] in n.get("title", "") and title in n.get("title", "")
                 and "確認しました" in n.get("title", ""),
                 "the notice's title %r names neither ito nor the alert" % n.get("title"))
        r = ito.request("POST", h.API + "/alerts/%s/ack" % aid, json_body={})
        ct.check(r.status == 409 and r.error_code() == "already_acknowledged",
                 "a second acknowledgement: %s" % r.describe())
        h.change(yamamoto, "POST", "/alerts/%s/ack" % aid, {}, "yamamoto acknowledges")
        ev = stream.wait_for(lambda e: is_ack_notice(aid)(e)
                             and yamamoto.user["name"] in e.json().get("title", ""),
                             10, "yamamoto's acknowledgement notice")
        # notifications of a tenant are ordered: after yamamoto's, any
        # other (the raiser's own, ito's twice) would be here already
        stream.collect(0.5)
        live = [e.json() for e in stream.seen if is_ack_notice(aid)(e)]
    ct.check_eq(len(live), 2, "live acknowledgement notices (ito, yamamoto): %r"
                % [x.get("title") for x in live])

    mine = feed_notices(tanaka, aid)
    ct.check_eq(len(mine), 2, "acknowledgement notices in the raiser's feed: %r"
                % [x.get("title") for x in mine])
    ct.check(all(x.get("urgent", True) is True for x in mine),
             "feed notices not urgent: %r" % mine)
    ct.check_eq(feed_notices(ito, aid), [], "the acknowledger's feed holds the raiser's notice")

    # NotificationCreated of the alert's notifications: urgent, the
    # acknowledgement ones for the raiser alone
    fp = ct.schema_fingerprint_bytes("NotificationCreated")
    events = [ct.avro_decode("NotificationCreated", m.value[10:])
              for m in ct.consume("carelink.notifications", with_headers=False)
              if m.value[2:10] == fp]
    events = [e for e in events if e.get("link") == "#/alerts/%s" % aid]
    kinds = sorted(e["kind"] for e in events)
    ct.check_eq(kinds, ["alert", KIND, KIND], "NotificationCreated of the alert")
    ct.check(all(e.get("urgent") is True for e in events),
             "NotificationCreated not urgent: %r" % [(e["kind"], e.get("urgent")) for e in events])
    for e in events:
        if e["kind"] == KIND:
            aud = e["audience"]
            ct.check_eq((aud["everyone"], list(aud["users"])), (False, [tanaka.user["id"]]),
                        "audience of an acknowledgement notice")


if __name__ == "__main__":
    ct.run(test, budget_s=40)
