"""Matching: ↑↓ pick a left item, a letter pairs it with a right item, Enter submits."""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Static

from quiz.models import Matching
from quiz.ui.widgets.questions._choice_list import ChoiceListInput
from quiz.ui.widgets.questions.base import RIGHT, WRONG, ChoiceRow, shuffled_order

if TYPE_CHECKING:
    from quiz.grading import GradeResult

LETTERS = string.ascii_lowercase


class MatchingInput(ChoiceListInput):
    """Posts, for each left item i, the ORIGINAL index j of the right item paired with it."""

    DEFAULT_CSS = """
    MatchingInput > .heading { color: $text-muted; height: 1; }
    MatchingInput > .rights { height: auto; padding: 0 0 1 0; }
    MatchingInput ChoiceRow.-used { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "noop", "Pair with a, b, c…", key_display="a-z"),
        Binding("backspace,delete", "unpair", "Unpair"),
        Binding("enter", "submit", "Submit"),
    ]

    #: left index -> display position of the paired right item, or None
    pairs: reactive[tuple[int | None, ...]] = reactive(tuple)

    def __init__(self, question: Matching, *, seed: int | None = None, **kw: Any) -> None:
        super().__init__(question, seed=seed, **kw)
        self.matching = question
        n = len(question.pairs)
        # display position -> original pair index of the right item
        self.right_order = shuffled_order(n, seed, question.id, avoid_identity=True)
        self.set_reactive(MatchingInput.pairs, (None,) * n)

    def compose_body(self) -> ComposeResult:
        """Left items (with their current pair) above the lettered right items."""
        yield Static("Match each item…", classes="heading")
        yield from super().compose_body()
        yield Static("…with one of these:", classes="heading")
        with Vertical(classes="rights"):
            for position, j in enumerate(self.right_order):
                row = ChoiceRow(position, self.matching.pairs[j].right, f"{LETTERS[position]}.")
                row.add_class("right-row")
                yield row

    def has_draft(self) -> bool:
        """Some pair is made but the answer not submitted."""
        return not self.locked and any(p is not None for p in self.pairs)

    def on_mount(self) -> None:
        """Start on the first left item."""
        self.cursor = 0
        self.watch_pairs(self.pairs)

    @property
    def rows(self) -> list[ChoiceRow]:
        """The left rows (the cursor moves over these)."""
        return [row for row in self.query(ChoiceRow) if not row.has_class("right-row")]

    @property
    def right_rows(self) -> list[ChoiceRow]:
        """The lettered right rows."""
        return list(self.query(".right-row").results(ChoiceRow))

    def row_texts(self) -> list[str]:
        """Left items in bank order."""
        return [p.left for p in self.matching.pairs]

    def help_text(self) -> str:
        """Keys for this type."""
        last = LETTERS[min(len(self.right_order), 26) - 1]
        return f"↑↓ pick an item, a-{last} pairs it, Backspace unpairs, Enter submits"

    def watch_pairs(self, pairs: tuple[int | None, ...]) -> None:
        """Show each pair after its left item; dim right items already used."""
        for row, position in zip(self.rows, pairs, strict=False):
            if position is None:
                row.suffix = "→ ?"
            else:
                right = self.matching.pairs[self.right_order[position]].right
                row.suffix = f"→ {LETTERS[position]}. {right}"
        used = {p for p in pairs if p is not None}
        for row in self.right_rows:
            row.set_class(row.position in used, "-used")

    def pair(self, position: int) -> None:
        """Pair the highlighted left item with the right item at this display position.

        Pairs are one-to-one: a right item already used elsewhere moves here. The highlight
        then jumps to the next unpaired left item.
        """
        if self.cursor is None or not 0 <= position < len(self.right_order):
            return
        pairs = [None if p == position else p for p in self.pairs]
        pairs[self.cursor] = position
        self.pairs = tuple(pairs)
        n = len(pairs)
        for step in range(1, n + 1):
            candidate = (self.cursor + step) % n
            if pairs[candidate] is None:
                self.cursor = candidate
                break

    def on_key(self, event: events.Key) -> None:
        """Letters pair (one binding per letter would flood the footer)."""
        if self.locked or event.character is None:
            return
        letter = event.character
        if len(letter) == 1 and letter in LETTERS[: len(self.right_order)]:
            event.stop()
            event.prevent_default()
            self.pair(LETTERS.index(letter))

    def action_noop(self) -> None:
        """Only here to show the letter keys in the footer; on_key handles letters."""

    def action_unpair(self) -> None:
        """Remove the pair of the highlighted left item."""
        if self.cursor is not None:
            pairs = list(self.pairs)
            pairs[self.cursor] = None
            self.pairs = tuple(pairs)

    def on_choice_row_clicked(self, message: ChoiceRow.Clicked) -> None:
        """Click a left item to pick it, then a right item to pair them."""
        message.stop()
        if self.locked:
            return
        self.focus()
        if message.row.has_class("right-row"):
            self.pair(message.row.position)
        else:
            self.cursor = message.row.position

    def action_submit(self) -> None:
        """Submit when every left item has a pair."""
        missing = sum(1 for p in self.pairs if p is None)
        if missing:
            self.notice = f"Pair every item first: {missing} still without a match."
            return
        self.submit([None if p is None else self.right_order[p] for p in self.pairs])

    def show_result(self, result: GradeResult) -> None:
        """✓ on right pairs; ✗ plus the right match on wrong ones."""
        for row, position in zip(self.rows, self.pairs, strict=False):
            if position is not None and self.right_order[position] == row.position:
                row.mark = RIGHT
                row.add_class("-right")
            else:
                row.mark = WRONG
                row.add_class("-wrong")
                row.suffix = f"{row.suffix}  (right: {self.matching.pairs[row.position].right})"
