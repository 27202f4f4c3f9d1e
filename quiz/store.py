"""The learner database of `quiz`: profiles, sessions, attempts and FSRS cards in SQLite.

One file per user (`quiz.locations.default_db_path()`; `--db PATH` or `QUIZ_DB` override it).
Stdlib `sqlite3` only; the core never imports textual.

API summary (every `profile` argument is a profile *name*, created on first use; every
`now` defaults to the current time and must be timezone-aware if given)::

    store = Store.open(path=None)          # migrate; a damaged file is set aside:
    store.notice                           #   str | None, tell the learner if set
    store.close()  /  with Store.open(...) as store: ...

    # profiles and their settings (quiz.scheduler.Settings)
    store.profiles() -> list[str]
    store.settings(profile) -> Settings
    store.save_settings(profile, settings) -> None

    # sessions: the planned queue is stored so a killed app can resume
    store.start_session(profile, mode, queue, *, scope=None, options=None, now=None) -> int
    store.update_queue(session_id, queue) -> None        # e.g. a missed item re-queued
    store.finish_session(session_id, *, abandoned=False, now=None) -> None
    store.unfinished_session(profile) -> SessionState | None   # newest one, for "resume?"
    store.session(session_id) -> SessionState
    #   SessionState: id, profile, mode, scope, queue, options, started, finished,
    #                 answered: list[AttemptRecord], remaining: list[(bank_id, question_id)]

    # answers: attempt + card + review log committed together, at once
    store.record_attempt(session_id, profile, bank_id, question_id, *, answer, outcome,
                         score, time_ms=None, hinted=False, self_rating=None,
                         schedule=True, now=None) -> AttemptResult
    store.undo_last_attempt(session_id) -> AttemptRecord | None   # card restored too

    # card controls
    store.card(profile, bank_id, question_id) -> CardInfo | None
    store.suspend(profile, bank_id, question_id, suspended=True) -> None
    store.bury(profile, bank_id, question_id, now=None) -> None  # until local midnight

    # queues (`existing`: the (bank_id, question_id) pairs the banks hold now; cards of
    # removed questions keep their history but never enter a queue when it is given)
    store.due_cards(profile, now=None, existing=None, limit=200, learn_ahead=timedelta(0))
        -> list[DueCard]            # missed (learning/relearning) first, then by due time
    store.due_counts(profile, now=None, existing=None) -> dict[bank_id, int]
    store.new_questions(profile, candidates, limit=None) -> list[(bank_id, question_id)]
    store.daily_limits(profile, now=None) -> DailyLimits     # new/reviews left today

    # stats (CatalogInfo.from_banks(banks) gives tags and titles)
    store.bank_summaries(profile, catalog, now=None) -> dict[bank_id, BankSummary]
    #   last_score: mean score of the bank's last finished quiz/flashcards session
    #   (not a review or a retry)
    store.stats_report(profile, catalog, now=None, heatmap_days=365) -> dict (JSON-ready)

Design notes
------------
* WAL journal, `busy_timeout=5000`, foreign keys on, `synchronous=NORMAL`. NORMAL is the
  documented safe choice for WAL: a committed transaction survives the process being
  killed (kill -9); only an OS crash or power cut can lose the last few commits, never
  corrupt the file. Every write is one `BEGIN IMMEDIATE` transaction so two processes
  queue on the write lock (up to the busy timeout) instead of failing with "database
  is locked" on a read-to-write upgrade.
* The schema version lives in `PRAGMA user_version`; `MIGRATIONS[i]` moves a database
  from version i to i + 1, each in its own transaction. A database from a newer `quiz`
  is refused (StoreError), never modified.
  - v1: profiles, sessions, cards (FSRS JSON + indexed due/state/stability/lapses),
    attempts, reviews (review log with the card before/after, for undo).
  - v2: card `suspended`, `buried_until_ms`, `leech` (back-filled from lapses), session
    `abandoned`, review `interval_days` (back-filled from the stored card), and partial
    covering indexes for the due queue and counts.
* Times are stored as integer epoch milliseconds (UTC) in indexed columns; "days" for
  streaks, heatmap, forecast and burying are the machine's local days.
* A card exists once a question has been answered (or suspended/buried); `reps = 0`
  marks a card that was never reviewed. A *lapse* is Again on a card in Review state.
* Mastery of a bank: the share of its current questions whose card is in the Review
  state with stability >= 21 days (FSRS predicts >= 90 % recall three weeks on).
* True retention (as Anki defines it): of reviews of cards in the Review state, the
  first per card per local day; Again fails, Hard/Good/Easy pass. "Mature" are those
  whose scheduled interval was >= 21 days.
"""

from __future__ import annotations

import heapq
import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from quiz.locations import default_db_path
from quiz.models import Bank
from quiz.scheduler import (
    Card,
    Rating,
    Settings,
    State,
    card_from_json,
    card_to_json,
    is_lapse,
    new_card,
    rating_for,
    review,
    to_utc,
)

__all__ = [
    "MATURE_DAYS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AttemptRecord",
    "AttemptResult",
    "BankSummary",
    "CardInfo",
    "CatalogInfo",
    "DailyLimits",
    "DueCard",
    "SessionState",
    "Store",
    "StoreError",
    "migrate",
    "resolve_db_path",
]

QuestionKey = tuple[str, str]
#: Interval (days) from which a review card counts as mature / a question as mastered.
MATURE_DAYS = 21
BUSY_TIMEOUT_MS = 5000
#: Session modes that are not a bank's "last score": due-card reviews and retries of
#: what was missed (a session whose scope has "retry": true is a retry too).
UNSCORED_MODES = ("review", "retry")


class StoreError(Exception):
    """A database problem the learner must act on (message is ready to show)."""


# --------------------------------------------------------------------------- schema

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


def _script(statements: Sequence[str]) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return run


#: MIGRATIONS[i] takes a database from schema version i to i + 1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_script(_V1), _script(_V2)]
SCHEMA_VERSION = len(MIGRATIONS)


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _refuse_newer(version: int) -> None:
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
    _refuse_newer(_user_version(conn))
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = _user_version(conn)
            if version >= target:
                conn.execute("COMMIT")
                return version
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class AttemptRecord:
    """One stored answer."""

    id: int
    session_id: int | None
    bank_id: str
    question_id: str
    answer: Any
    outcome: str
    score: float
    time_ms: int | None
    hinted: bool
    answered: datetime


@dataclass(frozen=True)
class AttemptResult:
    """What `record_attempt` stored and what it did to the card."""

    attempt_id: int
    rating: Rating | None
    state: State | None
    due: datetime | None
    lapses: int
    lapsed: bool
    became_leech: bool
    suspended: bool
    #: A never-seen question answered after today's new-card limit was reached: the
    #: attempt is stored, but the question joins the review schedule on another day.
    new_held: bool = False


@dataclass(frozen=True)
class SessionState:
    """A study session as stored; `remaining` is the queue minus what was answered."""

    id: int
    profile: str
    mode: str
    scope: dict[str, Any]
    queue: list[QuestionKey]
    options: dict[str, Any]
    started: datetime
    finished: datetime | None
    abandoned: bool
    answered: list[AttemptRecord]

    @property
    def remaining(self) -> list[QuestionKey]:
        """Queue entries not yet answered (a repeated entry needs as many answers)."""
        done = Counter((a.bank_id, a.question_id) for a in self.answered)
        left: list[QuestionKey] = []
        for key in self.queue:
            if done[key] > 0:
                done[key] -= 1
            else:
                left.append(key)
        return left


@dataclass(frozen=True)
class DueCard:
    """An entry of the due queue."""

    bank_id: str
    question_id: str
    state: State
    due: datetime
    lapses: int
    leech: bool

    @property
    def key(self) -> QuestionKey:
        """(bank_id, question_id)."""
        return (self.bank_id, self.question_id)


@dataclass(frozen=True)
class CardInfo:
    """The stored scheduling state of one question for one profile."""

    bank_id: str
    question_id: str
    card: Card
    reps: int
    lapses: int
    leech: bool
    suspended: bool
    buried_until: datetime | None


@dataclass(frozen=True)
class DailyLimits:
    """Today's progress against the profile's daily limits."""

    new_done: int
    reviews_done: int
    new_left: int
    reviews_left: int


@dataclass(frozen=True)
class BankSummary:
    """What the bank list shows for one bank."""

    bank_id: str
    questions: int
    seen: int
    attempts: int
    accuracy: float | None
    last_score: float | None
    mastery: float
    due: int
    leeches: int


@dataclass(frozen=True)
class CatalogInfo:
    """What stats need from the banks: tags per existing question, titles per bank."""

    tags: Mapping[QuestionKey, tuple[str, ...]]
    titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def existing(self) -> set[QuestionKey]:
        """Every (bank_id, question_id) the banks hold now."""
        return set(self.tags)

    @classmethod
    def from_banks(cls, banks: Iterable[Bank]) -> CatalogInfo:
        """Tags (bank tags + question tags, deduplicated) and titles from loaded banks."""
        tags: dict[QuestionKey, tuple[str, ...]] = {}
        titles: dict[str, str] = {}
        for bank in banks:
            titles[bank.id] = bank.title
            for q in bank.questions:
                tags[(bank.id, q.id)] = tuple(dict.fromkeys([*bank.tags, *q.tags]))
        return cls(tags=tags, titles=titles)


# --------------------------------------------------------------------------- helpers


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT on an autocommit connection, rolled back on any error.

    IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
    instead of failing midway with "database is locked".
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def resolve_db_path(path: str | Path | None = None) -> Path:
    """`--db PATH` if given, else `$QUIZ_DB`, else quiz.db in the user data folder."""
    return Path(path).expanduser() if path else default_db_path()


def _ms(moment: datetime) -> int:
    return int(to_utc(moment).timestamp() * 1000)


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("`now` must be timezone-aware")
    return to_utc(now)


def _local_date(moment: datetime) -> date:
    return moment.astimezone().date()


def _local_midnight_ms(day: date) -> int:
    """Epoch ms of the start of `day` in the machine's local time zone (DST-aware)."""
    return _ms(datetime(day.year, day.month, day.day).astimezone())


def _keys(raw: str) -> list[QuestionKey]:
    return [(str(b), str(q)) for b, q in json.loads(raw)]


_LOCAL_DAY = "date(reviewed_ms / 1000, 'unixepoch', 'localtime')"


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


# --------------------------------------------------------------------------- store


class Store:
    """A connection to one learner database. Not shared between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path, notice: str | None = None) -> None:
        self.conn = conn
        self.path = path
        #: Set when the database was damaged and replaced; show it to the learner.
        self.notice = notice
        self._profile_ids: dict[str, int] = {}
        self._settings: dict[str, Settings] = {}

    # -- opening --------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, *, now: datetime | None = None) -> Store:
        """Open (creating and migrating as needed) the database at `path`.

        A file that is not a database or fails `PRAGMA quick_check` is renamed to
        `<name>.corrupt-<YYYYmmddTHHMMSS>` and a fresh database is created; `notice` then
        says so. Raises StoreError when the file cannot be opened at all or was written
        by a newer quiz.
        """
        db_path = resolve_db_path(path)
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {db_path}: {exc}") from exc
        notice: str | None = None
        try:
            conn = cls._connect_checked(db_path)
        except sqlite3.OperationalError as exc:
            # Locked, unreadable, a directory...: not damage; never move such a file away.
            raise StoreError(f"cannot open the database {db_path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            aside = _set_aside(db_path, _now(now))
            notice = (
                f"The database {db_path} was damaged ({exc}). It was moved to {aside.name} "
                "and a new, empty database was started."
            )
            try:
                conn = cls._connect_checked(db_path)
            except sqlite3.DatabaseError as exc2:
                raise StoreError(f"cannot create a new database {db_path}: {exc2}") from exc2
        return cls(conn, db_path, notice)

    @staticmethod
    def _connect_checked(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _refuse_newer(_user_version(conn))  # before anything could change the file
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

    def close(self) -> None:
        """Close the connection (everything is already committed)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def schema_version(self) -> int:
        """The schema version of the open database."""
        return _user_version(self.conn)

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self.conn)

    # -- profiles ---------------------------------------------------------------------

    def _pid(self, profile: str) -> int:
        cached = self._profile_ids.get(profile)
        if cached is not None:
            return cached
        if not profile.strip():
            raise StoreError("a profile name must not be blank")
        row = self.conn.execute("SELECT id FROM profiles WHERE name = ?", (profile,)).fetchone()
        if row is None:
            with self._tx() as c:
                c.execute(
                    "INSERT OR IGNORE INTO profiles (name, created_ms) VALUES (?, ?)",
                    (profile, _ms(_now(None))),
                )
                row = c.execute("SELECT id FROM profiles WHERE name = ?", (profile,)).fetchone()
        self._profile_ids[profile] = int(row[0])
        return int(row[0])

    def profiles(self) -> list[str]:
        """Every profile name, oldest first."""
        return [r[0] for r in self.conn.execute("SELECT name FROM profiles ORDER BY id")]

    def settings(self, profile: str) -> Settings:
        """The profile's settings (defaults for anything never set)."""
        cached = self._settings.get(profile)
        if cached is not None:
            return cached
        pid = self._pid(profile)
        raw = self.conn.execute("SELECT settings FROM profiles WHERE id = ?", (pid,)).fetchone()
        try:
            settings = Settings.from_dict(json.loads(raw[0]))
        except (ValueError, TypeError):
            # Hand-edited nonsense must not stop the app; defaults are a safe fallback.
            settings = Settings()
        self._settings[profile] = settings
        return settings

    def save_settings(self, profile: str, settings: Settings) -> None:
        """Store the profile's settings."""
        pid = self._pid(profile)
        with self._tx() as c:
            c.execute(
                "UPDATE profiles SET settings = ? WHERE id = ?",
                (json.dumps(settings.to_dict()), pid),
            )
        self._settings[profile] = settings

    # -- sessions ---------------------------------------------------------------------

    def start_session(
        self,
        profile: str,
        mode: str,
        queue: Sequence[QuestionKey],
        *,
        scope: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        now: datetime | None = None,
    ) -> int:
        """Record a new session with its planned queue; returns its id.

        `scope` says what was studied (e.g. {"banks": [...], "tags": [...]}), `options`
        e.g. {"time_limit_s": 600}; both are stored as JSON.
        """
        pid = self._pid(profile)
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO sessions (profile_id, mode, scope, queue, options, started_ms)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    pid,
                    mode,
                    json.dumps(dict(scope or {})),
                    json.dumps([list(k) for k in queue]),
                    json.dumps(dict(options or {})),
                    _ms(_now(now)),
                ),
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def update_queue(self, session_id: int, queue: Sequence[QuestionKey]) -> None:
        """Replace the session's planned queue (e.g. after re-queueing a missed item)."""
        with self._tx() as c:
            c.execute(
                "UPDATE sessions SET queue = ? WHERE id = ?",
                (json.dumps([list(k) for k in queue]), session_id),
            )

    def finish_session(
        self, session_id: int, *, abandoned: bool = False, now: datetime | None = None
    ) -> None:
        """Mark the session finished (or abandoned: declined for resume)."""
        with self._tx() as c:
            c.execute(
                "UPDATE sessions SET finished_ms = ?, abandoned = ? WHERE id = ?",
                (_ms(_now(now)), int(abandoned), session_id),
            )

    def session(self, session_id: int) -> SessionState:
        """The stored session with its answers; StoreError if there is none."""
        row = self.conn.execute(
            "SELECT s.id, p.name, s.mode, s.scope, s.queue, s.options, s.started_ms,"
            " s.finished_ms, s.abandoned FROM sessions s JOIN profiles p ON p.id = s.profile_id"
            " WHERE s.id = ?",
            (session_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"there is no session {session_id}")
        answered = [
            _attempt(r)
            for r in self.conn.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE session_id = ? ORDER BY id",
                (session_id,),
            )
        ]
        return SessionState(
            id=row[0],
            profile=row[1],
            mode=row[2],
            scope=json.loads(row[3]),
            queue=_keys(row[4]),
            options=json.loads(row[5]),
            started=_from_ms(row[6]),
            finished=None if row[7] is None else _from_ms(row[7]),
            abandoned=bool(row[8]),
            answered=answered,
        )

    def unfinished_session(self, profile: str) -> SessionState | None:
        """The newest session of `profile` never finished (killed or quit), to resume."""
        row = self.conn.execute(
            "SELECT id FROM sessions WHERE profile_id = ? AND finished_ms IS NULL"
            " ORDER BY id DESC LIMIT 1",
            (self._pid(profile),),
        ).fetchone()
        return None if row is None else self.session(int(row[0]))

    # -- answers ----------------------------------------------------------------------

    def record_attempt(
        self,
        session_id: int | None,
        profile: str,
        bank_id: str,
        question_id: str,
        *,
        answer: Any,
        outcome: str,
        score: float,
        time_ms: int | None = None,
        hinted: bool = False,
        self_rating: int | None = None,
        schedule: bool = True,
        now: datetime | None = None,
    ) -> AttemptResult:
        """Store an answer and (if `schedule`) review its FSRS card, in one transaction.

        `answer` must be JSON-serialisable; `outcome` is "correct", "partial" or
        "incorrect"; `self_rating` is a flashcard's 1..4. Returns the card's new state.
        """
        moment = _now(now)
        now_ms = _ms(moment)
        pid = self._pid(profile)
        settings = self.settings(profile)
        rating = rating_for(outcome, hinted=hinted, self_rating=self_rating)
        try:
            answer_json = json.dumps(answer)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"the answer to {bank_id}/{question_id} is not JSON: {exc}") from exc
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO attempts (session_id, profile_id, bank_id, question_id, answer,"
                " outcome, score, time_ms, hinted, answered_ms) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    session_id,
                    pid,
                    bank_id,
                    question_id,
                    answer_json,
                    str(outcome),
                    float(score),
                    time_ms,
                    int(hinted),
                    now_ms,
                ),
            )
            attempt_id = cur.lastrowid
            assert attempt_id is not None
            if not schedule:
                return AttemptResult(attempt_id, None, None, None, 0, False, False, False)
            row = c.execute(
                f"SELECT {_CARD_COLUMNS} FROM cards"
                " WHERE profile_id = ? AND bank_id = ? AND question_id = ?",
                (pid, bank_id, question_id),
            ).fetchone()
            if (row is None or int(row[2]) == 0) and self._new_today(c, pid, moment) >= (
                settings.new_per_day
            ):
                return AttemptResult(
                    attempt_id, None, None, None, 0, False, False, False, new_held=True
                )
            if row is None:
                card_id = _insert_card(c, pid, bank_id, question_id, moment)
                before = new_card(card_id, moment)
                snapshot: str | None = None
                reps = lapses = 0
                leech = suspended = False
            else:
                card_id = int(row[0])
                before = card_from_json(row[1])
                reps, lapses = int(row[2]), int(row[3])
                leech, suspended = bool(row[4]), bool(row[5])
                snapshot = _snapshot(row)
            was_new = reps == 0
            after, _log = review(before, rating, moment, settings, time_ms)
            lapsed = is_lapse(before, rating)
            lapses += int(lapsed)
            became_leech = lapsed and lapses >= settings.leech_threshold and not leech
            leech = leech or lapses >= settings.leech_threshold
            if became_leech and settings.leech_action == "suspend":
                suspended = True
            interval = (
                (before.due - before.last_review).total_seconds() / 86400
                if before.last_review is not None
                else None
            )
            _write_card(c, card_id, after, reps + 1, lapses, leech, suspended, None)
            c.execute(
                "INSERT INTO reviews (profile_id, card_id, attempt_id, rating, state_before,"
                " reviewed_ms, duration_ms, card_before, card_after, interval_days)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    pid,
                    card_id,
                    attempt_id,
                    int(rating),
                    None if was_new else int(before.state),
                    now_ms,
                    time_ms,
                    snapshot,
                    card_to_json(after),
                    interval,
                ),
            )
        return AttemptResult(
            attempt_id, rating, after.state, after.due, lapses, lapsed, became_leech, suspended
        )

    def undo_last_attempt(self, session_id: int) -> AttemptRecord | None:
        """Delete the session's last answer and put its card back as it was before.

        Returns the removed attempt (so the UI can ask the question again), or None when
        the session has no answers.
        """
        with self._tx() as c:
            row = c.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE session_id = ?"
                " ORDER BY id DESC LIMIT 1",
                (session_id,),
            ).fetchone()
            if row is None:
                return None
            record = _attempt(row)
            rev = c.execute(
                "SELECT id, card_id, card_before FROM reviews WHERE attempt_id = ?", (record.id,)
            ).fetchone()
            if rev is not None:
                review_id, card_id, before = int(rev[0]), int(rev[1]), rev[2]
                latest = c.execute(
                    "SELECT max(id) FROM reviews WHERE card_id = ?", (card_id,)
                ).fetchone()[0]
                c.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
                # Only the card's latest review can be rolled back without losing a later one.
                if latest == review_id:
                    if before is None:
                        c.execute("DELETE FROM cards WHERE id = ?", (card_id,))
                    else:
                        _restore_card(c, card_id, json.loads(before))
            c.execute("DELETE FROM attempts WHERE id = ?", (record.id,))
        return record

    # -- card controls ----------------------------------------------------------------

    def card(self, profile: str, bank_id: str, question_id: str) -> CardInfo | None:
        """The question's card for this profile, or None if it was never answered."""
        row = self.conn.execute(
            f"SELECT {_CARD_COLUMNS}, buried_until_ms FROM cards"
            " WHERE profile_id = ? AND bank_id = ? AND question_id = ?",
            (self._pid(profile), bank_id, question_id),
        ).fetchone()
        if row is None:
            return None
        return CardInfo(
            bank_id=bank_id,
            question_id=question_id,
            card=card_from_json(row[1]),
            reps=int(row[2]),
            lapses=int(row[3]),
            leech=bool(row[4]),
            suspended=bool(row[5]),
            buried_until=None if row[8] is None else _from_ms(row[8]),
        )

    def _ensure_card(self, c: sqlite3.Connection, pid: int, bank_id: str, qid: str) -> int:
        row = c.execute(
            "SELECT id FROM cards WHERE profile_id = ? AND bank_id = ? AND question_id = ?",
            (pid, bank_id, qid),
        ).fetchone()
        if row is not None:
            return int(row[0])
        return _insert_card(c, pid, bank_id, qid, _now(None))

    def suspend(self, profile: str, bank_id: str, question_id: str, suspended: bool = True) -> None:
        """Keep the question out of every queue until unsuspended (`suspended=False`)."""
        pid = self._pid(profile)
        with self._tx() as c:
            card_id = self._ensure_card(c, pid, bank_id, question_id)
            c.execute("UPDATE cards SET suspended = ? WHERE id = ?", (int(suspended), card_id))

    def bury(
        self, profile: str, bank_id: str, question_id: str, now: datetime | None = None
    ) -> None:
        """Keep the question out of the queues until the next local midnight."""
        pid = self._pid(profile)
        tomorrow = _local_date(_now(now)) + timedelta(days=1)
        with self._tx() as c:
            card_id = self._ensure_card(c, pid, bank_id, question_id)
            c.execute(
                "UPDATE cards SET buried_until_ms = ? WHERE id = ?",
                (_local_midnight_ms(tomorrow), card_id),
            )

    # -- queues -----------------------------------------------------------------------

    def due_cards(
        self,
        profile: str,
        now: datetime | None = None,
        existing: set[QuestionKey] | None = None,
        limit: int | None = 200,
        learn_ahead: timedelta = timedelta(0),
    ) -> list[DueCard]:
        """Cards due at `now`: learning/relearning (missed) ones first, then by due time.

        Suspended and buried cards are left out, and so are cards whose question is not
        in `existing` (when given). `learn_ahead` lets missed cards due a little later
        (their learning step not over yet) in when nothing else is left.
        """
        pid = self._pid(profile)
        now_ms = _ms(_now(now))
        out: list[DueCard] = []
        if limit is not None and limit <= 0:
            return out
        missed_until = now_ms + int(learn_ahead.total_seconds() * 1000)
        # One index range per state, each already in due order: merging the two missed
        # states lazily avoids sorting thousands of rows to return the first few.
        missed = heapq.merge(
            self._due_range(pid, State.Learning, missed_until, now_ms),
            self._due_range(pid, State.Relearning, missed_until, now_ms),
            key=lambda row: row[3],
        )
        rows = itertools.chain(missed, self._due_range(pid, State.Review, now_ms, now_ms))
        for b, q, state, due_ms, lapses, leech in rows:
            if existing is not None and (b, q) not in existing:
                continue
            out.append(DueCard(b, q, State(state), _from_ms(due_ms), lapses, bool(leech)))
            if limit is not None and len(out) >= limit:
                break
        return out

    def _due_range(
        self, pid: int, state: State, until_ms: int, now_ms: int
    ) -> Iterator[tuple[str, str, int, int, int, int]]:
        cur = self.conn.execute(
            "SELECT bank_id, question_id, state, due_ms, lapses, leech FROM cards"
            " INDEXED BY cards_queue WHERE profile_id = ? AND state = ? AND due_ms <= ?"
            " AND suspended = 0 AND reps > 0"
            " AND (buried_until_ms IS NULL OR buried_until_ms <= ?) ORDER BY due_ms",
            (pid, int(state), until_ms, now_ms),
        )
        try:
            yield from cur
        finally:
            cur.close()

    def due_counts(
        self,
        profile: str,
        now: datetime | None = None,
        existing: set[QuestionKey] | None = None,
    ) -> dict[str, int]:
        """Number of due cards per bank id (same rules as `due_cards`, no limit)."""
        pid = self._pid(profile)
        now_ms = _ms(_now(now))
        where = (
            "WHERE profile_id = ? AND due_ms <= ? AND suspended = 0 AND reps > 0"
            " AND (buried_until_ms IS NULL OR buried_until_ms <= ?)"
        )
        if existing is None:
            rows = self.conn.execute(
                f"SELECT bank_id, count(*) FROM cards INDEXED BY cards_due_cover {where}"
                " GROUP BY bank_id",
                (pid, now_ms, now_ms),
            )
            return {b: int(n) for b, n in rows}
        counts: Counter[str] = Counter()
        for b, q in self.conn.execute(
            f"SELECT bank_id, question_id FROM cards INDEXED BY cards_due_cover {where}",
            (pid, now_ms, now_ms),
        ):
            if (b, q) in existing:
                counts[b] += 1
        return dict(counts)

    def new_questions(
        self, profile: str, candidates: Iterable[QuestionKey], limit: int | None = None
    ) -> list[QuestionKey]:
        """The candidates never reviewed, not suspended and not buried, in the given order."""
        pid = self._pid(profile)
        now_ms = _ms(_now(None))
        blocked: set[QuestionKey] = set()
        for b, q, reps, suspended, buried in self.conn.execute(
            "SELECT bank_id, question_id, reps, suspended, buried_until_ms FROM cards"
            " WHERE profile_id = ?",
            (pid,),
        ):
            if reps > 0 or suspended or (buried is not None and buried > now_ms):
                blocked.add((b, q))
        out: list[QuestionKey] = []
        for key in candidates:
            if key not in blocked:
                out.append(key)
                blocked.add(key)  # no duplicates
                if limit is not None and len(out) >= limit:
                    break
        return out

    @staticmethod
    def _new_today(c: sqlite3.Connection, pid: int, moment: datetime) -> int:
        """Cards introduced (first reviewed) since local midnight."""
        start = _local_midnight_ms(_local_date(moment))
        row = c.execute(
            "SELECT count(*) FROM reviews"
            " WHERE profile_id = ? AND reviewed_ms >= ? AND state_before IS NULL",
            (pid, start),
        ).fetchone()
        return int(row[0])

    def daily_limits(self, profile: str, now: datetime | None = None) -> DailyLimits:
        """New cards and reviews done today (local day) and what the limits leave."""
        pid = self._pid(profile)
        moment = _now(now)
        start = _local_midnight_ms(_local_date(moment))
        new_done, reviews_done = self.conn.execute(
            "SELECT coalesce(sum(state_before IS NULL), 0), coalesce(sum(state_before = 2), 0)"
            " FROM reviews WHERE profile_id = ? AND reviewed_ms >= ?",
            (pid, start),
        ).fetchone()
        s = self.settings(profile)
        return DailyLimits(
            new_done=int(new_done),
            reviews_done=int(reviews_done),
            new_left=max(0, s.new_per_day - int(new_done)),
            reviews_left=max(0, s.reviews_per_day - int(reviews_done)),
        )

    # -- stats ------------------------------------------------------------------------

    def _question_stats(self, pid: int) -> dict[QuestionKey, tuple[int, int, float]]:
        """(attempts, correct, score sum) per question, whole history."""
        return {
            (b, q): (int(n), int(ok), float(total))
            for b, q, n, ok, total in self.conn.execute(
                "SELECT bank_id, question_id, count(*), sum(outcome = 'correct'), sum(score)"
                " FROM attempts WHERE profile_id = ? GROUP BY bank_id, question_id",
                (pid,),
            )
        }

    def _last_scores(self, pid: int) -> dict[str, float]:
        """Mean score per bank in the last finished quiz (or flashcards) session of that bank.

        Reviews (a few due cards) and retries of what was missed are not a score for the
        bank: a review of two cards got right would otherwise show as 100%.
        """
        best: dict[str, tuple[int, float]] = {}
        for b, sid, avg in self.conn.execute(
            "SELECT a.bank_id, a.session_id, avg(a.score) FROM attempts a"
            " JOIN sessions s ON s.id = a.session_id"
            " WHERE s.profile_id = ? AND s.finished_ms IS NOT NULL AND s.abandoned = 0"
            f" AND s.mode NOT IN ({', '.join('?' * len(UNSCORED_MODES))})"
            " AND coalesce(json_extract(s.scope, '$.retry'), 0) = 0"
            " GROUP BY a.bank_id, a.session_id",
            (pid, *UNSCORED_MODES),
        ):
            if b not in best or sid > best[b][0]:
                best[b] = (sid, float(avg))
        return {b: v[1] for b, v in best.items()}

    def bank_summaries(
        self, profile: str, catalog: CatalogInfo, now: datetime | None = None
    ) -> dict[str, BankSummary]:
        """Per bank in the catalog: questions, attempts, accuracy, last score, mastery, due."""
        pid = self._pid(profile)
        existing = catalog.existing
        qstats = self._question_stats(pid)
        last = self._last_scores(pid)
        due = self.due_counts(profile, now, existing)
        questions: Counter[str] = Counter(b for b, _ in existing)
        seen: Counter[str] = Counter()
        mastered: Counter[str] = Counter()
        leeches: Counter[str] = Counter()
        for b, q, state, stability, reps, leech in self.conn.execute(
            "SELECT bank_id, question_id, state, stability, reps, leech FROM cards"
            " WHERE profile_id = ?",
            (pid,),
        ):
            if (b, q) not in existing:
                continue
            seen[b] += reps > 0
            mastered[b] += state == State.Review and (stability or 0) >= MATURE_DAYS
            leeches[b] += bool(leech)
        attempts: Counter[str] = Counter()
        correct: Counter[str] = Counter()
        for (b, _q), (n, ok, _total) in qstats.items():
            attempts[b] += n
            correct[b] += ok
        banks = sorted(set(questions) | set(attempts))
        return {
            b: BankSummary(
                bank_id=b,
                questions=questions[b],
                seen=seen[b],
                attempts=attempts[b],
                accuracy=_ratio(correct[b], attempts[b]),
                last_score=last.get(b),
                mastery=mastered[b] / questions[b] if questions[b] else 0.0,
                due=due.get(b, 0),
                leeches=leeches[b],
            )
            for b in banks
        }

    def _streak(self, pid: int, today: date) -> dict[str, int]:
        days = sorted(
            date.fromisoformat(d)
            for (d,) in self.conn.execute(
                f"SELECT DISTINCT {_LOCAL_DAY} FROM reviews WHERE profile_id = ?", (pid,)
            )
        )
        longest = run = 0
        previous: date | None = None
        for d in days:
            run = run + 1 if previous is not None and d - previous == timedelta(days=1) else 1
            longest = max(longest, run)
            previous = d
        current = 0
        day_set = set(days)
        # Today without a review yet does not break the streak; the day is not over.
        cursor = today if today in day_set else today - timedelta(days=1)
        while cursor in day_set:
            current += 1
            cursor -= timedelta(days=1)
        return {"current": current, "longest": longest, "reviewed_today": int(today in day_set)}

    def _heatmap(self, pid: int, today: date, days: int) -> list[dict[str, Any]]:
        first = today - timedelta(days=days - 1)
        counts = {
            d: int(n)
            for d, n in self.conn.execute(
                f"SELECT {_LOCAL_DAY} AS day, count(*) FROM reviews"
                " WHERE profile_id = ? AND reviewed_ms >= ? GROUP BY day",
                (pid, _local_midnight_ms(first)),
            )
        }
        return [
            {
                "date": (first + timedelta(days=i)).isoformat(),
                "reviews": counts.get((first + timedelta(days=i)).isoformat(), 0),
            }
            for i in range(days)
        ]

    def _forecast(
        self, pid: int, moment: datetime, existing: set[QuestionKey], days: int = 30
    ) -> list[dict[str, Any]]:
        today = _local_date(moment)
        end_ms = _local_midnight_ms(today + timedelta(days=days))
        per_day: Counter[date] = Counter()
        for b, q, due_ms in self.conn.execute(
            "SELECT bank_id, question_id, due_ms FROM cards INDEXED BY cards_due_cover"
            " WHERE profile_id = ? AND due_ms < ? AND suspended = 0 AND reps > 0",
            (pid, end_ms),
        ):
            if (b, q) in existing:
                # Overdue cards are due today.
                per_day[max(today, _local_date(_from_ms(due_ms)))] += 1
        return [
            {"date": (today + timedelta(days=i)).isoformat(), "due": per_day[today + timedelta(i)]}
            for i in range(days)
        ]

    def _retention(self, pid: int, since_ms: int) -> dict[str, Any]:
        young = [0, 0]
        mature = [0, 0]
        for rating, interval in self.conn.execute(
            "SELECT rating, interval_days FROM reviews WHERE id IN ("
            f" SELECT min(id) FROM reviews WHERE profile_id = ? AND reviewed_ms >= ?"
            f" AND state_before = 2 GROUP BY card_id, {_LOCAL_DAY})",
            (pid, since_ms),
        ):
            bucket = mature if (interval or 0) >= MATURE_DAYS else young
            bucket[0] += rating != Rating.Again
            bucket[1] += 1

        def part(passed: int, total: int) -> dict[str, Any]:
            return {"passed": passed, "total": total, "rate": _ratio(passed, total)}

        return {
            "young": part(*young),
            "mature": part(*mature),
            "all": part(young[0] + mature[0], young[1] + mature[1]),
        }

    def stats_report(
        self,
        profile: str,
        catalog: CatalogInfo,
        now: datetime | None = None,
        heatmap_days: int = 365,
        retention_days: int = 30,
        top: int = 10,
    ) -> dict[str, Any]:
        """Everything `quiz stats` shows, as JSON-serialisable data (see module docstring).

        Keys: profile, generated_at, totals, banks, tags, streak, heatmap, forecast,
        retention, weakest, leeches. History of removed questions counts in totals and
        per-bank attempts; queues, forecast, weakest and leeches only list questions the
        catalog still holds.
        """
        moment = _now(now)
        pid = self._pid(profile)
        today = _local_date(moment)
        existing = catalog.existing
        qstats = self._question_stats(pid)
        summaries = self.bank_summaries(profile, catalog, moment)

        tag_questions: Counter[str] = Counter()
        tag_attempts: Counter[str] = Counter()
        tag_correct: Counter[str] = Counter()
        for key, tags in catalog.tags.items():
            n, ok, _ = qstats.get(key, (0, 0, 0.0))
            for tag in tags:
                tag_questions[tag] += 1
                tag_attempts[tag] += n
                tag_correct[tag] += ok

        lapses: dict[QuestionKey, tuple[int, bool, bool]] = {
            (b, q): (int(n), bool(leech), bool(susp))
            for b, q, n, leech, susp in self.conn.execute(
                "SELECT bank_id, question_id, lapses, leech, suspended FROM cards"
                " WHERE profile_id = ?",
                (pid,),
            )
        }
        weak = [
            (ok / n, -lapses.get(key, (0, False, False))[0], key, n)
            for key, (n, ok, _) in qstats.items()
            if n >= 2 and key in existing
        ]
        weak.sort()
        total_attempts = sum(n for n, _, _ in qstats.values())
        total_correct = sum(ok for _, ok, _ in qstats.values())
        reviews = int(
            self.conn.execute(
                "SELECT count(*) FROM reviews WHERE profile_id = ?", (pid,)
            ).fetchone()[0]
        )
        leeches = sorted((key, v) for key, v in lapses.items() if v[1] and key in existing)
        return {
            "profile": profile,
            "generated_at": moment.isoformat(),
            "totals": {
                "attempts": total_attempts,
                "accuracy": _ratio(total_correct, total_attempts),
                "reviews": reviews,
                "cards": sum(1 for k in lapses if k in existing),
                "due_now": sum(s.due for s in summaries.values()),
                "leeches": len(leeches),
            },
            "banks": [
                {
                    "bank_id": s.bank_id,
                    "title": catalog.titles.get(s.bank_id, s.bank_id),
                    "questions": s.questions,
                    "seen": s.seen,
                    "attempts": s.attempts,
                    "accuracy": s.accuracy,
                    "last_score": s.last_score,
                    "mastery": s.mastery,
                    "due": s.due,
                    "leeches": s.leeches,
                }
                for s in summaries.values()
            ],
            "tags": [
                {
                    "tag": tag,
                    "questions": tag_questions[tag],
                    "attempts": tag_attempts[tag],
                    "accuracy": _ratio(tag_correct[tag], tag_attempts[tag]),
                }
                for tag in sorted(tag_questions)
            ],
            "streak": self._streak(pid, today),
            "heatmap": self._heatmap(pid, today, heatmap_days),
            "forecast": self._forecast(pid, moment, existing),
            "retention": {
                "days": retention_days,
                **self._retention(
                    pid, _local_midnight_ms(today - timedelta(days=retention_days - 1))
                ),
            },
            "weakest": [
                {
                    "bank_id": key[0],
                    "question_id": key[1],
                    "attempts": n,
                    "accuracy": acc,
                    "lapses": -neg_lapses,
                }
                for acc, neg_lapses, key, n in weak[:top]
            ],
            "leeches": [
                {"bank_id": key[0], "question_id": key[1], "lapses": n, "suspended": susp}
                for key, (n, _leech, susp) in leeches
            ],
        }


# --------------------------------------------------------------------------- row helpers

_ATTEMPT_COLUMNS = (
    "id, session_id, bank_id, question_id, answer, outcome, score, time_ms, hinted, answered_ms"
)
_CARD_COLUMNS = "id, data, reps, lapses, leech, suspended, state, due_ms"


def _attempt(row: Sequence[Any]) -> AttemptRecord:
    return AttemptRecord(
        id=int(row[0]),
        session_id=row[1],
        bank_id=row[2],
        question_id=row[3],
        answer=json.loads(row[4]),
        outcome=row[5],
        score=float(row[6]),
        time_ms=row[7],
        hinted=bool(row[8]),
        answered=_from_ms(row[9]),
    )


def _insert_card(c: sqlite3.Connection, pid: int, bank_id: str, qid: str, now: datetime) -> int:
    cur = c.execute(
        "INSERT INTO cards (profile_id, bank_id, question_id, state, due_ms, data)"
        " VALUES (?, ?, ?, ?, ?, '{}')",
        (pid, bank_id, qid, int(State.Learning), _ms(now)),
    )
    card_id = cur.lastrowid
    assert card_id is not None
    c.execute(
        "UPDATE cards SET data = ? WHERE id = ?", (card_to_json(new_card(card_id, now)), card_id)
    )
    return card_id


def _snapshot(row: Sequence[Any]) -> str:
    """The card row before a review, for undo (matches `_CARD_COLUMNS`)."""
    return json.dumps(
        {
            "card": json.loads(row[1]),
            "reps": row[2],
            "lapses": row[3],
            "leech": bool(row[4]),
            "suspended": bool(row[5]),
        },
        separators=(",", ":"),
    )


def _write_card(
    c: sqlite3.Connection,
    card_id: int,
    card: Card,
    reps: int,
    lapses: int,
    leech: bool,
    suspended: bool,
    buried_until_ms: int | None,
) -> None:
    c.execute(
        "UPDATE cards SET state = ?, due_ms = ?, stability = ?, difficulty = ?,"
        " last_review_ms = ?, reps = ?, lapses = ?, leech = ?, suspended = ?,"
        " buried_until_ms = ?, data = ? WHERE id = ?",
        (
            int(card.state),
            _ms(card.due),
            card.stability,
            card.difficulty,
            None if card.last_review is None else _ms(card.last_review),
            reps,
            lapses,
            int(leech),
            int(suspended),
            buried_until_ms,
            card_to_json(card),
            card_id,
        ),
    )


def _restore_card(c: sqlite3.Connection, card_id: int, snap: dict[str, Any]) -> None:
    card = card_from_json(json.dumps(snap["card"]))
    _write_card(
        c,
        card_id,
        card,
        int(snap.get("reps", 0)),
        int(snap.get("lapses", 0)),
        bool(snap.get("leech", False)),
        bool(snap.get("suspended", False)),
        None,
    )


def _set_aside(path: Path, now: datetime) -> Path:
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
