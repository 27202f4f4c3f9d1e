"""Issue 17: rows that fit the screen, a tag filter that helps, Results that read well."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer

from quiz.models import QUESTION_ADAPTER
from quiz.ui.app import QuizApp, StartRequest
from quiz.ui.screens.home import TAG_KEY, HomeScreen, tag_suggestions
from quiz.ui.screens.results import ResultsScreen
from quiz.ui.widgets.question_view import QuestionView
from quiz.ui.widgets.questions.base import ChoiceRow
from tests.ui.helpers import answer_keys, ready, study_screen

LONG = "High-dose chemotherapy eliminates the autoreactive immune cells of the patient"
MATCHING = QUESTION_ADAPTER.validate_python(
    {
        "id": "m",
        "type": "matching",
        "prompt": "Match each step with what it does.",
        "explanation": "Because.",
        "pairs": [
            {"left": "Conditioning", "right": LONG},
            {"left": "Reinfusion", "right": "Stem cells rebuild a new immune system"},
            {"left": "Harvest", "right": "Stem cells are collected from the blood"},
        ],
    }
)


class MatchingApp(App[None]):
    def compose(self) -> ComposeResult:
        yield QuestionView(MATCHING, seed=7)
        yield Footer()


async def test_a_paired_row_is_measured_again_and_wraps_under_its_text() -> None:
    app = MatchingApp()
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        view = app.query_one(QuestionView)
        rows = view.input.rows  # type: ignore[attr-defined]
        first: ChoiceRow = rows[0]
        assert first.region.height == 1
        position = view.input.right_order.index(0)  # type: ignore[attr-defined]
        await pilot.press(chr(ord("a") + position))
        await pilot.pause()
        # The long pair no longer fits on one line: the row grows to show all of it.
        assert first.region.height >= 2
        lines = [
            "".join(seg.text for seg in strip)
            for strip in first.render_lines(first.region.reset_offset)
        ]
        text = " ".join(" ".join(line.split()) for line in lines)
        assert LONG.split()[-1] in text, lines
        # Wrapped lines start under the text, not under the row's mark.
        indent = len(lines[0]) - len(lines[0].lstrip(" ✓✗").lstrip())
        label_end = lines[0].index("Conditioning")
        assert lines[1][:label_end].strip() == "", (lines, indent)


def test_tag_suggestions_prefix_then_inside_then_close_spellings() -> None:
    counts = {"hsct": 45, "msc": 40, "stem-cells": 91, "autoimmune": 36, "hscs": 2}
    assert tag_suggestions("hs", counts) == [("hsct", 45), ("hscs", 2)]
    assert tag_suggestions("cells", counts)[0] == ("stem-cells", 91)
    # A typo still finds the tag.
    assert ("autoimmune", 36) in tag_suggestions("autoimune", counts)
    # Nothing typed: the biggest tags.
    assert tag_suggestions("", counts)[0] == ("stem-cells", 91)


async def test_tag_filter_suggests_and_esc_clears_it(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one("#banks", DataTable)

        def keys() -> list[str]:
            return [str(r.key.value) for r in table.ordered_rows]

        everything = keys()
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"colr")
        await pilot.pause()
        box = home.query_one("#tag-suggestions")
        assert box.display
        shown = [str(box.get_option_at_index(i).prompt) for i in range(box.option_count)]  # type: ignore[attr-defined]
        assert shown and shown[0].startswith("colour"), shown
        await pilot.press("enter")  # the first suggestion
        await pilot.pause()
        assert home.tag_filter == "colour"
        assert TAG_KEY in keys() and keys() != everything
        await pilot.press("escape")
        await pilot.pause()
        assert home.tag_filter == ""
        assert keys() == everything


async def test_results_name_questions_by_their_text_and_clip_long_answers(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    # Long, but under the 2,000 characters an answer may have.
    essay = "word " * 300
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        while not isinstance(app.screen, ResultsScreen):
            screen = study_screen(app)
            item = screen.session.current
            assert item is not None
            if item.question.id == "sa":
                screen.query_one("#question").input.focus_target().value = essay  # type: ignore[attr-defined]
                await pilot.press("enter")
            else:
                await pilot.press(*answer_keys(app))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        table = app.screen.query_one("#results-table", DataTable)
        rows: list[list[Any]] = [table.get_row_at(i) for i in range(table.row_count)]
        prompts = [str(r[2]) for r in rows]
        assert "The sky is ___." in prompts
        answers = [str(r[3]) for r in rows]
        long = [a for a in answers if a.startswith("word")]
        assert long and long[0].endswith("…") and len(long[0]) <= 24
        # Every column is on screen at 80 columns.
        assert table.virtual_size.width <= 80
        missed = " ".join(str(w.render()) for w in app.screen.query(".missed-item"))
        assert "…" in missed and len(missed) < 1500


async def test_review_names_the_bank_of_each_card(make_app: Callable[..., QuizApp]) -> None:
    from datetime import UTC, datetime, timedelta

    from quiz.ui.screens.dialogs import ResumeDialog

    moment = [datetime(2026, 3, 4, 12, 0, tzinfo=UTC)]
    app = make_app(
        start=StartRequest(kind="study", bank_id="every-type", seed=4), now=lambda: moment[0]
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*answer_keys(app, right=False))
        await pilot.pause()
        await pilot.press("escape")  # leave; the missed card is due in minutes
        await pilot.pause()
        moment[0] += timedelta(days=1)
        app.start_review()
        await pilot.pause()
        if isinstance(app.screen, ResumeDialog):
            await pilot.press("d")  # discard the quiz left unfinished
            await pilot.pause()
        screen = study_screen(app)
        assert screen.session.mode.value == "review"
        assert (screen.sub_title or "").endswith("· Every question type"), screen.sub_title


async def test_options_name_the_bank(make_app: Callable[..., QuizApp]) -> None:
    from quiz.ui.screens.dialogs import StartOptionsDialog

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("down", "o")
        await pilot.pause()
        assert isinstance(app.screen, StartOptionsDialog)
        said = str(app.screen.query_one("#opt-what").render())
        assert said == "Every question type (9 questions)"
