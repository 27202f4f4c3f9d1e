"""A classroom database written by the previous version (schema 1) opens, resumes and reports."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from quiz.classroom.analysis import build_report
from quiz.classroom.db import SCHEMA_VERSION, ClassroomDB
from quiz.classroom.state import ClassSession
from tests.classroom.support import BANK_DATA

#: The tables as schema 1 made them (quiz/classroom/db.py before issue 12).
SCHEMA_1 = """
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
    ended_at TEXT
);
CREATE TABLE IF NOT EXISTS students (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    joined_at TEXT NOT NULL,
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
"""


def test_a_schema_1_database_is_migrated_without_losing_anything(tmp_path: Path) -> None:
    path = tmp_path / "classroom.db"
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_1)
    conn.execute("PRAGMA user_version = 1")
    t = "2030-01-01T09:00:00+00:00"
    conn.execute(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            "s1",
            "K7MQ2P",
            "class-test",
            "Old",
            "self-paced",
            None,
            "seed",
            json.dumps(BANK_DATA["questions"][:2]),
            "hash",
            t,
            "open",
            -1,
            t,
            None,
        ),
    )
    conn.execute("INSERT INTO students VALUES ('s1', 1, 'Ann', 'ann', 'tok', ?)", (t,))
    conn.execute(
        "INSERT INTO answers VALUES ('s1', 1, 'mc', 0, '0', 'correct', 1.0, 1200, ?)", (t,)
    )
    conn.commit()
    conn.close()

    db = ClassroomDB(path)
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    row = db.load("s1")
    assert row.feedback == "end" and row.students[0].removed_at is None
    assert [(a.question_id, a.answer, a.score) for a in row.answers] == [("mc", 0, 1.0)]
    session, _ = ClassSession.resume(db, "s1")
    assert session.students[1].position == 1  # on to the second question
    session.join("K7MQ2P", "Bo")
    report = build_report(db.load("s1"))
    assert [(s.name, s.score) for s in report.students] == [("Ann", 1.0), ("Bo", 0.0)]
    db.close()
    # Opening it again is a no-op (already version 2).
    ClassroomDB(path).close()
