"""The student client: join a session, answer with the study app's question widgets.

`ClassClient` is the HTTP side (httpx, async; retries an answer safely because the server
never counts a retry twice). `StudentApp` is the Textual app. Live mode follows the
teacher through server-sent events; self-paced mode moves on when the student is ready.
Questions the student missed are recorded in their local `quiz` store as review cards.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, Input, Label, Static

from quiz.classroom.dashboard import DistributionBars
from quiz.classroom.keep import class_bank, class_bank_id, keep_class_bank
from quiz.classroom.models import (
    CODE_LENGTH,
    AnswerResponse,
    JoinResponse,
    PublicQuestion,
    ResultView,
    StudentState,
)
from quiz.classroom.render import renderable_question, to_ids
from quiz.classroom.text import printable
from quiz.grading import GradeResult, Outcome
from quiz.locations import user_banks_dir
from quiz.models import QUESTION_ADAPTER, Bank, Question
from quiz.numbers import format_points, format_score_percent
from quiz.ui.widgets.feedback import FeedbackPanel
from quiz.ui.widgets.question_view import QuestionView


class ClientRefused(Exception):
    """The server refused a request; `error` is its stable code."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


def _refusal(resp: httpx.Response) -> ClientRefused:
    try:
        body = resp.json()
        return ClientRefused(resp.status_code, str(body["error"]), str(body["message"]))
    except (ValueError, KeyError, TypeError):
        return ClientRefused(resp.status_code, "http_error", resp.text[:200])


class ClassClient:
    """The student's side of the API."""

    def __init__(self, url: str, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url = url.rstrip("/")
        self.transport = transport
        self.token: str | None = None

    def _client(self, timeout: float | None = 10.0) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return httpx.AsyncClient(
            base_url=self.url, headers=headers, timeout=timeout, transport=self.transport
        )

    async def join(self, code: str, name: str) -> JoinResponse:
        """Join; keeps the token for later calls."""
        async with self._client() as c:
            resp = await c.post("/api/join", json={"code": code, "name": name})
        if resp.status_code != 200:
            raise _refusal(resp)
        joined = JoinResponse.model_validate(resp.json())
        self.token = joined.student_token
        return joined

    async def state(self) -> StudentState:
        """The current state."""
        async with self._client() as c:
            resp = await c.get("/api/state")
        if resp.status_code != 200:
            raise _refusal(resp)
        return StudentState.model_validate(resp.json())

    async def answer(self, question_id: str, answer: Any, attempts: int = 3) -> AnswerResponse:
        """Send an answer; on a lost connection, send it again (never counted twice)."""
        body = {"question_id": question_id, "answer": answer}
        for attempt in range(attempts):
            try:
                async with self._client() as c:
                    resp = await c.post("/api/answer", json=body)
                break
            except httpx.TransportError:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.5 * (attempt + 1))
        if resp.status_code != 200:
            raise _refusal(resp)
        return AnswerResponse.model_validate(resp.json())

    async def events(self) -> AsyncIterator[StudentState]:
        """States pushed by the server until the stream ends."""
        async with (
            self._client(timeout=None) as c,
            c.stream("GET", "/api/events") as resp,
        ):
            if resp.status_code != 200:
                await resp.aread()
                raise _refusal(resp)
            event = ""
            async for line in resp.aiter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "state":
                    yield StudentState.model_validate_json(line[6:])


def load_saved(path: Path | None, url: str) -> JoinResponse | None:
    """The join this client made to `url` before (token included), if it kept one."""
    if path is None:
        return None
    try:
        saved = json.loads(path.read_text(encoding="utf-8")).get(url)
        return None if saved is None else JoinResponse.model_validate(saved)
    except (OSError, ValueError, AttributeError):
        return None  # missing or unreadable: join afresh


def save_join(path: Path | None, url: str, joined: JoinResponse | None) -> None:
    """Keep (or, with None, forget) the join to `url`, written atomically, owner-only."""
    if path is None:
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    if joined is None:
        data.pop(url, None)
    else:
        data[url] = joined.model_dump(mode="json")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.chmod(tmp, 0o600)  # bearer tokens
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def grade_result(view: ResultView) -> GradeResult:
    """A grading result rebuilt from the server's feedback (for the feedback panel)."""
    return GradeResult(
        outcome=Outcome(view.outcome),
        score=view.score,
        correct_answer=view.correct_answer or "",
        feedback=tuple(view.feedback),
        note=view.note,
    )


def record_missed(
    db: str | Path | None,
    profile: str,
    bank_id: str,
    question_id: str,
    answer: Any,
    result: ResultView,
) -> None:
    """A missed question becomes a review card in the student's local store (through the
    study service, as every answer does: a suspended question stays suspended)."""
    from quiz.store import Store
    from quiz.study import StudyService

    with Store.open(db) as store:
        StudyService(store, profile).record_class_answer(
            bank_id, question_id, answer=answer, outcome=result.outcome, score=result.score
        )


class JoinScreen(ModalScreen[tuple[str, str]]):
    """Ask for a display name, and for the join code when the client was not given one.

    Dismissed with (name, code); `code` is "" when it was not asked for.
    """

    def __init__(
        self, message: str = "", *, ask_code: bool = False, name: str = "", code: str = ""
    ) -> None:
        super().__init__()
        self.message = message
        self.ask_code = ask_code
        self.initial_name = name
        self.initial_code = code

    def compose(self) -> ComposeResult:
        """Inputs for the name (and code) and the last refusal."""
        with Vertical(id="name-box"):
            yield Label("Your name for this session:")
            yield Input(self.initial_name, placeholder="name", max_length=32, id="name")
            if self.ask_code:
                yield Label("Join code (the teacher shows it):")
                yield Input(
                    self.initial_code,
                    placeholder="6 characters",
                    max_length=CODE_LENGTH,
                    id="code",
                )
            yield Static(Content(printable(self.message)), id="name-error")

    def on_mount(self) -> None:
        """Start where something is still missing (the code after a wrong one)."""
        if self.ask_code and self.initial_name and self.message:
            self.query_one("#code", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Return name and code once both are there; Enter in the name moves to the code."""
        name = self.query_one("#name", Input).value.strip()
        code = self.query_one("#code", Input).value.strip() if self.ask_code else ""
        if not name:
            self.query_one("#name", Input).focus()
            return
        if self.ask_code and not code:
            self.query_one("#code", Input).focus()
            return
        self.dismiss((name, code))


#: Refusals a student can fix by typing again (the dialog is shown with the message).
RETRYABLE = ("name_taken", "name_invalid")
#: ... and, when the code was typed in the dialog, these too.
RETRYABLE_CODE = ("bad_code", "rate_limited", "invalid_request")


class StudentApp(App[None]):
    """Join a classroom session and answer its questions."""

    TITLE = "quiz — class"
    CSS = """
    #status { height: auto; padding: 0 1; background: $boost; }
    #info { height: auto; padding: 1 1; }
    #body { height: 1fr; }
    #dist { height: auto; padding: 0 1; }
    JoinScreen { align: center middle; }
    #name-box { width: 50; height: auto; border: round $accent; padding: 1 2; }
    #name-error { color: $text-error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "Next question", tooltip="Self-paced: go on to the next question"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(
        self,
        url: str,
        code: str | None = None,
        *,
        name: str | None = None,
        db: str | Path | None = None,
        profile: str | None = None,
        record: bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        token_file: Path | None = None,
        banks_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.api = ClassClient(url, transport)
        #: Where the client keeps its token to come back as the same student after a restart.
        self.token_file = token_file
        #: The join code given on the command line; None: ask for it (the browser client,
        #: whose command line must not carry it).
        self.code = code
        self.student_name = name
        self.db = db
        self.profile = profile or "default"
        self.record = record
        #: Where the session's questions are kept as a bank at the end (None: the user's
        #: bank folder), so the review cards of missed questions can be asked later.
        self.banks_dir = banks_dir
        self.kept_bank = False
        self.joined: JoinResponse | None = None
        self.state: StudentState | None = None
        self.public: PublicQuestion | None = None
        self.view: QuestionView | None = None
        self.shown_feedback: str | None = None
        self.recorded: set[str] = set()
        self.sent: dict[str, Any] = {}
        #: The question whose answer could not be sent (the host was unreachable).
        self.unsent: str | None = None
        self.waiting_next = False
        self.shown_review = False
        self._deadline_mono: float | None = None
        #: A problem that ends the client (wrong code, server gone); exit status 1.
        self.failure: str | None = None

    def compose(self) -> ComposeResult:
        """Status line, messages, the question and its feedback."""
        yield Header()
        yield Static("", id="status")
        yield Static("Connecting…", id="info")
        yield VerticalScroll(id="body")
        yield DistributionBars(id="dist")
        yield Footer()

    def on_mount(self) -> None:
        """Join (asking for a name, and the code if not given), then follow the session."""
        self.set_interval(1.0, self.tick)
        saved = load_saved(self.token_file, self.api.url)
        if saved is not None and (
            not self.student_name or self.student_name.casefold() == saved.name.casefold()
        ):
            self.rejoin(saved)
        else:
            self.start_join()

    def start_join(self) -> None:
        """Join with the name and code given, or ask for what is missing."""
        if self.student_name and self.code:
            self.join(self.student_name, self.code)
        else:
            self.ask_name(name=self.student_name or "")

    @work(exclusive=True, group="join")
    async def rejoin(self, saved: JoinResponse) -> None:
        """Come back as the student this client was (after a restart or lost connection)."""
        self.api.token = saved.student_token
        try:
            await self.api.state()
        except ClientRefused:
            # Removed, another session on that address, or a re-admitted name: join afresh.
            self.api.token = None
            save_join(self.token_file, self.api.url, None)
            self.start_join()
            return
        except httpx.HTTPError as exc:
            self.fail(f"Could not reach {self.api.url}: {exc}")
            return
        self.joined = saved
        self.notify(f"Welcome back, {printable(saved.name)}.", markup=False)
        self.sub_title = printable(f"{saved.title} — {saved.name}")
        self.refresh_bindings()
        self.follow()

    def ask_name(self, message: str = "", *, name: str = "", code: str = "") -> None:
        """Show the join dialog; join with what is typed."""
        self.push_screen(
            JoinScreen(message, ask_code=self.code is None, name=name, code=code),
            callback=self._name_given,
        )

    def _name_given(self, given: tuple[str, str] | None) -> None:
        if given is not None:
            name, code = given
            self.join(name, self.code or code)

    @work(exclusive=True, group="join")
    async def join(self, name: str, code: str) -> None:
        """Join the session; on a refusal the student can fix, ask again."""
        try:
            self.joined = await self.api.join(code, name)
        except ClientRefused as exc:
            retry = RETRYABLE + (RETRYABLE_CODE if self.code is None else ())
            if exc.error in retry:
                message = exc.message
                if exc.error == "bad_code":
                    message = "Wrong join code: check it with your teacher and type it again."
                keep = "" if exc.error in ("name_taken", "name_invalid") else name
                self.ask_name(message, name=keep, code="" if exc.error == "bad_code" else code)
                return
            self.fail(f"Could not join: {exc.message}")
            return
        except httpx.HTTPError as exc:
            self.fail(f"Could not reach {self.api.url}: {exc}")
            return
        self.sub_title = printable(f"{self.joined.title} — {self.joined.name}")
        try:
            save_join(self.token_file, self.api.url, self.joined)
        except OSError as exc:
            self.notify(f"could not keep the token to rejoin later: {exc}", severity="warning")
        self.refresh_bindings()
        self.follow()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`n` (next question) exists only in self-paced mode; live, the teacher moves on."""
        if action == "next":
            if self.joined is None or self.joined.mode != "self-paced":
                return False
            return True if self.waiting_next else None
        return True

    def fail(self, message: str) -> None:
        """Show a fatal problem and set a failing exit status."""
        self.failure = message
        self.query_one("#info", Static).update(Text(printable(message), style="bold red"))

    @work(exclusive=True, group="events")
    async def follow(self) -> None:
        """Apply every state the server pushes; reconnect if the stream drops."""
        while True:
            try:
                async for state in self.api.events():
                    await self.apply(state)
                if self.state is not None and self.state.phase == "ended":
                    return
            except ClientRefused as exc:
                if exc.error in ("removed", "bad_token"):
                    save_join(self.token_file, self.api.url, None)
                self.fail(exc.message)
                return
            except httpx.HTTPError:
                self.query_one("#info", Static).update("Connection lost; reconnecting…")
            await asyncio.sleep(1.0)

    def tick(self) -> None:
        """Refresh the countdown."""
        self.update_status()

    def update_status(self) -> None:
        """Question number, score and time left."""
        s = self.state
        if s is None:
            return
        parts = [printable(s.title), printable(s.name)]
        if s.index is not None:
            parts.append(f"question {s.index + 1}/{s.total}")
        parts.append(f"score {format_points(s.score)}")
        if self._deadline_mono is not None and s.phase == "open":
            left = max(0.0, self._deadline_mono - time.monotonic())
            parts.append(f"{left:.0f} s left")
        self.query_one("#status", Static).update(Text(" · ".join(parts)))

    def info(self, text: str) -> None:
        """The message line."""
        self.query_one("#info", Static).update(Text(printable(text, keep_newlines=True)))

    async def apply(self, state: StudentState) -> None:
        """Show a state: a new question, a lock, a reveal, the end."""
        self.state = state
        self._deadline_mono = (
            None if state.seconds_left is None else time.monotonic() + state.seconds_left
        )
        self.update_status()
        body = self.query_one("#body", VerticalScroll)
        dist = self.query_one("#dist", DistributionBars)
        q = state.question
        if state.mode == "self-paced" and self.waiting_next and state.phase == "open":
            return  # the student is reading feedback; n moves on
        if q is None or self.public is None or q.id != self.public.id:
            await body.remove_children()
            dist.show([], reveal=False)
            self.view = None
            self.shown_feedback = None
            self.public = q
            if q is not None and state.phase == "open" and not state.answered:
                self.view = QuestionView(renderable_question(q), seed=0)
                await body.mount(self.view)
            elif q is not None and state.phase in ("open", "closed", "revealed"):
                # Back after a restart with the answer already sent: at least say which
                # question the message and the feedback are about.
                prompt = Text(printable(q.prompt, keep_newlines=True), style="bold")
                await body.mount(Static(prompt, classes="prompt"))
        if state.phase == "lobby":
            self.info("Joined. Waiting for the teacher to start…")
        elif state.phase == "open":
            if state.answered:
                self.info("Answer sent — waiting for the teacher.")
            elif q is not None and q.id == self.unsent:
                # Back after a lost connection: "reconnecting…" has hidden the failure.
                self.info("Your answer was not sent: press Enter to send it again.")
            else:
                self.info("")
        elif state.phase == "closed":
            if self.view is not None:
                self.view.locked = True
            self.info("This question is closed. Waiting for the teacher…")
        elif state.phase == "revealed" and q is not None and state.revealed is not None:
            if self.view is not None:
                self.view.locked = True
            await self.reveal(q, state)
        elif state.phase == "finished":
            score = format_score_percent(state.score, state.total)
            self.info(f"You have finished: {score}. Well done!")
        elif state.phase == "ended":
            score = format_score_percent(state.score, state.total)
            self.info(f"The session has ended. Your score: {score}.")
            await self.show_review(state)
            self.keep_session(state)

    async def show_review(self, state: StudentState) -> None:
        """Self-paced with keys at the end: every question with its key, once it has ended."""
        if self.shown_review or not state.review or state.mode != "self-paced":
            return
        self.shown_review = True
        body = self.query_one("#body", VerticalScroll)
        await body.remove_children()
        for item in state.review:
            full = QUESTION_ADAPTER.validate_python(item.question)
            if item.result is None:
                await body.mount(Static(Text(f"{full.prompt}\n(not answered)")))
                continue
            await body.mount(Static(Text(full.prompt, style="bold")))
            await body.mount(FeedbackPanel(full, grade_result(item.result)))

    async def reveal(self, q: PublicQuestion, state: StudentState) -> None:
        """Live: the right answer, your result and the class's distribution."""
        # Keyed by what is shown, not only the question: a typed answer the teacher accepts
        # after the reveal changes the verdict and the bars, and the student must see that.
        shown = "\n".join(
            [q.id, state.result.model_dump_json() if state.result else ""]
            + [row.model_dump_json() for row in state.distribution or []]
        )
        if self.shown_feedback == shown:
            return
        self.shown_feedback = shown
        full = QUESTION_ADAPTER.validate_python(state.revealed)
        body = self.query_one("#body", VerticalScroll)
        await body.query(FeedbackPanel).remove()
        if state.result is not None:
            await body.mount(FeedbackPanel(full, grade_result(state.result)))
            self.info("")
            self.remember_missed(full, state.result)
        else:
            self.info("You did not answer this one.")
        if state.distribution:
            self.query_one("#dist", DistributionBars).show(state.distribution, reveal=True)

    def keep_session(self, state: StudentState) -> None:
        """Once the session has ended (keys may be had): keep its questions as a local bank
        and (self-paced) make every miss a review card against it (off for `--no-store`)."""
        if not self.record or self.kept_bank or not state.review or self.joined is None:
            return
        self.kept_bank = True
        try:
            bank = class_bank(
                state.bank_id, state.session, state.title, (i.question for i in state.review)
            )
        except ValueError as exc:
            self.notify(f"could not keep the session's questions: {exc}", severity="warning")
            return
        self.save_bank(bank)
        if state.mode != "self-paced":
            return  # live misses were recorded at each reveal
        for item in state.review:
            if item.result is not None:
                self.remember_missed(QUESTION_ADAPTER.validate_python(item.question), item.result)

    @work(thread=True, group="store")
    def save_bank(self, bank: Bank) -> None:
        """The bank file write, off the UI thread."""
        try:
            keep_class_bank(bank, self.banks_dir or user_banks_dir())
        except OSError as exc:
            self.call_from_thread(
                self.notify, f"could not keep the session's questions: {exc}", severity="warning"
            )

    def remember_missed(self, question: Question, result: ResultView) -> None:
        """Record a missed question once as a review card (off for browser students)."""
        if not self.record or result.outcome == "correct" or question.id in self.recorded:
            return
        if self.joined is None:
            return
        self.recorded.add(question.id)
        # The stored form (bank indices) when the server gave it; the ids sent mean nothing
        # outside this session.
        answer = result.answer if result.answer is not None else self.sent.get(question.id)
        # Against the bank kept at the end (`keep_session`), not the teacher's bank, which
        # this student does not have.
        bank_id = class_bank_id(self.joined.bank_id, self.joined.session)
        self.save_missed(bank_id, question.id, answer, result)

    @work(thread=True, group="store")
    def save_missed(self, bank_id: str, qid: str, answer: Any, result: ResultView) -> None:
        """The store write, off the UI thread."""
        try:
            record_missed(self.db, self.profile, bank_id, qid, answer, result)
        except Exception as exc:  # a broken local store must not end the class
            self.call_from_thread(
                self.notify, f"could not save a review card: {exc}", severity="warning"
            )

    @on(QuestionView.Answered)
    async def answered(self, event: QuestionView.Answered) -> None:
        """Send the answer (in the bank's original indices)."""
        event.stop()
        if self.public is None:
            return
        pq = self.public
        answer = to_ids(pq, event.answer)
        self.sent[pq.id] = answer
        try:
            resp = await self.api.answer(pq.id, answer)
        except ClientRefused as exc:
            self.unsent = None
            self.info(f"Not accepted: {exc.message}")
            return
        except httpx.HTTPError as exc:
            self.unsent = pq.id
            self.info(f"Could not send the answer: {exc} (press Enter to send it again)")
            if self.view is not None:
                self.view.locked = False
                # A text input that was disabled while sending lost the keyboard focus;
                # without it Enter would not send the answer again.
                self.call_after_refresh(self.view.input.focus_input)
            return
        self.unsent = None
        if resp.result is None:
            self.info("Answer sent — waiting for the teacher.")
            return
        if resp.revealed is None:
            # Self-paced, keys at the end: right or wrong only.
            verdict = {"correct": "Right.", "partial": "Partly right."}.get(
                resp.result.outcome, "Not right."
            )
            self.waiting_next = True
            self.refresh_bindings()
            self.info(f"{verdict} The answers are shown when the session ends. Press n.")
            return
        full = QUESTION_ADAPTER.validate_python(resp.revealed)
        await self.query_one("#body", VerticalScroll).mount(
            FeedbackPanel(full, grade_result(resp.result))
        )
        self.remember_missed(full, resp.result)
        self.waiting_next = True
        self.refresh_bindings()
        self.info("Press n for the next question.")

    async def action_next(self) -> None:
        """Self-paced: go on to the next question."""
        if not self.waiting_next:
            return
        self.waiting_next = False
        self.refresh_bindings()
        try:
            state = await self.api.state()
        except (ClientRefused, httpx.HTTPError) as exc:
            self.info(f"Could not load the next question: {exc}")
            self.waiting_next = True
            self.refresh_bindings()
            return
        await self.apply(state)
