#!/usr/bin/env python3
"""Search across the workspace (GET /api/v1/search), Japanese first:

* substring queries of 2 characters and longer, in hiragana, katakana and
  kanji, taken from the middle of a word (no word boundaries), and Latin
  letters without regard to case;
* filters by space, thread, author and dates (from/to, days in Asia/Tokyo);
  a space or thread filter the caller may not see gives no hits;
* comments are found, deleted posts are not; an archived space is still
  searched; newest first; paging with next_cursor;
* bad queries answer 400 invalid_query.
"""

import datetime
import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = w.API
JST = datetime.timezone(datetime.timedelta(hours=9))


def test():
    suzuki, tanaka, kato = w.login("suzuki"), w.login("tanaka"), w.login("kato")
    problems = []

    def expect_hits(who, session, params, want, exact=True, what=""):
        """The hits of params are exactly want (post ids, any order) or, when
        exact is False, include want."""
        try:
            if want:
                w.wait_search(session, want[0], **params)
            ids = w.search_ids(session, **params)
        except ct.TestFailure as e:
            problems.append("%s %s: %s" % (who, what, e))
            return []
        ok = set(ids) == set(want) if exact else set(want) <= set(ids)
        if not ok:
            problems.append("%s: search %r %s: expected %s%r, got %r"
                            % (who, params, what, "" if exact else "at least ", want, ids))
        if len(ids) != len(set(ids)):
            problems.append("%s: search %r lists a post twice: %r" % (who, params, ids))
        return ids

    # a word of each script, unique to this run
    kata, hira, kanji = w.jp_word(10), w.jp_word(10, "hiragana"), w.jp_word(8, "kanji")
    latin = "Zq%sXy" % uuid.uuid4().hex[:10]
    sp1 = w.create_space(suzuki, "検索A %s" % kata, "")
    sp2 = w.create_space(suzuki, "検索B %s" % kata, "", professions=["care_manager"])
    t1 = w.add_thread(suzuki, sp1["id"], "検索 一 %s" % kata)
    t2 = w.add_thread(suzuki, sp1["id"], "検索 二 %s" % kata)
    t3 = w.add_thread(suzuki, sp2["id"], "検索 三 %s" % kata)
    for sp in (sp1, sp2):
        w.wait_member(tanaka, sp["id"], w.uid("tanaka"))
    p1 = w.create_post(tanaka, t1["id"], "本日の連絡%sです。\n%s と %s も" % (kata, hira, kanji))
    p2 = w.create_post(kato, t2["id"], "別の話題%sについて %s" % (kata, latin))
    p3 = w.create_post(tanaka, t3["id"], "ケアマネのみ%s" % kata)
    c1 = w.add_comment(kato, p1["id"], "返信%sです" % hira)
    gone = w.create_post(tanaka, t1["id"], "消える%s" % kata)
    w.expect(tanaka.request("DELETE", API + "/posts/" + gone["id"]), 204, "deleting a post")

    mid = kata[3:7]
    # Japanese substrings, 2 characters and longer, from inside the words
    expect_hits("田中", tanaka, {"q": kata}, [p1["id"], p2["id"], p3["id"]], what="katakana word")
    expect_hits("田中", tanaka, {"q": mid}, [p1["id"], p2["id"], p3["id"]],
                what="4 katakana from the middle")
    expect_hits("田中", tanaka, {"q": kata[4:6]}, [p1["id"], p2["id"], p3["id"]], exact=False,
                what="2 katakana from the middle")
    expect_hits("田中", tanaka, {"q": "連絡" + kata[:3]}, [p1["id"]],
                what="kanji and katakana across a word boundary")
    expect_hits("田中", tanaka, {"q": hira[2:5]}, [p1["id"], c1["id"]],
                what="3 hiragana (post and comment)")
    expect_hits("田中", tanaka, {"q": hira[5:7]}, [p1["id"], c1["id"]], exact=False,
                what="2 hiragana")
    expect_hits("田中", tanaka, {"q": kanji[1:4]}, [p1["id"]], what="3 kanji")
    expect_hits("田中", tanaka, {"q": kanji[2:4]}, [p1["id"]], exact=False, what="2 kanji")
    expect_hits("田中", tanaka, {"q": latin.lower()}, [p2["id"]], what="Latin, lower case")
    expect_hits("田中", tanaka, {"q": latin.upper()[2:9]}, [p2["id"]], what="Latin, upper case")

    # filters
    expect_hits("田中", tanaka, {"q": kata, "space": sp1["id"]}, [p1["id"], p2["id"]],
                what="space filter")
    expect_hits("田中", tanaka, {"q": kata, "thread": t2["id"]}, [p2["id"]], what="thread filter")
    expect_hits("田中", tanaka, {"q": kata, "author": w.uid("kato")}, [p2["id"]],
                what="author filter")
    expect_hits("田中", tanaka, {"author": w.uid("kato"), "space": sp1["id"]},
                [p2["id"], c1["id"]], what="author alone within a space")
    today = datetime.datetime.now(JST).date()
    expect_hits("田中", tanaka, {"q": kata, "from": today.isoformat(), "to": today.isoformat()},
                [p1["id"], p2["id"], p3["id"]], what="today's date range")
    expect_hits("田中", tanaka, {"q": kata, "to": (today - datetime.timedelta(days=1)).isoformat()},
                [], what="up to yesterday")
    expect_hits("田中", tanaka, {"q": kata, "from": (today + datetime.timedelta(days=1)).isoformat()},
                [], what="from tomorrow")

    # kato (social worker) may not see sp2: no hit there, no error either
    expect_hits("加藤", kato, {"q": kata}, [p1["id"], p2["id"]], what="outside sp2")
    expect_hits("加藤", kato, {"q": kata, "space": sp2["id"]}, [], what="filter on a hidden space")
    expect_hits("加藤", kato, {"q": kata, "thread": t3["id"]}, [], what="filter on a hidden thread")
    expect_hits("田中", tanaka, {"q": kata, "space": str(uuid.uuid4())}, [],
                what="filter on a space that does not exist")

    # order and paging: newest first, next_cursor walks the rest
    doc = w.search(tanaka, q=kata, limit=2)
    first = [h["post"]["id"] for h in doc["hits"]]
    if first != [p3["id"], p2["id"]] or not doc.get("next_cursor"):
        problems.append("first page of 2, newest first: expected %r with a cursor, got %r %r"
                        % ([p3["id"], p2["id"]], first, doc.get("next_cursor")))
    elif doc.get("next_cursor"):
        doc2 = w.search(tanaka, q=kata, limit=2, cursor=doc["next_cursor"])
        ids2 = [h["post"]["id"] for h in doc2["hits"]]
        if ids2 != [p1["id"]] or doc2.get("next_cursor") is not None:
            problems.append("second page: expected [%s] and no cursor, got %r %r"
                            % (p1["id"], ids2, doc2.get("next_cursor")))
    hit = [h for h in doc["hits"] if h["post"]["id"] == p2["id"]]
    if hit and (hit[0].get("space", {}).get("id") != sp1["id"]
                or hit[0].get("thread", {}).get("id") != t2["id"]):
        problems.append("a hit's space and thread: %r" % hit[0])

    # an archived space is still searched
    w.expect(w.patch_space(suzuki, sp1["id"], archived=True), 200, "archiving space A")
    expect_hits("田中", tanaka, {"q": mid, "space": sp1["id"]}, [p1["id"], p2["id"]],
                what="in the archived space")

    # bad queries
    # (the code of a bad date is not named by API.md: any 400 with a code)
    for params in ({}, {"q": ""}, {"q": "あ" * 201}, {"space": sp1["id"]},
                   {"q": kata, "from": "2026-13-40"}, {"q": kata, "to": "yesterday"}):
        r = tanaka.request("GET", w.q(API + "/search", **params))
        codes = ("invalid_query",) if not ({"from", "to"} & set(params)) else (r.error_code(),)
        if r.status != 400 or not r.error_code() or r.error_code() not in codes:
            problems.append("search %r: expected 400 invalid_query, got %s"
                            % ({k: v[:10] for k, v in params.items()}, r.describe()))
    if problems:
        ct.fail("%d search problems:\n  %s" % (len(problems), "\n  ".join(problems)))


if __name__ == "__main__":
    ct.run(test, budget_s=120)
