"""The question widgets driven the way a learner does: keys (and one mouse test).

Every keyboard test finds what to press from what is on screen (row texts), so the
assertions check that the posted answer uses ORIGINAL bank indices whatever the shuffle.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Static

from quiz.grading import GradeResult, Outcome, grade
from quiz.models import QUESTION_ADAPTER, Ordering, Question
from quiz.ui.widgets import FeedbackPanel, QuestionView
from quiz.ui.widgets.questions import (
    ClozeInput,
    MatchingInput,
    NumericInput,
)
from quiz.ui.widgets.questions.base import ChoiceRow

SEED = 7


def q(**data: Any) -> Question:
    """A validated question from plain data (as a bank file would give it)."""
    data.setdefault("id", "q1")
    data.setdefault("prompt", "What is asked?")
    data.setdefault("explanation", "Because.")
    return QUESTION_ADAPTER.validate_python(data)


def ordering(**data: Any) -> Ordering:
    """An ordering question from plain data, typed as one (its `items` are used)."""
    question = q(type="ordering", **data)
    assert isinstance(question, Ordering)
    return question


MC = q(
    type="multiple_choice",
    prompt="Which city is the capital of France?",
    choices=[
        {"text": "Lyon"},
        {"text": "Paris", "correct": True, "feedback": "Yes: since 508."},
        {"text": "Marseille", "feedback": "The biggest port, not the capital."},
        {"text": "Nice"},
    ],
    hint="It is on the Seine.",
)
MS = q(
    type="multiple_select",
    prompt="Which are prime?",
    choices=[{"text": "2", "correct": True}, {"text": "4"}, {"text": "5", "correct": True}],
)
TF = q(type="true_false", prompt="The Earth is flat.", answer=False)
SHORT = q(type="short_answer", prompt="Capital of Italy?", accept=["Rome"], hint="Seven hills.")
NUMERIC = q(type="numeric", prompt="How tall is the door?", answer=2.1, tolerance=0.1, unit="m")
CLOZE = q(
    type="cloze", prompt="Fill in:", text="The {{mitochondria}} is the powerhouse of the {{cell}}."
)
ORDERING = ordering(prompt="Order by size, smallest first.", items=["ant", "cat", "horse", "whale"])
MATCHING = q(
    type="matching",
    prompt="Match the country with its capital.",
    pairs=[
        {"left": "France", "right": "Paris"},
        {"left": "Italy", "right": "Rome"},
        {"left": "Spain", "right": "Madrid"},
    ],
)
FLASHCARD = q(type="flashcard", prompt="mitochondria", back="the powerhouse of the cell")


class QuestionApp(App[None]):
    """Mounts one QuestionView and records what it posts."""

    def __init__(self, question: Question, seed: int | None = SEED) -> None:
        super().__init__()
        self.question = question
        self.seed = seed
        self.answers: list[QuestionView.Answered] = []
        self.quit_called = False

    def compose(self) -> ComposeResult:
        yield QuestionView(self.question, seed=self.seed)
        yield Footer()

    def on_question_view_answered(self, message: QuestionView.Answered) -> None:
        self.answers.append(message)

    def action_quit(self) -> None:  # type: ignore[override]
        # Recorded instead of quitting, so a test can see an injected [@click=app.quit].
        self.quit_called = True


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Inputs blink on a timer; stop it so screens are stable."""
    original = Input.__init__

    def init(self: Input, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)
    yield


def rows(app: App[Any]) -> list[ChoiceRow]:
    """Choice rows on screen (left rows only for matching), in display order."""
    view = app.query_one(QuestionView)
    return view.input.rows  # type: ignore[attr-defined, no-any-return]


def position_of(app: App[Any], text: str) -> int:
    """Display position of the row showing `text`."""
    return next(r.position for r in rows(app) if r.text == text)


def notice(app: App[Any]) -> str:
    """The visible validation message of the input ("" when hidden)."""
    view = app.query_one(QuestionView)
    widget = view.input.query_one(".notice", Static)
    return str(widget.render()) if widget.has_class("-shown") else ""


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if c == " " else c for c in text])


# --- keyboard only, one test per type ---------------------------------------------------


async def test_multiple_choice_by_digit_posts_original_index() -> None:
    app = QuestionApp(MC)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # nothing chosen yet
        assert app.answers == []
        assert "Choose an answer first" in notice(app)
        await pilot.press(str(position_of(app, "Paris") + 1), "enter")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [1]
    assert app.answers[0].hinted is False
    assert app.answers[0].elapsed_ms >= 0


async def test_multiple_choice_by_arrows() -> None:
    app = QuestionApp(MC)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        target = position_of(app, "Marseille")
        await pilot.press(*["down"] * (target + 1), "enter")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [2]


def test_choices_are_shuffled_deterministically_by_seed() -> None:
    orders = {}
    for seed in range(6):
        view = QuestionView(MC, seed=seed)
        again = QuestionView(MC, seed=seed)
        assert view.input.order == again.input.order  # type: ignore[attr-defined]
        orders[seed] = tuple(view.input.order)  # type: ignore[attr-defined]
    assert len(set(orders.values())) > 1
    unshuffled = MC.model_copy(update={"shuffle": False})
    assert QuestionView(unshuffled, seed=3).input.order == [0, 1, 2, 3]  # type: ignore[attr-defined]


async def test_multiple_select_space_and_digits() -> None:
    app = QuestionApp(MS)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert "Tick at least one" in notice(app)
        # space ticks the highlighted (first) row; then tick/untick "4" by number.
        first = rows(app)[0].text
        await pilot.press("space")
        assert rows(app)[0].box == "[x]"
        four = str(position_of(app, "4") + 1)
        await pilot.press(four, four)  # tick and untick again
        for text in ("2", "5"):
            if text != first:
                await pilot.press(str(position_of(app, text) + 1))
        if first == "4":  # the first row was wrong: untick it
            await pilot.press(four)
        await pilot.press("enter")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [[0, 2]]


async def test_true_false_keys() -> None:
    app = QuestionApp(TF)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("t", "f", "enter")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [False]


async def test_short_answer_typed_and_h_types_not_hints() -> None:
    app = QuestionApp(SHORT)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert "Type an answer first" in notice(app)
        await type_text(pilot, "the hills")
        await pilot.press("enter")
        await pilot.pause()
    assert [m.answer for m in app.answers] == ["the hills"]
    assert app.answers[0].hinted is False  # the h went into the input


async def test_numeric_refuses_text_shows_unit_and_accepts_decimal_comma() -> None:
    app = QuestionApp(NUMERIC)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        unit = app.query_one(NumericInput).query_one(".unit", Static)
        assert str(unit.render()) == "m"
        await type_text(pilot, "tall")
        await pilot.press("enter")
        await pilot.pause()
        assert app.answers == []
        assert "“tall” is not a number" in notice(app)
        await pilot.press("ctrl+u")
        assert notice(app) == ""
        await type_text(pilot, "2,05 m")
        await pilot.press("enter")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [2.05]


async def test_cloze_tab_between_gaps() -> None:
    app = QuestionApp(CLOZE)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_text(pilot, "mitochondria")
        await pilot.press("enter")  # second gap still empty: warned, not submitted
        await pilot.pause()
        assert app.answers == []
        assert "Gap 2 is empty" in notice(app)
        await pilot.press("tab")
        await type_text(pilot, "cell")
        await pilot.press("enter")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [["mitochondria", "cell"]]


async def test_cloze_tab_in_a_burst_of_keys() -> None:
    """Keys arriving faster than the app refreshes (a paste, tmux send-keys) still land in
    the gap Tab moved to, not in the one the burst started in."""
    app = QuestionApp(CLOZE)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # Back with shift+tab, the refilled gap's text is selected (as Input does on focus)
        # and typing replaces it.
        burst = [*"bone marrow", "tab", *"repopulate", "shift+tab", *"stem cells", "enter"]
        for key in burst:  # all queued before the app handles the first
            char = key if len(key) == 1 else None
            app.post_message(events.Key("space" if key == " " else key, char))
        await pilot.pause()
        await pilot.pause()
    assert [m.answer for m in app.answers] == [["stem cells", "repopulate"]]


async def test_cloze_gaps_are_inline_and_wrap() -> None:
    long = q(type="cloze", prompt="Fill in:", text=("word " * 30) + "{{gap}} end.")
    app = QuestionApp(long)
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        cloze = app.query_one(ClozeInput)
        gap = cloze.gaps[0]
        words = [w for w in cloze.query("Word") if str(w.render()).strip() == "word"]
        # Several lines of words, the gap on the same line as the last words, within width.
        assert len({w.region.y for w in words}) > 1
        assert gap.region.y == words[-1].region.y
        assert gap.region.right <= cloze.region.right


async def test_ordering_shown_unsolved_and_sorted_by_keys() -> None:
    app = QuestionApp(ORDERING)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = [r.text for r in rows(app)]
        assert shown != list(ORDERING.items)
        assert [r.label for r in rows(app)] == ["1.", "2.", "3.", "4."]
        cursor = 0
        for target, item in enumerate(ORDERING.items):
            here = position_of(app, item)
            key = "down" if here > cursor else "up"
            await pilot.press(*[key] * abs(here - cursor))
            moves = ["shift+up", "K"] * here
            await pilot.press(*moves[: here - target])
            cursor = target
        assert [r.text for r in rows(app)] == list(ORDERING.items)
        await pilot.press("enter")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [[0, 1, 2, 3]]


async def test_ordering_posts_learner_order_as_original_indices() -> None:
    app = QuestionApp(ORDERING)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = [r.text for r in rows(app)]
        await pilot.press("J")  # move the first item down one place
        await pilot.press("enter")
        await pilot.pause()
    expected = [shown[1], shown[0], *shown[2:]]
    assert [m.answer for m in app.answers] == [[ORDERING.items.index(t) for t in expected]]


def right_letter(app: App[Any], text: str) -> str:
    matching = app.query_one(MatchingInput)
    row = next(r for r in matching.right_rows if r.text == text)
    return row.label.rstrip(".")


async def test_matching_letters_pair_and_enter_needs_all_pairs() -> None:
    app = QuestionApp(MATCHING)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # France -> Rome (wrong on purpose), then Italy -> Paris, Spain -> Madrid.
        await pilot.press(right_letter(app, "Rome"), right_letter(app, "Paris"))
        await pilot.press("enter")
        assert "1 still without a match" in notice(app)
        assert app.answers == []
        await pilot.press(right_letter(app, "Madrid"))
        assert "→" in rows(app)[0].suffix and "Rome" in rows(app)[0].suffix
        await pilot.press("enter")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [[1, 0, 2]]


async def test_matching_repairing_moves_a_right_item_and_backspace_unpairs() -> None:
    app = QuestionApp(MATCHING)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        paris = right_letter(app, "Paris")
        await pilot.press(paris, paris)  # France gets Paris, then Italy takes it away
        assert rows(app)[0].suffix == "→ ?"
        assert rows(app)[1].suffix.endswith("Paris")
        # The cursor went on to Spain, then wraps round to the unpaired France.
        await pilot.press(right_letter(app, "Madrid"), right_letter(app, "Rome"))
        await pilot.press("backspace", "enter")  # France unpaired again: refused
        assert app.answers == []
        await pilot.press(right_letter(app, "Rome"), "enter")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [[1, 0, 2]]


async def test_flashcard_flip_then_rate() -> None:
    app = QuestionApp(FLASHCARD)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        back = app.query_one(".back", Static)
        assert not back.display  # hidden before flipping
        await pilot.press("3")  # rating before seeing the back does nothing
        await pilot.pause()
        assert app.answers == []
        await pilot.press("space")
        await pilot.pause()
        assert app.query_one(".back", Static).display
        await pilot.press("2")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [2]


# --- mouse, hint, lock, results ----------------------------------------------------------


async def test_mouse_click_choice_and_submit_button() -> None:
    app = QuestionApp(MC)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        paris = next(r for r in rows(app) if r.text == "Paris")
        await pilot.click(paris)
        await pilot.click("#submit")
        await pilot.pause()
    assert [m.answer for m in app.answers] == [1]


async def test_hint_key_reveals_hint_and_marks_answer_hinted() -> None:
    app = QuestionApp(MC)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        hint = app.query_one(".hint", Static)
        assert not hint.display
        await pilot.press("h")
        await pilot.pause()
        assert hint.display
        assert "It is on the Seine." in str(hint.render())
        await pilot.press(str(position_of(app, "Paris") + 1), "enter")
        await pilot.pause()
    assert app.answers[0].hinted is True


async def test_f2_hints_while_typing() -> None:
    app = QuestionApp(SHORT)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f2")
        await type_text(pilot, "Rome")
        await pilot.press("enter")
        await pilot.pause()
    assert app.answers[0].hinted is True
    assert app.answers[0].answer == "Rome"


async def test_locked_after_submit() -> None:
    app = QuestionApp(MC)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1", "enter")
        await pilot.pause()
        view = app.query_one(QuestionView)
        assert view.locked
        await pilot.press("2", "enter", "h")
        await pilot.click(rows(app)[1])
        await pilot.pause()
        assert [r.box for r in rows(app)] == ["(•)", "( )", "( )", "( )"]
        assert not view.hinted
    assert len(app.answers) == 1


async def test_text_input_disabled_after_submit() -> None:
    app = QuestionApp(SHORT)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_text(pilot, "Rome")
        await pilot.press("enter", "x", "enter")
        await pilot.pause()
        assert app.query_one(Input).disabled
        assert app.query_one(Input).value == "Rome"
    assert len(app.answers) == 1


async def test_show_result_marks_right_and_wrong_with_symbols() -> None:
    app = QuestionApp(MC)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(str(position_of(app, "Nice") + 1), "enter")
        await pilot.pause()
        view = app.query_one(QuestionView)
        view.show_result(grade(MC, app.answers[0].answer))
        await pilot.pause()
        by_text = {r.text: r for r in rows(app)}
        assert by_text["Paris"].plain.startswith("✓")
        assert by_text["Paris"].has_class("-right")
        assert by_text["Nice"].plain.startswith("✗")
        assert by_text["Nice"].has_class("-wrong")
        assert by_text["Lyon"].plain.startswith(" ")


async def test_ordering_result_marks_what_the_score_counts() -> None:
    app = QuestionApp(ORDERING)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        result = grade(ORDERING, app.answers[0].answer)
        app.query_one(QuestionView).show_result(result)
        await pilot.pause()
        shown = [(ORDERING.items.index(r.text), r.plain) for r in rows(app)]
    ticked = [item for item, text in shown if text.startswith("✓")]
    crossed = [(item, text) for item, text in shown if text.startswith("✗")]
    assert len(ticked) + len(crossed) == len(shown)
    # Shown shuffled and submitted unchanged: what is ticked is what the score counts.
    assert result.score == len(ticked) / len(shown) < 1
    assert ticked == sorted(ticked)
    for item, text in crossed:
        assert text.endswith(f"(belongs at {item + 1})")


# --- bank text is data ---------------------------------------------------------------------

INJECT = "[bold]x[/bold] [@click=app.quit]quit[/]"


async def test_markup_in_bank_text_renders_literally_and_click_does_nothing() -> None:
    question = q(
        type="multiple_choice",
        prompt=INJECT,
        choices=[{"text": INJECT, "correct": True}, {"text": "[red]plain[/red]"}],
        shuffle=False,
        hint="[@click=app.quit]hint[/]",
    )
    app = QuestionApp(question)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        prompt = app.query_one(".prompt", Static)
        assert str(prompt.render()) == INJECT
        assert rows(app)[0].plain.endswith(INJECT)
        assert rows(app)[1].plain.endswith("[red]plain[/red]")
        # Click on the word "quit" inside the would-be link, in the prompt and the choice.
        column = INJECT.index("quit]") + 1
        await pilot.click(prompt, offset=(column, 0))
        await pilot.press("h")
        await pilot.click(".hint", offset=(8, 0))
        await pilot.pause()
        assert app.quit_called is False
        assert app.is_running


async def test_feedback_panel_parts() -> None:
    result = GradeResult(
        Outcome.PARTIAL,
        0.6,
        "2, 5",
        feedback=("[b]Four[/b] is 2×2.",),
        note="Graded with partial credit.",
    )
    question = MS.model_copy(update={"source_quote": "A prime has [i]two[/i] divisors."})

    class PanelApp(App[None]):
        def compose(self) -> ComposeResult:
            yield FeedbackPanel(question, result, section="Primes > Definition")

    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.query_one(FeedbackPanel)
        lines = panel.text.splitlines()
        # The verdict's colour is the outcome's (its span, not a class on a widget).
        assert panel.has_class("-partial")
        first = panel.query_one(Static).visual
        assert isinstance(first, Content)
        assert first.spans[0].style == "bold $text-warning"
    # Each part on a line of its own, in this order, blank lines where margins are.
    assert lines == [
        "◐ Partly correct 60%",
        "Right answer: 2, 5",
        "› [b]Four[/b] is 2×2.",
        "Graded with partial credit.",
        "",
        "Why: Because.",
        "",
        "Source, section “Primes > Definition”:",
        "“A prime has [i]two[/i] divisors.”",
    ]


@pytest.mark.parametrize(
    ("outcome", "score", "line"),
    [(Outcome.CORRECT, 1.0, "✓ Correct"), (Outcome.INCORRECT, 0.0, "✗ Incorrect")],
)
async def test_feedback_verdict_lines(outcome: Outcome, score: float, line: str) -> None:
    from quiz.ui.widgets import verdict

    assert verdict(GradeResult(outcome, score, "x")) == line


async def test_cloze_result_marks_each_gap_from_grading() -> None:
    app = QuestionApp(CLOZE)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_text(pilot, "Mitochondira")  # a forgiven typo
        await pilot.press("tab")
        await type_text(pilot, "nucleus")
        await pilot.press("enter")
        await pilot.pause()
        result = grade(CLOZE, app.answers[0].answer)
        app.query_one(QuestionView).show_result(result)
        await pilot.pause()
        marks = [str(app.query_one(f"#gap-mark-{n}", Static).render()) for n in (1, 2)]
        assert marks == ["✓", "✗"]
        assert result.outcome is Outcome.PARTIAL


# --- snapshots (tests/ui/__snapshots__; regenerate with --snapshot-update and look) -------

SNAPSHOTS: dict[str, tuple[Question, tuple[str, ...]]] = {
    "multiple_choice": (MC, ("2",)),
    "multiple_select": (MS, ("space", "3")),
    "true_false": (TF, ("t",)),
    "short_answer": (SHORT, ("R", "o", "m")),
    "numeric": (NUMERIC, ("a", "b", "c", "enter")),
    "cloze": (CLOZE, ("m", "i", "t", "o", "tab")),
    "ordering": (ORDERING, ("down", "shift+up")),
    "matching": (MATCHING, ("a", "b")),
    "flashcard": (FLASHCARD, ("space",)),
}


@pytest.mark.parametrize("kind", list(SNAPSHOTS))
def test_snapshot_question_types(kind: str, snap_compare: Any) -> None:
    question, keys = SNAPSHOTS[kind]

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    assert snap_compare(QuestionApp(question), terminal_size=(100, 30), run_before=run_before)


class AnsweredApp(QuestionApp):
    """Question above, feedback below: what the study screen shows after an answer."""

    def on_question_view_answered(self, message: QuestionView.Answered) -> None:
        super().on_question_view_answered(message)
        result = grade(self.question, message.answer)
        message.view.show_result(result)
        self.mount(FeedbackPanel(self.question, result, section="Capitals > France"), before=-1)


def test_snapshot_result_and_feedback_panel_80x24(snap_compare: Any) -> None:
    question = MC.model_copy(
        update={"source_quote": "Paris has been the capital since 508 [citation needed]."}
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press(str(position_of(pilot.app, "Marseille") + 1), "enter")
        await pilot.pause()

    assert snap_compare(AnsweredApp(question), terminal_size=(80, 24), run_before=run_before)
