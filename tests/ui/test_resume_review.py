"""Resuming a session whose process was killed, and Review showing exactly the due cards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quiz.store import Store
from quiz.ui.app import QuizApp
from quiz.ui.screens.dialogs import ResumeDialog
from quiz.ui.screens.home import HomeScreen
from quiz.ui.screens.results import ResultsScreen
from quiz.ui.screens.study import StudyScreen
from tests.ui.helpers import answer_keys, feedback_text, open_first_bank, ready, study_screen

ROOT = Path(__file__).parent.parent.parent

#: A learner process: starts a seeded quiz, answers two questions, then is killed outright.
KILLED_RUN = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from quiz.banks import load_bank
    from quiz.session import QuizSession, SessionOptions
    from quiz.store import Store
    from quiz.study import StoreRecorder

    db, bank_file = sys.argv[1], sys.argv[2]
    bank = load_bank(Path(bank_file)).bank
    store = Store.open(db)
    s = QuizSession.from_banks([bank], options=SessionOptions(seed=5))
    plan = s.plan()
    sid = store.start_session("tester", plan["mode"], [tuple(k) for k in plan["queue"]],
                              scope={"title": plan["title"]}, options=plan["options"])
    s.recorder = StoreRecorder(store, "tester", sid)
    right = {"mc": 0, "ms": [0, 1], "tf": True, "sa": "green", "num": 4.0, "cloze": ["blue"],
             "order": [0, 1, 2], "match": [0, 1, 2], "card": 3}
    for _ in range(2):
        s.submit(right[s.current.question.id])
        s.advance()
    print(sid, " ".join(i.question.id for i in s.queue), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


async def test_resume_after_killed_session(
    make_app: Callable[..., QuizApp], db_path: Path, bank_dir: Path
) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, str(db_path), str(bank_dir / "every-type.toml")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    sid_text, *queue = proc.stdout.split()
    session_id = int(sid_text)

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, ResumeDialog)
        await pilot.press("y")
        await pilot.pause()
        screen = study_screen(app)
        s = screen.session
        assert s.session_id == session_id
        assert [i.question.id for i in s.queue] == queue
        assert s.index == 2 and len(s.records) == 2 and s.correct_count == 2
        assert str(screen.query_one("#study-count").render()) == "3 of 9"
        assert str(screen.query_one("#study-score").render()) == "Score 2/2 · 100%"
        while isinstance(app.screen, StudyScreen):
            await pilot.press(*answer_keys(app, right=True))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        assert "Score 9/9 · 100%" in str(app.screen.query_one("#results-summary").render())
    with Store.open(db_path) as store:
        stored = store.session(session_id)
        assert stored.finished is not None
        assert [a.question_id for a in stored.answered] == queue
        assert store.unfinished_session("tester") is None


async def test_discarding_at_the_resume_offer_abandons_the_session(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    with Store.open(db_path) as store:
        sid = store.start_session("tester", "quiz", [("every-type", "mc"), ("every-type", "tf")])
        store.record_attempt(
            sid, "tester", "every-type", "mc", answer=0, outcome="correct", score=1.0
        )
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, ResumeDialog)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    with Store.open(db_path) as store:
        assert store.unfinished_session("tester") is None
        assert store.session(sid).abandoned


async def test_keeping_for_later_shows_the_session_on_home_to_resume(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    with Store.open(db_path) as store:
        sid = store.start_session(
            "tester", "quiz", [("every-type", "mc"), ("every-type", "tf")], scope={"title": "T"}
        )
        store.record_attempt(
            sid, "tester", "every-type", "mc", answer=0, outcome="correct", score=1.0
        )
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, ResumeDialog)
        await pilot.press("escape")  # Esc keeps it: nothing is dropped by a stray key
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#banks")
        titles = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]  # type: ignore[attr-defined]
        assert "↻ Resume: T" in titles
        # Its row resumes it.
        table.move_cursor(row=titles.index("↻ Resume: T"))  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        session = study_screen(app).session
        assert session.session_id == sid and len(session.records) == 1
    with Store.open(db_path) as store:
        assert not store.session(sid).abandoned


async def test_review_shows_exactly_the_due_cards(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    now = datetime.now(UTC)
    past = now - timedelta(days=3)
    with Store.open(db_path) as store:
        # Missed three days ago: due, and missed. Right three days ago: due (first step).
        for qid, outcome in [("tf", "incorrect"), ("mc", "correct"), ("num", "incorrect")]:
            store.record_attempt(
                None,
                "tester",
                "every-type",
                qid,
                answer=None,
                outcome=outcome,
                score=1.0 if outcome == "correct" else 0.0,
                now=past,
            )
        # Answered just now: not due yet.
        store.record_attempt(
            None, "tester", "every-type", "sa", answer="green", outcome="correct", score=1.0
        )
        # Due, but suspended: never in a queue.
        store.record_attempt(
            None,
            "tester",
            "every-type",
            "cloze",
            answer=["x"],
            outcome="incorrect",
            score=0.0,
            now=past,
        )
        store.suspend("tester", "every-type", "cloze")
        expected = [c.question_id for c in store.due_cards("tester")]
    assert sorted(expected) == ["mc", "num", "tf"]

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, HomeScreen)
        summary = str(app.screen.query_one("#due-summary").render())
        assert summary == "Due now: 3"
        await pilot.press("r")
        await pilot.pause()
        s = study_screen(app).session
        ids = [i.question.id for i in s.queue]
        assert sorted(ids) == ["mc", "num", "tf"]
        # The missed ones come first.
        assert set(ids[:2]) == {"tf", "num"}
        assert str(s.mode) == "review"


async def test_a_new_session_asks_about_one_left_open(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        first = (await open_first_bank(pilot)).session
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        await pilot.press("escape")  # leave with one answer: resumable
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        # Never dropped silently: the learner is asked, and here discards it.
        assert isinstance(app.screen, ResumeDialog)
        await pilot.press("d")
        await pilot.pause()
        second = study_screen(app).session
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
    assert first.session_id is not None and second.session_id is not None
    with Store.open(db_path) as store:
        assert store.session(first.session_id).abandoned
        unfinished = store.unfinished_session("tester")
        assert unfinished is not None and unfinished.id == second.session_id


async def test_review_respects_the_daily_review_limit(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    from dataclasses import replace

    long_ago = datetime.now(UTC) - timedelta(days=60)
    with Store.open(db_path) as store:
        # Two answers ten minutes apart graduate a card to Review, due well before today.
        for qid in ("mc", "tf", "num"):
            for minutes in (0, 11):
                store.record_attempt(
                    None,
                    "tester",
                    "every-type",
                    qid,
                    answer=None,
                    outcome="correct",
                    score=1.0,
                    now=long_ago + timedelta(minutes=minutes),
                )
        # A missed card still in its learning steps is never held back.
        store.record_attempt(
            None,
            "tester",
            "every-type",
            "sa",
            answer="x",
            outcome="incorrect",
            score=0.0,
            now=long_ago,
        )
        store.save_settings("tester", replace(store.settings("tester"), reviews_per_day=1))
        states = {c.question_id: c.state.name for c in store.due_cards("tester")}
    assert states == {"mc": "Review", "tf": "Review", "num": "Review", "sa": "Learning"}

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await pilot.pause()
        ids = [i.question.id for i in study_screen(app).session.queue]
        assert ids[0] == "sa" and len(ids) == 2  # the missed card, then one review
        notes = [n.message for n in app._notifications]
        assert any("2 due cards held back" in n for n in notes), notes


async def test_new_card_limit_is_explained_once_in_a_quiz(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    from dataclasses import replace

    with Store.open(db_path) as store:
        store.save_settings("tester", replace(store.settings("tester"), new_per_day=1))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = await open_first_bank(pilot)
        said: list[str] = []
        for _ in range(3):
            await pilot.press(*answer_keys(app, right=True))
            await pilot.pause()
            # Said in the feedback (issue 17), not in a toast over it.
            said.append(feedback_text(screen))
            await pilot.press("enter")
            await pilot.pause()
        assert len([n for n in said if "new-card limit" in n]) == 1, said
        assert not [n for n in app._notifications if "new-card limit" in n.message]
    with Store.open(db_path) as store:
        assert store.daily_limits("tester").new_done == 1
