"""The learner database: durability, migrations, damage handling, queues, undo and stats."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.models import BANK_ADAPTER, Bank
from quiz.scheduler import Rating, Settings, State
from quiz.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    AttemptResult,
    CatalogInfo,
    Store,
    StoreError,
    migrate,
)
from quiz.store.safety import NotOurFile

ROOT = Path(__file__).resolve().parent.parent
# Local noon, so "today" is the same local day whatever the machine's time zone.
NOW = datetime(2026, 3, 2, 12, 0).astimezone().astimezone(UTC)
P = "ann"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "quiz.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store.open(db_path)
    s.save_settings(P, Settings(enable_fuzzing=False))
    yield s
    s.close()


def answer(
    store: Store,
    sid: int | None,
    qid: str,
    outcome: str,
    when: datetime,
    bank: str = "b",
    profile: str = P,
    hinted: bool = False,
) -> AttemptResult:
    score = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}[outcome]
    return store.record_attempt(
        sid,
        profile,
        bank,
        qid,
        answer=[qid],
        outcome=outcome,
        score=score,
        time_ms=1500,
        hinted=hinted,
        now=when,
    )


def graduate(store: Store, qid: str, start: datetime) -> datetime:
    """Answer correctly until the card is in Review; returns the time of its due date."""
    when = start
    for _ in range(5):
        result = answer(store, None, qid, "correct", when)
        assert result.due is not None
        when = result.due
        if result.state == State.Review:
            return when
    raise AssertionError("card never graduated")


def run_child(code: str, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# --------------------------------------------------------------------------- opening


def test_fresh_database_has_latest_schema_and_safe_pragmas(db_path: Path) -> None:
    with Store.open(db_path) as s:
        assert s.notice is None
        assert s.schema_version() == SCHEMA_VERSION == len(MIGRATIONS) >= 2
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert db_path.exists()


def test_quiz_db_environment_variable_chooses_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZ_DB", str(tmp_path / "env.db"))
    with Store.open() as s:
        assert s.path == tmp_path / "env.db"
    assert (tmp_path / "env.db").exists()


def _fill_v1(conn: sqlite3.Connection) -> None:
    """Data as version 1 of `quiz` wrote it: a lapsed leech card with a review log."""
    card_before = {
        "card": {
            "card_id": 1,
            "state": 2,
            "step": None,
            "stability": 30.0,
            "difficulty": 5.0,
            "due": "2026-02-25T12:00:00+00:00",
            "last_review": "2026-01-26T12:00:00+00:00",
        },
        "reps": 12,
        "lapses": 8,
    }
    card_after = {
        "card_id": 1,
        "state": 3,
        "step": 0,
        "stability": 3.0,
        "difficulty": 7.0,
        "due": "2026-02-26T12:10:00+00:00",
        "last_review": "2026-02-26T12:00:00+00:00",
    }
    due_ms = int(datetime(2026, 2, 26, 12, 10, tzinfo=UTC).timestamp() * 1000)
    conn.executescript(
        f"""
        INSERT INTO profiles (id, name, settings, created_ms) VALUES (1, 'ann', '{{}}', 0);
        INSERT INTO sessions (id, profile_id, mode, scope, queue, options, started_ms)
            VALUES (1, 1, 'study', '{{"banks": ["b"]}}', '[["b", "q1"], ["b", "q2"]]', '{{}}', 5);
        INSERT INTO cards (id, profile_id, bank_id, question_id, state, due_ms, stability,
                           difficulty, last_review_ms, reps, lapses, data)
            VALUES (1, 1, 'b', 'q1', 3, {due_ms}, 3.0, 7.0, {due_ms - 600000}, 13, 9,
                    '{json.dumps(card_after)}');
        INSERT INTO attempts (id, session_id, profile_id, bank_id, question_id, answer,
                              outcome, score, time_ms, hinted, answered_ms)
            VALUES (1, 1, 1, 'b', 'q1', '"x"', 'incorrect', 0, 900, 0, {due_ms - 600000});
        INSERT INTO reviews (profile_id, card_id, attempt_id, rating, state_before,
                             reviewed_ms, duration_ms, card_before, card_after)
            VALUES (1, 1, 1, 1, 2, {due_ms - 600000}, 900, '{json.dumps(card_before)}',
                    '{json.dumps(card_after)}');
        """
    )


@pytest.mark.parametrize("old_version", range(1, SCHEMA_VERSION))
def test_migration_from_every_older_version_keeps_data(db_path: Path, old_version: int) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(conn, target=1)
    _fill_v1(conn)
    assert migrate(conn, target=old_version) == old_version
    conn.close()

    with Store.open(db_path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.notice is None
        state = s.unfinished_session(P)
        assert state is not None
        assert state.scope == {"banks": ["b"]}
        assert [a.answer for a in state.answered] == ["x"]
        assert state.remaining == [("b", "q2")]
        info = s.card(P, "b", "q1")
        assert info is not None
        assert (info.lapses, info.reps, info.leech, info.suspended) == (9, 13, True, False)
        assert info.card.state == State.Relearning
        # v2 back-fills the scheduled interval of old reviews (30 days: a mature review).
        interval = s.conn.execute("SELECT interval_days FROM reviews").fetchone()[0]
        assert interval == pytest.approx(30.0)
        due = s.due_cards(P, NOW)
        assert [(d.key, d.leech) for d in due] == [(("b", "q1"), True)]
        # Undo works on migrated rows: the card goes back to its stored "before" state.
        assert s.undo_last_attempt(1) is not None
        back = s.card(P, "b", "q1")
        assert back is not None and back.card.state == State.Review and back.lapses == 8


def test_database_from_a_newer_quiz_is_refused_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    MIGRATIONS[0](conn)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="schema version"):
        Store.open(db_path)
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.corrupt-*"))


def _beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


@pytest.mark.parametrize(
    "content",
    [os.urandom(8192), b"# My notes\n\nnot a database at all\n", b"SQLite format 2\x00" * 64],
    ids=["random bytes", "a text file", "almost the header"],
)
def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(
    tmp_path: Path, content: bytes
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(content)
    with pytest.raises(NotOurFile, match=r"not a quiz database .*left untouched"):
        Store.open(notes)
    assert notes.read_bytes() == content
    assert _beside(notes) == ["notes.txt"]


def test_another_applications_database_is_refused_not_migrated(tmp_path: Path) -> None:
    other = tmp_path / "places.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(NotOurFile, match="another application"):
        Store.open(other)
    assert other.read_bytes() == before
    assert _beside(other) == ["places.sqlite"]


def test_another_applications_wal_database_gets_no_files_beside_it(tmp_path: Path) -> None:
    other = tmp_path / "app.db"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(NotOurFile, match="another application"):
        Store.open(other)
    # Opening a WAL file, even read-only, would leave app.db-wal and app.db-shm behind.
    assert other.read_bytes() == before
    assert _beside(other) == ["app.db"]


def test_an_empty_sqlite_file_becomes_a_store(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with Store.open(empty) as s:
        assert s.schema_version() == SCHEMA_VERSION


def _damage(db_path: Path) -> None:
    """Damage data pages (the answers' tables), as a failing disk might, after a crash.

    The schema's pages are left whole (a damaged schema is not recognisable as ours and
    is left untouched). The open checks the whole file only after an unclean shutdown,
    so the process that had it open is made to look killed.
    """
    conn = sqlite3.connect(db_path)
    pages = [
        int(n)
        for (n,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name IN ('attempts', 'reviews', 'cards')"
            " AND pagetype = 'leaf' ORDER BY pageno"
        )
    ]
    conn.close()
    data = bytearray(db_path.read_bytes())
    page = 4096
    assert len(pages) >= 4
    for number in pages[::2]:
        offset = (number - 1) * page
        data[offset : offset + 64] = os.urandom(64)
    db_path.write_bytes(bytes(data))
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    marker = db_path.with_name(db_path.name + ".open")
    marker.mkdir(exist_ok=True)
    (marker / f"{gone.stdout.strip()}-killed").touch()


def _fill(db_path: Path, n: int = 300, moment: datetime = NOW) -> None:
    with Store.open(db_path, now=moment) as s:
        for i in range(n):
            answer(s, None, f"q{i}", "correct", NOW)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_damaged_pages_are_set_aside_only_after_a_backup_exists(db_path: Path) -> None:
    _fill(db_path)
    # No backup yet (the store was new): the damaged file is copied first.
    assert not (db_path.parent / "backups").exists()
    _damage(db_path)
    damaged = db_path.read_bytes()
    moment = datetime(2026, 11, 25, 20, 15, 0).astimezone()
    with Store.open(db_path, now=moment) as s:
        assert s.notice is not None
        assert s.card(P, "b", "q1") is None
    aside = db_path.parent / "quiz.db.corrupt-20261125T201500"
    copy = db_path.parent / "backups" / "quiz-20261125T201500-damaged.db"
    assert aside.read_bytes() == damaged and copy.read_bytes() == damaged
    assert "failed its integrity check" in s.notice
    assert str(aside) in s.notice and str(copy) in s.notice


def test_damage_with_an_earlier_backup_names_it_and_how_to_restore(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(db_path, 300)
    day1 = datetime(2026, 11, 24, 9, 0).astimezone()
    with Store.open(db_path, now=day1) as s:  # the day's first open backs it up
        pass
    backups = sorted((db_path.parent / "backups").iterdir())
    assert [b.name for b in backups] == ["quiz-20261124T090000.db"]
    _damage(db_path)
    with Store.open(db_path, now=day1 + timedelta(days=1)) as s:
        assert s.notice is not None
        assert f"quiz restore {backups[0]} --db {db_path}" in s.notice
    # The restore the message names brings every answer back.
    assert main(["restore", str(backups[0]), "--db", str(db_path)]) == 0
    with Store.open(db_path) as s:
        assert s.conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 300


def test_a_folder_in_the_way_is_an_error_not_damage(tmp_path: Path) -> None:
    (tmp_path / "quiz.db").mkdir()
    with pytest.raises(StoreError, match="cannot open"):
        Store.open(tmp_path / "quiz.db")
    assert (tmp_path / "quiz.db").is_dir()


# --------------------------------------------------------------------------- durability

WRITER = """
    import sys, time
    from pathlib import Path
    from quiz.store import Store
    db, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    go = Path(db).with_name("go")
    while not go.exists():
        time.sleep(0.005)
    s = Store.open(db)
    sid = s.start_session("shared", "study", [("b", f"q{i}") for i in range(n)])
    for i in range(n):
        s.record_attempt(sid, "shared", "b", f"q{i % 20}", answer=[name, i],
                         outcome="correct" if i % 3 else "incorrect", score=1.0)
    s.finish_session(sid)
    print("done", flush=True)
"""


def test_two_processes_writing_at_once_lose_nothing(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    n = 150
    children = [run_child(WRITER, str(db_path), name, str(n)) for name in ("a", "b")]
    (db_path.parent / "go").touch()
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert out.strip() == "done"
        assert "locked" not in err
    with Store.open(db_path) as s:
        rows = s.conn.execute("SELECT answer FROM attempts").fetchall()
        assert sorted(json.loads(r[0])[0] for r in rows) == ["a"] * n + ["b"] * n
        assert s.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2 * n
        assert s.profiles() == ["shared"]
        reps = s.conn.execute("SELECT sum(reps) FROM cards").fetchone()[0]
        assert reps == 2 * n
        assert s.unfinished_session("shared") is None


KILLED = """
    import sys, time
    from quiz.store import Store
    db, n = sys.argv[1], int(sys.argv[2])
    s = Store.open(db)
    sid = s.start_session("kid", "study", [("b", f"q{i}") for i in range(n + 2)])
    for i in range(n):
        s.record_attempt(sid, "kid", "b", f"q{i}", answer=i, outcome="correct", score=1.0)
    print(sid, flush=True)
    time.sleep(120)
"""


def test_kill_9_mid_session_keeps_every_answer_and_offers_resume(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    n = 7
    child = run_child(KILLED, str(db_path), str(n))
    assert child.stdout is not None
    sid = int(child.stdout.readline())
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with Store.open(db_path) as s:
        assert s.notice is None
        state = s.unfinished_session("kid")
        assert state is not None and state.id == sid
        assert [a.answer for a in state.answered] == list(range(n))
        assert state.remaining == [("b", f"q{n}"), ("b", f"q{n + 1}")]
        assert s.conn.execute("SELECT count(*) FROM cards WHERE reps = 1").fetchone()[0] == n


def test_bad_answer_writes_nothing(store: Store) -> None:
    sid = store.start_session(P, "study", [("b", "q1")])
    with pytest.raises(StoreError, match="not JSON"):
        store.record_attempt(sid, P, "b", "q1", answer={1, 2}, outcome="correct", score=1)
    with pytest.raises(ValueError, match="unknown outcome"):
        store.record_attempt(sid, P, "b", "q1", answer=1, outcome="good", score=1)
    assert store.session(sid).answered == []
    assert store.card(P, "b", "q1") is None


# --------------------------------------------------------------------------- sessions


def test_finished_and_abandoned_sessions_are_not_offered_for_resume(store: Store) -> None:
    first = store.start_session(P, "study", [("b", "q1")], options={"time_limit_s": 300})
    second = store.start_session(P, "exam", [("b", "q2")], scope={"tags": ["x"]})
    state = store.unfinished_session(P)
    assert state is not None and state.id == second and state.mode == "exam"
    store.finish_session(second, abandoned=True)
    state = store.unfinished_session(P)
    assert state is not None and state.id == first and state.options == {"time_limit_s": 300}
    store.finish_session(first)
    assert store.unfinished_session(P) is None
    assert store.unfinished_session("bob") is None


def test_requeued_question_must_be_answered_again(store: Store) -> None:
    sid = store.start_session(P, "study", [("b", "q1"), ("b", "q2")])
    answer(store, sid, "q1", "incorrect", NOW)
    store.update_queue(sid, [("b", "q1"), ("b", "q2"), ("b", "q1")])
    assert store.session(sid).remaining == [("b", "q2"), ("b", "q1")]


# --------------------------------------------------------------------------- undo


def test_undo_restores_the_card_and_forgets_the_answer(store: Store) -> None:
    sid = store.start_session(P, "study", [("b", "q1")])
    due = graduate(store, "q1", NOW)
    before = store.card(P, "b", "q1")
    assert before is not None
    result = answer(store, sid, "q1", "incorrect", due)
    assert result.lapsed and result.state == State.Relearning
    undone = store.undo_last_attempt(sid)
    assert undone is not None and undone.question_id == "q1" and undone.outcome == "incorrect"
    after = store.card(P, "b", "q1")
    assert after == before
    assert store.session(sid).answered == []
    assert store.session(sid).remaining == [("b", "q1")]
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == before.reps
    assert store.undo_last_attempt(sid) is None


def test_undoing_a_first_answer_makes_the_question_new_again(store: Store) -> None:
    sid = store.start_session(P, "study", [("b", "q1"), ("b", "q2")])
    answer(store, sid, "q1", "correct", NOW)
    answer(store, sid, "q2", "incorrect", NOW + timedelta(seconds=20))
    assert store.undo_last_attempt(sid) is not None
    assert store.card(P, "b", "q2") is None
    assert store.card(P, "b", "q1") is not None
    assert store.new_questions(P, [("b", "q1"), ("b", "q2")]) == [("b", "q2")]


# --------------------------------------------------------------------------- queues


def test_missed_item_comes_back_the_same_day(store: Store) -> None:
    answer(store, None, "q1", "incorrect", NOW)
    assert store.due_cards(P, NOW) == []
    assert [d.question_id for d in store.due_cards(P, NOW, learn_ahead=timedelta(minutes=5))] == [
        "q1"
    ]
    soon = store.due_cards(P, NOW + timedelta(minutes=2))
    assert [(d.question_id, d.state) for d in soon] == [("q1", State.Learning)]
    assert soon[0].due.date() == NOW.date()


def test_due_queue_puts_missed_cards_first_then_oldest_due(store: Store) -> None:
    old_due = graduate(store, "old", NOW - timedelta(days=30))
    recent_due = graduate(store, "recent", NOW - timedelta(days=20))
    missed_due = graduate(store, "missed", NOW - timedelta(days=25))
    answer(store, None, "missed", "incorrect", missed_due)
    # The missed card is due between the other two, yet comes first.
    assert old_due < missed_due < recent_due < NOW
    due = store.due_cards(P, NOW)
    assert [(d.question_id, d.state) for d in due] == [
        ("missed", State.Relearning),
        ("old", State.Review),
        ("recent", State.Review),
    ]
    assert [d.question_id for d in store.due_cards(P, NOW, limit=2)] == ["missed", "old"]
    assert store.due_cards(P, NOW, limit=0) == []


def test_suspend_and_bury_leave_the_due_queue(store: Store) -> None:
    for q in ("q1", "q2", "q3"):
        answer(store, None, q, "incorrect", NOW)
    later = NOW + timedelta(minutes=15)
    store.suspend(P, "b", "q1")
    store.bury(P, "b", "q2", now=later)
    assert [d.question_id for d in store.due_cards(P, later)] == ["q3"]
    assert store.due_counts(P, later) == {"b": 1}
    tomorrow = NOW + timedelta(days=1)
    assert [d.question_id for d in store.due_cards(P, tomorrow)] == ["q2", "q3"]
    store.suspend(P, "b", "q1", suspended=False)
    assert [d.question_id for d in store.due_cards(P, tomorrow)] == ["q1", "q2", "q3"]


def test_suspending_a_new_question_keeps_it_out_of_new_questions(store: Store) -> None:
    store.suspend(P, "b", "n1")
    store.bury(P, "b", "n2", now=datetime.now(UTC))
    candidates = [("b", "n1"), ("b", "n2"), ("b", "n3"), ("b", "n3")]
    assert store.new_questions(P, candidates) == [("b", "n3")]
    assert store.due_cards(P, NOW + timedelta(days=30)) == []


def test_leech_is_flagged_at_the_default_threshold(store: Store) -> None:
    when = graduate(store, "hard", NOW)
    for lapse in range(1, 9):
        result = answer(store, None, "hard", "incorrect", when)
        assert result.lapsed and result.lapses == lapse
        assert result.became_leech == (lapse == 8)
        assert result.due is not None
        when = graduate(store, "hard", result.due)
    info = store.card(P, "b", "hard")
    assert info is not None and info.leech and not info.suspended
    report = store.stats_report(P, CatalogInfo(tags={("b", "hard"): ()}), now=when).to_json()
    assert report["leeches"] == [
        {"bank_id": "b", "question_id": "hard", "lapses": 8, "suspended": False}
    ]


def test_leech_action_suspend_takes_the_card_out_of_the_queue(store: Store) -> None:
    store.save_settings(
        P, Settings(leech_threshold=2, leech_action="suspend", enable_fuzzing=False)
    )
    when = graduate(store, "hard", NOW)
    first = answer(store, None, "hard", "incorrect", when)
    assert not first.suspended
    assert first.due is not None
    when = graduate(store, "hard", first.due)
    second = answer(store, None, "hard", "incorrect", when)
    assert second.became_leech and second.suspended
    assert store.due_cards(P, when + timedelta(days=1)) == []


def test_removed_questions_leave_queues_but_keep_history(store: Store) -> None:
    sid = store.start_session(P, "study", [("b", "gone"), ("b", "kept")])
    answer(store, sid, "gone", "incorrect", NOW)
    answer(store, sid, "kept", "incorrect", NOW)
    store.finish_session(sid)
    later = NOW + timedelta(minutes=20)
    existing = {("b", "kept")}
    assert [d.question_id for d in store.due_cards(P, later, existing)] == ["kept"]
    assert store.due_counts(P, later, existing) == {"b": 1}
    assert store.due_counts(P, later) == {"b": 2}
    catalog = CatalogInfo(tags={("b", "kept"): ("t",)})
    report = store.stats_report(P, catalog, now=later).to_json()
    assert report["totals"]["attempts"] == 2  # history of the removed question stays
    assert report["banks"][0]["questions"] == 1
    assert report["banks"][0]["attempts"] == 2
    assert report["totals"]["due_now"] == 1
    assert len(store.session(sid).answered) == 2


def test_due_counts_per_bank_and_per_profile(store: Store) -> None:
    for bank, q in (("b1", "x"), ("b1", "y"), ("b2", "x")):
        answer(store, None, q, "incorrect", NOW, bank=bank)
    answer(store, None, "z", "incorrect", NOW, bank="b2", profile="bob")
    later = NOW + timedelta(hours=1)
    assert store.due_counts(P, later) == {"b1": 2, "b2": 1}
    assert store.due_counts("bob", later) == {"b2": 1}
    assert store.due_counts(P, NOW - timedelta(hours=1)) == {}
    assert store.profiles() == [P, "bob"]


def test_daily_limits_count_new_cards_and_reviews(store: Store) -> None:
    store.save_settings(P, Settings(new_per_day=3, reviews_per_day=10, enable_fuzzing=False))
    when = graduate(store, "r", NOW - timedelta(days=10))
    assert when < NOW
    answer(store, None, "r", "correct", NOW)
    answer(store, None, "n1", "correct", NOW)
    answer(store, None, "n2", "incorrect", NOW)
    limits = store.daily_limits(P, NOW + timedelta(minutes=1))
    assert (limits.new_done, limits.new_left) == (2, 1)
    assert (limits.reviews_done, limits.reviews_left) == (1, 9)


def test_settings_persist_per_profile(db_path: Path) -> None:
    with Store.open(db_path) as s:
        s.save_settings("ann", Settings(desired_retention=0.85, leech_action="suspend"))
        assert s.settings("bob") == Settings()
    with Store.open(db_path) as s:
        assert s.settings("ann").desired_retention == 0.85
        assert s.settings("ann").leech_action == "suspend"


# --------------------------------------------------------------------------- stats


def _bank(bank_id: str, questions: list[tuple[str, list[str]]]) -> Bank:
    return BANK_ADAPTER.validate_python(
        {
            "schema": 1,
            "id": bank_id,
            "title": bank_id.upper(),
            "tags": ["all"],
            "questions": [
                {
                    "id": q,
                    "type": "true_false",
                    "prompt": "p?",
                    "explanation": "e",
                    "answer": True,
                    "tags": tags,
                }
                for q, tags in questions
            ],
        }
    )


def test_stats_report(store: Store) -> None:
    catalog = CatalogInfo.from_banks(
        [_bank("b", [("q1", ["x"]), ("q2", ["x", "y"]), ("q3", [])]), _bank("c", [("c1", [])])]
    )
    assert catalog.tags[("b", "q2")] == ("all", "x", "y")
    # Three consecutive days of study ending yesterday, a gap before.
    days = [NOW - timedelta(days=d) for d in (5, 3, 2, 1)]
    for when in days:
        sid = store.start_session(P, "study", [("b", "q1"), ("b", "q2")], now=when)
        answer(store, sid, "q1", "correct", when)
        answer(store, sid, "q2", "incorrect", when + timedelta(seconds=5))
        store.finish_session(sid, now=when + timedelta(minutes=1))
    report = store.stats_report(P, catalog, now=NOW, heatmap_days=7).to_json()
    json.dumps(report)  # JSON-serialisable
    assert report["streak"] == {"current": 3, "longest": 3, "reviewed_today": 0}
    heat = {d["date"]: d["reviews"] for d in report["heatmap"]}
    assert len(heat) == 7
    assert heat[(NOW - timedelta(days=1)).astimezone().date().isoformat()] == 2
    assert heat[(NOW - timedelta(days=4)).astimezone().date().isoformat()] == 0
    banks = {b["bank_id"]: b for b in report["banks"]}
    assert banks["b"]["attempts"] == 8 and banks["b"]["accuracy"] == 0.5
    assert banks["b"]["last_score"] == 0.5 and banks["b"]["title"] == "B"
    assert banks["c"]["attempts"] == 0 and banks["c"]["accuracy"] is None
    tags = {t["tag"]: t for t in report["tags"]}
    assert tags["x"]["attempts"] == 8 and tags["x"]["accuracy"] == 0.5
    assert tags["y"]["accuracy"] == 0.0
    assert tags["all"]["questions"] == 4
    assert [w["question_id"] for w in report["weakest"]] == ["q2", "q1"]
    assert report["weakest"][0]["accuracy"] == 0.0
    assert len(report["forecast"]) == 30
    assert sum(f["due"] for f in report["forecast"]) == 2
    assert report["forecast"][0]["date"] == NOW.astimezone().date().isoformat()


def test_true_retention_counts_first_review_of_the_day_of_review_cards(store: Store) -> None:
    catalog = CatalogInfo(tags={("b", "q1"): (), ("b", "q2"): ()})
    d1 = graduate(store, "q1", NOW - timedelta(days=20))
    d2 = graduate(store, "q2", NOW - timedelta(days=20))
    first = answer(store, None, "q1", "incorrect", d1)  # review card: fail
    assert first.due is not None
    answer(store, None, "q1", "correct", first.due)  # relearning, same day: not counted
    answer(store, None, "q2", "correct", d2)  # review card: pass
    report = store.stats_report(P, catalog, now=max(d1, d2) + timedelta(hours=1)).to_json()
    retention = report["retention"]
    assert retention["all"] == {"passed": 1, "total": 2, "rate": 0.5}
    assert retention["mature"]["total"] == 0  # intervals so far are short


def test_stable_needs_long_stability_and_mastery_does_not(store: Store) -> None:
    catalog = CatalogInfo(tags={("b", "q1"): (), ("b", "q2"): (), ("b", "q3"): ()})
    when = NOW - timedelta(days=300)
    for _ in range(8):
        result = answer(store, None, "q1", "correct", when)
        assert result.due is not None
        when = result.due
    answer(store, None, "q2", "correct", NOW - timedelta(days=1))
    answer(store, None, "q3", "correct", NOW - timedelta(days=1))
    answer(store, None, "q3", "incorrect", NOW - timedelta(hours=1))
    summary = store.bank_summaries(P, catalog, now=when)["b"]
    # Mastery: right at the last try (q1, q2; q3 was missed last); stable: q1 only.
    assert summary.mastery == 2 / 3 and summary.right_last == 2
    assert summary.stable == 1 / 3
    assert summary.seen == 3
    info = store.card(P, "b", "q1")
    assert info is not None and (info.card.stability or 0) >= 21


def test_hinted_correct_answer_is_scheduled_as_hard(store: Store) -> None:
    result = answer(store, None, "q1", "correct", NOW, hinted=True)
    assert result.rating == Rating.Hard
    flash = store.record_attempt(
        None, P, "b", "f1", answer=4, outcome="correct", score=1.0, self_rating=4, now=NOW
    )
    assert flash.rating == Rating.Easy


def test_last_score_is_the_last_quiz_not_a_review_or_retry(store: Store) -> None:
    catalog = CatalogInfo.from_banks([_bank("b", [("q1", []), ("q2", []), ("q3", []), ("q4", [])])])
    when = NOW - timedelta(hours=3)
    quiz = store.start_session(P, "quiz", [("b", q) for q in ("q1", "q2", "q3", "q4")], now=when)
    for q, outcome in [
        ("q1", "correct"),
        ("q2", "incorrect"),
        ("q3", "correct"),
        ("q4", "correct"),
    ]:
        answer(store, quiz, q, outcome, when)
    store.finish_session(quiz, now=when)
    assert store.bank_summaries(P, catalog, now=NOW)["b"].last_score == 0.75
    # A later review of two cards, both right, and a retry of the missed one.
    for mode, scope, qs in [
        ("review", {"title": "Review", "retry": False}, ["q1", "q2"]),
        ("retry", {"title": "Retry", "retry": True}, ["q2"]),
        ("flashcards", {"title": "Retry: B", "retry": True}, ["q2"]),
    ]:
        when += timedelta(minutes=10)
        sid = store.start_session(P, mode, [("b", q) for q in qs], scope=scope, now=when)
        for q in qs:
            answer(store, sid, q, "correct", when)
        store.finish_session(sid, now=when)
        assert store.bank_summaries(P, catalog, now=NOW)["b"].last_score == 0.75, mode
    report = store.stats_report(P, catalog, now=NOW).to_json()
    assert report["banks"][0]["last_score"] == 0.75
    # A new quiz (here flashcards: a rating per card) is the new last score.
    when += timedelta(minutes=10)
    cards = store.start_session(P, "flashcards", [("b", "q1"), ("b", "q2")], now=when)
    answer(store, cards, "q1", "correct", when)
    answer(store, cards, "q2", "incorrect", when)
    store.finish_session(cards, now=when)
    assert store.bank_summaries(P, catalog, now=NOW)["b"].last_score == 0.5


def test_new_cards_past_the_daily_limit_are_scored_but_not_scheduled(tmp_path: Path) -> None:
    from dataclasses import replace as _replace

    with Store.open(tmp_path / "limit.db") as store:
        store.save_settings("p", _replace(store.settings("p"), new_per_day=2))
        results = [
            store.record_attempt(None, "p", "b", f"q{i}", answer=1, outcome="correct", score=1.0)
            for i in range(3)
        ]
        assert [r.new_held for r in results] == [False, False, True]
        assert store.card("p", "b", "q2") is None  # scored, no card yet
        # A miss past the limit still becomes a review card.
        missed = store.record_attempt(
            None, "p", "b", "q9", answer=1, outcome="incorrect", score=0.0
        )
        assert not missed.new_held and store.card("p", "b", "q9") is not None
        assert store.card("p", "b", "q0") is not None
        # A card already started is reviewed again whatever the limit.
        again = store.record_attempt(None, "p", "b", "q0", answer=1, outcome="correct", score=1)
        assert not again.new_held and again.rating is not None
        assert store.daily_limits("p").new_left == 0
