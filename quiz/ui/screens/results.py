"""Results: score, time, a per-question breakdown and what was missed, with explanations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quiz.numbers import format_score_percent
from quiz.session import RATING_NAMES, AnswerRecord, QuizSession
from quiz.study import prompt_text
from quiz.ui.footer import QuizFooter

if TYPE_CHECKING:
    from quiz.ui.app import QuizApp

#: Width of the "Your answer" column.
RESULTS_ANSWER_WIDTH = 24
#: The body's padding and its scrollbar, and the table's own scrollbar (more rows than fit).
RESULTS_CHROME = 6
#: A missed question's answers are cut here (a pasted essay would fill the screen).
MISSED_ANSWER_CHARS = 300

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
            (prompt_text(q), "bold"),
            "\n",
            ("Your answer: ", "italic"),
            _clip(describe(r), MISSED_ANSWER_CHARS),
            "\n",
            ("Right answer: ", "italic"),
            _clip(r.result.correct_answer, MISSED_ANSWER_CHARS),
            "\n",
            q.explanation,
        )

    def on_mount(self) -> None:
        self.sub_title = self.session.title
        table = self.query_one("#results-table", DataTable)
        self._fill_table()
        table.focus()

    def _fill_table(self) -> None:
        """One row per answer; the question column takes the width the others leave."""
        table = self.query_one("#results-table", DataTable)
        records = self.session.records
        table.clear(columns=True)
        answer_width = RESULTS_ANSWER_WIDTH
        times = [format_duration(r.elapsed_ms / 1000) for r in records]
        fixed = sum(
            2 * table.cell_padding + w
            for w in (len(str(len(records))), 1, answer_width, max([4, *map(len, times)]))
        )
        width = (self.size.width or self.app.size.width) - RESULTS_CHROME
        self._table_width = self.size.width
        prompt_width = max(16, width - fixed - 2 * table.cell_padding)
        table.add_column("#", key="n")
        table.add_column("", key="mark")
        table.add_column("Question", key="prompt", width=prompt_width)
        table.add_column("Your answer", key="answer", width=answer_width)
        table.add_column("Time", key="time")
        for n, (r, took) in enumerate(zip(records, times, strict=True), 1):
            mark, colour = MARKS.get(str(r.result.outcome), ("?", ""))
            table.add_row(
                Text(str(n)),
                Text(mark, style=f"bold {colour}"),
                Text(_clip(prompt_text(r.item.question), prompt_width)),
                Text(_clip(describe(r), answer_width)),
                Text(took, justify="right"),
            )

    #: The screen width the table was laid out for.
    _table_width = 0

    def on_resize(self) -> None:
        if self.size.width != self._table_width:
            self._fill_table()

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
    """`text` on one line, at most `width` cells, ending in … when cut."""
    text = " ".join(text.split())
    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"
