"""Issue 17: what the screens say reads as a person would write it, and agrees across screens."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console
from textual.binding import Binding

from quiz.numbers import format_score_percent
from quiz.ui.app import QuizApp, StartRequest
from quiz.ui.screens.results import ResultsScreen
from tests.ui.helpers import answer_keys, feedback_text, ready, study_screen


async def test_header_and_results_show_the_same_partial_score(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        header = ""
        partial_seen = False
        while not isinstance(app.screen, ResultsScreen):
            screen = study_screen(app)
            item = screen.session.current
            assert item is not None
            # Multiple select half right: one of its two right choices only.
            keys = ["1", "enter"] if item.question.id == "ms" else answer_keys(app)
            await pilot.press(*keys)
            await pilot.pause()
            header = str(screen.query_one("#study-score").render())
            if screen.session.score != int(screen.session.score):
                partial_seen = True
                # Never a float such as 0.666667 or 4.5: a fraction.
                assert "." not in header.split()[1], header
            await pilot.press("enter")
            await pilot.pause()
        assert partial_seen
        session = app.screen.session
        expected = format_score_percent(session.score, len(session.records))
        assert header == f"Score {expected}"
        assert f"Score {expected}" in str(app.screen.query_one("#results-summary").render())


def _footer_keys(app: QuizApp) -> list[tuple[str, str]]:
    """What the footer shows, left to right: (key shown, description)."""
    from textual.widgets._footer import FooterKey

    keys = sorted(app.screen.query(FooterKey), key=lambda k: k.region.x)
    return [(k.key_display, k.description) for k in keys if k.region.width]


async def test_ctrl_c_quits_from_home_at_once(make_app: Callable[..., QuizApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.return_code == 0
        assert not any("to quit" in str(n.message) for n in app._notifications)


async def test_ctrl_c_asks_only_when_a_typed_answer_would_be_lost(
    make_app: Callable[..., QuizApp],
) -> None:
    from quiz.ui.screens.dialogs import QuitDialog

    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        # Go to a typed question, with something typed.
        while True:
            item = screen.session.current
            assert item is not None
            if item.question.id == "sa":
                break
            await pilot.press(*answer_keys(app))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press(*"gre")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, QuitDialog)
        assert app.return_code is None
        # The draft is still there; a second ctrl+c in the dialog quits.
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.return_code == 0


async def test_footers_keep_help_and_quit_at_80_and_below(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        for width in (80, 60):
            await pilot.resize_terminal(width, 24)
            await pilot.pause(0.1)
            shown = _footer_keys(app)
            descriptions = [d for _, d in shown]
            assert descriptions[-2:] == ["Help", "Quit"], shown
            # Nothing reaches past the right edge.
            from textual.widgets._footer import FooterKey

            assert all(k.region.right <= width for k in app.screen.query(FooterKey)), shown
        await pilot.resize_terminal(80, 24)
        # In a text box: no key that types a character, and undo as ctrl+z.
        while True:
            item = screen.session.current
            assert item is not None
            if screen.session.records and item.question.id == "sa":
                break
            await pilot.press(*answer_keys(app))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        shown = _footer_keys(app)
        keys = [k for k, _ in shown]
        assert ("^z", "Undo") in shown and ("F1", "Help") in shown, shown
        assert not {"u", "@", "-", "?"} & set(keys), shown


async def test_help_is_the_bindings_and_says_how_to_close(
    make_app: Callable[..., QuizApp],
) -> None:
    from quiz.ui.screens.help import HelpScreen
    from quiz.ui.screens.study import StudyScreen

    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=76, record=True, file=io.StringIO())
        console.print(app.screen.help_renderable())
        text = console.export_text()
        assert "Esc" in text and "closes this help" in text
        # Every described key of the study screen is in it, with its key.
        for binding in StudyScreen.BINDINGS:
            assert isinstance(binding, Binding)
            assert binding.description in text, binding.description
        assert "I was right" in text and "Here (Studying)" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)


async def test_a_rated_card_shows_its_rating_and_its_back_once(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        while True:
            item = screen.session.current
            assert item is not None
            if item.question.id == "card":
                break
            await pilot.press(*answer_keys(app))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("space", "1")
        await pilot.pause()
        verdict = feedback_text(screen).splitlines()[0]
        assert verdict == "✗ Again: back in 1 minute"
        assert "Incorrect" not in verdict
        slot = screen._slot
        assert slot is not None
        shown = [str(w.render()) for w in slot.query("Static") if w.display]
        # The back ("Blue") is on the card, not repeated as "Answer: Blue".
        assert sum(text.strip() == "Blue" for text in shown) == 1, shown
        assert not any(text.startswith("Answer:") for text in shown), shown
        # No toast for the rating: the feedback says it.
        assert not any("Again" in str(n.message) for n in app._notifications)


async def test_flashcards_flip_then_rate_with_the_source_and_a_cloze_front(
    make_app: Callable[..., QuizApp],
) -> None:
    app = make_app(
        start=StartRequest(kind="study", bank_id="every-type", seed=4, mode="flashcards")
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        seen_cloze = False
        while screen.session.current is not None and app.screen is screen:
            item = screen.session.current
            card = screen._cards()[0]
            front = str(card.query_one("#card-front").render())
            if item.question.id == "cloze":
                seen_cloze = True
                assert "The sky is ___." in front
            shown = dict((d, k) for k, d in _footer_keys(app))
            assert "Flip" in shown and "Rate" not in shown, shown
            await pilot.press("space")
            await pilot.pause()
            shown = dict((d, k) for k, d in _footer_keys(app))
            assert shown.get("Rate") == "1-4" and "Flip" not in shown, shown
            back = str(card.query_one("#card-back").render())
            assert "Source: “" in back, back
            await pilot.press("3")
            await pilot.pause()
        assert seen_cloze
