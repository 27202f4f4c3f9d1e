"""A vertical list of choice rows with a cursor: the shared body of choice-type inputs."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive

from quiz.ui.widgets.questions.base import ChoiceRow, QuestionInput


def digit_bindings(action: str, description: str) -> list[BindingType]:
    """Bindings 1..9 -> `action(n)`, grouped so the footer shows one "1-9" entry."""
    return [
        Binding(str(n), f"{action}({n})", description, group=Binding.Group(description, True))
        for n in range(1, 10)
    ]


class ChoiceListInput(QuestionInput):
    """Rows in display order; `cursor` is the highlighted display position (or None)."""

    DEFAULT_CSS = """
    ChoiceListInput > .choices {
        height: auto;
        padding: 0 0 1 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move_cursor(-1)", "Previous", show=False),
        Binding("down", "move_cursor(1)", "Next", show=False),
    ]

    cursor: reactive[int | None] = reactive(None)

    def row_texts(self) -> list[str]:
        """Texts of the rows, in display order."""
        return []

    def row_label(self, position: int) -> str:
        """The key label shown before a row ("1.", "a.")."""
        return f"{position + 1}."

    def row_box(self, position: int) -> str:
        """The selection box of a row ("( )", "[x]"), or "" for none."""
        return ""

    def compose_body(self) -> ComposeResult:
        """The rows, one per choice."""
        with Vertical(classes="choices"):
            for position, text in enumerate(self.row_texts()):
                yield ChoiceRow(position, text, self.row_label(position), self.row_box(position))

    @property
    def rows(self) -> list[ChoiceRow]:
        """The rows, in display order."""
        return list(self.query(ChoiceRow))

    def refresh_boxes(self) -> None:
        """Recompute every row's box from the current selection state."""
        for row in self.rows:
            row.box = self.row_box(row.position)

    def watch_cursor(self, cursor: int | None) -> None:
        """Highlight the cursor row and keep it in view."""
        for row in self.rows:
            row.set_class(row.position == cursor, "-cursor")
            if row.position == cursor:
                row.scroll_visible()
        self.refresh_boxes()

    def locked_changed(self, locked: bool) -> None:
        """Drop the highlight once answered, so result colours show (the box keeps the pick)."""
        for row in self.rows:
            row.set_class(not locked and row.position == self.cursor, "-cursor")

    def action_move_cursor(self, delta: int) -> None:
        """Move the highlight; from nothing, down starts at the top and up at the bottom."""
        count = len(self.rows)
        if self.cursor is None:
            self.cursor = 0 if delta > 0 else count - 1
        else:
            self.cursor = max(0, min(count - 1, self.cursor + delta))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Digit keys beyond the number of rows do nothing (and are hidden)."""
        allowed = super().check_action(action, parameters)
        if allowed and action in {"pick", "toggle_number"} and parameters:
            assert isinstance(parameters[0], int)
            return 1 <= parameters[0] <= len(self.row_texts())
        return allowed

    def on_choice_row_clicked(self, message: ChoiceRow.Clicked) -> None:
        """A click behaves like choosing that row with its key."""
        message.stop()
        if self.locked:
            return
        self.focus()
        self.row_clicked(message.row.position)

    def row_clicked(self, position: int) -> None:
        """What a click on a row does (subclasses)."""
        self.cursor = position
