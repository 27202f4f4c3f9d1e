"""Help: the keys of every screen and what each study mode does."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Home",
        [
            ("↑ ↓", "choose a bank, the Review row, or a tag's row"),
            ("Enter", "quiz on it: all its questions, shuffled"),
            ("o", "start with options: number of questions, seconds per question, mode"),
            ("f", "flashcards on it"),
            ("r", "review every due card (the ones you missed first)"),
            ("/", "filter banks by tag; Enter on the tag row quizzes that tag across banks"),
            ("s  ctrl+t", "stats"),
            ("p", "switch profile"),
            ("x", "suspended & buried questions: Enter restores one"),
            ("ctrl+r", "read the banks and the counts again (also automatic)"),
            ("?  F1", "this help (F1 also while typing)"),
            ("ctrl+p", "command palette"),
            ("q", "quit"),
        ],
    ),
    (
        "Studying",
        [
            ("Enter", "submit the answer; after the feedback, go on (also n)"),
            ("h  F2", "show the hint (the answer then counts as Hard)"),
            ("u  ctrl+z", "undo the last answer and ask that question again"),
            ("@", "suspend the question (never asked until unsuspended)"),
            ("-", "bury the question until tomorrow"),
            ("Esc", "back home; the session is kept and offered for resuming"),
            ("space, 1-4", "flashcards: flip, then rate Again / Hard / Good / Easy"),
        ],
    ),
    (
        "Results",
        [("r", "retry what you missed"), ("Enter  Esc", "home"), ("s", "stats")],
    ),
]

MODES = (
    "Quiz: a bank, or a tag across banks; all or N questions, shuffled, optionally timed "
    "(running out of time counts as wrong).\n"
    "Review: every card due now across banks, missed ones first; scheduled by FSRS.\n"
    "Flashcards: see the front, flip with space, rate your recall 1-4.\n"
    "Retry missed: from Results, the questions you got wrong, once more.\n"
    "Every answer is saved the moment you give it; a session you leave (Esc) shows on "
    "Home as ↻ Resume until you finish or discard it.\n"
    "Mastery: the share of a bank's questions you got right at your last try of each "
    "(Stats also shows how many FSRS expects you to recall three weeks on)."
)


class HelpScreen(ModalScreen[None]):
    """Keys and modes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", "Close", id="help.close")
    ]

    def compose(self) -> ComposeResult:
        text = Text()
        for section, keys in HELP:
            text.append(f"{section}\n", style="bold underline")
            for key, what in keys:
                text.append(f"  {key:<12}", style="bold")
                text.append(f"{what}\n")
            text.append("\n")
        text.append("Modes\n", style="bold underline")
        text.append(MODES)
        with VerticalScroll(classes="dialog", id="help-body"):
            yield Static(text)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss()
