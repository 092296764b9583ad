#!/usr/bin/env python3
"""The thin slice end to end: tanaka posts in 「各機関からのお知らせ」, ito
sees it live on the event stream and in the feed, tanaka (the author) is not
notified, and the post is listed in the thread."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

THREAD_TITLE = "各機関からのお知らせ"


def test():
    tanaka = ct.login("tanaka")
    ito = ct.login("ito")
    author = ct.seed_user("tanaka")
    tid = ct.thread_id(ito, THREAD_TITLE)
    sato_mark = ct.latest_feed_id(ito)
    tanaka_mark = ct.latest_feed_id(tanaka)

    with ct.EventStream(ito) as stream:
        stream.wait_ready()
        text = "スライス確認 %s" % ct.unique("slice")
        post = ct.create_post(tanaka, tid, text)
        pid = post["id"]
        ct.check_eq(post.get("body"), text, "body of the created post")
        ct.check_eq((post.get("author") or {}).get("id"), author["id"], "author of the created post")
        ct.log("post %s created in thread %s" % (pid, tid))

        ev = stream.wait_for(ct.is_notification_for(pid), 20,
                             "notification for post %s" % pid)
        item = ev.json()
        ct.log("stream delivered notification %s" % ev.id)
        ct.check_eq(item.get("body"), text, "notification body")
        ct.check_eq((item.get("actor") or {}).get("name"), author["name"], "notification actor name")
        ct.check_eq((item.get("actor") or {}).get("id"), author["id"], "notification actor id")
        ct.check(THREAD_TITLE in (item.get("title") or ""),
                 "notification title %r does not contain the thread title %r"
                 % (item.get("title"), THREAD_TITLE))
        link = item.get("link") or ""
        ct.check(tid in link and pid in link,
                 "notification link %r lacks the thread id %s or the post id %s" % (link, tid, pid))
        ct.check_eq(item.get("kind"), "post", "notification kind")
        ct.check(isinstance(item.get("id"), int), "notification id %r is not an integer" % item.get("id"))
        ct.check_eq(ev.id, str(item["id"]), "SSE id: field versus the notification's id")
        ct.check_eq(item.get("read"), False, "a new notification's read flag")
        ct.check(isinstance(item.get("seq"), int) and item["seq"] >= 1,
                 "the live event's counter seq %r" % item.get("seq"))
        # seq (and silent, in quiet hours) belong to the live event only
        item = {k: v for k, v in item.items() if k not in ("seq", "silent")}

    # ito's feed holds the same notification
    items = ct.post_notifications(ct.feed_after(ito, sato_mark), pid)
    ct.check_eq(len(items), 1, "notifications for the post in ito's feed")
    ct.check_eq(items[0], item, "the feed item versus the streamed item")
    newest = ito.get_json("/api/v1/feed?limit=50", "feed")["notifications"]
    ct.check(any(n["id"] == item["id"] for n in newest),
             "the notification is not among the newest 50 of ito's feed")

    # the author is not notified of her own post: her feed (read after
    # ito's has the notification, so notify has handled the event) lacks it
    own = ct.post_notifications(ct.feed_after(tanaka, tanaka_mark), pid)
    ct.check(not own, "tanaka, the author, was notified of her own post: %r" % own)

    # the post is listed in the thread, for both readers
    for who, s in (("ito", ito), ("tanaka", tanaka)):
        posts = ct.thread_posts(s, tid)
        mine = [p for p in posts if p.get("id") == pid]
        ct.check(len(mine) == 1, "post %s is listed %d times in the thread for %s"
                 % (pid, len(mine), who))
        ct.check_eq(mine[0].get("body"), text, "body of the listed post")
        ct.check_eq(mine[0]["author"].get("name"), author["name"], "author of the listed post")
        ct.check_eq(mine[0]["author"]["organisation"].get("id"), author["organisation"],
                    "organisation of the listed post's author")


if __name__ == "__main__":
    ct.run(test)
