"""Help: the keys, read from the bindings themselves (so it cannot drift), and the modes.

As in posting's help screen, the keys of where you are come first: the focused widget's
and the screen's bindings, then the keys that work everywhere, then the other screens'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen

MODES: list[tuple[str, str]] = [
    (
        "Quiz",
        "a bank, or a tag across banks; all or N questions, shuffled, optionally timed "
        "(running out of time counts as wrong).",
    ),
    ("Review", "every card due now across banks, missed ones first; scheduled by FSRS."),
    ("Flashcards", "see the front, flip with space, rate your recall 1-4."),
    ("Retry missed", "from Results, the questions you got wrong, once more."),
    (
        "Saved",
        "every answer is saved the moment you give it; a session you leave (Esc) shows on "
        "Home as ↻ Resume until you finish or discard it.",
    ),
    (
        "Mastery",
        "the share of a bank's questions you got right at your last try of each (Stats "
        "also shows how many FSRS expects you to recall three weeks on).",
    ),
]

#: What closes this screen; said at its top.
CLOSE_KEYS = "escape,question_mark,f1,q"


@dataclass
class KeyRow:
    """One action and every key bound to it."""

    keys: list[str]
    description: str
    tooltip: str


def own_bindings(node_class: type[DOMNode]) -> list[Binding]:
    """The bindings `node_class` and its quiz base classes declare (Textual's own widgets'
    editing and scrolling keys are left out: they are not this app's keys)."""
    found: list[Binding] = []
    for cls in reversed(node_class.__mro__):
        declared: list[BindingType] | None = cls.__dict__.get("BINDINGS")
        if declared and cls.__module__.startswith("quiz."):
            found.extend(Binding.make_bindings(declared))
    return found


def _key_label(app: App[object], binding: Binding) -> str:
    return app.get_key_display(binding)


def key_rows(app: App[object], bindings: Iterable[Binding]) -> list[KeyRow]:
    """Bindings merged by action (and by group: digits show as "1-9"), in order."""
    rows: dict[str, KeyRow] = {}
    for binding in bindings:
        if binding.system or not binding.description:
            continue
        # One row per thing done: h and F2 (hint, also while typing) are one row.
        merge = (
            f"group:{binding.group.description}"
            if binding.group
            else f"{binding.description}:{binding.tooltip}"
        )
        description = binding.group.description if binding.group else binding.description
        row = rows.setdefault(merge, KeyRow([], description, binding.tooltip or ""))
        label = _key_label(app, binding)
        if label not in row.keys:
            row.keys.append(label)
        if binding.group and binding.description not in row.tooltip:
            row.tooltip = ", ".join(filter(None, [row.tooltip, binding.description]))
    merged: dict[tuple[tuple[str, ...], str], KeyRow] = {}
    for row in rows.values():
        if len(row.keys) > 2 and all(k.isdigit() for k in row.keys):
            row.keys = [f"{row.keys[0]}-{row.keys[-1]}"]
        # Two actions on one key with one name (the table's Enter and Home's) show once.
        merged.setdefault((tuple(row.keys), row.description), row)
    return list(merged.values())


def key_table(rows: list[KeyRow]) -> Table:
    """Keys on the left; what they do wraps in its own column, under itself."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold", min_width=10)
    table.add_column(ratio=1)
    for row in rows:
        what = Text(row.description)
        if row.tooltip and row.tooltip != row.description:
            what.append(f": {row.tooltip}", style="dim")
        table.add_row(Text("  ".join(row.keys)), what)
    return table


def screen_name(screen: Screen[object]) -> str:
    """How Help calls a screen: its class name without "Screen"."""
    names = {"StudyScreen": "Studying", "HomeScreen": "Home", "SetAsideScreen": "Suspended"}
    name = type(screen).__name__
    return names.get(name, name.removesuffix("Screen").removesuffix("Dialog"))


class HelpScreen(ModalScreen[None]):
    """The keys where you are, everywhere, and on the other screens; what modes do."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding(CLOSE_KEYS, "close", "Close", id="help.close")]

    def __init__(self, behind: Screen[object] | None = None) -> None:
        super().__init__()
        #: The screen Help was opened over (its keys come first).
        self.behind = behind

    def sections(self) -> list[tuple[str, list[KeyRow]]]:
        """(title, rows) for each part of the help, from the bindings."""
        from quiz.ui.screens.home import HomeScreen
        from quiz.ui.screens.results import ResultsScreen
        from quiz.ui.screens.stats import StatsScreen
        from quiz.ui.screens.study import StudyScreen

        app = self.app
        sections: list[tuple[str, list[KeyRow]]] = []
        behind = self.behind
        if behind is not None:
            # The focused widget and its parents up to the screen, innermost first.
            here: list[Binding] = []
            node: DOMNode | None = behind.focused
            while node is not None and node is not behind:
                here.extend(own_bindings(type(node)))
                node = node.parent
            here.extend(own_bindings(type(behind)))
            sections.append((f"Here ({screen_name(behind)})", key_rows(app, here)))
        everywhere = own_bindings(type(app))
        if app.ENABLE_COMMAND_PALETTE:
            everywhere.append(
                Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "Command palette")
            )
        sections.append(("Everywhere", key_rows(app, everywhere)))
        from quiz.ui.widgets import questions
        from quiz.ui.widgets.question_view import QuestionView

        answering: list[Binding] = own_bindings(QuestionView)
        for input_class in (
            questions.MultipleChoiceInput,
            questions.MultipleSelectInput,
            questions.OrderingInput,
            questions.MatchingInput,
            questions.FlashcardInput,
        ):
            answering.extend(own_bindings(input_class))
        sections.append(("Answering a question", key_rows(app, answering)))
        for screen_class in (HomeScreen, StudyScreen, ResultsScreen, StatsScreen):
            if behind is not None and type(behind) is screen_class:
                continue
            title = {"StudyScreen": "Studying"}.get(
                screen_class.__name__, screen_class.__name__.removesuffix("Screen")
            )
            sections.append((title, key_rows(app, own_bindings(screen_class))))
        return sections

    def compose(self) -> ComposeResult:
        body = VerticalScroll(classes="dialog", id="help-body")
        body.border_title = "Help"
        body.border_subtitle = "Esc closes"
        with body:
            yield Static(self.help_renderable(), id="help-text")

    def help_renderable(self) -> Group:
        """The whole help text: the closing keys, the key tables and the modes."""
        parts: list[Text | Table] = [
            Text.assemble(("Esc", "bold"), " (or ? or q) closes this help.\n", style="italic")
        ]
        for title, rows in self.sections():
            if rows:
                parts.append(Text(title, style="bold underline"))
                parts.append(key_table(rows))
                parts.append(Text(""))
        parts.append(Text("Modes", style="bold underline"))
        parts.append(key_table([KeyRow([name], what, "") for name, what in MODES]))
        return Group(*parts)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss()
