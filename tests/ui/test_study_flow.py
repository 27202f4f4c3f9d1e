"""The study app driven by keyboard only, from Home to Results, checked against the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable

from quiz.store import Store
from quiz.ui.app import QuizApp, StartRequest
from quiz.ui.screens.home import HomeScreen
from quiz.ui.screens.results import ResultsScreen
from quiz.ui.screens.study import StudyScreen
from tests.ui.helpers import answer_keys, feedback_shown, open_first_bank, ready, study_screen

ALL_IDS = {"mc", "ms", "tf", "sa", "num", "cloze", "order", "match", "card"}


async def test_home_lists_banks_invalid_and_review(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#banks", DataTable)
        rows = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert rows[0].startswith("★ Review due")
        assert "Every question type" in rows
        assert any("broken.toml (invalid)" in r for r in rows)
        # The invalid bank's first error shows when it is selected; the app still works.
        await pilot.press("down", "down")
        await pilot.pause()
        detail = str(app.screen.query_one("#home-detail").render())
        assert "broken.toml" in detail and "title" in detail


async def test_full_quiz_every_type_home_to_results(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = await open_first_bank(pilot)
        session = screen.session
        assert session.total == 9
        seen: list[str] = []
        wrong = {"tf", "match"}
        while isinstance(app.screen, StudyScreen):
            item = session.current
            assert item is not None
            qid = item.question.id
            seen.append(qid)
            status = str(app.screen.query_one("#study-count").render())
            assert status == f"{len(seen)} of 9"
            await pilot.press(*answer_keys(app, right=qid not in wrong))
            await pilot.pause()
            # Feedback is on screen: right/wrong at a glance and the article section.
            panel = app.screen.query_one("#feedback")
            text = " ".join(str(s.render()) for s in panel.query("Static"))
            # A self-rated card says its rating ("✓ Good: back in 10 minutes"), not Correct.
            right_word = "Good: back in" if qid == "card" else "Correct"
            assert (right_word in text) == (qid not in wrong), (qid, text)
            assert "section “Colours”" in text or "section “Numbers”" in text
            await pilot.press("enter")
            await pilot.pause()
        assert set(seen) == ALL_IDS
        assert isinstance(app.screen, ResultsScreen)
        summary = str(app.screen.query_one("#results-summary").render())
        assert "Score 7/9 · 78%" in summary and "Missed 2" in summary
        table = app.screen.query_one("#results-table", DataTable)
        assert table.row_count == 9
        session_id = session.session_id
        # Retry missed, straight from Results: only the two missed questions.
        await pilot.press("r")
        await pilot.pause()
        retry = study_screen(app).session
        assert sorted(i.question.id for i in retry.queue) == ["match", "tf"]
        retried = retry.current
        assert retried is not None
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        retry_id = retry.session_id
    assert session_id is not None
    with Store.open(db_path) as store:
        stored = store.session(session_id)
        assert stored.finished is not None
        outcomes = {a.question_id: a.outcome for a in stored.answered}
        assert set(outcomes) == ALL_IDS
        assert outcomes["tf"] == "incorrect" and outcomes["match"] == "incorrect"
        assert all(outcomes[q] == "correct" for q in ALL_IDS - {"tf", "match"})
        answers = {a.question_id: a.answer for a in stored.answered}
        assert answers["sa"] == "green" and answers["card"] == 3 and answers["tf"] is False
        for qid in ALL_IDS:
            card = store.card("tester", "every-type", qid)
            assert card is not None and card.reps == 1
        # The retry's answer is stored, but the card was not reviewed a second time.
        assert retry_id is not None
        [again] = store.session(retry_id).answered
        assert (again.question_id, again.outcome) == (retried.question.id, "correct")


async def test_undo_restores_card_and_returns(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = await open_first_bank(pilot)
        first = screen.session.current
        assert first is not None
        await pilot.press(*answer_keys(app, right=False))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.session.index == 1
        # ctrl+z works even when the next question is a text input (where u is typed).
        await pilot.press("ctrl+z")
        await pilot.pause()
        # Back on the same question, unanswered, and the store forgot the answer and card.
        assert screen.session.current == first and not screen.session.answered
        assert not feedback_shown(screen)
        session_id = screen.session.session_id
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
    assert session_id is not None
    with Store.open(db_path) as store:
        stored = store.session(session_id)
        assert [(a.question_id, a.outcome) for a in stored.answered] == [
            (first.question.id, "correct")
        ]
        card = store.card("tester", "every-type", first.question.id)
        assert card is not None and card.reps == 1 and card.lapses == 0


async def test_tag_filter_quizzes_a_tag_across_banks(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"colour", "enter")
        await pilot.pause()
        table = app.screen.query_one("#banks", DataTable)
        rows = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert rows == [
            "★ Review due (all banks)",
            "# All questions tagged colour",
            "Every question type",
        ]
        assert str(table.get_row_at(1)[1]) == "3"
        session = (await open_first_bank(pilot)).session
        assert sorted(i.question.id for i in session.queue) == ["mc", "ms", "sa"]
        assert session.title == "#colour"


async def test_bank_text_is_never_markup(make_app: Callable[..., QuizApp], bank_dir: Path) -> None:
    source = (bank_dir / "every-type.toml").read_text(encoding="utf-8")
    title = "[b]Bold[/b] [@click=app.quit]quit[/]"
    source = source.replace('id = "every-type"', 'id = "markup"').replace(
        'title = "Every question type"', f'title = "{title}"'
    )
    (bank_dir / "markup.toml").write_text(source, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        table = app.screen.query_one("#banks", DataTable)
        rows = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert any(str(r) == title and not r.spans for r in rows)
        # Starting it shows the title literally in the header and does not quit.
        index = next(i for i, r in enumerate(rows) if str(r) == title)
        await pilot.press(*["down"] * index, "enter")
        await pilot.pause()
        assert study_screen(app).sub_title == title
        assert app.is_running


async def test_next_question_built_ahead_stays_off_screen(
    make_app: Callable[..., QuizApp],
) -> None:
    """While the feedback is read, the next question waits unseen: Tab never reaches it,
    and Enter shows it with the keyboard already in it."""
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=3))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        following = screen.session.queue[screen.session.index + 1]
        for _ in range(4):
            await pilot.press("tab")
            await pilot.pause()
            focused = app.focused
            assert focused is None or not any(
                getattr(a, "question", None) is following.question for a in focused.ancestors
            ), f"Tab reached the next question: {focused!r}"
        await pilot.press("enter")
        await pilot.pause()
        view = screen.query_one("#question")
        assert view.question is following.question  # type: ignore[attr-defined]
        assert app.focused is not None and view in app.focused.ancestors_with_self
