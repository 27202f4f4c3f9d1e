"""The classroom database: sessions, students, question runs and answers, stored as they happen.

One SQLite file (WAL) holds every session a teacher has run. Each answer is committed in its
own transaction as it arrives, so a host process that dies loses nothing it acknowledged;
`quiz class host --resume` and `quiz class report` read everything back from here.
Tokens are stored only as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quiz import locations
from quiz.store import write_transaction
from quiz.store.safety import inspect_file

SCHEMA_VERSION = 3

# Version 3 adds the `accepted` table (created by `_SCHEMA`, which every open runs).

#: Version 1 databases get these columns (version 2 creates them with the tables).
_MIGRATE_1_TO_2 = (
    "ALTER TABLE sessions ADD COLUMN feedback TEXT NOT NULL DEFAULT 'end'",
    "ALTER TABLE sessions ADD COLUMN host_pid INTEGER",
    "ALTER TABLE sessions ADD COLUMN host_name TEXT",
    "ALTER TABLE sessions ADD COLUMN host_lease TEXT",
    "ALTER TABLE students ADD COLUMN removed_at TEXT",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    bank_id TEXT NOT NULL,
    title TEXT NOT NULL,
    mode TEXT NOT NULL,
    time_limit REAL,
    seed TEXT NOT NULL,
    questions TEXT NOT NULL,
    teacher_token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    phase TEXT NOT NULL,
    current INTEGER NOT NULL DEFAULT -1,
    started_at TEXT,
    ended_at TEXT,
    feedback TEXT NOT NULL DEFAULT 'end',
    host_pid INTEGER,
    host_name TEXT,
    host_lease TEXT
);
CREATE TABLE IF NOT EXISTS students (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    removed_at TEXT,
    PRIMARY KEY (session_id, id),
    UNIQUE (session_id, name_key)
);
CREATE TABLE IF NOT EXISTS runs (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    idx INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    deadline TEXT,
    closed_at TEXT,
    revealed_at TEXT,
    PRIMARY KEY (session_id, idx)
);
CREATE TABLE IF NOT EXISTS answers (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    student_id INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    answer TEXT NOT NULL,
    outcome TEXT NOT NULL,
    score REAL NOT NULL,
    elapsed_ms INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (session_id, student_id, question_id)
);
CREATE TABLE IF NOT EXISTS accepted (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    question_id TEXT NOT NULL,
    answer_key TEXT NOT NULL,
    label TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    PRIMARY KEY (session_id, question_id, answer_key)
);
"""


def hash_token(token: str) -> str:
    """The stored form of a bearer token."""
    return hashlib.sha256(token.encode()).hexdigest()


def default_path() -> Path:
    """`classroom.db` in the user's data folder (`QUIZ_DATA_DIR` overrides it)."""
    return locations.data_dir() / "classroom.db"


def iso(dt: datetime | None) -> str | None:
    """A UTC timestamp as stored."""
    return None if dt is None else dt.astimezone(UTC).isoformat()


def parse_dt(value: str | None) -> datetime | None:
    """A stored timestamp back as an aware datetime."""
    return None if value is None else datetime.fromisoformat(value)


@dataclass
class AnswerRow:
    """One stored answer."""

    student_id: int
    question_id: str
    idx: int
    answer: Any
    outcome: str
    score: float
    elapsed_ms: int
    answered_at: datetime


@dataclass
class AcceptedRow:
    """A typed answer the teacher accepted as right for everyone who gave it."""

    question_id: str
    #: The answer's normalised text (`quiz.grading.normalise_text`): what is compared.
    key: str
    #: The answer as the distribution showed it.
    label: str
    accepted_at: datetime


@dataclass
class StudentRow:
    """One stored student."""

    id: int
    name: str
    token_hash: str
    joined_at: datetime
    removed_at: datetime | None = None


@dataclass
class RunRow:
    """One opening of a question (live mode)."""

    idx: int
    opened_at: datetime
    deadline: datetime | None
    closed_at: datetime | None
    revealed_at: datetime | None


@dataclass
class SessionRow:
    """A stored session with everything needed to resume or report it."""

    id: str
    code: str
    bank_id: str
    title: str
    mode: str
    time_limit: float | None
    seed: str
    questions: list[dict[str, Any]]
    teacher_token_hash: str
    created_at: datetime
    phase: str
    current: int
    started_at: datetime | None = None
    ended_at: datetime | None = None
    feedback: str = "end"
    students: list[StudentRow] = field(default_factory=list)
    runs: list[RunRow] = field(default_factory=list)
    answers: list[AnswerRow] = field(default_factory=list)
    accepted: list[AcceptedRow] = field(default_factory=list)


class SessionNotFound(LookupError):
    """No session with that id (or id prefix)."""


#: The tables every classroom database has had since schema version 1: a file without
#: them is another application's and is never opened for writing.
CLASSROOM_TABLES = frozenset({"sessions", "students", "runs", "answers"})


class ClassroomDB:
    """A connection to the classroom database; every write is its own transaction."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the classroom database at `path`.

        A file that is not an SQLite database, or an SQLite database of another
        application (the learner's `quiz.db` included), raises `NotOurFile` and is left
        byte-for-byte untouched, nothing created beside it (as the learner store does).
        """
        inspect_file(
            path,
            tables=CLASSROOM_TABLES,
            what="a quiz classroom database",
            check="Check QUIZ_DATA_DIR (the classroom database is classroom.db there).",
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # The server touches the db only from its event loop thread, but that thread is not
        # the one that opened it when uvicorn runs in a worker thread.
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA busy_timeout = 5000")
        self.conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL: commits survive a crash of the process (power loss may drop the last).
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"{path}: classroom database schema {version} is newer than this quiz "
                f"({SCHEMA_VERSION}); upgrade quiz"
            )
        with self.transaction():
            if version == 1:
                for stmt in _MIGRATE_1_TO_2:
                    self.conn.execute(stmt)
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    self.conn.execute(stmt)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
        return write_transaction(self.conn)

    # -- writes ---------------------------------------------------------------------------

    def create_session(self, row: SessionRow) -> None:
        """Store a new session."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO sessions (id, code, bank_id, title, mode, time_limit, seed, "
                "questions, teacher_token_hash, created_at, phase, current, feedback) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.id,
                    row.code,
                    row.bank_id,
                    row.title,
                    row.mode,
                    row.time_limit,
                    row.seed,
                    json.dumps(row.questions),
                    row.teacher_token_hash,
                    iso(row.created_at),
                    row.phase,
                    row.current,
                    row.feedback,
                ),
            )

    def set_teacher_token(self, session_id: str, token_hash: str) -> None:
        """Replace the teacher token (a resumed session gets a fresh one)."""
        with self.transaction() as c:
            c.execute(
                "UPDATE sessions SET teacher_token_hash = ? WHERE id = ?", (token_hash, session_id)
            )

    def add_student(self, session_id: str, student: StudentRow, name_key: str) -> None:
        """Store a student who joined."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO students (session_id, id, name, name_key, token_hash, joined_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    student.id,
                    student.name,
                    name_key,
                    student.token_hash,
                    iso(student.joined_at),
                ),
            )

    def remove_student(self, session_id: str, student_id: int, at: datetime) -> None:
        """Mark a student removed; their name key is freed for someone else to join with."""
        with self.transaction() as c:
            c.execute(
                "UPDATE students SET removed_at = ?, name_key = name_key || ' #removed ' || id "
                "WHERE session_id = ? AND id = ? AND removed_at IS NULL",
                (iso(at), session_id, student_id),
            )

    def set_student_token(self, session_id: str, student_id: int, token_hash: str) -> None:
        """Give a student a new token (re-admitted by the teacher); the old one stops working."""
        with self.transaction() as c:
            c.execute(
                "UPDATE students SET token_hash = ? WHERE session_id = ? AND id = ?",
                (token_hash, session_id, student_id),
            )

    def take_host_lease(
        self, session_id: str, pid: int, host: str, until: datetime, *, alive: Any
    ) -> tuple[int, str] | None:
        """Become the session's host; returns the (pid, host) of a live host holding it instead.

        A lease held by a process that is gone (on this machine) or has expired is taken over:
        that is a restart after a crash. `alive(pid)` tells whether a local process runs.
        """
        with self.transaction() as c:
            r = c.execute(
                "SELECT host_pid, host_name, host_lease FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            if r is None:
                raise SessionNotFound(f"no classroom session {session_id!r} in {self.path}")
            held_pid, held_host, lease = r
            lease_at = parse_dt(lease)
            if held_pid is not None and lease_at is not None and lease_at > datetime.now(UTC):
                same_machine = held_host == host
                if not same_machine or (held_pid != pid and alive(held_pid)):
                    return int(held_pid), str(held_host)
            c.execute(
                "UPDATE sessions SET host_pid = ?, host_name = ?, host_lease = ? WHERE id = ?",
                (pid, host, iso(until), session_id),
            )
        return None

    def renew_host_lease(self, session_id: str, pid: int, until: datetime) -> None:
        """Extend this host's lease."""
        with self.transaction() as c:
            c.execute(
                "UPDATE sessions SET host_lease = ? WHERE id = ? AND host_pid = ?",
                (iso(until), session_id, pid),
            )

    def release_host_lease(self, session_id: str, pid: int) -> None:
        """Give the session up (a clean stop)."""
        with self.transaction() as c:
            c.execute(
                "UPDATE sessions SET host_pid = NULL, host_name = NULL, host_lease = NULL "
                "WHERE id = ? AND host_pid = ?",
                (session_id, pid),
            )

    def set_phase(
        self,
        session_id: str,
        phase: str,
        current: int,
        *,
        started_at: datetime | None = None,
        ended_at: datetime | None = None,
        run: RunRow | None = None,
    ) -> None:
        """Store a phase change, and the question run it opened, closed or revealed."""
        with self.transaction() as c:
            c.execute(
                "UPDATE sessions SET phase = ?, current = ?, "
                "started_at = COALESCE(started_at, ?), ended_at = COALESCE(ended_at, ?) "
                "WHERE id = ?",
                (phase, current, iso(started_at), iso(ended_at), session_id),
            )
            if run is not None:
                c.execute(
                    "INSERT OR REPLACE INTO runs (session_id, idx, opened_at, deadline, "
                    "closed_at, revealed_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        session_id,
                        run.idx,
                        iso(run.opened_at),
                        iso(run.deadline),
                        iso(run.closed_at),
                        iso(run.revealed_at),
                    ),
                )

    def add_answer(self, session_id: str, a: AnswerRow) -> None:
        """Commit one answer; the primary key makes a second one for the question impossible."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO answers (session_id, student_id, question_id, idx, answer, outcome, "
                "score, elapsed_ms, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    a.student_id,
                    a.question_id,
                    a.idx,
                    json.dumps(a.answer),
                    a.outcome,
                    a.score,
                    a.elapsed_ms,
                    iso(a.answered_at),
                ),
            )

    def accept_answer(
        self, session_id: str, accepted: AcceptedRow, regraded: list[tuple[int, str, float]]
    ) -> None:
        """Store an answer the teacher accepted and the new grade of each student who gave
        it, (student_id, outcome, score), in one transaction."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO accepted (session_id, question_id, answer_key, label, accepted_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    session_id,
                    accepted.question_id,
                    accepted.key,
                    accepted.label,
                    iso(accepted.accepted_at),
                ),
            )
            c.executemany(
                "UPDATE answers SET outcome = ?, score = ? "
                "WHERE session_id = ? AND student_id = ? AND question_id = ?",
                [
                    (outcome, score, session_id, sid, accepted.question_id)
                    for sid, outcome, score in regraded
                ],
            )

    # -- reads ----------------------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """A session id from its full id or a unique prefix; raises SessionNotFound."""
        rows = self.conn.execute(
            "SELECT id FROM sessions WHERE id = ? OR id LIKE ? ORDER BY id",
            (ref, ref.replace("%", "").replace("_", "") + "%"),
        ).fetchall()
        exact = [r[0] for r in rows if r[0] == ref]
        if exact:
            return str(exact[0])
        if len(rows) == 1:
            return str(rows[0][0])
        if not rows:
            raise SessionNotFound(f"no classroom session {ref!r} in {self.path}")
        raise SessionNotFound(
            f"{ref!r} matches {len(rows)} sessions ({', '.join(r[0] for r in rows[:5])}); "
            "give more of the id"
        )

    def list_sessions(self) -> list[dict[str, Any]]:
        """Every session, newest first, with its student and answer counts."""
        rows = self.conn.execute(
            "SELECT s.id, s.code, s.bank_id, s.title, s.mode, s.phase, s.created_at, s.ended_at, "
            "json_array_length(s.questions), "
            # A removed student and their answers are out of the report; out of the
            # counts too, so the list agrees with it.
            "(SELECT COUNT(*) FROM students st "
            " WHERE st.session_id = s.id AND st.removed_at IS NULL), "
            "(SELECT COUNT(*) FROM answers a JOIN students st "
            " ON st.session_id = a.session_id AND st.id = a.student_id "
            " WHERE a.session_id = s.id AND st.removed_at IS NULL) "
            "FROM sessions s ORDER BY s.created_at DESC"
        ).fetchall()
        keys = (
            "id",
            "code",
            "bank_id",
            "title",
            "mode",
            "phase",
            "created_at",
            "ended_at",
            "questions",
            "students",
            "answers",
        )
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def load(self, session_id: str) -> SessionRow:
        """A whole session: its row, students, runs and answers."""
        r = self.conn.execute(
            "SELECT id, code, bank_id, title, mode, time_limit, seed, questions, "
            "teacher_token_hash, created_at, phase, current, started_at, ended_at, feedback "
            "FROM sessions WHERE id = ?",
            (session_id,),
        ).fetchone()
        if r is None:
            raise SessionNotFound(f"no classroom session {session_id!r} in {self.path}")
        created = parse_dt(r[9])
        assert created is not None
        row = SessionRow(
            id=r[0],
            code=r[1],
            bank_id=r[2],
            title=r[3],
            mode=r[4],
            time_limit=r[5],
            seed=r[6],
            questions=json.loads(r[7]),
            teacher_token_hash=r[8],
            created_at=created,
            phase=r[10],
            current=r[11],
            started_at=parse_dt(r[12]),
            ended_at=parse_dt(r[13]),
            feedback=r[14],
        )
        for s in self.conn.execute(
            "SELECT id, name, token_hash, joined_at, removed_at FROM students "
            "WHERE session_id = ? ORDER BY id",
            (session_id,),
        ):
            joined = parse_dt(s[3])
            assert joined is not None
            row.students.append(StudentRow(s[0], s[1], s[2], joined, parse_dt(s[4])))
        for u in self.conn.execute(
            "SELECT idx, opened_at, deadline, closed_at, revealed_at FROM runs "
            "WHERE session_id = ? ORDER BY idx",
            (session_id,),
        ):
            opened = parse_dt(u[1])
            assert opened is not None
            row.runs.append(RunRow(u[0], opened, parse_dt(u[2]), parse_dt(u[3]), parse_dt(u[4])))
        for a in self.conn.execute(
            "SELECT student_id, question_id, idx, answer, outcome, score, elapsed_ms, "
            "answered_at FROM answers WHERE session_id = ? ORDER BY answered_at",
            (session_id,),
        ):
            at = parse_dt(a[7])
            assert at is not None
            row.answers.append(AnswerRow(a[0], a[1], a[2], json.loads(a[3]), a[4], a[5], a[6], at))
        for k in self.conn.execute(
            "SELECT question_id, answer_key, label, accepted_at FROM accepted "
            "WHERE session_id = ? ORDER BY accepted_at",
            (session_id,),
        ):
            at = parse_dt(k[3])
            assert at is not None
            row.accepted.append(AcceptedRow(k[0], k[1], k[2], at))
        return row
