"""The end-of-session report as a full-width screen of tables (the teacher's dashboard).

Per student: score, percent, time and how many questions they answered. Per question:
how many answered, facility and discrimination (with the rule spelled out). Per choice:
how many students chose it. Names, prompts and choice texts are data, so every cell that
holds them is a `rich.text.Text` (DataTable str cells would be read as markup).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quiz.classroom.analysis import Report, facility_legend
from quiz.classroom.text import printable
from quiz.numbers import format_percent, format_score

#: Prompts and choice texts longer than this are cut (the full text is in `quiz class report`).
CELL_MAX = 48


def _cut(text: str, limit: int = CELL_MAX) -> Text:
    """Plain text, one line, cut with an ellipsis."""
    flat = " ".join(printable(text).split())
    return Text(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


class ReportScreen(Screen[None]):
    """Scores and item analysis of an ended session."""

    DEFAULT_CSS = """
    ReportScreen #report-body { padding: 0 1; }
    ReportScreen .report-heading { text-style: bold; margin: 1 0 0 0; }
    ReportScreen #report-title { text-style: bold; }
    ReportScreen #report-legend { color: $text-muted; }
    ReportScreen DataTable { height: auto; max-height: 100%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Dashboard", tooltip="Back to the dashboard"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        """A title, the legend and three tables."""
        r = self.report
        yield Header()
        with VerticalScroll(id="report-body"):
            yield Static(
                Text(printable(f"{r.title} — session {r.session} ({r.mode}, bank {r.bank_id})")),
                id="report-title",
            )
            yield Static(Text(facility_legend(r)), id="report-legend")
            yield Static("Students", classes="report-heading")
            yield DataTable(id="report-students", cursor_type="none", zebra_stripes=True)
            yield Static("Questions", classes="report-heading")
            yield DataTable(id="report-questions", cursor_type="none", zebra_stripes=True)
            yield Static("Answers per choice (✓ = right)", classes="report-heading")
            yield DataTable(id="report-choices", cursor_type="none", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Fill the tables."""
        r = self.report
        students = self.query_one("#report-students", DataTable)
        students.add_columns("#", "name", "score", "%", "time", "answered")
        for n, s in enumerate(r.students, 1):
            students.add_row(
                str(n),
                Text(printable(s.name)),
                Text(format_score(s.score, s.max_score), justify="right"),
                Text(format_percent(s.percent / 100), justify="right"),
                Text(f"{s.time_ms / 1000:.1f} s", justify="right"),
                Text(f"{len(s.answers)}/{s.max_score}", justify="right"),
            )
        if not r.students:
            students.add_row("", Text("(no students joined)"), "", "", "", "")
        questions = self.query_one("#report-questions", DataTable)
        questions.add_columns("question", "answered", "facility", "discrim.", "prompt")
        for q in r.questions:
            questions.add_row(
                Text(printable(q.id)),
                Text(str(q.answered) if q.asked else "not asked", justify="right"),
                Text(_num(q.facility, ".2f"), justify="right"),
                Text(_num(q.discrimination, "+.2f"), justify="right"),
                _cut(q.prompt),
            )
        choices = self.query_one("#report-choices", DataTable)
        choices.add_columns("question", "", "answer", "count")
        for q in r.questions:
            if not q.asked:
                continue
            for row in q.distribution:
                choices.add_row(
                    Text(q.id),
                    # An answer the teacher accepted says so: the grader refused it.
                    Text(
                        "✓ accepted by you" if row.accepted else ("✓" if row.correct else ""),
                        style="green",
                    ),
                    _cut(row.label),
                    Text(str(row.count), justify="right"),
                )
