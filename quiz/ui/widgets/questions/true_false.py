"""True/false: t or f (or arrows, or a click) picks, Enter submits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType

from quiz.models import TrueFalse
from quiz.ui.widgets.questions._choice_list import ChoiceListInput
from quiz.ui.widgets.questions.base import RIGHT, WRONG

if TYPE_CHECKING:
    from quiz.grading import GradeResult

_VALUES = (True, False)


class TrueFalseInput(ChoiceListInput):
    """Two rows, True and False. Posts a bool."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "pick(1)", "True"),
        Binding("f", "pick(2)", "False"),
        Binding("enter", "submit", "Submit"),
    ]

    def __init__(self, question: TrueFalse, *, seed: int | None = None, **kw: Any) -> None:
        super().__init__(question, seed=seed, **kw)
        self.tf = question

    def row_texts(self) -> list[str]:
        """Always True first: a fixed order is easier to answer by key."""
        return ["True", "False"]

    def row_label(self, position: int) -> str:
        """t. / f."""
        return "t." if position == 0 else "f."

    def row_box(self, position: int) -> str:
        """A radio button: filled for the chosen row."""
        return "(•)" if position == self.cursor else "( )"

    def help_text(self) -> str:
        """Keys for this type."""
        return "t = true, f = false (or ↑↓), Enter to submit"

    def action_pick(self, number: int) -> None:
        """1 = True, 2 = False."""
        self.cursor = number - 1

    def action_submit(self) -> None:
        """Submit the chosen value, or say how to choose."""
        if self.cursor is None:
            self.notice = "Choose first: t for true, f for false."
            return
        self.submit(_VALUES[self.cursor])

    def show_result(self, result: GradeResult) -> None:
        """✓ on the right value, ✗ on a wrong pick."""
        for row in self.rows:
            if _VALUES[row.position] == self.tf.answer:
                row.mark = RIGHT
                row.add_class("-right")
            elif row.position == self.cursor:
                row.mark = WRONG
                row.add_class("-wrong")
