"""Ordering: ↑↓ pick an item, shift+↑↓ (or K/J) move it, Enter submits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType
from textual.reactive import reactive

from quiz.models import Ordering
from quiz.ui.widgets.questions._choice_list import ChoiceListInput
from quiz.ui.widgets.questions.base import RIGHT, WRONG, shuffled_order

if TYPE_CHECKING:
    from quiz.grading import GradeResult


class OrderingInput(ChoiceListInput):
    """Posts the learner's order as ORIGINAL item indices (question.items is the right order)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("shift+up,K", "move_item(-1)", "Move up", key_display="⇧↑/K"),
        Binding("shift+down,J", "move_item(1)", "Move down", key_display="⇧↓/J"),
        Binding("k", "move_cursor(-1)", "Previous", show=False),
        Binding("j", "move_cursor(1)", "Next", show=False),
        Binding("enter", "submit", "Submit"),
    ]

    #: display position -> original item index
    order: reactive[tuple[int, ...]] = reactive(tuple)

    def __init__(self, question: Ordering, *, seed: int | None = None, **kw: Any) -> None:
        super().__init__(question, seed=seed, **kw)
        self.ordering = question
        # Shown shuffled and never already solved.
        start = shuffled_order(len(question.items), seed, question.id, avoid_identity=True)
        self.set_reactive(OrderingInput.order, tuple(start))

    def has_draft(self) -> bool:
        """Items were moved but the order not submitted."""
        start = shuffled_order(
            len(self.ordering.items), self.seed, self.ordering.id, avoid_identity=True
        )
        return not self.locked and list(self.order) != start

    def on_mount(self) -> None:
        """Start with the first item highlighted."""
        self.cursor = 0

    def row_texts(self) -> list[str]:
        """Items in the current order."""
        return [self.ordering.items[i] for i in self.order]

    def help_text(self) -> str:
        """Keys for this type."""
        return "↑↓ pick an item, Shift+↑↓ (or K/J) move it, Enter submits the order"

    def watch_order(self, order: tuple[int, ...]) -> None:
        """Show the items in their new places."""
        for row in self.rows:
            row.text = self.ordering.items[order[row.position]]

    def action_move_item(self, delta: int) -> None:
        """Swap the highlighted item with its neighbour; the highlight moves with it."""
        if self.cursor is None:
            return
        target = self.cursor + delta
        if not 0 <= target < len(self.order):
            return
        order = list(self.order)
        order[self.cursor], order[target] = order[target], order[self.cursor]
        self.order = tuple(order)
        self.cursor = target

    def action_submit(self) -> None:
        """Submit the current order."""
        self.submit(list(self.order))

    def show_result(self, result: GradeResult) -> None:
        """✓ on the items the score counts as in order, ✗ with the right place on the others.

        The marks come from grading (`result.parts`), so they always agree with the score.
        """
        parts = result.parts if len(result.parts) == len(self.order) else None
        for row in self.rows:
            original = self.order[row.position]
            right = parts[row.position] if parts is not None else original == row.position
            if right:
                row.mark = RIGHT
                row.add_class("-right")
            else:
                row.mark = WRONG
                row.add_class("-wrong")
                row.suffix = f"(belongs at {original + 1})"
