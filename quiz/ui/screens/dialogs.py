"""Small modal dialogs that return their answer through `dismiss()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import Number
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option


class ResumeDialog(ModalScreen[str]):
    """ "You have an unfinished session": resume it, discard it, or keep it for later.

    Dismissed with "resume", "discard" or "later" (Esc keeps it for later: nothing is
    ever dropped by a key pressed in passing).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,r", "answer('resume')", "Resume", id="resume.yes"),
        Binding("d", "answer('discard')", "Discard", id="resume.discard"),
        Binding("l,n,escape", "answer('later')", "Later", id="resume.later"),
    ]

    def __init__(self, stored: Any, *, starting: str | None = None) -> None:
        super().__init__()
        self.stored = stored
        #: What the learner was about to start, when the dialog came up on the way.
        self.starting = starting

    def compose(self) -> ComposeResult:
        st = self.stored
        title = st.scope.get("title") or st.mode
        done, total = len(st.answered), len(st.queue)
        text = f"{title} ({st.mode}): {done} of {total} answered."
        if self.starting:
            text += f"\nResume it, discard it, or keep it for later and start {self.starting}?"
        else:
            text += "\nResume it, discard it, or keep it for later?"
        with Vertical(classes="dialog"):
            yield Label(Text("Unfinished session", style="bold"))
            yield Static(Text(text), id="resume-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resume (y)", id="resume", variant="primary")
                yield Button("Discard (d)", id="discard")
                yield Button("Later (l)", id="later")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "later")

    def action_answer(self, choice: str) -> None:
        """Close with the choice."""
        self.dismiss(choice)


class QuitDialog(ModalScreen[bool]):
    """ "Quit? The answer you are giving is not saved yet." Dismissed with True to quit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,q", "answer(True)", "Quit", id="quit.yes"),
        Binding("n,escape", "answer(False)", "Keep answering", id="quit.no"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="quit-dialog"):
            yield Label(Text("Quit?", style="bold"))
            yield Static(
                Text(
                    "The answer you are giving is not saved yet (every answer you submitted "
                    "is). Quit anyway?"
                )
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Quit (y)", id="quit", variant="error")
                yield Button("Keep answering (n)", id="stay", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "quit")

    def action_answer(self, quit_now: bool) -> None:
        """Close with the choice."""
        self.dismiss(quit_now)


@dataclass(frozen=True)
class StartOptions:
    """What the start dialog returns."""

    mode: str = "quiz"
    count: int | None = None
    time_limit: float | None = None


class StartOptionsDialog(ModalScreen[StartOptions | None]):
    """How many questions, a time limit per question, and the mode."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="start.cancel")
    ]
    AUTO_FOCUS = "#opt-count"

    def __init__(self, mode: str = "quiz", what: str = "", size: int | None = None) -> None:
        super().__init__()
        self.mode = mode
        #: What is being started (a bank's title, or "questions tagged x"), said on top.
        self.what = what
        #: How many questions it has (for the count's placeholder).
        self.questions = size

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text("Start options", style="bold"))
            if self.what:
                about = Text(self.what, style="italic")
                if self.questions is not None:
                    about.append(f" ({self.questions} questions)")
                yield Static(about, id="opt-what")
            yield Label("Mode")
            yield Select(
                [("Quiz", "quiz"), ("Flashcards", "flashcards")],
                value=self.mode,
                allow_blank=False,
                id="opt-mode",
            )
            yield Label("Questions (empty: all)")
            yield Input(
                placeholder="all",
                id="opt-count",
                type="integer",
                validators=[Number(minimum=1)],
            )
            yield Label("Seconds per question (empty: no limit)")
            yield Input(
                placeholder="no limit",
                id="opt-time",
                type="number",
                validators=[Number(minimum=1)],
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Start", id="start", variant="primary")
                yield Button("Cancel", id="cancel")

    def _value(self, widget_id: str) -> float | None:
        widget = self.query_one(widget_id, Input)
        text = widget.value.strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            return None
        return value if value >= 1 else None

    def _submit(self) -> None:
        count = self._value("#opt-count")
        time_limit = self._value("#opt-time")
        mode = self.query_one("#opt-mode", Select).value
        self.dismiss(
            StartOptions(
                mode=str(mode),
                count=int(count) if count is not None else None,
                time_limit=time_limit,
            )
        )

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self._submit()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Close without starting."""
        self.dismiss(None)


class ProfileDialog(ModalScreen[str | None]):
    """Pick a learner profile or type a new name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="profile.cancel")
    ]

    def __init__(self, names: list[str], current: str) -> None:
        super().__init__()
        self.names = names
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text("Switch profile", style="bold"))
            yield OptionList(
                *[
                    Option(Text(n + ("  (current)" if n == self.current else "")), id=n)
                    for n in self.names
                ],
                id="profile-list",
            )
            yield Input(placeholder="new profile name, then Enter", id="profile-new")

    def on_mount(self) -> None:
        options = self.query_one("#profile-list", OptionList)
        if self.names:
            options.focus()
        else:
            self.query_one("#profile-new", Input).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted, "#profile-new")
    def _typed(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        """Close without switching."""
        self.dismiss(None)
