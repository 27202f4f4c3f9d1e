"""The store's schema and migrations, and how a database file is opened and checked.

The schema version lives in `PRAGMA user_version`; `MIGRATIONS[i]` moves a database from
version i to i + 1, each in its own transaction. A database from a newer `quiz` is
refused (StoreError), never modified.

- v1: profiles, sessions, cards (FSRS JSON + indexed due/state/stability/lapses),
  attempts, reviews (review log with the card before/after, for undo).
- v2: card `suspended`, `buried_until_ms`, `leech` (back-filled from lapses), session
  `abandoned`, review `interval_days` (back-filled from the stored card), and partial
  covering indexes for the due queue and counts.
- v3: profile `last_used_ms` (the app reopens on the profile last used), and the
  per-question attempts index covers outcome and score (mastery reads each question's
  last outcome from it).
- v4: attempt `overridden`, `graded_outcome`, `graded_score`: a typed answer the learner
  appealed counts as right and keeps the grade it was given.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from quiz.store.common import BUSY_TIMEOUT_MS, StoreError

_V1 = (
    """CREATE TABLE profiles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        settings TEXT NOT NULL DEFAULT '{}',
        created_ms INTEGER NOT NULL
    )""",
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        mode TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '{}',
        queue TEXT NOT NULL DEFAULT '[]',
        options TEXT NOT NULL DEFAULT '{}',
        started_ms INTEGER NOT NULL,
        finished_ms INTEGER
    )""",
    "CREATE INDEX sessions_profile ON sessions(profile_id, finished_ms)",
    """CREATE TABLE cards (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        state INTEGER NOT NULL,
        due_ms INTEGER NOT NULL,
        stability REAL,
        difficulty REAL,
        last_review_ms INTEGER,
        reps INTEGER NOT NULL DEFAULT 0,
        lapses INTEGER NOT NULL DEFAULT 0,
        data TEXT NOT NULL,
        UNIQUE (profile_id, bank_id, question_id)
    )""",
    "CREATE INDEX cards_due ON cards(profile_id, due_ms)",
    """CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        answer TEXT NOT NULL,
        outcome TEXT NOT NULL,
        score REAL NOT NULL,
        time_ms INTEGER,
        hinted INTEGER NOT NULL DEFAULT 0,
        answered_ms INTEGER NOT NULL
    )""",
    "CREATE INDEX attempts_session ON attempts(session_id)",
    """CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        card_id INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        attempt_id INTEGER REFERENCES attempts(id) ON DELETE CASCADE,
        rating INTEGER NOT NULL,
        state_before INTEGER,
        reviewed_ms INTEGER NOT NULL,
        duration_ms INTEGER,
        card_before TEXT,
        card_after TEXT NOT NULL
    )""",
    "CREATE INDEX reviews_card ON reviews(card_id)",
    "CREATE INDEX reviews_attempt ON reviews(attempt_id)",
)

_V2 = (
    "ALTER TABLE cards ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE cards ADD COLUMN buried_until_ms INTEGER",
    "ALTER TABLE cards ADD COLUMN leech INTEGER NOT NULL DEFAULT 0",
    "UPDATE cards SET leech = 1 WHERE lapses >= 8",
    "ALTER TABLE sessions ADD COLUMN abandoned INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE reviews ADD COLUMN interval_days REAL",
    # The interval the card had been scheduled for when it was reviewed.
    """UPDATE reviews SET interval_days =
        julianday(json_extract(card_before, '$.card.due'))
        - julianday(json_extract(card_before, '$.card.last_review'))
       WHERE card_before IS NOT NULL
         AND json_extract(card_before, '$.card.last_review') IS NOT NULL""",
    "DROP INDEX cards_due",
    # Partial, covering indexes: the due queue and the due counts never touch the table.
    """CREATE INDEX cards_queue
       ON cards(profile_id, state, due_ms, bank_id, question_id, lapses, leech, buried_until_ms)
       WHERE suspended = 0 AND reps > 0""",
    """CREATE INDEX cards_due_cover
       ON cards(profile_id, due_ms, bank_id, question_id, buried_until_ms)
       WHERE suspended = 0 AND reps > 0""",
    "CREATE INDEX reviews_profile_time ON reviews(profile_id, reviewed_ms)",
    "CREATE INDEX attempts_question ON attempts(profile_id, bank_id, question_id)",
)
_V3 = (
    "ALTER TABLE profiles ADD COLUMN last_used_ms INTEGER",
    "DROP INDEX attempts_question",
    """CREATE INDEX attempts_question
       ON attempts(profile_id, bank_id, question_id, outcome, score)""",
)

_V4 = (
    # The learner's appeal ("I was right"): the attempt then counts as right, and keeps
    # the grade the grader gave.
    "ALTER TABLE attempts ADD COLUMN overridden INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE attempts ADD COLUMN graded_outcome TEXT",
    "ALTER TABLE attempts ADD COLUMN graded_score REAL",
)


def _script(statements: Sequence[str]) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return run


#: MIGRATIONS[i] takes a database from schema version i to i + 1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _script(_V1),
    _script(_V2),
    _script(_V3),
    _script(_V4),
]
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version of the open database."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def refuse_newer(version: int) -> None:
    """StoreError if `version` is newer than this quiz knows."""
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the database uses schema version {version}, but this quiz only knows up to "
            f"{SCHEMA_VERSION}; update quiz or use another --db"
        )


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the database up to `target`, one transaction per version; returns the version.

    Safe against another process migrating at the same moment: the version is read again
    under the write lock before each step.
    """
    refuse_newer(user_version(conn))
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = user_version(conn)
            if version >= target:
                conn.execute("COMMIT")
                return version
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def connect_checked(path: Path) -> sqlite3.Connection:
    """Connect with the store's pragmas, check integrity and migrate; raises on damage."""
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        refuse_newer(user_version(conn))  # before anything could change the file
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        result = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if result != ["ok"]:
            raise sqlite3.DatabaseError(f"integrity check failed: {'; '.join(result[:3])}")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def set_aside(path: Path, now: datetime) -> Path:
    """Rename a damaged database (and its -wal/-shm files) out of the way."""
    stamp = now.astimezone().strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    path.replace(aside)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            # A stale WAL would be replayed into the fresh database: move it along.
            extra.replace(aside.with_name(aside.name + suffix))
    return aside
