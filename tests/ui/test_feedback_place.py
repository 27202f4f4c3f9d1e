"""Where the feedback goes: over the blank lines under a short question (which then keeps
its size: the answer's frame does not lay it out and draw it again), under a long one,
which makes room for it; never over a line of the question (issue 14)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from textual.containers import VerticalScroll
from textual.geometry import Region

from quiz.ui.app import QuizApp, StartRequest
from quiz.ui.widgets.feedback import FeedbackPanel
from quiz.ui.widgets.question_view import QuestionView
from tests.ui.helpers import feedback_shown, ready, study_screen

#: Prompts from one line to more than the screen holds at 80x24.
LINES = [1, 3, 6, 8, 10, 14, 30]


def _write_bank(bank_dir: Path) -> None:
    words = [
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "consectetur",
        "adipiscing",
        "elit",
        "sed",
        "do",
    ]
    questions = [
        {
            "id": f"q{lines}",
            "type": "multiple_choice",
            # About 78 columns of words per line, the width the prompt has at 80x24.
            "prompt": " ".join(words[i % len(words)] for i in range(13 * lines)),
            "choices": [
                {"text": "Right", "correct": True},
                {"text": "Wrong one"},
                {"text": "Wrong two"},
                {"text": "Wrong three"},
            ],
            "shuffle": False,
            "explanation": "Because it is. " * 8,
        }
        for lines in LINES
    ]
    (bank_dir / "tall.json").write_text(
        json.dumps({"schema": 1, "id": "tall", "title": "Tall", "questions": questions}),
        encoding="utf-8",
    )


def _shown_lines(view: QuestionView) -> list[Region]:
    """The screen regions where the question shows something (its text, its rows)."""
    scroll = view.query_children(VerticalScroll).first()
    shown = []
    for widget in scroll.query("Static, ChoiceRow"):
        if widget.display and widget.region:
            visible = widget.region.intersection(scroll.region)
            if visible:
                shown.append(visible)
    return shown


async def test_the_feedback_never_covers_the_question(
    make_app: Callable[..., QuizApp], bank_dir: Path
) -> None:
    _write_bank(bank_dir)
    app = make_app(start=StartRequest(kind="study", bank_id="tall", seed=1))
    kept_size: dict[str, bool] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        while (item := screen.session.current) is not None:
            view = screen.query_one("#question", QuestionView)
            before = view.region
            await pilot.press("1", "enter")
            await pilot.pause()
            assert feedback_shown(screen)
            panel = screen.query_one("#feedback", FeedbackPanel)
            assert panel.region.height >= 4, panel.region
            # On top: the verdict is what the screen shows there.
            shown, _ = screen.get_widget_at(panel.region.x + 3, panel.region.y)
            assert panel in shown.ancestors_with_self, shown
            for line in _shown_lines(view):
                assert not line.overlaps(panel.region), (item.question.id, line, panel.region)
            if view.region != before:
                # Made room: the question ends above the feedback, and scrolls to its end.
                assert view.region.bottom <= panel.region.y
            kept_size[item.question.id] = view.region == before
            await pilot.press("enter")
            await pilot.pause()
    # Questions that leave room for the feedback keep their size (it goes over their
    # blank lines; q8 leaves exactly its 5 lines), longer ones make room.
    assert kept_size == {
        "q1": True,
        "q3": True,
        "q6": True,
        "q8": True,
        "q10": False,
        "q14": False,
        "q30": False,
    }


async def test_a_smaller_screen_moves_the_feedback_under_the_question(
    make_app: Callable[..., QuizApp], bank_dir: Path
) -> None:
    _write_bank(bank_dir)
    app = make_app(start=StartRequest(kind="study", bank_id="tall", seed=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        while (item := screen.session.current) is not None and item.question.id != "q8":
            await pilot.press("1", "enter", "enter")
            await pilot.pause()
        view = screen.query_one("#question", QuestionView)
        await pilot.press("1", "enter")
        await pilot.pause()
        panel = screen.query_one("#feedback", FeedbackPanel)
        assert view.region.height == 21  # the feedback over its blank lines
        await pilot.resize_terminal(80, 20)
        await pilot.pause()
        await pilot.pause()
        for line in _shown_lines(view):
            assert not line.overlaps(panel.region), (line, panel.region)
        assert view.region.bottom <= panel.region.y


async def test_a_long_feedback_goes_under_a_short_question_and_scrolls(
    make_app: Callable[..., QuizApp], bank_dir: Path
) -> None:
    # Seven lines of question and some twenty of feedback: the question keeps all its
    # lines and its size, and the feedback takes the lines left under it, scrolling.
    question = {
        "id": "long-why",
        "type": "true_false",
        "prompt": "Statement holds. " * 30,
        "answer": True,
        "explanation": "Because of a long chain of reasons. " * 40,
    }
    (bank_dir / "why.json").write_text(
        json.dumps({"schema": 1, "id": "why", "title": "Why", "questions": [question]}),
        encoding="utf-8",
    )
    app = make_app(start=StartRequest(kind="study", bank_id="why", seed=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        view = screen.query_one("#question", QuestionView)
        before = view.region
        await pilot.press("t", "enter")
        await pilot.pause()
        await pilot.pause()
        panel = screen.query_one("#feedback", FeedbackPanel)
        assert view.region == before
        shown = _shown_lines(view)
        assert max(line.bottom for line in shown) <= panel.region.y
        assert panel.region.bottom == before.bottom
        assert panel.region.height >= 8
        assert panel.max_scroll_y > 0
        # The keyboard is on the feedback: the arrows reach its last line.
        await pilot.press(*["down"] * 40)
        await pilot.pause()
        assert panel.scroll_y == panel.max_scroll_y
