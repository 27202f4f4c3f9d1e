"""Short answer: type the answer, Enter submits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup
from textual.widgets import Input, Static

from quiz.grading import MAX_TEXT_LENGTH
from quiz.models import ShortAnswer
from quiz.ui.widgets.questions.base import RIGHT, WRONG, QuestionInput, outcome_of

if TYPE_CHECKING:
    from textual.widget import Widget

    from quiz.grading import GradeResult

TEXT_INPUT_CSS = """
{cls} HorizontalGroup {{ height: auto; }}
{cls} Input {{ width: 1fr; max-width: 60; }}
{cls} Input.-right {{ border: tall $success; }}
{cls} Input.-wrong {{ border: tall $error; }}
{cls} Input.-partial {{ border: tall $warning; }}
{cls} .mark {{ width: auto; padding: 1 1; text-style: bold; }}
{cls} .mark.-right {{ color: $text-success; }}
{cls} .mark.-wrong {{ color: $text-error; }}
{cls} .mark.-partial {{ color: $text-warning; }}
{cls} .unit {{ width: auto; padding: 1 1; }}
"""

MARKS = {"correct": (RIGHT, "-right"), "partial": ("◐", "-partial"), "incorrect": (WRONG, "-wrong")}


class TextAnswerInput(QuestionInput):
    """One Input; Enter checks the text with `parse` and submits it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Submit")]

    can_focus = False
    takes_text = True

    def compose_body(self) -> ComposeResult:
        """The input, an optional unit and the result mark."""
        with HorizontalGroup():
            yield Input(placeholder=self.placeholder(), id="answer", max_length=MAX_TEXT_LENGTH)
            unit = self.unit()
            if unit:
                yield Static(unit, classes="unit", markup=False)
            yield Static("", classes="mark", markup=False)

    def placeholder(self) -> str:
        """The grey text in the empty input."""
        return "Type your answer"

    def unit(self) -> str | None:
        """A unit shown after the input."""
        return None

    def focus_target(self) -> Widget:
        """Typing goes into the input."""
        return self.query_one(Input)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Editing clears a stale validation message."""
        self.notice = ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the input submits."""
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        """Validate and submit the typed text."""
        text = self.query_one(Input).value
        answer, problem = self.parse(text)
        if problem is not None:
            self.notice = problem
            return
        assert answer is not None
        self.submit(answer)

    def parse(self, text: str) -> tuple[str | float | None, str | None]:
        """(answer, None) or (None, message for the learner)."""
        if not text.strip():
            return None, "Type an answer first."
        return text.strip(), None

    def locked_changed(self, locked: bool) -> None:
        """No more typing once submitted."""
        for widget in self.query(Input):
            widget.disabled = locked

    def show_result(self, result: GradeResult) -> None:
        """Colour the input and put ✓ / ◐ / ✗ after it."""
        symbol, cls = MARKS[outcome_of(result)]
        self.query_one(Input).add_class(cls)
        mark = self.query_one(".mark", Static)
        mark.update(symbol)
        mark.add_class(cls)


class ShortAnswerInput(TextAnswerInput):
    """Posts the typed text (stripped)."""

    DEFAULT_CSS = TEXT_INPUT_CSS.format(cls="ShortAnswerInput")

    def __init__(self, question: ShortAnswer, *, seed: int | None = None, **kw: Any) -> None:
        super().__init__(question, seed=seed, **kw)

    def help_text(self) -> str:
        """Keys for this type."""
        return "Type the answer and press Enter"
