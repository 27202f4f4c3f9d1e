"""Stats: accuracy per bank and tag, streak, review heatmap, due forecast, retention, leeches."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Collapsible, DataTable, Header, Static

from quiz.numbers import format_percent
from quiz.store.statistics import MASTERY_MEANING
from quiz.study import prompt_text
from quiz.ui.footer import QuizFooter
from quiz.ui.screens.home import clip

if TYPE_CHECKING:
    from quiz.store import StatsReport
    from quiz.study import StudyService
    from quiz.ui.app import QuizApp

#: Columns the body's padding and scrollbar take beside the banks table.
STATS_CHROME = 4
#: The narrowest the bank title column gets.
MIN_BANK_TITLE = 12


class StatsRead(Message):
    """The report, read from the store in a thread worker."""

    def __init__(self, report: StatsReport) -> None:
        super().__init__()
        self.report = report


SHADES = " ░▒▓█"
BARS = "▁▂▃▄▅▆▇█"


def pct(value: float | None) -> str:
    """A 0..1 fraction as a percentage, or a dash."""
    return format_percent(value)


def heatmap_text(days: list[dict[str, Any]], weeks: int = 26) -> Text:
    """Reviews per day as a week-by-column grid of shaded cells (Mon..Sun rows)."""
    if not days:
        return Text("no reviews yet", style="dim")
    # Columns are whole weeks from a Monday, so every row's first cell is a real day and
    # all rows start in the same column: reach back (into the older days we were given)
    # to the Monday on or before the window's first day.
    start = max(0, len(days) - weeks * 7)
    start -= date.fromisoformat(days[start]["date"]).weekday()
    counts: list[int | None] = [None] * max(0, -start)
    counts += [int(d["reviews"]) for d in days[max(0, start) :]]
    if not any(counts):
        return Text("no reviews yet", style="dim")
    top = max((c for c in counts if c), default=0)
    text = Text()
    for row, name in enumerate(["Mon", "", "Wed", "", "Fri", "", "Sun"]):
        text.append(f"{name:<3} ", style="dim")
        for col in range(row, len(counts), 7):
            c = counts[col]
            if c is None:
                text.append("  ")
            elif c == 0:
                text.append("· ", style="dim")
            else:
                level = 1 + min(3, (c - 1) * 4 // max(1, top))
                text.append(SHADES[level] * 2, style="green")
        text.append("\n")
    text.append(f"    max {top} review{'s' * (top != 1)} a day", style="dim")
    return text


def forecast_text(days: list[dict[str, Any]]) -> Text:
    """Cards due per day over the coming days as a bar line, with the total."""
    counts = [int(d["due"]) for d in days]
    top = max(counts, default=0)
    text = Text("today ", style="dim")
    for c in counts:
        if c == 0:
            text.append("_", style="dim")
        else:
            text.append(BARS[min(7, (c * 8 - 1) // max(1, top))], style="bold cyan")
    text.append(f" +{len(counts) - 1}d", style="dim")
    text.append(f"\n{sum(counts)} due in the next {len(counts)} days; busiest day {top}")
    return text


class StatsScreen(Screen[None]):
    """The learner's progress."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="stats.back"),
        Binding("r", "reload", "Refresh", id="stats.refresh"),
        Binding("t", "toggle_tags", "Tags", id="stats.tags", tooltip="Show or hide the tags"),
        Binding("x", "app.set_aside", "Suspended", id="stats.set_aside"),
    ]

    app: QuizApp

    #: The screen width the bank titles were clipped for.
    _banks_width = 0
    #: The report on screen (laid out again when the width changes).
    _report: StatsReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        # What to do next first (reviews, what is due, what is weak), then the per-bank
        # figures, and the long per-tag list last, folded.
        with VerticalScroll(id="stats-body"):
            yield Static(Text("Reading your history…", style="dim"), id="stats-totals")
            yield Static(Text("Reviews (last 26 weeks)", style="bold"), classes="stats-heading")
            yield Static("", id="stats-heatmap")
            yield Static(Text("Due forecast", style="bold"), classes="stats-heading")
            yield Static("", id="stats-forecast")
            yield Static(Text("Weakest questions", style="bold"), classes="stats-heading")
            yield Static("", id="stats-weakest")
            yield Static(Text("Banks", style="bold"), classes="stats-heading")
            yield DataTable(id="stats-banks", cursor_type="none", zebra_stripes=True)
            yield Static(Text("Leeches", style="bold"), classes="stats-heading")
            yield Static("", id="stats-leeches")
            with Collapsible(title="Tags", collapsed=True, id="stats-tags-fold"):
                yield DataTable(id="stats-tags", cursor_type="none", zebra_stripes=True)
        yield QuizFooter()

    def on_mount(self) -> None:
        self.sub_title = f"Stats · {self.app.profile}"
        self.action_reload()
        self.query_one("#stats-body").focus()

    def _prompt(self, bank_id: str, question_id: str, room: int = 60) -> str:
        """The question as one line of at most `room` cells (the cloze text for a cloze)."""
        data = self.app.data
        loaded = data.banks.get(bank_id) if data else None
        q = loaded.bank.question(question_id) if loaded else None
        return clip(prompt_text(q) if q else question_id, max(12, room))

    def action_reload(self) -> None:
        """Read the numbers again from the store (off the UI thread)."""
        data = self.app.data
        if data is None:
            return
        self.run_worker(
            partial(self._read, data.service),
            thread=True,
            exclusive=True,
            group="stats",
            name="stats",
            exit_on_error=False,
        )

    def _read(self, service: StudyService) -> None:
        """Thread worker: the history queries; the report comes back as a message."""
        self.post_message(StatsRead(service.read_stats()))

    def on_stats_read(self, message: StatsRead) -> None:
        self._show(message.report)

    def _show(self, report: StatsReport) -> None:
        """Fill the screen from the report."""
        self._report = report
        t = report.totals
        streak = report.streak
        ret = report.retention
        self.query_one("#stats-totals", Static).update(
            Text.assemble(
                ("Attempts ", "bold"),
                str(t.attempts),
                ("   Accuracy ", "bold"),
                pct(t.accuracy),
                ("   Due now ", "bold"),
                str(t.due_now),
                ("   Streak ", "bold"),
                f"{streak.current} d (longest {streak.longest} d)",
                "\n",
                (f"True retention ({ret.days} days) ", "bold"),
                f"young {pct(ret.young.rate)} of {ret.young.total}, "
                f"mature {pct(ret.mature.rate)} of {ret.mature.total}",
                "\n",
                (MASTERY_MEANING, "dim"),
            )
        )
        banks = self.query_one("#stats-banks", DataTable)
        banks.clear(columns=True)
        headers = ["Seen", "Accuracy", "Last", "Mastery", "Stable", "Due", "Leeches"]
        figures = [
            [
                f"{b.seen}/{b.questions}",
                pct(b.accuracy),
                pct(b.last_score),
                pct(b.mastery),
                pct(b.stable),
                str(b.due),
                str(b.leeches),
            ]
            for b in report.banks
        ]
        # Every figure column whole; the title takes what is left of the width. Too
        # narrow for all (under ~75 columns): Stable and Leeches go first (the leeches
        # are listed below the table anyway).
        padding = 2 * banks.cell_padding
        width = (self.size.width or self.app.size.width) - STATS_CHROME
        self._banks_width = self.size.width
        for drop in ((), ("Stable", "Leeches")):
            keep = [i for i, h in enumerate(headers) if h not in drop]
            numbers = sum(
                padding + max([len(headers[i]), *(len(row[i]) for row in figures)]) for i in keep
            )
            title_width = width - numbers - padding
            if title_width >= MIN_BANK_TITLE:
                break
        title_width = max(MIN_BANK_TITLE, title_width)
        headers = [headers[i] for i in keep]
        figures = [[row[i] for i in keep] for row in figures]
        banks.add_column("Bank", width=title_width)
        for header in headers:
            banks.add_column(header)
        for b, row in zip(report.banks, figures, strict=True):
            banks.add_row(
                Text(clip(b.title, title_width)),
                *(Text(cell, justify="right") for cell in row),
            )
        fold = self.query_one("#stats-tags-fold", Collapsible)
        fold.title = f"Tags ({len(report.tags)}): t shows or hides them"
        tags = self.query_one("#stats-tags", DataTable)
        tags.clear(columns=True)
        tags.add_columns("Tag", "Questions", "Attempts", "Accuracy")
        for tg in report.tags:
            tags.add_row(
                Text(tg.tag),
                Text(str(tg.questions)),
                Text(str(tg.attempts)),
                Text(pct(tg.accuracy)),
            )
        json_report = report.to_json()
        self.query_one("#stats-heatmap", Static).update(heatmap_text(json_report["heatmap"]))
        self.query_one("#stats-forecast", Static).update(forecast_text(json_report["forecast"]))
        line_room = (self.size.width or self.app.size.width) - STATS_CHROME
        weakest = Text()
        for w in report.weakest:
            lead = f"{pct(w.accuracy):>5} ({w.attempts} tries) "
            weakest.append(lead[:6], style="bold red")
            weakest.append(lead[6:])
            # One line each: the prompt is cut to the room the screen leaves.
            weakest.append(self._prompt(w.bank_id, w.question_id, line_room - len(lead)))
            weakest.append("\n")
        weakest.rstrip()
        self.query_one("#stats-weakest", Static).update(
            weakest or Text("none yet (needs two tries of a question)", style="dim")
        )
        leeches = Text()
        for lc in report.leeches:
            lead = f"{lc.lapses} lapses "
            leeches.append(lead, style="bold")
            room = line_room - len(lead) - (len("  (suspended)") if lc.suspended else 0)
            leeches.append(self._prompt(lc.bank_id, lc.question_id, room))
            if lc.suspended:
                leeches.append("  (suspended)", style="dim")
            leeches.append("\n")
        leeches.rstrip()
        self.query_one("#stats-leeches", Static).update(leeches or Text("none", style="dim"))

    def action_toggle_tags(self) -> None:
        """Unfold (and go to) the per-tag figures, or fold them again."""
        fold = self.query_one("#stats-tags-fold", Collapsible)
        fold.collapsed = not fold.collapsed
        if not fold.collapsed:
            self.call_after_refresh(fold.scroll_visible, top=True)

    def on_resize(self) -> None:
        # Bank titles are clipped to the width they were laid out for: lay the report out
        # again (without reading the store again).
        if self._report is not None and self.size.width != self._banks_width:
            self._show(self._report)

    def action_close(self) -> None:
        """Back to where you were."""
        self.dismiss()
