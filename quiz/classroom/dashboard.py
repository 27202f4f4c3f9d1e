"""The teacher's dashboard: join code, roster, live controls, distribution, leaderboard, report.

A Textual app that is a client of the session API (with the teacher token), so it works the
same against a server in this process or elsewhere. Updates arrive as server-sent events.
"""

from __future__ import annotations

import json
import time
from typing import Any, ClassVar

import httpx
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Input, Label, Static

from quiz.classroom.analysis import Report
from quiz.classroom.models import DistributionRow, TeacherState
from quiz.classroom.report_view import ReportScreen
from quiz.classroom.text import printable
from quiz.numbers import format_points
from quiz.ui.footer import QuizFooter

#: Question types whose answers are typed: the teacher may accept one the grader refused.
TYPED_TYPES = frozenset({"short_answer", "cloze", "numeric"})

#: Bars are never drawn longer than this, however wide the panel.
MAX_BAR = 40


def bars(rows: list[DistributionRow], *, reveal: bool, width: int = 72) -> Text:
    """A bar per choice, each on one line of `width` cells; the right ones marked once revealed.

    Labels are plain text (never markup); long ones are cut with an ellipsis so that label,
    bar and count always fit on the line.
    """
    total = max(1, sum(r.count for r in rows))
    digits = max((len(str(r.count)) for r in rows), default=1)
    longest = max((len(printable(r.label)) for r in rows), default=0)
    # "✓ " + label + " " + bar + " " + count: the label takes at most 40% of the line.
    label_width = max(1, min(longest, max(6, (width * 2) // 5), width - digits - 5))
    room = max(0, min(MAX_BAR, width - label_width - digits - 4))
    lines: list[Text] = []
    for r in rows:
        mark = "✓" if (reveal and r.correct) else " "
        text = printable(r.label)
        label = text if len(text) <= label_width else text[: label_width - 1] + "…"
        # Any answer at all shows as at least one cell.
        n = max(1 if r.count and room else 0, round(room * r.count / total))
        style = "green" if (reveal and r.correct) else "cyan"
        line = Text(f"{mark} {label:<{label_width}} ", no_wrap=True, overflow="ellipsis")
        line.append("█" * n, style=style)
        line.append(f" {r.count}")
        lines.append(line)
    out = Text("\n", no_wrap=True, overflow="ellipsis").join(lines)
    return out


def rules(state: TeacherState) -> str:
    """The mode and when students see the answers, as the dashboard says it."""
    if state.mode == "live":
        return "live, answers shown at each reveal"
    if state.feedback == "immediate":
        return "self-paced, practice: answers shown after each answer"
    return "self-paced, graded: right/wrong only, answers shown when the session ends"


class DistributionBars(Widget):
    """The answer distribution, sized to the widget's width (one line per choice)."""

    DEFAULT_CSS = "DistributionBars { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[DistributionRow] = []
        self.reveal = False

    def show(self, rows: list[DistributionRow], *, reveal: bool) -> None:
        """Draw these rows (an empty list clears the bars)."""
        self.rows = list(rows)
        self.reveal = reveal
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One line per row."""
        return len(self.rows)

    def render(self) -> Text:
        """The bars for the current width."""
        return bars(self.rows, reveal=self.reveal, width=max(1, self.content_size.width))

    @property
    def plain(self) -> str:
        """The bars as plain text at the current width (for tests)."""
        return self.render().plain


class StudentPicker(ModalScreen[int | None]):
    """Ask for a number: which student (their # on the board) to remove or re-admit, or
    which listed answer to accept. The question is plain text (it may quote students)."""

    DEFAULT_CSS = """
    StudentPicker { align: center middle; }
    StudentPicker > Vertical { width: 60; height: auto; border: round $accent; padding: 1 2; }
    StudentPicker Label { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question and a number field."""
        with Vertical():
            yield Label(Text(self.question))
            yield Input(placeholder="#", type="integer", id="pick")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Return the number typed (None if empty)."""
        self.dismiss(int(event.value) if event.value.strip() else None)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


class DashboardApp(App[None]):
    """The teacher's view of one session."""

    TITLE = "quiz — classroom"
    CSS = """
    #top { height: auto; }
    #code { width: auto; min-width: 30; border: heavy $accent; padding: 0 2;
            text-style: bold; content-align: center middle; height: 5; }
    #join { width: 1fr; padding: 0 2; height: 5; }
    #main { height: 1fr; }
    #roster { width: 45%; }
    #question { width: 1fr; padding: 0 1; border-left: solid $primary; }
    #question > Static { height: auto; margin: 0 0 1 0; }
    #phase { text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "open", "Open next", tooltip="Open the next question (self-paced: start)"),
        Binding("c", "close", "Close", tooltip="Stop accepting answers"),
        Binding("r", "reveal", "Reveal", tooltip="Show the answer distribution and right answer"),
        Binding("e", "end", "End session", tooltip="Press twice: end the session"),
        Binding("v", "show_report", "Report", tooltip="The end-of-session report"),
        Binding("x", "pick('remove')", "Remove", tooltip="Remove a student (by # on the board)"),
        Binding(
            "a",
            "pick('readmit')",
            "Re-admit",
            tooltip="Let a student who lost their token join again as themselves",
        ),
        Binding(
            "g",
            "accept",
            "Accept answer",
            tooltip="Accept a typed answer the grader refused, for everyone who gave it",
        ),
        Binding("q", "quit", "Quit", tooltip="Quit the dashboard (resume with --resume)"),
    ]

    def __init__(
        self,
        *,
        api_url: str,
        join_url: str,
        teacher_token: str,
        web_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__()
        self.api_url = api_url
        self.join_url = join_url
        self.web_url = web_url
        self.headers = {"Authorization": f"Bearer {teacher_token}"}
        self.transport = transport
        self.state: TeacherState | None = None
        self.report: Report | None = None
        self._end_armed = False
        self._deadline_mono: float | None = None

    def client(self, timeout: float | None = 10.0) -> httpx.AsyncClient:
        """An API client with the teacher token."""
        return httpx.AsyncClient(
            base_url=self.api_url, headers=self.headers, timeout=timeout, transport=self.transport
        )

    def compose(self) -> ComposeResult:
        """Join code and URL on top; roster and current question below."""
        yield Header()
        with Horizontal(id="top"):
            yield Static("", id="code")
            yield Static("", id="join")
        with Horizontal(id="main"):
            with Vertical(id="roster"):
                yield DataTable(id="leaderboard", cursor_type="none", zebra_stripes=True)
            with VerticalScroll(id="question"):
                yield Static("", id="phase")
                yield Static("", id="prompt")
                yield Static("", id="counts")
                yield DistributionBars(id="dist")
        # The study app's footer: keys that fit first, Quit always shown at the right end.
        yield QuizFooter()

    def on_mount(self) -> None:
        """Set up the table and start following the session."""
        table = self.query_one("#leaderboard", DataTable)
        table.add_columns("#", "name", "score", "done", "now")
        self.follow()
        self.set_interval(1.0, self.countdown)

    def countdown(self) -> None:
        """Tick the time left between server events (the server's deadline is what counts)."""
        state = self.state
        if state is None or state.phase != "open" or self._deadline_mono is None:
            return
        left = max(0.0, self._deadline_mono - time.monotonic())
        position = "" if state.index is None else f" — question {state.index + 1}/{state.total}"
        self.query_one("#phase", Static).update(
            Text(f"OPEN{position} — {left:.0f} s left  ({rules(state)}, {state.total} questions)")
        )

    @work(exclusive=True, group="events")
    async def follow(self) -> None:
        """Stream the teacher state from the server (server-sent events)."""
        async with self.client(timeout=None) as client:
            try:
                async with client.stream("GET", "/api/events") as resp:
                    event = ""
                    async for line in resp.aiter_lines():
                        if line.startswith("event: "):
                            event = line[7:]
                        elif line.startswith("data: ") and event == "state":
                            self.show(TeacherState.model_validate_json(line[6:]))
            except httpx.HTTPError as exc:
                self.notify(f"lost the connection to the server: {exc}", severity="error")

    def show(self, state: TeacherState) -> None:
        """Render a teacher state."""
        self.state = state
        self._deadline_mono = (
            None if state.seconds_left is None else time.monotonic() + state.seconds_left
        )
        self.sub_title = printable(f"{state.title} — {rules(state)}")
        code = " ".join(state.code)
        self.query_one("#code", Static).update(Content.assemble("JOIN CODE\n\n", (code, "bold")))
        join = Text(f"quiz class join {self.join_url} --code {state.code}\n")
        if self.web_url:
            join.append(f"Browser: {self.web_url}\n")
        join.append(f"Session {state.session} · {len(state.roster)} joined")
        self.query_one("#join", Static).update(join)
        table = self.query_one("#leaderboard", DataTable)
        table.clear()
        for rank, r in enumerate(state.roster, 1):
            table.add_row(
                str(rank),
                Text(printable(r.name)),
                format_points(r.score),
                str(r.answered),
                "✓" if r.answered_current else ("may rejoin" if r.readmit else ""),
            )
        position = "" if state.index is None else f" — question {state.index + 1}/{state.total}"
        left = "" if state.seconds_left is None else f" — {state.seconds_left:.0f} s left"
        what = f"({rules(state)}, {state.total} questions)"
        self.query_one("#phase", Static).update(
            Text(f"{state.phase.upper()}{position}{left}  {what}")
        )
        prompt = Text()
        if state.question is not None:
            prompt_text = str(state.question.get("prompt", ""))
            prompt.append(printable(prompt_text, keep_newlines=True), style="bold")
            pq = state.public
            # Options in the order students see them, numbered as on their screens.
            for n, option in enumerate(
                (pq.choices or pq.items or pq.rights or []) if pq else [], 1
            ):
                prompt.append(f"\n  {n}. {printable(option.text)}")
        elif state.phase == "lobby":
            prompt.append(
                "Waiting for students. Press n to "
                + ("open the first question." if state.mode == "live" else "start the quiz.")
            )
        self.query_one("#prompt", Static).update(prompt)
        if state.mode == "self-paced":
            # Every student answers every question at their own pace: answers of all
            # possible, and who is through.
            done = sum(1 for r in state.roster if r.answered >= state.total)
            counts = Text(
                f"Answers in: {state.answers_in}/{len(state.roster) * state.total}"
                f" · finished: {done}/{len(state.roster)}"
            )
        else:
            counts = Text(f"Answers in: {state.answers_in}/{len(state.roster)}")
        if state.phase == "revealed" and state.correct_answer is not None:
            counts.append("\nRight answer: ", style="bold")
            counts.append(printable(state.correct_answer), style="green")
        self.query_one("#counts", Static).update(counts)
        dist = self.query_one("#dist", DistributionBars)
        if state.phase == "revealed" and state.distribution:
            dist.show(state.distribution, reveal=True)
        else:
            dist.show([], reveal=False)
        if state.phase == "ended" and self.report is None:
            self.load_report()
        self.refresh_bindings()

    @work(exclusive=True, group="report")
    async def load_report(self) -> None:
        """The end screen: scores and item analysis."""
        async with self.client() as client:
            resp = await client.get("/api/results")
        if resp.status_code != 200:
            self.notify(f"could not load the report: {resp.text}", severity="error")
            return
        self.report = Report.model_validate(resp.json())
        self.refresh_bindings()
        self.push_screen(ReportScreen(self.report))

    def action_show_report(self) -> None:
        """Show the end report again (after going back to the dashboard)."""
        if self.report is not None and not isinstance(self.screen, ReportScreen):
            self.push_screen(ReportScreen(self.report))
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The report key only once there is a report; the controls only before the end."""
        if action == "show_report":
            return self.report is not None and not isinstance(self.screen, ReportScreen)
        if action in ("open", "close", "reveal", "end", "pick"):
            return self.state is None or self.state.phase != "ended"
        if action == "accept":
            # Shown only where it means something: a revealed question with typed answers.
            return bool(self.refused_answers())
        return True

    def refused_answers(self) -> list[DistributionRow]:
        """The typed answers of the revealed question that the grader did not count right."""
        s = self.state
        if s is None or s.phase != "revealed" or s.question is None:
            return []
        if s.question.get("type") not in TYPED_TYPES:
            return []
        return [r for r in s.distribution or [] if not r.correct]

    async def _post(self, action: str, body: dict[str, Any] | None = None) -> httpx.Response | None:
        """POST /api/teacher/<action>; a transport error is told, and gives None."""
        async with self.client() as client:
            try:
                return await client.post(f"/api/teacher/{action}", json=body)
            except httpx.HTTPError as exc:
                self.notify(f"{action}: {exc}", severity="error")
                return None

    def _refused(self, resp: httpx.Response, action: str) -> bool:
        """Tell the server's reason when it refused; True if it did."""
        if resp.status_code == 200:
            return False
        try:
            message = json.loads(resp.text).get("message", resp.text)
        except ValueError:
            message = resp.text
        self.notify(str(message), title=f"cannot {action}", severity="warning", markup=False)
        return True

    async def _control(self, action: str) -> None:
        resp = await self._post(action)
        if resp is None or self._refused(resp, action):
            return
        self.show(TeacherState.model_validate(resp.json()))

    def action_pick(self, action: str) -> None:
        """Ask for a student's # on the board, then remove or re-admit them."""
        if self.state is None or not self.state.roster:
            self.notify("No students yet.")
            return
        roster = list(self.state.roster)
        verb = "remove" if action == "remove" else "re-admit (they join again with their name)"

        def chosen(rank: int | None) -> None:
            if rank is None:
                return
            if not 1 <= rank <= len(roster):
                self.notify(f"There is no #{rank} on the board.", severity="warning")
                return
            self.run_worker(self._student_action(action, roster[rank - 1].id), group="pick")

        self.push_screen(StudentPicker(f"Which student to {verb}? Their # on the board:"), chosen)

    def action_accept(self) -> None:
        """Ask which refused typed answer to accept (by its # in a list), then accept it for
        every student who gave it: the server re-grades them."""
        rows = self.refused_answers()
        state = self.state
        if not rows or state is None or state.question is None:
            self.notify("No typed answer to accept here (reveal a typed question first).")
            return
        qid = str(state.question.get("id", ""))
        listing = "\n".join(
            f"  {n}. {printable(r.label)} ({r.count})" for n, r in enumerate(rows, 1)
        )

        def chosen(n: int | None) -> None:
            if n is None:
                return
            if not 1 <= n <= len(rows):
                self.notify(f"There is no answer #{n}.", severity="warning")
                return
            self.run_worker(self._accept(qid, rows[n - 1].label), group="accept")

        self.push_screen(
            StudentPicker(f"Accept which answer as right for everyone who gave it?\n{listing}"),
            chosen,
        )

    async def _accept(self, question_id: str, label: str) -> None:
        resp = await self._post("accept", {"question_id": question_id, "answer": label})
        if resp is None or self._refused(resp, "accept"):
            return
        self.notify(f"Accepted {printable(label)!r} for everyone who gave it.", markup=False)
        self.show(TeacherState.model_validate(resp.json()))

    async def _student_action(self, action: str, student_id: int) -> None:
        resp = await self._post(action, {"student_id": student_id})
        if resp is None:
            return
        if resp.status_code != 200:
            self.notify(resp.text[:200], title=f"cannot {action}", severity="warning", markup=False)
            return
        self.show(TeacherState.model_validate(resp.json()))

    async def action_open(self) -> None:
        """Open the next question (self-paced: start the quiz)."""
        self._end_armed = False
        await self._control("open")

    async def action_close(self) -> None:
        """Stop accepting answers."""
        self._end_armed = False
        await self._control("close")

    async def action_reveal(self) -> None:
        """Show the distribution and the right answer."""
        self._end_armed = False
        await self._control("reveal")

    async def action_end(self) -> None:
        """End the session (asks for a second press)."""
        if not self._end_armed:
            self._end_armed = True
            self.notify("Press e again to end the session for everyone.")
            return
        self._end_armed = False
        await self._control("end")

    def format_state(self) -> dict[str, Any]:
        """The last state as plain data (for tests and debugging)."""
        return {} if self.state is None else self.state.model_dump(mode="json")
