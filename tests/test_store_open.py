"""Opening the store reads the whole file only after an unclean shutdown, or via `quiz doctor`."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import quiz.store.learner as learner
from quiz.store import Store
from quiz.store.shutdown import marker_dir

ROOT = Path(__file__).resolve().parent.parent

HOLD_OPEN = """
import sys, time
from quiz.store import Store
s = Store.open(sys.argv[1])
s.record_attempt(None, "kid", "b", "q1", answer=1, outcome="correct", score=1.0)
print("open", flush=True)
time.sleep(120)
"""


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each open of the store ran the whole-file integrity check."""
    seen: list[bool] = []
    real = learner.connect_checked  # type: ignore[attr-defined]

    def spy(
        path: Path,
        before: Callable[[sqlite3.Connection, int], None] | None = None,
        *,
        check: bool = True,
    ) -> sqlite3.Connection:
        seen.append(check)
        return real(path, before, check=check)

    monkeypatch.setattr(learner, "connect_checked", spy)
    return seen


def _killed_while_open(db: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLD_OPEN), str(db)],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "open"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)


def test_a_clean_close_leaves_nothing_to_check(tmp_path: Path, checks: list[bool]) -> None:
    db = tmp_path / "quiz.db"
    with Store.open(db) as s:
        s.record_attempt(None, "ann", "b", "q", answer=1, outcome="correct", score=1.0)
        # While open, this process's marker is there; another process opening it now is
        # not a crash and does not check either.
        assert len(list(marker_dir(db).iterdir())) == 1
        with Store.open(db):
            pass
    assert not marker_dir(db).exists()
    with Store.open(db) as again:
        assert again.card("ann", "b", "q") is not None
    assert checks == [False, False, False]


def test_after_a_process_is_killed_the_next_open_checks_once(
    tmp_path: Path, checks: list[bool]
) -> None:
    db = tmp_path / "quiz.db"
    Store.open(db).close()
    _killed_while_open(db)
    with Store.open(db) as s:
        assert s.notice is None
        assert s.card("kid", "b", "q1") is not None  # the killed process's answer is kept
    with Store.open(db):
        pass
    assert checks == [False, True, False]


def _damage_an_index(db: Path) -> None:
    """Damage that only a whole-file check sees: an index disagrees with its table."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA writable_schema = ON")
    # Point the index at an empty b-tree page of another index: the schema stays readable.
    (root,) = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'reviews_attempt'"
    ).fetchone()
    conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'attempts_session'", (root,))
    conn.commit()
    conn.close()


def test_doctor_reports_damage_without_moving_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from quiz.cli import main

    db = tmp_path / "quiz.db"
    with Store.open(db) as s:
        for i in range(50):
            s.record_attempt(None, "ann", "b", f"q{i}", answer=i, outcome="correct", score=1.0)
    assert main(["doctor", "--db", str(db)]) == 0
    assert "ok" in capsys.readouterr().out
    _damage_an_index(db)
    before = db.read_bytes()
    assert main(["doctor", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "is damaged" in err and "attempts_session" in err
    assert db.read_bytes() == before
    assert not [p.name for p in tmp_path.iterdir() if "corrupt" in p.name]


def test_damage_is_found_on_the_open_after_a_crash(tmp_path: Path, checks: list[bool]) -> None:
    db = tmp_path / "quiz.db"
    with Store.open(db) as s:
        for i in range(50):
            s.record_attempt(None, "ann", "b", f"q{i}", answer=i, outcome="correct", score=1.0)
    _damage_an_index(db)
    # A clean last close: the open does not read the whole file, and the store works.
    with Store.open(db) as s:
        assert s.notice is None
    _killed_while_open(db)
    with Store.open(db) as s:
        assert s.notice is not None and "integrity check" in s.notice
        assert s.card("ann", "b", "q1") is None  # a fresh store
    assert len(list(tmp_path.glob("quiz.db.corrupt-*"))) == 1
    # (The killed child opened it unchecked, in its own process.) The new store is checked too.
    assert checks == [False, False, True, True]


def test_doctor_on_a_missing_database_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from quiz.cli import main

    assert main(["doctor", "--db", str(tmp_path / "none.db")]) == 1
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_a_process_that_exits_without_closing_leaves_nothing_to_check(
    tmp_path: Path, checks: list[bool]
) -> None:
    db = tmp_path / "quiz.db"
    code = (
        "import sys; from quiz.store import Store; s = Store.open(sys.argv[1]);"
        " s.record_attempt(None, 'kid', 'b', 'q1', answer=1, outcome='correct', score=1.0);"
        " raise SystemExit(3)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(db)],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=False,
    )
    assert done.returncode == 3
    with Store.open(db) as s:
        assert s.card("kid", "b", "q1") is not None
    assert checks == [False]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_closing_the_terminal_is_a_clean_shutdown(tmp_path: Path, checks: list[bool]) -> None:
    db = tmp_path / "quiz.db"
    session = f"quiz-hup-{os.getpid()}"
    env = f"PYTHONPATH={ROOT} QUIZ_BANKS_DIR={tmp_path / 'none'} QUIZ_CACHE_DIR={tmp_path}"
    command = f"exec env {env} {sys.executable} -m quiz --db {db}"
    tmux = ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24"]
    subprocess.run([*tmux, "-c", str(ROOT), command], check=True)
    try:
        for _ in range(300):
            pane = subprocess.run(
                ["tmux", "capture-pane", "-pt", session], capture_output=True, text=True
            ).stdout
            if "Due now: 0" in pane:
                break
            time.sleep(0.05)
        assert "Due now: 0" in pane
        assert marker_dir(db).exists()  # the app has the store open
    finally:
        # Closing the terminal window sends SIGHUP to the app.
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
    for _ in range(100):
        if not marker_dir(db).exists():
            break
        time.sleep(0.05)
    assert not marker_dir(db).exists()
    with Store.open(db):
        pass
    assert checks == [False]
