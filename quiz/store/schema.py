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
- v5: aggregates kept by triggers in the same transaction as every write (so undo, a
  deleted profile or a hand edit keep them right) and rebuilt from the history by the
  migration: `question_stats` (attempts, right, score and last outcome per question),
  `bank_stats` (per bank: the same summed, plus seen, stable and leech cards and a
  counter bumped whenever a question is first or last known), `day_stats` (reviews per
  local day) and `bank_last` (each bank's last finished scored session). Home and Stats
  read these few hundred rows instead of the whole history. A partial index lists leeches.
- v6: `bank_extras`, a cache: per bank, the questions the store knows that the catalog
  (the bank files) no longer holds, with the `ids_version` and the digest of the
  catalog's question ids it was found for. Finding them reads every stored question id,
  so a new process reuses the answer while neither side changed. `bank_tags`, the same
  for Stats' attempts and right answers per tag of a bank's questions, kept for the
  bank's `changes` counter and the digest of its questions' tags. A trigger drops a
  bank's entries with its `bank_stats` row (a rebuild, a deleted profile).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from quiz.store.common import BUSY_TIMEOUT_MS, UNSCORED_MODES, StoreError

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


def _day(row: str) -> str:
    return f"date({row}.reviewed_ms / 1000, 'unixepoch', 'localtime')"


def _same_day(row: str, order: str) -> str:
    """Reviews of `row`'s card in the Review state, on its local day, before/after it."""
    return (
        f"SELECT 1 FROM reviews e WHERE e.card_id = {row}.card_id AND e.id {order} {row}.id"
        f" AND e.state_before = 2 AND {_day('e')} = {_day(row)}"
    )


#: The review that becomes the first of its day when OLD (the first) is deleted.
_NEXT = (
    "(SELECT e.rating AS rating, e.interval_days AS interval_days FROM reviews e"
    " WHERE e.card_id = OLD.card_id AND e.id > OLD.id AND e.state_before = 2"
    f" AND {_day('e')} = {_day('OLD')} ORDER BY e.id LIMIT 1)"
)


def _retention(row: str, sign: str) -> str:
    """SET clause adding (+) or taking away (-) `row`'s part of the day's true retention."""
    if row.startswith("("):
        rating = f"(SELECT rating FROM {row})"
        mature = f"(SELECT coalesce(interval_days, 0) >= 21 FROM {row})"
    else:
        rating = f"{row}.rating"
        mature = f"(coalesce({row}.interval_days, 0) >= 21)"
    return (
        f"young_total = young_total {sign} (NOT {mature}),"
        f" young_passed = young_passed {sign} (NOT {mature} AND {rating} != 1),"
        f" mature_total = mature_total {sign} ({mature}),"
        f" mature_passed = mature_passed {sign} ({mature} AND {rating} != 1)"
    )


_UNSCORED = ", ".join(f"'{m}'" for m in UNSCORED_MODES)

#: Derive every aggregate from the history (the v5 migration, and `Store.rebuild_aggregates`).
_REBUILD = (
    "DELETE FROM question_stats",
    "DELETE FROM bank_stats",
    "DELETE FROM day_stats",
    "DELETE FROM bank_last",
    """INSERT INTO question_stats
        (profile_id, bank_id, question_id, attempts, correct, score, last_id, last_correct)
       SELECT profile_id, bank_id, question_id, count(*), sum(outcome = 'correct'),
              sum(score), max(id), 0
         FROM attempts GROUP BY profile_id, bank_id, question_id""",
    """UPDATE question_stats SET last_correct = 1 WHERE last_id IN
       (SELECT id FROM attempts WHERE outcome = 'correct')""",
    # Those inserts and this update went through the question_stats triggers, which
    # summed them into bank_stats; the cards part follows.
    """INSERT INTO bank_stats (profile_id, bank_id, seen, stable, leeches)
       SELECT profile_id, bank_id, sum(reps > 0),
              sum(state = 2 AND coalesce(stability, 0) >= 21), sum(leech != 0)
         FROM cards WHERE true GROUP BY profile_id, bank_id
       ON CONFLICT DO UPDATE SET seen = excluded.seen, stable = excluded.stable,
          leeches = excluded.leeches""",
    f"""INSERT INTO day_stats (profile_id, day, reviews)
       SELECT profile_id, {_day("reviews")} AS d, count(*) FROM reviews
        GROUP BY profile_id, d""",
    f"""UPDATE day_stats SET young_total = f.yt, young_passed = f.yp,
              mature_total = f.mt, mature_passed = f.mp
       FROM (SELECT profile_id, {_day("reviews")} AS d,
                    sum(coalesce(interval_days, 0) < 21) AS yt,
                    sum(coalesce(interval_days, 0) < 21 AND rating != 1) AS yp,
                    sum(coalesce(interval_days, 0) >= 21) AS mt,
                    sum(coalesce(interval_days, 0) >= 21 AND rating != 1) AS mp
               FROM reviews WHERE id IN (SELECT min(id) FROM reviews WHERE state_before = 2
                                         GROUP BY card_id, {_day("reviews")})
              GROUP BY profile_id, d) AS f
       WHERE day_stats.profile_id = f.profile_id AND day_stats.day = f.d""",
    f"""INSERT INTO bank_last (profile_id, bank_id, session_id, score)
       SELECT s.profile_id, a.bank_id, s.id, avg(a.score) FROM attempts a
         JOIN sessions s ON s.id = a.session_id
        WHERE s.finished_ms IS NOT NULL AND s.abandoned = 0 AND s.mode NOT IN ({_UNSCORED})
          AND coalesce(json_extract(s.scope, '$.retry'), 0) = 0
        GROUP BY s.profile_id, a.bank_id, s.id
       ON CONFLICT DO UPDATE SET session_id = excluded.session_id, score = excluded.score
        WHERE excluded.session_id >= bank_last.session_id""",
)

_V5 = (
    """CREATE TABLE question_stats (
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        correct INTEGER NOT NULL DEFAULT 0,
        score REAL NOT NULL DEFAULT 0,
        last_id INTEGER NOT NULL DEFAULT 0,
        last_correct INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (profile_id, bank_id, question_id)
    ) WITHOUT ROWID""",
    # The weakest questions come first in this index: Stats reads a handful of rows.
    """CREATE INDEX question_stats_weak
       ON question_stats(profile_id, CAST(correct AS REAL) / attempts) WHERE attempts >= 2""",
    """CREATE TABLE bank_stats (
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        bank_id TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        correct INTEGER NOT NULL DEFAULT 0,
        right_last INTEGER NOT NULL DEFAULT 0,
        seen INTEGER NOT NULL DEFAULT 0,
        stable INTEGER NOT NULL DEFAULT 0,
        leeches INTEGER NOT NULL DEFAULT 0,
        ids_version INTEGER NOT NULL DEFAULT 0,
        changes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (profile_id, bank_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE day_stats (
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        reviews INTEGER NOT NULL DEFAULT 0,
        -- True retention: the first review of the day of each card in the Review state.
        young_total INTEGER NOT NULL DEFAULT 0,
        young_passed INTEGER NOT NULL DEFAULT 0,
        mature_total INTEGER NOT NULL DEFAULT 0,
        mature_passed INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (profile_id, day)
    ) WITHOUT ROWID""",
    """CREATE TABLE bank_last (
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        bank_id TEXT NOT NULL,
        session_id INTEGER NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (profile_id, bank_id)
    ) WITHOUT ROWID""",
    """CREATE INDEX cards_leech ON cards(profile_id, bank_id, question_id, lapses, suspended)
       WHERE leech = 1""",
    # -- attempts -> question_stats
    """CREATE TRIGGER attempts_stats_insert AFTER INSERT ON attempts BEGIN
        INSERT INTO question_stats (profile_id, bank_id, question_id)
            VALUES (NEW.profile_id, NEW.bank_id, NEW.question_id) ON CONFLICT DO NOTHING;
        UPDATE question_stats SET attempts = attempts + 1,
            correct = correct + (NEW.outcome = 'correct'), score = score + NEW.score,
            last_correct = CASE WHEN NEW.id > last_id THEN NEW.outcome = 'correct'
                ELSE last_correct END,
            last_id = max(last_id, NEW.id)
         WHERE profile_id = NEW.profile_id AND bank_id = NEW.bank_id
           AND question_id = NEW.question_id;
    END""",
    """CREATE TRIGGER attempts_stats_delete AFTER DELETE ON attempts BEGIN
        UPDATE question_stats SET attempts = attempts - 1,
            correct = correct - (OLD.outcome = 'correct'), score = score - OLD.score
         WHERE profile_id = OLD.profile_id AND bank_id = OLD.bank_id
           AND question_id = OLD.question_id;
        UPDATE question_stats SET
            last_id = coalesce((SELECT max(id) FROM attempts WHERE profile_id = OLD.profile_id
                AND bank_id = OLD.bank_id AND question_id = OLD.question_id), 0),
            last_correct = coalesce((SELECT outcome = 'correct' FROM attempts
                WHERE profile_id = OLD.profile_id AND bank_id = OLD.bank_id
                  AND question_id = OLD.question_id ORDER BY id DESC LIMIT 1), 0)
         WHERE profile_id = OLD.profile_id AND bank_id = OLD.bank_id
           AND question_id = OLD.question_id AND last_id = OLD.id;
        DELETE FROM question_stats WHERE profile_id = OLD.profile_id
           AND bank_id = OLD.bank_id AND question_id = OLD.question_id AND attempts <= 0;
    END""",
    # An appeal ("I was right") turns an attempt's outcome and score after the fact.
    """CREATE TRIGGER attempts_stats_update AFTER UPDATE OF outcome, score ON attempts BEGIN
        UPDATE question_stats SET
            correct = correct - (OLD.outcome = 'correct') + (NEW.outcome = 'correct'),
            score = score - OLD.score + NEW.score,
            last_correct = CASE WHEN last_id = NEW.id THEN NEW.outcome = 'correct'
                ELSE last_correct END
         WHERE profile_id = NEW.profile_id AND bank_id = NEW.bank_id
           AND question_id = NEW.question_id;
    END""",
    # -- question_stats -> bank_stats
    """CREATE TRIGGER question_stats_insert AFTER INSERT ON question_stats BEGIN
        INSERT INTO bank_stats (profile_id, bank_id) VALUES (NEW.profile_id, NEW.bank_id)
            ON CONFLICT DO NOTHING;
        UPDATE bank_stats SET attempts = attempts + NEW.attempts,
            correct = correct + NEW.correct, right_last = right_last + NEW.last_correct,
            ids_version = ids_version + 1, changes = changes + 1
         WHERE profile_id = NEW.profile_id AND bank_id = NEW.bank_id;
    END""",
    """CREATE TRIGGER question_stats_update AFTER UPDATE ON question_stats BEGIN
        UPDATE bank_stats SET attempts = attempts - OLD.attempts,
            correct = correct - OLD.correct, right_last = right_last - OLD.last_correct
         WHERE profile_id = OLD.profile_id AND bank_id = OLD.bank_id;
        UPDATE bank_stats SET attempts = attempts + NEW.attempts,
            correct = correct + NEW.correct, right_last = right_last + NEW.last_correct,
            changes = changes + 1
         WHERE profile_id = NEW.profile_id AND bank_id = NEW.bank_id;
    END""",
    """CREATE TRIGGER question_stats_delete AFTER DELETE ON question_stats BEGIN
        UPDATE bank_stats SET attempts = attempts - OLD.attempts,
            correct = correct - OLD.correct, right_last = right_last - OLD.last_correct,
            ids_version = ids_version + 1, changes = changes + 1
         WHERE profile_id = OLD.profile_id AND bank_id = OLD.bank_id;
    END""",
    # -- cards -> bank_stats
    """CREATE TRIGGER cards_stats_insert AFTER INSERT ON cards BEGIN
        INSERT INTO bank_stats (profile_id, bank_id) VALUES (NEW.profile_id, NEW.bank_id)
            ON CONFLICT DO NOTHING;
        UPDATE bank_stats SET seen = seen + (NEW.reps > 0),
            stable = stable + (NEW.state = 2 AND coalesce(NEW.stability, 0) >= 21),
            leeches = leeches + (NEW.leech != 0), ids_version = ids_version + 1
         WHERE profile_id = NEW.profile_id AND bank_id = NEW.bank_id;
    END""",
    """CREATE TRIGGER cards_stats_update
       AFTER UPDATE OF reps, state, stability, leech, bank_id ON cards BEGIN
        UPDATE bank_stats SET seen = seen - (OLD.reps > 0),
            stable = stable - (OLD.state = 2 AND coalesce(OLD.stability, 0) >= 21),
            leeches = leeches - (OLD.leech != 0)
         WHERE profile_id = OLD.profile_id AND bank_id = OLD.bank_id;
        UPDATE bank_stats SET seen = seen + (NEW.reps > 0),
            stable = stable + (NEW.state = 2 AND coalesce(NEW.stability, 0) >= 21),
            leeches = leeches + (NEW.leech != 0)
         WHERE profile_id = NEW.profile_id AND bank_id = NEW.bank_id;
    END""",
    """CREATE TRIGGER cards_stats_delete AFTER DELETE ON cards BEGIN
        UPDATE bank_stats SET seen = seen - (OLD.reps > 0),
            stable = stable - (OLD.state = 2 AND coalesce(OLD.stability, 0) >= 21),
            leeches = leeches - (OLD.leech != 0), ids_version = ids_version + 1
         WHERE profile_id = OLD.profile_id AND bank_id = OLD.bank_id;
    END""",
    # -- reviews -> day_stats (the machine's local day, as the streak and heatmap count)
    f"""CREATE TRIGGER reviews_day_insert AFTER INSERT ON reviews BEGIN
        INSERT INTO day_stats (profile_id, day, reviews)
            VALUES (NEW.profile_id, {_day("NEW")}, 1)
            ON CONFLICT DO UPDATE SET reviews = reviews + 1;
        UPDATE day_stats SET {_retention("NEW", "+")}
         WHERE profile_id = NEW.profile_id AND day = {_day("NEW")}
           AND NEW.state_before = 2 AND NOT EXISTS ({_same_day("NEW", "<")});
    END""",
    f"""CREATE TRIGGER reviews_day_delete AFTER DELETE ON reviews BEGIN
        UPDATE day_stats SET reviews = reviews - 1
         WHERE profile_id = OLD.profile_id AND day = {_day("OLD")};
        -- The first of its day gone: the next one of that card that day is the first now.
        UPDATE day_stats SET {_retention("OLD", "-")}
         WHERE profile_id = OLD.profile_id AND day = {_day("OLD")}
           AND OLD.state_before = 2 AND NOT EXISTS ({_same_day("OLD", "<")});
        UPDATE day_stats SET {_retention(_NEXT, "+")}
         WHERE profile_id = OLD.profile_id AND day = {_day("OLD")}
           AND OLD.state_before = 2 AND NOT EXISTS ({_same_day("OLD", "<")})
           AND EXISTS ({_same_day("OLD", ">")});
        DELETE FROM day_stats WHERE profile_id = OLD.profile_id AND day = {_day("OLD")}
           AND reviews <= 0;
    END""",
    # -- a finished, scored session -> its banks' last score
    f"""CREATE TRIGGER sessions_last_score AFTER UPDATE OF finished_ms, abandoned ON sessions
       WHEN NEW.finished_ms IS NOT NULL AND NEW.abandoned = 0
        AND NEW.mode NOT IN ({_UNSCORED})
        AND coalesce(json_extract(NEW.scope, '$.retry'), 0) = 0 BEGIN
        INSERT INTO bank_last (profile_id, bank_id, session_id, score)
            SELECT NEW.profile_id, bank_id, NEW.id, avg(score) FROM attempts
             WHERE session_id = NEW.id GROUP BY bank_id
            ON CONFLICT DO UPDATE SET session_id = excluded.session_id, score = excluded.score
             WHERE excluded.session_id >= bank_last.session_id;
    END""",
    *_REBUILD,
)


_V6 = (
    """CREATE TABLE bank_extras (
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        bank_id TEXT NOT NULL,
        ids_version INTEGER NOT NULL,
        catalog TEXT NOT NULL,
        extra_ids TEXT NOT NULL,
        PRIMARY KEY (profile_id, bank_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE bank_tags (
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        bank_id TEXT NOT NULL,
        changes INTEGER NOT NULL,
        catalog TEXT NOT NULL,
        per_tag TEXT NOT NULL,
        PRIMARY KEY (profile_id, bank_id)
    ) WITHOUT ROWID""",
    # The counters start again at 0 in a row made anew: an entry must not outlive its row.
    """CREATE TRIGGER bank_stats_gone AFTER DELETE ON bank_stats BEGIN
        DELETE FROM bank_extras WHERE profile_id = OLD.profile_id AND bank_id = OLD.bank_id;
        DELETE FROM bank_tags WHERE profile_id = OLD.profile_id AND bank_id = OLD.bank_id;
    END""",
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
    _script(_V5),
    _script(_V6),
]
SCHEMA_VERSION = len(MIGRATIONS)


def rebuild_aggregates(conn: sqlite3.Connection) -> None:
    """Derive every aggregate table from the history again (inside the caller's transaction)."""
    for statement in _REBUILD:
        conn.execute(statement)


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
            if conn.in_transaction:  # SQLite may have rolled back already (a full disk)
                conn.execute("ROLLBACK")
            raise


def connect_checked(
    path: Path,
    before_migration: Callable[[sqlite3.Connection, int], None] | None = None,
    *,
    check: bool = True,
) -> sqlite3.Connection:
    """Connect with the store's pragmas, check integrity and migrate; raises on damage.

    `before_migration(conn, version)` runs before an existing database (version >= 1) is
    migrated: the store backs it up there. Call `safety.inspect_file` first: this
    function assumes the file is absent, empty or ours.

    The integrity check reads the whole file: `check=False` skips it (the store was
    closed cleanly last time, see `quiz.store.shutdown`).
    """
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        refuse_newer(user_version(conn))  # before anything could change the file
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if check:
            result = [row[0] for row in conn.execute("PRAGMA quick_check")]
            if result != ["ok"]:
                raise sqlite3.DatabaseError(f"integrity check failed: {'; '.join(result[:3])}")
        version = user_version(conn)
        if 1 <= version < SCHEMA_VERSION and before_migration is not None:
            before_migration(conn, version)
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
