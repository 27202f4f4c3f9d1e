"""An answer's lock, marks and feedback come in one frame, and a key right behind an answer
acts on it, never losing it (issue 14: answer -> feedback as fast as a bare app).

An answer travels from the input to the study screen as messages; a key handled before
they arrive (quit, undo) must see the answer, not the state before it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from quiz.store import Store
from quiz.ui.app import QuizApp, StartRequest
from quiz.ui.widgets.question_view import QuestionView
from quiz.ui.widgets.questions.base import HangingRow
from tests.ui.helpers import answer_keys, feedback_shown, ready, study_screen


async def _give_answer_unhandled(app: QuizApp, pilot: object) -> None:
    """Choose the right answer and submit it, without letting the app handle the
    messages that carry it to the study screen."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    *choose, submit = answer_keys(app, right=True)
    assert submit == "enter"
    await pilot.press(*choose)
    view = study_screen(app).query_one("#question", QuestionView)
    view.input.action_submit()
    assert view.input.posted is not None


async def test_an_answer_given_just_before_quitting_is_stored(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        first = screen.session.current
        assert first is not None
        await _give_answer_unhandled(app, pilot)
        app.action_quit_checked()  # the quit key, handled before the answer's messages
        await pilot.pause()
        assert app._exit
        session_id = screen.session.session_id
    assert session_id is not None
    with Store.open(db_path) as store:
        answered = store.session(session_id).answered
    assert [a.question_id for a in answered] == [first.question.id]
    assert answered[0].outcome == "correct"


async def test_undo_right_behind_an_answer_takes_back_that_answer(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        first = screen.session.current
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        second = screen.session.current
        assert second is not None and second != first
        await _give_answer_unhandled(app, pilot)
        await screen.action_undo()  # the undo key, handled before the answer's messages
        await pilot.pause()
        # The second question is asked again; the first answer stays.
        assert screen.session.current == second and not screen.session.answered
        assert not feedback_shown(screen)
        session_id = screen.session.session_id
    assert session_id is not None and first is not None
    with Store.open(db_path) as store:
        answered = store.session(session_id).answered
    assert [a.question_id for a in answered] == [first.question.id]


@pytest.mark.parametrize("right", [True, False])
async def test_the_lock_and_the_feedback_are_drawn_in_one_frame(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch, right: bool
) -> None:
    """No frame shows a question locked (help line gone, marks or not) without its
    feedback: drawing the lock first cost a frame, and the feedback waited for the next."""
    drawn: list[tuple[str, bool, bool]] = []

    def note_frame(self: QuizApp) -> None:
        screen = self.screen
        slot = getattr(screen, "_slot", None)
        if slot is None:
            return
        for view in slot.query_children(QuestionView):
            locked = view.locked or view.input.locked
            drawn.append((view.question.id, locked, feedback_shown(slot)))

    monkeypatch.setattr(QuizApp, "post_display_hook", note_frame)
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        asked = 0
        while screen.session.current is not None and asked < 12:
            asked += 1
            await pilot.press(*answer_keys(app, right=right))
            await pilot.pause()
            if screen.flashcards or screen.session.current is None:
                break
            assert feedback_shown(screen)
            await pilot.press("enter")
            await pilot.pause()
    locked_alone = [(qid, locked, fb) for qid, locked, fb in drawn if locked and not fb]
    assert drawn and not locked_alone, locked_alone
    # Every question of the bank was answered, its feedback drawn.
    assert {qid for qid, _, fb in drawn if fb} >= {"mc", "ms", "tf", "sa", "num", "cloze"}


_WORDS = st.sampled_from(
    ["a", "True", "False", "Paris", "Marseille", "日本語", "x" * 30, "élan", "", "😀", "(b)"]
)


@settings(max_examples=300, deadline=None)
@given(
    mark=st.sampled_from([" ", "✓", "✗"]),
    box=st.sampled_from(["", "( )", "(•)", "[x]"]),
    label=st.sampled_from(["t.", "1.", "a.", "10."]),
    words=st.lists(_WORDS, min_size=1, max_size=8),
    suffix=st.sampled_from(["", "→ b", "(right: blue)"]),
    width=st.integers(min_value=4, max_value=90),
)
def test_a_choice_row_draws_what_its_table_draws(
    mark: str, box: str, label: str, words: list[str], suffix: str, width: int
) -> None:
    """Rows that fit on one line skip the table; their segments must be the table's (the
    snapshots of every question type rely on it), and wider rows still use the table."""
    prefix = Text(f"{mark} ")
    if box:
        prefix.append(f"{box} ")
    prefix.append(f"{label} ", style="bold")
    body = Text(" ".join(words))
    if suffix:
        body.append("  " + suffix, style="italic")
    console = Console(width=100, force_terminal=True, color_system="truecolor")
    options = console.options.update(width=width)
    row = HangingRow(prefix, body)
    assert list(console.render(row, options)) == list(console.render(row.table(), options))


async def test_studying_raises_the_collectors_threshold_and_leaving_restores_it(
    make_app: Callable[..., QuizApp],
) -> None:
    """The study screen keeps the cyclic collector out of the keys (it collects while the
    learner reads); the rest of the app gets Python's thresholds back when it goes."""
    import gc

    from quiz.ui.screens.study import StudyScreen

    before = gc.get_threshold()
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert gc.get_threshold() == (StudyScreen.YOUNG_GC_THRESHOLD, *before[1:])
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        assert feedback_shown(study_screen(app))
        await pilot.press("escape")  # leave: back to Home
        await pilot.pause()
        assert not isinstance(app.screen, StudyScreen)
        assert gc.get_threshold() == before


async def test_keys_reach_the_screen_before_the_focus_moves_to_the_feedback(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The focus moves to the feedback in the frame after the feedback's own; until then
    the locked input keeps it, and its keys are off, so Enter and u still act."""
    from quiz.ui.screens.study import StudyScreen
    from quiz.ui.widgets.feedback import FeedbackPanel

    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = study_screen(app)
        first = screen.session.current
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        # As it is once the feedback is on screen: the keyboard is in the feedback.
        assert feedback_shown(screen) and isinstance(app.focused, FeedbackPanel)
        await pilot.press("enter")
        await pilot.pause()
        second = screen.session.current
        assert second is not None and second != first
        # Now as if the keys came before that frame.
        monkeypatch.setattr(StudyScreen, "_after_feedback", lambda *_: None)
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        assert feedback_shown(screen) and not isinstance(app.focused, FeedbackPanel)
        await pilot.press("u")
        await pilot.pause()
        assert screen.session.current == second and not screen.session.answered
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.session.current not in (first, second)
        assert [r.item for r in screen.session.records] == [first, second]
