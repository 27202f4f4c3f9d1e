"""Cloze: an Input per gap, inline in the text; Tab moves between gaps, Enter submits."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import NULL_OFFSET, NULL_SPACING, Region, Size
from textual.layout import ArrangeResult, Layout, WidgetPlacement
from textual.widget import Widget
from textual.widgets import Input, Static

from quiz.grading import MAX_TEXT_LENGTH
from quiz.models import CLOZE_GAP, Cloze, cloze_gaps
from quiz.ui.widgets.questions.base import RIGHT, WRONG, QuestionInput, outcome_of

if TYPE_CHECKING:
    from quiz.grading import GradeResult

GAP_WIDTH = 16


class FlowLayout(Layout):
    """Places one-line children left to right and wraps them like words in a paragraph.

    Each child says how wide it is with a `flow_width` attribute; a child with
    `flow_break = True` starts a new line (a newline in the cloze text).
    """

    name = "flow"

    def arrange(
        self, parent: Widget, children: list[Widget], size: Size, greedy: bool = True
    ) -> ArrangeResult:
        """Lay out children in rows of height 1, wrapping at `size.width`."""
        parent.pre_layout(self)
        placements: list[WidgetPlacement] = []
        width = max(size.width, 1)
        x = y = 0
        for child in children:
            if getattr(child, "flow_break", False):
                x, y = 0, y + 1
                continue
            child_width = min(int(getattr(child, "flow_width", 1)), width)
            if x and x + child_width > width:
                x, y = 0, y + 1
            region = Region(x, y, child_width, 1)
            placements.append(WidgetPlacement(region, NULL_OFFSET, NULL_SPACING, child))
            x += child_width
        return placements


class Flow(Widget):
    """A container using FlowLayout (custom layouts cannot be named in CSS)."""

    DEFAULT_CSS = """
    Flow { height: auto; width: 1fr; }
    """

    _flow = FlowLayout()

    @property
    def layout(self) -> Layout:
        """Always the flow layout."""
        return self._flow


class Word(Static):
    """A word of the cloze text with the space after it."""

    DEFAULT_CSS = "Word { width: auto; height: 1; }"

    def __init__(self, text: str) -> None:
        super().__init__(Content(text))
        self.flow_width = cell_len(text)


class LineBreak(Widget):
    """A newline in the cloze text."""

    DEFAULT_CSS = "LineBreak { height: 0; width: 0; }"
    flow_break = True


class GapInput(Input):
    """A one-line input for one gap."""

    DEFAULT_CSS = f"""
    GapInput {{ width: {GAP_WIDTH}; height: 1; margin: 0; }}
    GapInput.-right {{ background: $success-muted; }}
    GapInput.-wrong {{ background: $error-muted; }}
    """

    def __init__(self, number: int) -> None:
        super().__init__(
            placeholder=f"gap {number}",
            compact=True,
            id=f"gap-{number}",
            max_length=MAX_TEXT_LENGTH,
        )
        self.number = number
        self.flow_width = GAP_WIDTH


def _words(text: str) -> list[str]:
    """Words with their trailing space, keeping line breaks as "\\n" items."""
    out: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("\n")
        out.extend(re.findall(r"\s*\S+\s*", line) or ([line] if line else []))
    return out


def _normal(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


class ClozeInput(QuestionInput):
    """Posts one string per gap, in order."""

    DEFAULT_CSS = """
    ClozeInput > Flow { padding: 0 0 1 0; }
    ClozeInput .gap-mark { width: auto; height: 1; text-style: bold; }
    ClozeInput .gap-mark.-right { color: $text-success; }
    ClozeInput .gap-mark.-wrong { color: $text-error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the app runs these as it takes each key, before passing on the next.
        # Otherwise keys reach the focused gap's own queue, and in a burst (a paste,
        # fast typing over ssh) the letters after Tab were queued to the old gap before
        # the Tab moved the focus.
        Binding("tab", "app.focus_next", "Next gap", priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous gap", priority=True, show=False),
        Binding("enter", "submit", "Submit"),
    ]

    can_focus = False
    takes_text = True

    def __init__(self, question: Cloze, *, seed: int | None = None, **kw: Any) -> None:
        super().__init__(question, seed=seed, **kw)
        self.cloze = question
        self.gap_count = len(cloze_gaps(question.text))
        self._warned_empty = False

    def compose_body(self) -> ComposeResult:
        """The text as words and gap inputs in one wrapping flow."""
        with Flow():
            pieces = CLOZE_GAP.split(self.cloze.text)
            # split() with one group alternates text, gap, text, ...
            for index, piece in enumerate(pieces):
                if index % 2 == 0:
                    for word in _words(piece):
                        yield LineBreak() if word == "\n" else Word(word)
                else:
                    number = index // 2 + 1
                    yield GapInput(number)
                    mark = Word(" ")
                    mark.add_class("gap-mark")
                    mark.id = f"gap-mark-{number}"
                    yield mark

    def help_text(self) -> str:
        """Keys for this type."""
        return "Type in each gap; Tab moves to the next gap, Enter submits"

    @property
    def gaps(self) -> list[GapInput]:
        """The gap inputs in text order."""
        return list(self.query(GapInput))

    def focus_target(self) -> Widget:
        """Start in the first gap."""
        return self.gaps[0]

    def on_input_changed(self, event: Input.Changed) -> None:
        """Editing clears a stale message and the empty-gap warning."""
        self.notice = ""
        self._warned_empty = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in any gap submits the whole text."""
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        """Submit all gaps; empty gaps need a second Enter to confirm."""
        values = [gap.value.strip() for gap in self.gaps]
        empty = [str(i + 1) for i, v in enumerate(values) if not v]
        if empty and not self._warned_empty:
            self._warned_empty = True
            which = ", ".join(empty)
            self.notice = f"Gap {which} is empty: fill it in, or press Enter again to submit."
            return
        self.submit(values)

    def locked_changed(self, locked: bool) -> None:
        """No more typing once submitted."""
        for gap in self.gaps:
            gap.disabled = locked

    def show_result(self, result: GradeResult) -> None:
        """✓ / ✗ after each gap, from grading's per-gap verdict (`result.parts`).

        Without parts (an older or foreign result) a fully correct result marks every gap
        right; otherwise a gap is right when it matches an accepted answer after case and
        space normalising.
        """
        all_right = outcome_of(result) == "correct"
        accepted = cloze_gaps(self.cloze.text)
        cs = self.cloze.case_sensitive
        parts = result.parts if len(result.parts) == len(self.gaps) else None
        for i, (gap, answers) in enumerate(zip(self.gaps, accepted, strict=False)):
            if parts is not None:
                ok = parts[i]
            else:
                ok = all_right or _normal(gap.value, cs) in {_normal(a, cs) for a in answers}
            gap.add_class("-right" if ok else "-wrong")
            mark = self.query_one(f"#gap-mark-{gap.number}", Word)
            mark.update(RIGHT if ok else WRONG)
            mark.add_class("-right" if ok else "-wrong")
