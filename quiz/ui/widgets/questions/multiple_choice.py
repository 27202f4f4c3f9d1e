"""Multiple choice: 1-9 or arrows pick one choice, Enter submits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType

from quiz.models import MultipleChoice
from quiz.ui.widgets.questions._choice_list import ChoiceListInput, digit_bindings
from quiz.ui.widgets.questions.base import RIGHT, WRONG, shuffled_order

if TYPE_CHECKING:
    from quiz.grading import GradeResult


class MultipleChoiceInput(ChoiceListInput):
    """Pick exactly one choice. Posts the ORIGINAL index of the chosen choice."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *digit_bindings("pick", "Choose"),
        Binding("enter", "submit", "Submit"),
    ]

    def __init__(self, question: MultipleChoice, *, seed: int | None = None, **kw: Any) -> None:
        super().__init__(question, seed=seed, **kw)
        self.mc = question
        n = len(question.choices)
        self.order = shuffled_order(n, seed, question.id) if question.shuffle else list(range(n))

    def row_texts(self) -> list[str]:
        """Choice texts in shuffled display order."""
        return [self.mc.choices[i].text for i in self.order]

    def row_box(self, position: int) -> str:
        """A radio button: filled for the highlighted (= chosen) row."""
        return "(•)" if position == self.cursor else "( )"

    def help_text(self) -> str:
        """Keys for this type."""
        return f"1-{min(9, len(self.order))} or ↑↓ to choose, Enter to submit"

    def action_pick(self, number: int) -> None:
        """Choose the row with this number (1-based, as shown)."""
        if 1 <= number <= len(self.order):
            self.cursor = number - 1

    def action_submit(self) -> None:
        """Submit the chosen row, or say how to choose one."""
        if self.cursor is None:
            self.notice = "Choose an answer first: press its number or use ↑↓."
            return
        self.submit(self.order[self.cursor])

    def show_result(self, result: GradeResult) -> None:
        """✓ on the right choice, ✗ on a wrong pick."""
        for row in self.rows:
            original = self.order[row.position]
            if self.mc.choices[original].correct:
                row.mark = RIGHT
                row.add_class("-right")
            elif row.position == self.cursor:
                row.mark = WRONG
                row.add_class("-wrong")
