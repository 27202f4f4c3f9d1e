"""Flashcards mode, the per-question time limit, suspend and bury, from the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from quiz.store import Store
from quiz.ui.app import QuizApp, StartRequest
from quiz.ui.screens.results import ResultsScreen
from quiz.ui.screens.study import FlashcardCard, StudyScreen
from tests.ui.helpers import answer_keys, open_first_bank, ready, study_screen


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_flashcards_flip_and_rate(make_app: Callable[..., QuizApp], db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("down", "f")
        await pilot.pause()
        screen = study_screen(app)
        session = screen.session
        assert str(session.mode) == "flashcards"
        ratings: list[int] = []
        while isinstance(app.screen, StudyScreen):
            card = app.screen.query_one(FlashcardCard)
            assert not card.flipped
            await pilot.press("3")  # not before flipping: nothing is recorded
            await pilot.pause()
            assert not session.records or len(session.records) == len(ratings)
            await pilot.press("space")
            await pilot.pause()
            assert card.flipped
            rating = 1 if len(ratings) % 2 else 4
            await pilot.press(str(rating))
            await pilot.pause()
            ratings.append(rating)
        assert isinstance(app.screen, ResultsScreen)
        session_id = session.session_id
    assert session_id is not None and len(ratings) == 9
    with Store.open(db_path) as store:
        stored = store.session(session_id)
        assert [a.answer for a in stored.answered] == ratings
        assert [a.outcome for a in stored.answered] == [
            "incorrect" if r == 1 else "correct" for r in ratings
        ]


async def test_time_out_records_incorrect(make_app: Callable[..., QuizApp], db_path: Path) -> None:
    clock = FakeClock()
    start = StartRequest(kind="study", bank_id="every-type", seed=2, time_limit=10)
    app = make_app(clock=clock, start=start)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        first = screen.session.current
        assert first is not None
        assert "10s" in str(screen.query_one("#study-timer").render())
        clock.now += 11
        await pilot.pause(0.4)  # the timer ticks every 0.25 s
        assert screen.session.answered
        panel = screen.query_one("#feedback")
        text = " ".join(str(s.render()) for s in panel.query("Static"))
        assert "Incorrect" in text and "Time ran out" in text
        session_id = screen.session.session_id
    assert session_id is not None
    with Store.open(db_path) as store:
        [attempt] = store.session(session_id).answered
        assert attempt.question_id == first.question.id
        assert attempt.outcome == "incorrect" and attempt.answer is None


async def test_suspend_and_bury_take_questions_out(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = await open_first_bank(pilot)
        session = screen.session
        # In text inputs @ and - are typed: answer those and go on.
        taken: list[str] = []
        for key in ("@", "-"):
            item = session.current
            assert item is not None
            while item.question.type in ("short_answer", "numeric", "cloze"):
                await pilot.press(*answer_keys(app, right=True))
                await pilot.pause()
                await pilot.press("enter")
                await pilot.pause()
                item = session.current
                assert item is not None
            taken.append(item.question.id)
            total = session.total
            await pilot.press(key)
            await pilot.pause()
            assert item not in session.queue and session.total == total - 1
    with Store.open(db_path) as store:
        suspended = store.card("tester", "every-type", taken[0])
        buried = store.card("tester", "every-type", taken[1])
        assert suspended is not None and suspended.suspended
        assert buried is not None and buried.buried_until is not None and not buried.suspended


async def test_start_options_count_and_time_limit(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("down", "o")
        await pilot.pause()
        await pilot.press("2", "tab", "1", "5", "enter")
        await pilot.pause()
        session = study_screen(app).session
        assert session.total == 2
        assert session.options.time_limit == 15
        assert str(session.mode) == "quiz"


async def test_switch_profile(make_app: Callable[..., QuizApp], db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("tab", *"ann", "enter")
        await pilot.pause()
        assert app.profile == "ann" and app.sub_title == "profile: ann"
        # Answers now go to the new profile.
        screen = await open_first_bank(pilot)
        assert screen.session.recorder.profile == "ann"  # type: ignore[attr-defined]
    with Store.open(db_path) as store:
        assert "ann" in store.profiles()
