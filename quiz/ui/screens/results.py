"""Results: score, time, a per-question breakdown and what was missed, with explanations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quiz.numbers import format_score_percent
from quiz.session import RATING_NAMES, AnswerRecord, QuizSession
from quiz.ui.footer import QuizFooter

if TYPE_CHECKING:
    from quiz.ui.app import QuizApp

MARKS = {"correct": ("✓", "green"), "partial": ("◐", "yellow"), "incorrect": ("✗", "red")}


def format_duration(seconds: float) -> str:
    """`42s`, `3m 05s`, `1h 02m`."""
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


def describe(record: AnswerRecord) -> str:
    """The learner's answer in words."""
    if record.timed_out:
        return "(time ran out)"
    if record.rating is not None:
        return f"rated {RATING_NAMES[record.rating]}"
    from quiz.grading import describe_answer

    try:
        return describe_answer(record.item.question, record.answer)  # type: ignore[arg-type]
    except ValueError:
        return str(record.answer)


class ResultsScreen(Screen[None]):
    """The end of a session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry missed", id="results.retry", tooltip="Quiz the missed again"),
        Binding("enter,escape", "home", "Home", id="results.home"),
        Binding("s", "app.stats", "Stats", id="results.stats"),
    ]

    app: QuizApp

    def __init__(self, session: QuizSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        s = self.session
        yield Header()
        summary = Text.assemble(
            ("Score ", "bold"),
            (format_score_percent(s.score, len(s.records)), "bold"),
            "   ",
            ("Time ", "bold"),
            format_duration(s.elapsed()),
            "   ",
            ("Missed ", "bold"),
            str(len(s.missed_items())),
            "   ",
            (str(s.mode).capitalize(), "italic"),
        )
        yield Static(summary, id="results-summary")
        with VerticalScroll(id="results-body"):
            table: DataTable[Any] = DataTable(
                id="results-table", cursor_type="row", zebra_stripes=True
            )
            yield table
            missed = [r for r in s.records if not r.correct]
            if missed:
                yield Static(Text("Missed", style="bold"), classes="results-heading")
                for r in missed:
                    yield Static(self._missed_text(r), classes="missed-item")
            elif s.records:
                yield Static(Text("Nothing missed. Well done!", style="bold green"))
        yield QuizFooter()

    def _missed_text(self, r: AnswerRecord) -> Content:
        q = r.item.question
        return Content.assemble(
            (q.prompt, "bold"),
            "\n",
            ("Your answer: ", "italic"),
            describe(r),
            "\n",
            ("Right answer: ", "italic"),
            r.result.correct_answer,
            "\n",
            q.explanation,
        )

    def on_mount(self) -> None:
        self.sub_title = self.session.title
        table = self.query_one("#results-table", DataTable)
        table.add_column("#", key="n")
        table.add_column("", key="mark")
        table.add_column("Question", key="prompt")
        table.add_column("Your answer", key="answer")
        table.add_column("Time", key="time")
        for n, r in enumerate(self.session.records, 1):
            mark, colour = MARKS.get(str(r.result.outcome), ("?", ""))
            prompt = r.item.question.prompt.replace("\n", " ")
            table.add_row(
                Text(str(n)),
                Text(mark, style=f"bold {colour}"),
                Text(prompt if len(prompt) <= 48 else prompt[:47] + "…"),
                Text(_clip(describe(r), 24)),
                Text(format_duration(r.elapsed_ms / 1000)),
            )
        table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return True if self.session.missed_items() else None
        return True

    def action_retry(self) -> None:
        """Start a new session over the missed questions."""
        self.dismiss()
        self.app.retry_missed(self.session)

    def action_home(self) -> None:
        """Back to Home."""
        self.dismiss()


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
