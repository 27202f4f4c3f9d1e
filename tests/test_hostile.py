"""Hostile environments: a full disk, a read-only data folder, a store whose folder
disappears. Each gives a clear message, keeps every answer already saved and leaves no
half-written file.

The full-disk and read-only tests mount a small tmpfs in a private mount namespace
(`unshare -rm`, no root needed where user namespaces are allowed); SQLite's own
SQLITE_FULL is also produced without a mount, by `PRAGMA max_page_count`.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.models import BANK_ADAPTER
from quiz.session import SessionOptions
from quiz.store import Store, StoreUnavailable
from quiz.study import StudyService

ROOT = Path(__file__).resolve().parent.parent


def _answer(store: Store, qid: str, size: int = 10) -> None:
    store.record_attempt(
        None, "ann", "b", qid, answer="x" * size, outcome="correct", score=1.0, time_ms=500
    )


def _count(db: Path) -> int:
    with Store.open(db, backup=False) as s:
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(s.conn.execute("SELECT count(*) FROM attempts").fetchone()[0])


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def test_sqlite_full_is_a_clear_message_and_keeps_what_was_saved(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    saved = 0
    with Store.open(db) as s:
        for i in range(5):
            _answer(s, f"q{i}")
            saved += 1
        pages = s.conn.execute("PRAGMA page_count").fetchone()[0]
        # SQLite reports SQLITE_FULL once the file would grow past this many pages.
        s.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(StoreUnavailable, match="is full: this was not saved") as info:
            for i in range(1000):
                _answer(s, f"big{i}", size=3000)
                saved += 1
        assert "everything saved before is kept" in str(info.value)
    assert 5 < saved < 1000
    assert _count(db) == saved
    assert _leftovers(tmp_path) == []


def _can_unshare() -> bool:
    try:
        done = subprocess.run(
            ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


needs_mounts = pytest.mark.skipif(
    not _can_unshare(), reason="this machine allows no private mount namespace (unshare -rm)"
)


def _in_namespace(code: str, tmp_path: Path) -> dict[str, object]:
    """Run `code` in a private mount namespace; it prints one JSON line."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        ["unshare", "-rm", sys.executable, "-c", textwrap.dedent(code), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


FULL_DISK = """
    import json, subprocess, sys
    from pathlib import Path
    from quiz.store import Store, StoreError
    mnt = Path(sys.argv[1]) / "small"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)], check=True)
    db = mnt / "data" / "quiz.db"
    saved, error = 0, None
    with Store.open(db) as s:
        try:
            for i in range(10000):
                s.record_attempt(None, "ann", "b", f"q{i}", answer="x" * 500,
                                 outcome="correct", score=1.0)
                saved += 1
        except StoreError as exc:
            error = f"{type(exc).__name__}: {exc}"
    # The CLI on the full disk: a backup cannot be written, and says so.
    backup = subprocess.run([sys.executable, "-m", "quiz", "backup", "--db", str(db)],
                            capture_output=True, text=True)
    with Store.open(db, backup=False) as s:
        count = s.conn.execute("SELECT count(*) FROM attempts").fetchone()[0]
        ok = s.conn.execute("PRAGMA integrity_check").fetchone()[0]
    left = sorted(p.name for p in mnt.rglob("*.tmp"))
    print(json.dumps({"saved": saved, "error": error, "count": count, "ok": ok,
                      "left": left, "backup_code": backup.returncode,
                      "backup_err": backup.stderr}))
"""


@needs_mounts
def test_a_full_disk_keeps_every_saved_answer(tmp_path: Path) -> None:
    result = _in_namespace(FULL_DISK, tmp_path)
    assert isinstance(result["saved"], int) and result["saved"] > 3
    assert str(result["error"]).startswith("StoreUnavailable: the disk holding")
    assert "is full" in str(result["error"])
    assert result["count"] == result["saved"] and result["ok"] == "ok"
    assert result["left"] == []
    assert result["backup_code"] == 4
    assert "cannot write the backup" in str(result["backup_err"])
    assert "No space left on device" in str(result["backup_err"]) or "full" in str(
        result["backup_err"]
    )


READ_ONLY = """
    import hashlib, json, subprocess, sys
    from pathlib import Path
    from quiz.store import Store, StoreError
    mnt = Path(sys.argv[1]) / "ro"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], check=True)
    db = mnt / "data" / "quiz.db"
    with Store.open(db) as s:
        for i in range(5):
            s.record_attempt(None, "ann", "b", f"q{i}", answer=i, outcome="correct", score=1.0)
        s.use_profile("ann")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    listing = sorted(p.name for p in (mnt / "data").iterdir())
    subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
    quiz = [sys.executable, "-m", "quiz"]
    stats = subprocess.run([*quiz, "stats", "--db", str(db), "--json"],
                           capture_output=True, text=True)
    change = subprocess.run([*quiz, "settings", "--db", str(db), "--new-per-day", "5"],
                            capture_output=True, text=True)
    fresh = subprocess.run([*quiz, "stats", "--db", str(mnt / "data" / "other.db")],
                           capture_output=True, text=True)
    with Store.open(db) as s:
        notice = s.notice
        try:
            s.record_attempt(None, "ann", "b", "q9", answer=9, outcome="correct", score=1.0)
            write_error = None
        except StoreError as exc:
            write_error = f"{type(exc).__name__}: {exc}"
    print(json.dumps({
        "stats_code": stats.returncode,
        "attempts": json.loads(stats.stdout)["totals"]["attempts"],
        "stats_err": stats.stderr, "change_code": change.returncode,
        "change_err": change.stderr, "fresh_code": fresh.returncode, "fresh_err": fresh.stderr,
        "notice": notice, "write_error": write_error,
        "same": hashlib.sha256(db.read_bytes()).hexdigest() == before,
        "listing": listing == sorted(p.name for p in (mnt / "data").iterdir()),
    }))
"""


@needs_mounts
def test_a_read_only_data_folder_shows_the_data_and_refuses_writes_clearly(
    tmp_path: Path,
) -> None:
    r = _in_namespace(READ_ONLY, tmp_path)
    # Reading works, with a notice; the numbers are all there.
    assert r["stats_code"] == 0 and r["attempts"] == 5
    assert "is read-only" in str(r["stats_err"])
    # A write is refused with the system's exit status and a message saying why.
    assert r["change_code"] == 4
    assert "is read-only" in str(r["change_err"]) and "cannot save" in str(r["change_err"])
    assert "is read-only" in str(r["notice"])
    assert str(r["write_error"]).startswith("StoreUnavailable")
    assert "This was not saved; everything saved before is kept" in str(r["write_error"])
    # A new store cannot be made there either, and the message says why.
    assert r["fresh_code"] == 4 and "read-only" in str(r["fresh_err"])
    assert r["same"] is True and r["listing"] is True


def test_a_vanished_folder_is_written_back_with_every_answer(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    db = folder / "quiz.db"
    bank = BANK_ADAPTER.validate_python(
        {
            "schema": 1,
            "id": "tf",
            "title": "TF",
            "questions": [
                {
                    "id": f"q{i}",
                    "type": "true_false",
                    "prompt": "P",
                    "answer": True,
                    "explanation": "E",
                }
                for i in range(4)
            ],
        }
    )
    store = Store.open(db)
    service = StudyService(store, "ann", banks={"tf": bank})
    session = service.start(["tf"], options=SessionOptions(shuffle=False)).session
    for _ in range(2):
        service.submit(session, True)
        session.advance()
    shutil.rmtree(folder)
    recorded = service.submit(session, True)
    assert recorded.notice is not None
    assert f"The database {db} was removed while quiz was open" in recorded.notice
    assert f"every answer saved so far was written to {db}." in recorded.notice
    session.advance()
    service.submit(session, False)
    store.close()
    assert _count(db) == 4
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_a_vanished_folder_that_cannot_be_made_again_goes_to_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path / "fallback"))
    folder = tmp_path / "usb"
    db = folder / "quiz.db"
    store = Store.open(db)
    _answer(store, "q1")
    shutil.rmtree(folder)
    folder.write_text("a file where the folder was")  # the folder cannot come back
    _answer(store, "q2")
    alert = store.take_alert()
    assert alert is not None and "quiz goes on saving (use --db" in alert
    (rescued,) = (tmp_path / "fallback").glob("quiz-rescued-*.db")
    assert str(rescued) in alert
    _answer(store, "q3")
    store.close()
    assert _count(rescued) == 3
    assert folder.read_text() == "a file where the folder was"


def test_nowhere_to_write_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    monkeypatch.setenv("QUIZ_DATA_DIR", str(blocker / "data"))
    monkeypatch.setenv("HOME", str(blocker / "home"))
    db = tmp_path / "usb" / "quiz.db"
    store = Store.open(db)
    _answer(store, "q1")
    shutil.rmtree(db.parent)
    db.parent.write_text("x")
    with pytest.raises(StoreUnavailable, match="was removed while quiz was open") as info:
        _answer(store, "q2")
    assert "this answer was not saved" in str(info.value)
    store.close()
    assert _leftovers(tmp_path) == []


def test_a_daily_backup_that_cannot_be_written_never_stops_the_learner(
    tmp_path: Path,
) -> None:
    db = tmp_path / "quiz.db"
    with Store.open(db) as s:
        _answer(s, "q1")
    (tmp_path / "backups").write_text("a file where the backups folder goes")
    with Store.open(db) as s:
        assert s.notice is not None and s.notice.startswith("No daily backup today")
        _answer(s, "q2")
    assert _count(db) == 2
    assert _leftovers(tmp_path) == []


def test_quiz_backup_that_cannot_be_written_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "quiz.db"
    with Store.open(db) as s:
        _answer(s, "q1")
    (tmp_path / "backups").write_text("in the way")
    assert main(["backup", "--db", str(db)]) == 4
    err = capsys.readouterr().err
    assert "quiz: error: cannot write the backup" in err and "is not a folder" in err
    assert _leftovers(tmp_path) == [] and _count(db) == 1
