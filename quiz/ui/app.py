"""The study app: `create_app(...)` builds it for the command line and for tests alike.

Startup is kept to Textual's own cost: this module imports no pydantic, SQLite or FSRS code.
The banks and the store are opened in a thread worker after the Home screen is up; screens
read them from `app.data` once `DataReady` has arrived.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import Worker, WorkerState

from quiz.ui.commands import QuizCommands

if TYPE_CHECKING:
    from textual.screen import Screen

    from quiz.banks import Catalog, LoadedBank
    from quiz.models import Bank
    from quiz.session import QuizSession
    from quiz.store import CatalogInfo, Store


@dataclass
class StartRequest:
    """What the command line asked to start straight away (`quiz study`, `quiz review`)."""

    kind: str  # "study" | "review"
    bank_id: str | None = None
    count: int | None = None
    mode: str = "quiz"
    time_limit: float | None = None
    seed: int | None = None


@dataclass
class AppData:
    """The banks and the learner's store, loaded in the background at start."""

    catalog: Catalog
    store: Store
    info: CatalogInfo
    banks: dict[str, LoadedBank] = field(default_factory=dict)

    @classmethod
    def build(cls, catalog: Catalog, store: Store) -> AppData:
        """Index the catalog's valid banks by id (the catalog already refuses duplicates)."""
        from quiz.store import CatalogInfo

        banks = {lb.bank.id: lb for lb in catalog.banks}
        info = CatalogInfo.from_banks(lb.bank for lb in catalog.banks)
        return cls(catalog=catalog, store=store, info=info, banks=banks)

    @property
    def bank_models(self) -> dict[str, Bank]:
        """Valid banks by id, as models."""
        return {k: v.bank for k, v in self.banks.items()}


class DataReady(Message):
    """The catalog and store are loaded (posted to the app and relayed to screens)."""


class QuizApp(App[None]):
    """A terminal quiz and flashcard trainer."""

    TITLE = "quiz"
    CSS_PATH = "quiz.tcss"
    COMMANDS = App.COMMANDS | {lambda: QuizCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Keys and modes"),
        # F1 works everywhere, also in text inputs where ? is a character (the footer then
        # shows F1 in place of ?).
        Binding(
            "f1", "help", "Help", id="app.help_anywhere", key_display="F1", tooltip="Keys and modes"
        ),
        Binding("ctrl+t", "stats", "Stats", id="app.stats", tooltip="Your progress", show=False),
    ]

    def __init__(
        self,
        *,
        db_path: Path,
        profile: str = "default",
        bank_paths: list[Path] | None = None,
        start: StartRequest | None = None,
        catalog: Catalog | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self._preloaded = catalog
        #: Time sources, injectable so tests and snapshots are reproducible.
        self.clock = clock
        self.now = now or (lambda: datetime.now(UTC))
        self.db_path = db_path
        self.profile = profile
        self.bank_paths = bank_paths
        self.start = start
        self.data: AppData | None = None
        self.sub_title = f"profile: {profile}"

    # -- start -------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """Home is the bottom screen: composed once, instead of a blank default screen
        composed, painted and then covered by Home pushed over it."""
        from quiz.ui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        # Load after the first paint: Home is up (and takes keys) at Textual's own speed.
        self.call_after_refresh(self._start_load)

    def _start_load(self) -> None:
        self.run_worker(self._load, thread=True, name="load", exit_on_error=False)

    def _load(self) -> Catalog:
        """Load every bank (thread worker: parsing and validating is the slow part).

        The store's modules are imported here too, so opening it on the main thread (a
        SQLite connection must stay on the thread that made it) costs only the open.
        """
        import importlib

        from quiz.banks import load_catalog

        for name in ("quiz.store", "quiz.session", "quiz.grading"):
            importlib.import_module(name)
        if self._preloaded is not None:
            return self._preloaded
        return load_catalog(self.bank_paths)

    def _open_store(self) -> Store | None:
        from quiz.store import Store, StoreError

        try:
            store = Store.open(self.db_path)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", timeout=30, markup=False)
            return None
        if store.notice:
            self.notify(
                store.notice, title="Database", severity="warning", timeout=30, markup=False
            )
        return store

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "load":
            return
        if event.state is WorkerState.ERROR:
            self.notify(
                f"Could not load the banks: {event.worker.error}",
                title="quiz",
                severity="error",
                timeout=30,
                markup=False,
            )
        elif event.state is WorkerState.SUCCESS:
            catalog = event.worker.result
            store = self._open_store()
            if store is None:
                return
            self.data = AppData.build(catalog, store)  # type: ignore[arg-type]
            for screen in self.screen_stack:
                screen.post_message(DataReady())
            self._after_load()

    def _after_load(self) -> None:
        """Offer to resume an unfinished session, else start what the command line asked."""
        assert self.data is not None
        store = self.data.store
        unfinished = store.unfinished_session(self.profile)
        if unfinished is not None and not unfinished.answered:
            # Nothing was answered: nothing to resume.
            store.finish_session(unfinished.id, abandoned=True)
            unfinished = None
        if unfinished is not None:
            from quiz.ui.screens.dialogs import ResumeDialog

            def answer(resume: bool | None) -> None:
                if resume:
                    self.resume_session(unfinished)
                else:
                    self.data.store.finish_session(unfinished.id, abandoned=True)  # type: ignore[union-attr]
                    self._start_requested()

            self.push_screen(ResumeDialog(unfinished), answer)
        else:
            self._start_requested()

    def _start_requested(self) -> None:
        req, self.start = self.start, None
        if req is None:
            return
        if req.kind == "review":
            self.start_review()
        elif req.bank_id is not None:
            from quiz.session import Mode, SessionOptions

            self.start_study(
                [req.bank_id],
                mode=Mode(req.mode),
                options=SessionOptions(count=req.count, time_limit=req.time_limit, seed=req.seed),
            )

    # -- sessions ----------------------------------------------------------------------

    def _begin(self, session: QuizSession) -> None:
        from quiz.ui.screens.study import StudyScreen

        self.push_screen(StudyScreen(session))

    def start_study(
        self,
        bank_ids: list[str],
        *,
        mode: Any = None,
        options: Any = None,
    ) -> None:
        """Start a quiz (or flashcards) over the given banks, or a tag across all banks."""
        from quiz.session import Mode, QuizSession, SessionError, SessionOptions

        if self.data is None:
            self.notify("Still loading the banks…", markup=False)
            return
        options = options or SessionOptions()
        mode = mode or Mode.QUIZ
        banks = self.data.bank_models
        if options.tag is not None and not bank_ids:
            chosen = list(banks.values())
        else:
            missing = [b for b in bank_ids if b not in banks]
            if missing:
                self.notify(f"No valid bank with id {missing[0]!r}", severity="error", markup=False)
                return
            chosen = [banks[b] for b in bank_ids]
        try:
            session = QuizSession.from_banks(chosen, mode=mode, options=options, clock=self.clock)
        except SessionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._register_session(session)
        self._begin(session)

    def start_study_mode(self, bank_ids: list[str], mode: str) -> None:
        """Start `mode` ("quiz" or "flashcards") over the given banks with default options."""
        from quiz.session import Mode

        self.start_study(bank_ids, mode=Mode(mode))

    def start_review(self) -> None:
        """Start a review of every due card across banks, missed ones first."""
        from quiz.session import QuizSession, SessionError

        if self.data is None:
            self.notify("Still loading the banks…", markup=False)
            return
        store = self.data.store
        cards = store.due_cards(self.profile, now=self.now(), existing=self.data.info.existing)
        # The daily review limit holds back cards in Review; missed cards still in their
        # learning steps always come back (as in Anki).
        left = store.daily_limits(self.profile, now=self.now()).reviews_left
        due: list[tuple[str, str, bool]] = []
        held = 0
        for c in cards:
            missed = c.state.name != "Review"
            if not missed and left <= 0:
                held += 1
                continue
            left -= not missed
            due.append((c.bank_id, c.question_id, missed))
        if held:
            limit = store.settings(self.profile).reviews_per_day
            self.notify(
                f"{held} due card(s) held back by your daily limit of {limit} reviews "
                "(change it with `quiz settings --reviews-per-day N`).",
                markup=False,
            )
        try:
            session = QuizSession.from_due(due, self.data.bank_models, clock=self.clock)
        except SessionError as exc:
            self.notify(str(exc).capitalize(), markup=False)
            return
        self._register_session(session)
        self._begin(session)

    def retry_missed(self, previous: QuizSession) -> None:
        """A new session over what `previous` missed."""
        from quiz.session import SessionError

        try:
            session = previous.retry_missed()
        except SessionError as exc:
            self.notify(str(exc).capitalize(), markup=False)
            return
        self._register_session(session)
        self._begin(session)

    def resume_session(self, stored: Any) -> None:
        """Rebuild a stored unfinished session and continue it."""
        from quiz.session import QuizSession, SessionError, StoreRecorder, stored_answers

        assert self.data is not None
        plan = {
            "mode": stored.mode,
            "title": stored.scope.get("title", ""),
            "retry": stored.scope.get("retry", False),
            "options": stored.options,
            "queue": stored.queue,
        }
        try:
            session = QuizSession.resume(
                plan,
                stored_answers(stored.mode, stored.answered),
                self.data.bank_models,
                session_id=stored.id,
                clock=self.clock,
            )
        except SessionError as exc:
            self.notify(f"Cannot resume: {exc}", severity="warning", markup=False)
            return
        session.recorder = StoreRecorder(
            self.data.store, self.profile, stored.id, schedule=not session.retry
        )
        if session.finished:
            session.recorder.finish(session)
            from quiz.ui.screens.results import ResultsScreen

            self.push_screen(ResultsScreen(session))
            return
        self._begin(session)

    def _register_session(self, session: QuizSession) -> None:
        """Register a new session with the store so each answer is recorded as given."""
        from quiz.session import StoreRecorder

        assert self.data is not None
        store = self.data.store
        # Only the newest unfinished session is ever offered for resuming: a new one
        # supersedes any left open before it.
        while (left_open := store.unfinished_session(self.profile)) is not None:
            store.finish_session(left_open.id, abandoned=True)
        plan = session.plan()
        session_id = self.data.store.start_session(
            self.profile,
            plan["mode"],
            [tuple(k) for k in plan["queue"]],
            scope={"title": plan["title"], "retry": plan["retry"]},
            options=plan["options"],
        )
        session.session_id = session_id
        session.recorder = StoreRecorder(
            self.data.store, self.profile, session_id, schedule=not session.retry
        )

    # -- actions -----------------------------------------------------------------------

    def action_help(self) -> None:
        """Show the keys of the screen in front and what each mode does."""
        from quiz.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_stats(self) -> None:
        """Show the learner's statistics."""
        from quiz.ui.screens.stats import StatsScreen

        if self.data is None:
            self.notify("Still loading…", markup=False)
            return
        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    def action_switch_profile(self) -> None:
        """Choose or create another learner profile."""
        from quiz.ui.screens.dialogs import ProfileDialog

        if self.data is None:
            return
        names = self.data.store.profiles()

        def chosen(name: str | None) -> None:
            if name and self.data is not None and name != self.profile:
                self.profile = name
                self.sub_title = f"profile: {name}"
                self.notify(f"Profile: {name}", markup=False)
                self.screen.post_message(DataReady())

        self.push_screen(ProfileDialog(names, self.profile), chosen)

    def on_unmount(self) -> None:
        if self.data is not None:
            self.data.store.close()


def create_app(
    db_path: Path | str | None = None,
    profile: str | None = None,
    *,
    bank_paths: list[Path] | None = None,
    start: StartRequest | None = None,
    catalog: Catalog | None = None,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] | None = None,
) -> QuizApp:
    """The app as the command line and the tests build it.

    `db_path` defaults to the user's database (`QUIZ_DB` or the data folder); `bank_paths`
    to the shipped and user bank folders (`QUIZ_BANKS_DIR`).
    """
    from quiz.locations import default_db_path

    path = Path(db_path) if db_path is not None else default_db_path()
    return QuizApp(
        db_path=path,
        profile=profile or "default",
        bank_paths=bank_paths,
        start=start,
        catalog=catalog,
        clock=clock,
        now=now,
    )
