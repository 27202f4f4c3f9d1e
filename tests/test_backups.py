"""Backups of the learner store: automatic (daily, before a migration), `quiz backup`,
`quiz restore`, and the modes the files are created with."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.store import MIGRATIONS, SCHEMA_VERSION, Store, migrate

DAY = datetime(2026, 11, 20, 9, 30).astimezone()


def _answer(store: Store, qid: str) -> None:
    store.record_attempt(
        None, "ann", "b", qid, answer=qid, outcome="correct", score=1.0, time_ms=900
    )


def _count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM attempts").fetchone()[0])
    finally:
        conn.close()


def _integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def test_a_daily_backup_at_most_once_a_day_and_the_last_seven_kept(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    with Store.open(db, now=DAY) as s:  # a new store: nothing to back up yet
        _answer(s, "q0")
    assert not (tmp_path / "backups").exists()
    for day in range(10):
        for hour in (0, 5):  # two opens on the same day: one backup
            with Store.open(db, now=DAY + timedelta(days=day, hours=hour)) as s:
                _answer(s, f"q{day}-{hour}")
    backups = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert backups == [f"quiz-202611{day:02d}T093000.db" for day in range(23, 30)]
    # The newest holds what was saved before that day's first open.
    assert _count(tmp_path / "backups" / backups[-1]) == 1 + 2 * 9


def test_an_older_store_is_backed_up_before_it_is_migrated(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=1)
    conn.execute("INSERT INTO profiles (name, settings, created_ms) VALUES ('ann', '{}', 0)")
    conn.close()
    with Store.open(db, now=DAY) as s:
        assert s.schema_version() == SCHEMA_VERSION
    (before,) = (tmp_path / "backups").glob("quiz-*-v1.db")
    conn = sqlite3.connect(before)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM profiles").fetchall() == [("ann",)]
    conn.close()
    assert len(MIGRATIONS) > 1


def test_quiz_backup_writes_a_whole_copy_and_restore_brings_it_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "quiz.db"
    with Store.open(db) as s:
        for i in range(5):
            _answer(s, f"q{i}")
    copy = tmp_path / "elsewhere" / "monday.db"
    assert main(["backup", str(copy), "--db", str(db)]) == 0
    assert f"to {copy}" in capsys.readouterr().out
    assert _integrity(copy) == ["ok"] and _count(copy) == 5
    with Store.open(db) as s:
        for i in range(5, 8):
            _answer(s, f"q{i}")
    assert _count(db) == 8
    assert main(["restore", str(copy), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "(5 answer(s))" in out
    assert _count(db) == 5
    # The store as it was (8 answers) was backed up first.
    (before,) = (tmp_path / "backups").glob("quiz-*-before-restore.db")
    assert _count(before) == 8 and str(before) in out


def test_quiz_backup_refuses_to_overwrite_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "thesis.txt"
    mine.write_text("keep me")
    assert main(["backup", str(mine), "--db", str(tmp_path / "q.db")]) == 1
    assert "already exists" in capsys.readouterr().err
    assert mine.read_text() == "keep me"


@pytest.mark.parametrize("kind", ["text", "other app", "damaged", "newer"])
def test_restore_refuses_a_file_that_is_not_a_good_backup(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "quiz.db"
    with Store.open(db) as s:
        _answer(s, "q1")
    bad = tmp_path / "bad.db"
    if kind == "text":
        bad.write_text("hello")
    elif kind == "other app":
        c = sqlite3.connect(bad)
        c.execute("CREATE TABLE notes (body TEXT)")
        c.commit()
        c.close()
    else:
        with Store.open(bad, backup=False) as s:
            for i in range(400):
                _answer(s, f"q{i}")
            if kind == "newer":
                s.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
            s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if kind == "damaged":
            # Data pages only: with the schema's pages damaged the file would not be
            # recognisable as a quiz database at all (another refusal, tested above).
            c = sqlite3.connect(bad)
            pages = [
                int(n)
                for (n,) in c.execute(
                    "SELECT pageno FROM dbstat WHERE name IN ('attempts', 'reviews', 'cards')"
                    " AND pagetype = 'leaf' ORDER BY pageno"
                )
            ]
            c.close()
            data = bytearray(bad.read_bytes())
            for number in pages[::2]:
                offset = (number - 1) * 4096
                data[offset : offset + 32] = b"\xff" * 32
            bad.write_bytes(bytes(data))
    before = bad.read_bytes()
    assert main(["restore", str(bad), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert {"text": "not a quiz database", "other app": "another application"}.get(
        kind, {"damaged": "damaged", "newer": "schema version"}.get(kind, "?")
    ) in err
    assert bad.read_bytes() == before
    assert _count(db) == 1
    assert not (tmp_path / "backups").exists()


def test_store_and_backups_are_private(tmp_path: Path) -> None:
    data = tmp_path / "new-data"
    db = data / "quiz.db"
    with Store.open(db, now=DAY) as s:
        _answer(s, "q1")
        wal = db.with_name("quiz.db-wal")
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    with Store.open(db, now=DAY + timedelta(days=1)):
        pass
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    folder = data / "backups"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (backup,) = folder.iterdir()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert main(["backup", "--db", str(db)]) == 0
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


def test_the_data_folder_is_private_even_when_quiz_add_made_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("QUIZ_DATA_DIR", str(data))
    monkeypatch.delenv("QUIZ_DB", raising=False)
    monkeypatch.delenv("QUIZ_BANKS_DIR", raising=False)
    bank = tmp_path / "b.toml"
    bank.write_text(
        'schema = 1\nid = "b"\ntitle = "B"\n\n[[questions]]\nid = "q"\ntype = "true_false"\n'
        'prompt = "P"\nanswer = true\nexplanation = "E"\n'
    )
    old = os.umask(0o022)
    try:
        assert main(["add", str(bank)]) == 0  # creates data/banks/ with the umask's mode
    finally:
        os.umask(old)
    with Store.open() as s:
        _answer(s, "q")
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "quiz.db").stat().st_mode) == 0o600
