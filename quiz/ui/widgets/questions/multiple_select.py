"""Multiple select: space (or 1-9, or a click) toggles a choice, Enter submits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType
from textual.reactive import reactive

from quiz.models import MultipleSelect
from quiz.ui.widgets.questions._choice_list import ChoiceListInput, digit_bindings
from quiz.ui.widgets.questions.base import RIGHT, WRONG, shuffled_order

if TYPE_CHECKING:
    from quiz.grading import GradeResult


class MultipleSelectInput(ChoiceListInput):
    """Tick every right choice. Posts the sorted ORIGINAL indices of the ticked choices."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_cursor", "Tick/untick"),
        *digit_bindings("toggle_number", "Tick"),
        Binding("enter", "submit", "Submit"),
    ]

    #: Display positions of the ticked rows.
    checked: reactive[frozenset[int]] = reactive(frozenset())

    def __init__(self, question: MultipleSelect, *, seed: int | None = None, **kw: Any) -> None:
        super().__init__(question, seed=seed, **kw)
        self.ms = question
        n = len(question.choices)
        self.order = shuffled_order(n, seed, question.id) if question.shuffle else list(range(n))

    def on_mount(self) -> None:
        """Start with the cursor on the first choice so space works at once."""
        self.cursor = 0

    def row_texts(self) -> list[str]:
        """Choice texts in shuffled display order."""
        return [self.ms.choices[i].text for i in self.order]

    def row_box(self, position: int) -> str:
        """A check box per row."""
        return "[x]" if position in self.checked else "[ ]"

    def help_text(self) -> str:
        """Keys for this type."""
        return "Space or 1-9 ticks a choice (tick all that apply), Enter submits"

    def has_draft(self) -> bool:
        """Some box is ticked but the answer not submitted."""
        return not self.locked and bool(self.checked)

    def watch_checked(self, checked: frozenset[int]) -> None:
        """Redraw the boxes."""
        self.refresh_boxes()

    def _toggle(self, position: int) -> None:
        self.checked = self.checked ^ {position}

    def action_toggle_cursor(self) -> None:
        """Tick or untick the highlighted row."""
        if self.cursor is not None:
            self._toggle(self.cursor)

    def action_toggle_number(self, number: int) -> None:
        """Tick or untick the row with this number, and move the highlight there."""
        if 1 <= number <= len(self.order):
            self.cursor = number - 1
            self._toggle(number - 1)

    def row_clicked(self, position: int) -> None:
        """A click ticks or unticks."""
        self.cursor = position
        self._toggle(position)

    def action_submit(self) -> None:
        """Submit the ticked choices; at least one is needed."""
        if not self.checked:
            self.notice = "Tick at least one choice first (Space or its number)."
            return
        self.submit(sorted(self.order[p] for p in self.checked))

    def show_result(self, result: GradeResult) -> None:
        """✓ on right choices (those not ticked are marked missed), ✗ on wrong ticks."""
        for row in self.rows:
            choice = self.ms.choices[self.order[row.position]]
            ticked = row.position in self.checked
            if choice.correct:
                row.mark = RIGHT
                row.add_class("-right" if ticked else "-missed")
                if not ticked:
                    row.suffix = "(missed)"
            elif ticked:
                row.mark = WRONG
                row.add_class("-wrong")
