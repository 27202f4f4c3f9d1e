"""Two windows on one store: two processes studying at once lose no answer, and the second
app window says that another one is open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from quiz.store import Store
from quiz.store.safety import WindowPresence
from quiz.ui.app import create_app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "banks"

# One app's study loop, as the screens drive it: StudyService.start, submit, advance.
STUDENT = """
    import sys, time
    from pathlib import Path
    from quiz.models import BANK_ADAPTER
    from quiz.session import SessionOptions
    from quiz.store import Store
    from quiz.study import StudyService
    db, profile, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    bank = BANK_ADAPTER.validate_python({
        "schema": 1, "id": "tf", "title": "TF",
        "questions": [
            {"id": f"q{i}", "type": "true_false", "prompt": f"Q{i}?", "answer": i % 2 == 0,
             "explanation": "E."}
            for i in range(10)
        ],
    })
    go = Path(db).with_name("go")
    while not go.exists():
        time.sleep(0.005)
    store = Store.open(db)
    service = StudyService(store, profile, banks={"tf": bank})
    answered = 0
    for _ in range(rounds):
        session = service.start(["tf"], options=SessionOptions(shuffle=False)).session
        while session.current is not None:
            service.submit(session, answered % 3 != 0)
            answered += 1
            session.advance()
    store.close()
    print(answered, flush=True)
"""


def _child(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_studying_at_once_lose_no_answer(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    with Store.open(db):
        pass  # both start on an existing store, as two windows would
    rounds = 8
    children = [_child(STUDENT, str(db), profile, str(rounds)) for profile in ("ann", "ann")]
    (tmp_path / "go").touch()
    told = 0
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
        told += int(out)
    assert told == 2 * rounds * 10
    with Store.open(db) as s:
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        attempts = s.conn.execute("SELECT count(*) FROM attempts").fetchone()[0]
        reviews = s.conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
        reps = s.conn.execute("SELECT sum(reps) FROM cards").fetchone()[0]
        sessions = s.conn.execute(
            "SELECT count(*) FROM sessions WHERE finished_ms IS NOT NULL"
        ).fetchone()[0]
        per_session = s.conn.execute(
            "SELECT DISTINCT count(*) FROM attempts GROUP BY session_id"
        ).fetchall()
    assert attempts == told == reviews == reps
    assert sessions == 2 * rounds and per_session == [(10,)]


HOLDER = """
    import sys, time
    from pathlib import Path
    from quiz.store.safety import WindowPresence
    presence = WindowPresence.claim(Path(sys.argv[1]))
    print("others" if presence.others else "alone", flush=True)
    time.sleep(120)
"""


async def test_the_second_window_says_another_one_is_open(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    first = _child(HOLDER, str(db))
    try:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "alone"
        app = create_app(db, bank_paths=[DATA])
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            for _ in range(100):
                if app.data is not None:
                    break
                await pilot.pause(0.05)
            notes = [n.message for n in app._notifications]
            assert any("Another quiz window is open" in n for n in notes), notes
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    # The first window went away (even killed): the next one is alone again.
    app = create_app(db, bank_paths=[DATA])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        for _ in range(100):
            if app.data is not None:
                break
            await pilot.pause(0.05)
        notes = [n.message for n in app._notifications]
        assert app.data is not None
        assert not any("Another quiz window" in n for n in notes), notes


def test_presence_within_one_process_counts_each_window(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    one = WindowPresence.claim(db)
    two = WindowPresence.claim(db)
    assert (one.others, two.others) == (False, True)
    one.release()
    two.release()
    three = WindowPresence.claim(db)
    assert three.others is False
    three.release()
