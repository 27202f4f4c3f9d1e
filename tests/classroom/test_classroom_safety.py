"""classroom.db opens only our own files: anything else is refused and left untouched."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.classroom.db import ClassroomDB
from quiz.classroom.state import ClassSession
from quiz.cli import main
from quiz.store import Store
from quiz.store.safety import NotOurFile
from tests.classroom.support import make_bank

ROOT = Path(__file__).resolve().parents[2]


def beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def foreign_wal_database(path: Path) -> None:
    """An SQLite database of another application, in WAL mode, closed cleanly."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()


def learner_store(path: Path) -> None:
    """The learner's own quiz.db: ours, but not a classroom database."""
    with Store.open(path) as store:
        store.use_profile("default")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"# My notes\n\nnot a database\n"), "not an SQLite file"),
        (lambda p: p.write_bytes(os.urandom(4096)), "not an SQLite file"),
        (foreign_wal_database, "another application"),
        (learner_store, "another application"),
    ],
    ids=["text", "random bytes", "another app (WAL)", "the learner store"],
)
def test_a_file_that_is_not_a_classroom_database_is_refused_untouched(
    tmp_path: Path, make: object, message: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "classroom.db"
    make(path)  # type: ignore[operator]
    before, files = path.read_bytes(), beside(path)
    with pytest.raises(NotOurFile, match=f"{message}.*left untouched"):
        ClassroomDB(path)
    assert path.read_bytes() == before
    assert beside(path) == files


def test_our_own_and_new_databases_still_open(tmp_path: Path) -> None:
    path = tmp_path / "classroom.db"
    db = ClassroomDB(path)  # new
    bank = make_bank()
    session, _ = ClassSession.create(
        db, bank_id=bank.id, title=bank.title, questions=bank.questions
    )
    db.close()
    db = ClassroomDB(path)  # ours, after a clean close
    assert db.load(session.id).id == session.id
    db.close()
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    ClassroomDB(empty).close()  # an empty SQLite file is ours to fill


@pytest.mark.parametrize("command", [["list"], ["report", "x"], ["list", "--json"]])
def test_class_commands_refuse_a_foreign_classroom_db_with_exit_1(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("QUIZ_DATA_DIR", str(data))
    path = data / "classroom.db"
    path.write_text("not a database\n", encoding="utf-8")
    assert main(["class", *command]) == 1
    err = capsys.readouterr().err
    assert "not a quiz classroom database" in err and "left untouched" in err
    assert "Traceback" not in err
    assert path.read_text(encoding="utf-8") == "not a database\n"
    assert beside(path) == ["classroom.db"]


def test_a_host_refuses_a_foreign_classroom_db_before_serving(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "classroom.db"
    foreign_wal_database(path)
    before = path.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZ_DATA_DIR": str(data)}
    done = subprocess.run(
        [sys.executable, "-m", "quiz", "class", "host", "hsct", "--no-ui", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "another application" in done.stderr and "Traceback" not in done.stderr
    assert path.read_bytes() == before and beside(path) == ["classroom.db"]
