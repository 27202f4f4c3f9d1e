"""Parts shared by the per-type question inputs: the base class, choice rows, shuffling."""

from __future__ import annotations

import random
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from quiz.grading import Answer, GradeResult

if TYPE_CHECKING:
    from collections.abc import Iterator

    from quiz.models import Question

RIGHT = "✓"
WRONG = "✗"


def shuffled_order(
    n: int, seed: int | None, key: str, *, avoid_identity: bool = False
) -> list[int]:
    """A permutation of range(n): display position -> original index.

    The same `seed` and `key` (the question id) always give the same order, so a resumed
    session or a classroom shows every learner a stable order; `seed=None` is random.
    `avoid_identity` never returns the original order when n > 1 (ordering questions would
    otherwise sometimes start solved).
    """
    rng = random.Random(f"{seed}:{key}") if seed is not None else random.Random()
    order = list(range(n))
    rng.shuffle(order)
    if avoid_identity and n > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


def outcome_of(result: GradeResult) -> str:
    """The outcome as a plain string ("correct", "partial", "incorrect")."""
    return str(result.outcome.value)


class HangingRow:
    """`prefix` then `body`, the body wrapping in its own column (each wrapped line under
    its first character): a two-column `Table.grid`, drawn without the table when the
    row fits on one line (most rows), with the same segments.

    Measuring and drawing a table costs more than the rest of a row, and choice rows are
    measured and drawn again whenever an answer marks them or the feedback narrows them.
    """

    def __init__(self, prefix: Text, body: Text) -> None:
        self.prefix = prefix
        self.body = body

    def table(self) -> Table:
        """The two-column grid this draws."""
        grid = Table.grid()
        grid.add_column(no_wrap=True, width=self.prefix.cell_len)
        grid.add_column(ratio=1)
        grid.add_row(self.prefix, self.body)
        return grid

    def fits(self, width: int) -> bool:
        """Whether the row is one line at `width` (no wrapping, no tab or line break;
        not empty, which the table draws with a styled empty segment)."""
        plain = self.prefix.plain + self.body.plain
        return (
            bool(self.body.plain)
            and self.prefix.cell_len + self.body.cell_len <= width
            and "\n" not in plain
            and "\t" not in plain
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The table's segments: one line drawn directly, else the table itself."""
        if not self.fits(options.max_width):
            yield self.table()
            return
        # What the grid yields for one line: each cell's own segments, then a newline.
        yield from self.prefix.render(console, end="")
        yield from self.body.render(console, end="")
        yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """The table's measurement."""
        return Measurement.get(console, options, self.table())


class ChoiceRow(Static):
    """One line of a choice list: result mark, box, key label and the (data) text.

    Everything shown comes from reactives, so changing one repaints the row.
    """

    DEFAULT_CSS = """
    ChoiceRow {
        width: 1fr;
        height: auto;
        padding: 0 1;
    }
    ChoiceRow:hover { background: $boost; }
    ChoiceRow.-cursor { background: $accent 30%; text-style: bold; }
    ChoiceRow.-right, ChoiceRow.-cursor.-right {
        color: $text-success;
        background: $success-muted;
    }
    ChoiceRow.-wrong, ChoiceRow.-cursor.-wrong {
        color: $text-error;
        background: $error-muted;
    }
    ChoiceRow.-missed { color: $text-warning; }
    """

    # layout=True: a row whose text or suffix changes (a pair made) is measured again,
    # not left at the height of its previous text (which cut the new one off).
    text: reactive[str] = reactive("", layout=True)
    label: reactive[str] = reactive("", layout=True)
    box: reactive[str] = reactive("", layout=True)
    mark: reactive[str] = reactive(" ")
    suffix: reactive[str] = reactive("", layout=True)

    class Clicked(Message):
        """The learner clicked this row."""

        def __init__(self, row: ChoiceRow) -> None:
            self.row = row
            super().__init__()

    def __init__(self, position: int, text: str, label: str, box: str = "", **kw: Any) -> None:
        super().__init__(**kw)
        self.position = position
        #: While its input is marking an answer (`QuestionInput.marking`): restyles wait
        #: here, to be done once at the end.
        self.restyle_later: set[ChoiceRow] | None = None
        self.set_reactive(ChoiceRow.text, text)
        self.set_reactive(ChoiceRow.label, label)
        self.set_reactive(ChoiceRow.box, box)

    def render(self) -> HangingRow:
        """Mark, box and label on the left; the text wraps in its own column, each wrapped
        line under the text's first character. `text` and `suffix` are bank data, shown
        literally (never markup)."""
        return HangingRow(*self._parts())

    def _parts(self) -> tuple[Text, Text]:
        prefix = Text(f"{self.mark} ")
        if self.box:
            prefix.append(f"{self.box} ")
        prefix.append(f"{self.label} ", style="bold")
        body = Text(self.text)
        if self.suffix:
            body.append("  " + self.suffix, style="italic")
        return prefix, body

    @property
    def plain(self) -> str:
        """The row as plain text on one line (mark, box, label, text, suffix)."""
        prefix, body = self._parts()
        return prefix.plain + body.plain

    def update_node_styles(self, animate: bool = True) -> None:
        """Restyle now, or once at the end of the input's `marking` block."""
        if self.restyle_later is not None:
            self.restyle_later.add(self)
        else:
            super().update_node_styles(animate)

    def on_click(self, event: Click) -> None:
        """Report the click to the owning question input."""
        event.stop()
        self.post_message(self.Clicked(self))


class QuestionInput(Widget):
    """Base of the per-type inputs: takes one answer, then locks.

    Subclasses compose their body in `compose_body`, call `submit(answer)` when the learner
    confirms, and mark choices in `show_result`. Validation messages go to `notice`.
    """

    DEFAULT_CSS = """
    QuestionInput {
        height: auto;
        width: 1fr;
    }
    QuestionInput:focus-within ChoiceRow.-cursor { background: $accent 50%; }
    QuestionInput > .notice {
        color: $text-warning;
        height: auto;
        display: none;
    }
    QuestionInput > .notice.-shown { display: block; }
    QuestionInput > .help {
        color: $text-muted;
        height: auto;
    }
    """

    can_focus = True
    #: Whether QuestionView should show its Submit button for this type.
    has_submit_button: ClassVar[bool] = True
    #: Typing goes into Inputs, so letter keys (h) are text, not commands.
    takes_text: ClassVar[bool] = False
    #: Actions still allowed after the answer is locked in.
    ALWAYS_ALLOWED: ClassVar[frozenset[str]] = frozenset()

    #: Not repainting: the input draws nothing of its own that the lock changes (its
    #: children do, and repaint themselves), and a repaint draws all its lines again.
    locked: reactive[bool] = reactive(False, repaint=False)
    notice: reactive[str] = reactive("")

    class Submitted(Message):
        """The learner confirmed an answer (QuestionView turns this into Answered)."""

        def __init__(self, answer: Answer) -> None:
            self.answer = answer
            super().__init__()

    def __init__(self, question: Question, *, seed: int | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.question = question
        self.seed = seed
        #: The answer posted and not yet taken (its owner sets `locked` when it takes it).
        self.posted: Answer | None = None

    def compose(self) -> ComposeResult:
        """The body of the subclass, then a short key help line and the notice line."""
        yield from self.compose_body()
        help_text = self.help_text()
        if help_text:
            yield Static(Content(help_text), classes="help")
        yield Static("", classes="notice", markup=False)

    def compose_body(self) -> ComposeResult:
        """The widgets of one question type."""
        yield from ()

    def help_text(self) -> str:
        """One line telling which keys answer this type."""
        return ""

    def focus_target(self) -> Widget:
        """The widget that takes the keyboard when the question is shown."""
        return self

    def focus_input(self) -> None:
        """Give keyboard focus to where typing should go."""
        self.focus_target().focus()

    def submit(self, answer: Answer) -> bool:
        """Post the answer once; later calls do nothing (until the widget is unlocked).

        Nothing on screen changes here: the QuestionView that owns the input locks it
        (or lets whoever takes the answer do so), so that the lock is drawn in the same
        frame as what the answer brings (the feedback), not in a frame of its own first.
        """
        if self.locked or self.posted is not None:
            return False
        self.posted = answer
        self.post_message(self.Submitted(answer))
        return True

    def action_submit(self) -> None:
        """Submit the current answer if it is complete (subclasses)."""

    def has_draft(self) -> bool:
        """Whether an answer has been started but not submitted (text typed; subclasses
        with choices say whether any is ticked or paired)."""
        from textual.widgets import Input

        return not self.locked and any(field.value.strip() for field in self.query(Input))

    def show_result(self, result: GradeResult) -> None:
        """Mark right and wrong parts inline (subclasses)."""

    @contextmanager
    def marking(self) -> Iterator[None]:
        """Lock and mark an answer as one change: a choice row whose classes change in
        the block (the lock drops the cursor's highlight, the result adds its colour) is
        restyled once, at the end, not once per class (~0.5 ms each)."""
        rows = list(self.query(ChoiceRow))
        pending: set[ChoiceRow] = set()
        for row in rows:
            row.restyle_later = pending
        try:
            yield
        finally:
            for row in rows:
                row.restyle_later = None
            for row in rows:  # in display order
                if row in pending:
                    row.update_node_styles()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """After submitting, answer keys are off (and hidden from the footer)."""
        return not (self.locked or self.posted is not None) or action in self.ALWAYS_ALLOWED

    def watch_locked(self, locked: bool) -> None:
        """Hide the key help, clear the notice, update the footer's key list.

        The help line's visibility is set on it alone: a class on the input would restyle
        the input and every widget in it, each answer. Hidden, it keeps its place (the
        input's last line before the notice): the input keeps its size, and so does
        everything around it, which would otherwise all be drawn again.
        """
        if not locked:
            self.posted = None
        for help_line in self.query_children(".help"):
            help_line.visible = not locked
        self.notice = ""
        self.refresh_bindings()
        self.locked_changed(locked)

    def locked_changed(self, locked: bool) -> None:
        """Hook for subclasses with child inputs to disable."""

    def watch_notice(self, notice: str) -> None:
        """Show or hide the validation message."""
        for widget in self.query(".notice"):
            if isinstance(widget, Static) and widget.parent is self:
                widget.update(Content(notice))
                widget.set_class(bool(notice), "-shown")
