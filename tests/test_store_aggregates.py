"""The aggregates Home and Stats read agree with the whole history, however it was written.

Each test drives the store through the public API (answers, undo, suspend, bury, sessions
finished, abandoned, reviews and retries, questions removed from the catalog), then
compares what Home and Stats show with the same figures counted the slow way from the
attempts, cards, reviews and sessions tables.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.scheduler import Settings, State
from quiz.store import SCHEMA_VERSION, CatalogInfo, Store, statistics
from quiz.store.common import MATURE_DAYS, ms
from quiz.store.statistics import forget_cached

NOW = datetime(2026, 3, 2, 12, 0).astimezone().astimezone(UTC)
P = "ann"
BANKS = {"alpha": [f"a{i}" for i in range(8)], "beta": [f"b{i}" for i in range(6)], "gone": ["g0"]}


def reference_banks(store: Store, catalog: CatalogInfo, now: datetime) -> dict[str, Any]:
    """Home's numbers counted from the raw history (what the store did before v4)."""
    pid = store._read_pid(P)
    existing = catalog.existing
    now_ms = ms(now)
    attempts: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for b, n, ok in store.conn.execute(
        "SELECT bank_id, count(*), sum(outcome = 'correct') FROM attempts WHERE profile_id = ?"
        " GROUP BY bank_id",
        (pid,),
    ):
        attempts[b] += n
        correct[b] += ok
    right: Counter[str] = Counter()
    for b, q, outcome in store.conn.execute(
        "SELECT bank_id, question_id, outcome FROM attempts WHERE id IN (SELECT max(id)"
        " FROM attempts WHERE profile_id = ? GROUP BY bank_id, question_id)",
        (pid,),
    ):
        right[b] += outcome == "correct" and (b, q) in existing
    seen: Counter[str] = Counter()
    stable: Counter[str] = Counter()
    leeches: Counter[str] = Counter()
    due: Counter[str] = Counter()
    for b, q, state, stability, reps, leech, due_ms, susp, buried in store.conn.execute(
        "SELECT bank_id, question_id, state, stability, reps, leech, due_ms, suspended,"
        " buried_until_ms FROM cards WHERE profile_id = ?",
        (pid,),
    ):
        if (b, q) not in existing:
            continue
        seen[b] += reps > 0
        stable[b] += state == State.Review and (stability or 0) >= MATURE_DAYS
        leeches[b] += bool(leech)
        due[b] += reps > 0 and not susp and due_ms <= now_ms and (buried or 0) <= now_ms
    last: dict[str, tuple[int, float]] = {}
    for b, sid, avg in store.conn.execute(
        "SELECT a.bank_id, a.session_id, avg(a.score) FROM attempts a JOIN sessions s"
        " ON s.id = a.session_id WHERE s.profile_id = ? AND s.finished_ms IS NOT NULL"
        " AND s.abandoned = 0 AND s.mode NOT IN ('review', 'retry')"
        " AND coalesce(json_extract(s.scope, '$.retry'), 0) = 0 GROUP BY a.bank_id, a.session_id",
        (pid,),
    ):
        if b not in last or sid > last[b][0]:
            last[b] = (sid, avg)
    questions = Counter(b for b, _ in existing)
    out = {}
    for b in sorted(set(questions) | set(attempts)):
        out[b] = {
            "questions": questions[b],
            "attempts": attempts[b],
            "accuracy": correct[b] / attempts[b] if attempts[b] else None,
            "right_last": right[b],
            "seen": seen[b],
            "stable": stable[b],
            "leeches": leeches[b],
            "due": due[b],
            "last_score": last[b][1] if b in last else None,
        }
    return out


def shown_banks(store: Store, catalog: CatalogInfo, now: datetime) -> dict[str, Any]:
    """Home's numbers as the store gives them."""
    return {
        b: {
            "questions": s.questions,
            "attempts": s.attempts,
            "accuracy": s.accuracy,
            "right_last": s.right_last,
            "seen": s.seen,
            "stable": round(s.stable * s.questions) if s.questions else 0,
            "leeches": s.leeches,
            "due": s.due,
            "last_score": s.last_score,
        }
        for b, s in store.bank_summaries(P, catalog, now=now).items()
    }


def reference_days(store: Store) -> dict[str, int]:
    """Reviews per local day counted from the review log."""
    return {
        d: n
        for d, n in store.conn.execute(
            "SELECT date(reviewed_ms / 1000, 'unixepoch', 'localtime') AS d, count(*)"
            " FROM reviews GROUP BY d"
        )
    }


def catalog_without(*removed: tuple[str, str]) -> CatalogInfo:
    """Every bank but "gone", less the removed questions."""
    tags = {
        (b, q): (f"t{i % 2}",)
        for b, qs in BANKS.items()
        if b != "gone"
        for i, q in enumerate(qs)
        if (b, q) not in removed
    }
    return CatalogInfo(tags=tags, titles={b: b.title() for b in BANKS})


def play(store: Store, seed: int, steps: int = 160) -> None:
    """A learner's random weeks: sessions of every kind, answers, undo, suspend, bury."""
    rng = random.Random(seed)
    when = NOW - timedelta(days=40)
    sid: int | None = None
    for _ in range(steps):
        when += timedelta(minutes=rng.choice((1, 5, 90, 60 * 20)))
        roll = rng.random()
        if sid is None or roll < 0.08:
            if sid is not None:
                store.finish_session(sid, abandoned=rng.random() < 0.2, now=when)
            mode = rng.choice(("quiz", "quiz", "flashcards", "review", "retry"))
            scope = {"title": mode, "retry": mode == "retry" or rng.random() < 0.1}
            sid = store.start_session(P, mode, [], scope=scope, now=when)
            continue
        bank = rng.choice(list(BANKS))
        question = rng.choice(BANKS[bank])
        if roll < 0.16:
            store.undo_last_attempt(sid)
        elif roll < 0.19:
            store.suspend(P, bank, question, suspended=rng.random() < 0.6)
        elif roll < 0.21:
            store.bury(P, bank, question, now=when)
        else:
            outcome = rng.choice(("correct", "correct", "partial", "incorrect"))
            store.record_attempt(
                sid if rng.random() < 0.95 else None,
                P,
                bank,
                question,
                answer=None,
                outcome=outcome,
                score={"correct": 1.0, "partial": 0.5, "incorrect": 0.0}[outcome],
                schedule=rng.random() < 0.9,
                now=when,
            )
    if sid is not None:
        store.finish_session(sid, now=when)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "quiz.db")
    s.save_settings(P, Settings(enable_fuzzing=False, leech_threshold=2))
    return s


@pytest.mark.parametrize("seed", range(6))
def test_home_numbers_match_the_history_after_any_mix_of_writes(store: Store, seed: int) -> None:
    play(store, seed)
    full = catalog_without()
    edited = catalog_without(("alpha", "a1"), ("alpha", "a3"), ("beta", "b0"))
    for catalog in (full, edited, full, edited):
        # The same store read with the catalog before and after a bank file was edited,
        # by this process and by a new one (which finds what the last one kept).
        assert shown_banks(store, catalog, NOW) == reference_banks(store, catalog, NOW)
        forget_cached(store.path)
        assert shown_banks(store, catalog, NOW) == reference_banks(store, catalog, NOW)
    # A question the store had only a card for, learned later: still counted right.
    play(store, seed + 100, steps=40)
    assert shown_banks(store, edited, NOW) == reference_banks(store, edited, NOW)
    forget_cached(store.path)
    assert shown_banks(store, edited, NOW) == reference_banks(store, edited, NOW)
    store.close()


def _saved(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT bank_id, extra_ids FROM bank_extras"))
    finally:
        conn.close()


def test_a_new_process_finds_the_removed_questions_without_reading_every_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "quiz.db"
    edited = catalog_without(("alpha", "a1"), ("beta", "b0"))
    with Store.open(path) as s:
        play(s, 3)
        expected = reference_banks(s, edited, NOW)
        assert shown_banks(s, edited, NOW) == expected
    assert _saved(path) == {"alpha": "a1", "beta": "b0"}
    # The next process (Home's reader connection, which may not write: it keeps the
    # answer through a connection of its own) reads one row per bank, not every id.
    forget_cached(path)
    monkeypatch.setattr(statistics, "_stored_ids", _no_whole_read)
    with Store.open(path) as s:
        reader = Store.open_reader(path)
        assert shown_banks(reader, edited, NOW) == expected
        # The bank file changed: the entry no longer fits, so the ids are read again.
        monkeypatch.undo()
        again = catalog_without(("alpha", "a2"))
        assert shown_banks(reader, again, NOW) == reference_banks(s, again, NOW)
        assert _saved(path) == {"alpha": "a2", "beta": ""}
        # The store learned a question the catalog lacks: its bank's entry is stale.
        s.record_attempt(None, P, "beta", "b9", answer=None, outcome="correct", score=1.0)
        forget_cached(path)
        assert shown_banks(reader, again, NOW) == reference_banks(s, again, NOW)
        assert _saved(path) == {"alpha": "a2", "beta": "b9"}
        # One bank file edited: only that bank's ids are read.
        read: list[set[str]] = []
        real = statistics._stored_ids

        def counted(store: Store, pid: int, bank_ids: set[str]) -> dict[str, set[str]]:
            read.append(set(bank_ids))
            return real(store, pid, bank_ids)

        monkeypatch.setattr(statistics, "_stored_ids", counted)
        third = catalog_without(("alpha", "a2"), ("alpha", "a3"))
        forget_cached(path)
        assert shown_banks(reader, third, NOW) == reference_banks(s, third, NOW)
        assert read == [{"alpha"}]
        assert _saved(path) == {"alpha": "a2\x1fa3", "beta": "b9"}
        monkeypatch.undo()
        reader.close()
        # A rebuild (quiz doctor) starts the counters again: the entries go with them.
        s.rebuild_aggregates()
        assert _saved(path) == {}
        forget_cached(path)
        assert shown_banks(s, again, NOW) == reference_banks(s, again, NOW)


def _no_whole_read(*args: object) -> dict[str, set[str]]:
    raise AssertionError("read every stored question id")


def reference_tags(store: Store, catalog: CatalogInfo) -> dict[str, tuple[int, int]]:
    """Attempts and right answers per tag, counted from the attempts."""
    out: dict[str, tuple[int, int]] = {tag: (0, 0) for tag in catalog.tag_counts}
    for b, q, n, ok in store.conn.execute(
        "SELECT bank_id, question_id, count(*), sum(outcome = 'correct') FROM attempts"
        " GROUP BY bank_id, question_id"
    ):
        for tag in catalog.tags.get((b, q), ()):
            out[tag] = (out[tag][0] + n, out[tag][1] + ok)
    return out


def shown_tags(store: Store, catalog: CatalogInfo) -> dict[str, tuple[int, int]]:
    """Attempts and right answers per tag as Stats shows them."""
    return {
        t.tag: (t.attempts, round((t.accuracy or 0) * t.attempts))
        for t in store.stats_report(P, catalog, now=NOW).tags
    }


def retagged(catalog: CatalogInfo, bank: str, tag: str) -> CatalogInfo:
    """The catalog after every question of `bank` got `tag` added in its file."""
    tags = {k: (*v, tag) if k[0] == bank else v for k, v in catalog.tags.items()}
    return CatalogInfo(tags=tags, titles=dict(catalog.titles))


def test_a_new_process_finds_attempts_per_tag_without_reading_every_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "quiz.db"
    catalog = catalog_without(("beta", "b1"))
    with Store.open(path) as s:
        play(s, 5)
        expected = reference_tags(s, catalog)
        assert shown_tags(s, catalog) == expected
    forget_cached(path)
    monkeypatch.setattr(statistics, "_bank_tag_history", _no_tag_read)
    with Store.open(path) as s:
        reader = Store.open_reader(path)
        assert shown_tags(reader, catalog) == expected
        # A bank file gave its questions another tag: that bank is read again.
        monkeypatch.undo()
        calls: list[str] = []
        real = statistics._bank_tag_history

        def counted(store: Store, pid: int, bank_id: str, info: CatalogInfo) -> Any:
            calls.append(bank_id)
            return real(store, pid, bank_id, info)

        monkeypatch.setattr(statistics, "_bank_tag_history", counted)
        again = retagged(catalog, "alpha", "new")
        assert shown_tags(reader, again) == reference_tags(s, again)
        assert calls == ["alpha"]
        # An answer in another bank: only that bank is read again, in a new process too.
        s.record_attempt(None, P, "beta", "b2", answer=None, outcome="correct", score=1.0)
        forget_cached(path)
        calls.clear()
        assert shown_tags(reader, again) == reference_tags(s, again)
        assert calls == ["beta"]
        reader.close()


def _no_tag_read(*args: object) -> dict[str, tuple[int, int]]:
    raise AssertionError("read every question's history for the tags")


def test_stats_days_streak_and_totals_match_the_review_log(store: Store) -> None:
    play(store, 7)
    catalog = catalog_without(("beta", "b2"))
    report = store.stats_report(P, catalog, now=NOW, heatmap_days=60)
    per_day = reference_days(store)
    shown = {d.date: d.reviews for d in report.heatmap if d.reviews}
    first = (NOW.astimezone().date() - timedelta(days=59)).isoformat()
    assert shown == {d: n for d, n in per_day.items() if d >= first}
    assert report.totals.reviews == sum(per_day.values())
    assert (
        report.totals.attempts == store.conn.execute("SELECT count(*) FROM attempts").fetchone()[0]
    )
    days = sorted(date.fromisoformat(d) for d in per_day)
    assert report.streak.longest >= 1 and report.streak.longest <= len(days)
    # True retention: the first review of the day of each card in Review, from the log.
    young, mature = [0, 0], [0, 0]
    for rating, interval in store.conn.execute(
        "SELECT rating, interval_days FROM reviews WHERE id IN (SELECT min(id) FROM reviews"
        " WHERE state_before = 2 AND date(reviewed_ms / 1000, 'unixepoch', 'localtime') >= ?"
        " GROUP BY card_id, date(reviewed_ms / 1000, 'unixepoch', 'localtime'))",
        ((NOW.astimezone().date() - timedelta(days=29)).isoformat(),),
    ):
        part = mature if (interval or 0) >= MATURE_DAYS else young
        part[0] += rating != 1
        part[1] += 1
    assert young[1] + mature[1] > 0
    retention = report.retention
    assert [retention.young.passed, retention.young.total] == young
    assert [retention.mature.passed, retention.mature.total] == mature
    # Tags: every answer to a question carrying the tag.
    per_question = {
        (b, q): (n, ok)
        for b, q, n, ok in store.conn.execute(
            "SELECT bank_id, question_id, count(*), sum(outcome = 'correct') FROM attempts"
            " GROUP BY bank_id, question_id"
        )
    }
    for t in report.tags:
        keys = [k for k, tags in catalog.tags.items() if t.tag in tags]
        assert t.questions == len(keys)
        assert t.attempts == sum(per_question.get(k, (0, 0))[0] for k in keys)
    leeches = {
        (b, q)
        for b, q in store.conn.execute(
            "SELECT bank_id, question_id FROM cards WHERE leech = 1 AND reps > 0"
        )
        if (b, q) in catalog.existing
    }
    assert {(lc.bank_id, lc.question_id) for lc in report.leeches} == leeches
    store.close()


def test_weakest_questions_are_the_least_accurate_with_ties_broken_by_lapses(
    store: Store,
) -> None:
    outcomes = {"a0": "cciii", "a1": "ci", "a2": "ii", "a3": "cc", "b0": "ic", "b1": "i"}
    for i, (q, seq) in enumerate(outcomes.items()):
        bank = "alpha" if q.startswith("a") else "beta"
        for j, o in enumerate(seq):
            outcome = "correct" if o == "c" else "incorrect"
            store.record_attempt(
                None,
                P,
                bank,
                q,
                answer=None,
                outcome=outcome,
                score=float(o == "c"),
                now=NOW - timedelta(days=10 - i, minutes=-j),
            )
    catalog = catalog_without(("alpha", "a2"))
    weakest = store.stats_report(P, catalog, now=NOW, top=3).weakest
    # a2 (0 %) is gone from its bank; b1 was tried once; then 40 %, 50 %, 50 %.
    assert [(w.question_id, round(w.accuracy, 2)) for w in weakest] == [
        ("a0", 0.4),
        ("a1", 0.5),
        ("b0", 0.5),
    ]
    store.close()


def test_an_older_store_gets_its_aggregates_from_its_history(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store.open(path) as s:
        s.save_settings(P, Settings(enable_fuzzing=False, leech_threshold=2))
        play(s, 3)
    catalog = catalog_without(("alpha", "a0"))
    with Store.open(path) as s:
        expected = reference_banks(s, catalog, NOW)
        days = reference_days(s)
    # Make it a version 4 store, as written before the aggregates existed.
    conn = sqlite3.connect(path, isolation_level=None)
    for kind, name in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger', 'index')"
        " AND (name IN ('question_stats', 'bank_stats', 'day_stats', 'bank_last',"
        " 'cards_leech', 'question_stats_weak', 'bank_extras', 'bank_tags')"
        " OR type = 'trigger')"
    ).fetchall():
        if kind != "index" or name == "cards_leech":
            conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    with Store.open(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert shown_banks(s, catalog, NOW) == expected
        report = s.stats_report(P, catalog, now=NOW, heatmap_days=60)
        assert report.totals.reviews == sum(days.values())
        # And they keep up with new answers.
        s.record_attempt(None, P, "beta", "b5", answer=None, outcome="correct", score=1.0, now=NOW)
        assert shown_banks(s, catalog, NOW) == reference_banks(s, catalog, NOW)


def test_undoing_the_first_review_of_the_day_makes_the_next_one_count(store: Store) -> None:
    def answer(sid: int | None, outcome: str, when: datetime) -> None:
        store.record_attempt(
            sid,
            P,
            "alpha",
            "a0",
            answer=None,
            outcome=outcome,
            score=float(outcome == "correct"),
            now=when,
        )

    when = NOW - timedelta(days=60)
    for _ in range(6):  # graduate the card to Review
        answer(None, "correct", when)
        card = store.card(P, "alpha", "a0")
        assert card is not None
        when = card.card.due
        if card.card.state == State.Review and when < NOW - timedelta(hours=3):
            break
    morning = NOW - timedelta(hours=2)
    first = store.start_session(P, "quiz", [], now=morning)
    answer(first, "correct", morning)  # first review of the day: passed
    answer(None, "incorrect", morning + timedelta(minutes=5))  # still in Review: a lapse
    catalog = catalog_without()
    today = store.stats_report(P, catalog, now=NOW, heatmap_days=1).retention
    assert (today.all.passed, today.all.total) == (1, 1)
    store.undo_last_attempt(first)
    today = store.stats_report(P, catalog, now=NOW, heatmap_days=1).retention
    # The lapse is the first review of the day now.
    assert (today.all.passed, today.all.total) == (0, 1)
    store.close()


def test_an_appealed_answer_counts_as_right_in_home_and_stats(store: Store) -> None:
    sid = store.start_session(P, "quiz", [("alpha", "a0"), ("alpha", "a1")], now=NOW)
    wrong = store.record_attempt(
        sid, P, "alpha", "a0", answer="x", outcome="incorrect", score=0.0, now=NOW
    )
    store.record_attempt(sid, P, "alpha", "a1", answer="y", outcome="partial", score=0.5, now=NOW)
    catalog = catalog_without()
    before = shown_banks(store, catalog, NOW)["alpha"]
    assert (before["right_last"], before["accuracy"]) == (0, 0.0)
    store.override_attempt(wrong.attempt_id, now=NOW)  # "I was right"
    store.finish_session(sid, now=NOW)
    after = shown_banks(store, catalog, NOW)["alpha"]
    assert after == reference_banks(store, catalog, NOW)["alpha"]
    assert (after["right_last"], after["accuracy"], after["last_score"]) == (1, 0.5, 0.75)
    store.close()
