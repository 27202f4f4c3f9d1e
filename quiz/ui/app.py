"""The study app: `create_app(...)` builds it for the command line and for tests alike.

Startup is kept to Textual's own cost: this module imports no pydantic, SQLite or FSRS code.
The banks and the store are opened in a thread worker after the Home screen is up; screens
read them from `app.data` once `DataReady` has arrived.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from quiz.ui.commands import QuizCommands

if TYPE_CHECKING:
    from textual.screen import Screen

    from quiz.bank_index import IndexedBank
    from quiz.banks import AnyLoaded, Catalog, LoadedBank
    from quiz.models import BankView
    from quiz.session import QuizSession, SessionError
    from quiz.store import CatalogInfo, SessionState, Store
    from quiz.store.safety import WindowPresence
    from quiz.study import Started, StudyService


@dataclass
class StartRequest:
    """What the command line asked to start straight away (`quiz study`, `quiz review`)."""

    kind: str  # "study" | "review"
    bank_id: str | None = None
    count: int | None = None
    mode: str = "quiz"
    time_limit: float | None = None
    seed: int | None = None


@dataclass(frozen=True)
class LoadedBanks:
    """What the loading worker hands the UI thread: the banks and what the numbers need
    to know about them (built in the worker: for a big bank it is a pass over its ids)."""

    catalog: Catalog[AnyLoaded] | Catalog[LoadedBank]
    info: CatalogInfo


@dataclass
class AppData:
    """The banks and the study service over the learner's store, loaded at start."""

    catalog: Catalog[AnyLoaded] | Catalog[LoadedBank]
    service: StudyService
    banks: dict[str, AnyLoaded] = field(default_factory=dict)

    @classmethod
    def build(cls, loaded: LoadedBanks, service: StudyService) -> AppData:
        """Index the catalog's valid banks by id (the catalog already refuses duplicates)."""
        banks: dict[str, AnyLoaded] = {lb.bank.id: lb for lb in loaded.catalog.banks}
        service.set_banks({k: v.bank for k, v in banks.items()}, loaded.info)
        return cls(catalog=loaded.catalog, service=service, banks=banks)

    @property
    def store(self) -> Store:
        """The learner's store."""
        return self.service.store

    @property
    def bank_models(self) -> dict[str, BankView]:
        """Valid banks by id, as models."""
        return {k: v.bank for k, v in self.banks.items()}


def _catalog_info(catalog: Catalog[AnyLoaded] | Catalog[LoadedBank]) -> CatalogInfo:
    """What the numbers need to know about the banks, every figure computed (in the
    loading worker: for a big bank it is a pass over its ids and tags)."""
    import gc

    from quiz.banks import FREEZE_AT_QUESTIONS
    from quiz.store import CatalogInfo

    info = CatalogInfo.from_banks(lb.bank for lb in catalog.banks).warm()
    if len(info.tags) >= FREEZE_AT_QUESTIONS:
        # Its hundreds of thousands of keys live as long as the banks: out of the cyclic
        # collector's view, or each full collection walks them all (30-40 ms for 100,000
        # questions, in the middle of starting a quiz). See `quiz.banks.parse_bank_bytes`.
        gc.collect(1)
        gc.freeze()
    return info


#: A theme for low vision and bright rooms: pure black and white, and right, wrong and
#: the highlight in colours that stay apart for red-green colour blindness (the ✓/✗/◐
#: marks carry the meaning too). Chosen from the command palette (Theme).
HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFFFFF",
    secondary="#FFFF00",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    boost="#333333",
    success="#00FF66",
    warning="#FFB000",
    error="#FF4040",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "footer-key-foreground": "#FFFF00",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 50%",
    },
)

#: How often the bank folders are checked for added, changed or removed files.
BANK_POLL_SECONDS = 2.0


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
        # ctrl+c quits from anywhere, as in any terminal program (Textual's default only
        # says how to quit; in a text box it copies). Priority: no widget can take it.
        Binding(
            "ctrl+c",
            "quit_checked",
            "Quit",
            id="app.quit",
            priority=True,
            tooltip="Quit (asks first only if a typed answer would be lost)",
        ),
        Binding("ctrl+q", "quit_checked", "Quit", id="app.quit_q", priority=True, show=False),
        Binding("ctrl+t", "stats", "Stats", id="app.stats", tooltip="Your progress", show=False),
        Binding(
            "ctrl+r",
            "refresh",
            "Refresh",
            id="app.refresh",
            tooltip="Read the banks and counts again",
            show=False,
        ),
    ]

    def __init__(
        self,
        *,
        db_path: Path,
        profile: str | None = None,
        bank_paths: list[Path] | None = None,
        start: StartRequest | None = None,
        catalog: Catalog[AnyLoaded] | Catalog[LoadedBank] | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self._preloaded = catalog
        #: Time sources, injectable so tests and snapshots are reproducible.
        self.clock = clock
        self.now = now or (lambda: datetime.now(UTC))
        self.db_path = db_path
        #: The profile asked for on the command line (None: the one used last).
        self._profile_arg = profile
        self.bank_paths = bank_paths
        self.start = start
        self.data: AppData | None = None
        #: The banks as the cached index lists them, until `data` is loaded.
        self.index: list[IndexedBank] | None = None
        #: Unfinished sessions the learner chose to keep for later in this run.
        self._kept: set[int] = set()
        self._bank_stamp: tuple[tuple[str, int, int], ...] = ()
        self.sub_title = f"profile: {profile}" if profile else ""
        self.register_theme(HIGH_CONTRAST)
        #: True while the profile's saved theme is applied (not a choice to save again).
        self._applying_theme = False
        self._presence: WindowPresence | None = None

    # -- start -------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """Home is the bottom screen: composed once, instead of a blank default screen
        composed, painted and then covered by Home pushed over it."""
        from quiz.ui.screens.home import HomeScreen

        self._read_index()
        return HomeScreen()

    def on_mount(self) -> None:
        # Load after the first paint: Home is up (and takes keys) at Textual's own speed.
        self.call_after_refresh(self._start_load)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    # -- theme -------------------------------------------------------------------------

    def _apply_saved_theme(self) -> None:
        """The profile's theme, as it chose it last (unknown names are ignored)."""
        if self.data is None:
            return
        name = self.data.service.theme()
        if name and name in self.available_themes and name != self.theme:
            self._applying_theme = True
            try:
                self.theme = name
            finally:
                self._applying_theme = False

    def _theme_changed(self, theme: Theme) -> None:
        """Keep the theme chosen (command palette) for this profile's next start."""
        if self.data is None or self._applying_theme:
            return
        try:
            self.data.service.set_theme(theme.name)
        except Exception as exc:  # the store failed: the theme still applies now
            self.notify(f"Could not keep the theme: {exc}", severity="warning", markup=False)

    def _read_index(self) -> None:
        """The cached bank index, so Home lists the banks before they are validated."""
        if self._preloaded is None:
            from quiz.bank_index import read_index

            self.index = read_index(self.bank_paths)

    def _start_load(self) -> None:
        self.run_worker(self._load, thread=True, name="load", exit_on_error=False)

    def _load(self) -> LoadedBanks:
        """Load every bank (thread worker: parsing and validating is the slow part).

        The store's modules are imported here too, so opening it on the main thread (a
        SQLite connection must stay on the thread that made it) costs only the open.
        """
        import importlib

        for name in ("quiz.store", "quiz.session", "quiz.study", "quiz.grading"):
            importlib.import_module(name)
        if self._preloaded is not None:
            return LoadedBanks(self._preloaded, _catalog_info(self._preloaded))
        return self._load_and_index()

    def _load_and_index(self) -> LoadedBanks:
        """Load every bank (a big JSON bank unchanged since it was validated: from its
        question index, see `quiz.banks.LazyBank`) and record what Home lists in the
        index for the next start."""
        from quiz.bank_index import read_index, write_index
        from quiz.banks import load_app_catalog

        # Big banks validated in full are indexed after the banks are on screen.
        catalog = load_app_catalog(self.bank_paths, index=False)
        listed = read_index(self.bank_paths)
        found = {os.fspath(lb.path): lb.bank.id for lb in catalog.banks}
        found.update((os.fspath(path), "") for path, _ in catalog.invalid)
        # Rewriting it costs a pass over every question's tags: only when it is out of date.
        if listed is None or {e.path: e.id for e in listed} != found:
            write_index(catalog)
        return LoadedBanks(catalog, _catalog_info(catalog))

    def _open_service(self) -> StudyService | None:
        from quiz.store import Store, StoreError
        from quiz.store.safety import WindowPresence
        from quiz.study import StudyService

        try:
            store = Store.open(self.db_path)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", timeout=30, markup=False)
            return None
        if store.notice:
            self.notify(
                store.notice, title="Database", severity="warning", timeout=30, markup=False
            )
        self._presence = WindowPresence.claim(store.path)
        if self._presence.others:
            self.notify(
                "Another quiz window is open on this database. Both save every answer; "
                "each shows its own view until you reopen it.",
                title="Database",
                severity="warning",
                timeout=15,
                markup=False,
            )
        # No --profile: reopen on the profile used last.
        profile = self._profile_arg or store.last_profile() or "default"
        if not self.sub_title:
            # After Home's table is filled: a title change in the same tick as the rows
            # leaves the table's columns at their header widths in a real terminal.
            self.call_after_refresh(self._show_profile, profile)
        return StudyService(store, profile, now=self.now, clock=self.clock)

    def _show_profile(self, profile: str) -> None:
        self.sub_title = f"profile: {profile}"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name not in ("load", "reload"):
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
            loaded: LoadedBanks = event.worker.result  # type: ignore[assignment]
            if event.worker.name == "reload" and self.data is not None:
                self._index_later(loaded.catalog)
                self.data = AppData.build(loaded, self.data.service)
                for screen in self.screen_stack:
                    screen.post_message(DataReady())
                return
            self._index_later(loaded.catalog)
            service = self._open_service()
            if service is None:
                return
            self.data = AppData.build(loaded, service)
            for screen in self.screen_stack:
                screen.post_message(DataReady())
            self._bank_stamp = self._bank_folders_stamp()
            self.set_interval(BANK_POLL_SECONDS, self._poll_banks, name="bank-watch")
            self._apply_saved_theme()
            self._after_load()

    def _index_later(self, catalog: Catalog[AnyLoaded] | Catalog[LoadedBank]) -> None:
        """Index the big banks this load validated in full, off the UI thread and after
        the load (so that the next start reads them lazily; see `quiz.banks.LazyBank`)."""
        if catalog.unindexed:
            from quiz.banks import index_banks

            self.run_worker(
                partial(index_banks, catalog),
                thread=True,
                name="index-banks",
                # Named here: the default, the callable's repr, would print every bank.
                description="index the big banks",
                exit_on_error=False,
            )

    # -- bank folders ------------------------------------------------------------------

    def _bank_folders_stamp(self) -> tuple[tuple[str, int, int], ...]:
        """Names, sizes and change times of the bank files: cheap to compare every poll."""
        from quiz.banks import bank_folder_stamp

        return bank_folder_stamp(self.bank_paths)

    def _poll_banks(self) -> None:
        """Reload the banks when a bank file appears, changes or disappears."""
        if self._preloaded is not None and self.bank_paths is None:
            return  # a fixed catalog (tests, `quiz study`): nothing on disk to follow
        stamp = self._bank_folders_stamp()
        if stamp != self._bank_stamp:
            self._bank_stamp = stamp
            self.reload_banks()

    def reload_banks(self) -> None:
        """Read the bank folders again in the background; screens refresh when done."""
        self.run_worker(
            self._load_and_index,
            thread=True,
            name="reload",
            exit_on_error=False,
            exclusive=True,
            group="reload",
        )

    def action_refresh(self) -> None:
        """Read the banks and the counts again."""
        if self.data is None:
            return
        if self._preloaded is None or self.bank_paths is not None:
            self._bank_stamp = self._bank_folders_stamp()
            self.reload_banks()
        else:
            self.screen.post_message(DataReady())
        self.notify("Refreshed.", timeout=1, markup=False)

    # -- unfinished sessions -----------------------------------------------------------

    def _after_load(self) -> None:
        """Offer to resume an unfinished session, else start what the command line asked."""
        assert self.data is not None
        self.data.service.close_unanswered()
        req = self.start
        if req is not None:
            # `quiz study BANK` offers only that bank's own unfinished session (inside
            # start_study); `quiz review` starts the review.
            self._start_requested()
            return
        unfinished = self.data.service.unfinished()
        if unfinished:
            self._ask_unfinished(unfinished[0], then=None)

    def _ask_unfinished(
        self,
        state: SessionState,
        then: Callable[[], None] | None,
        starting: str | None = None,
    ) -> None:
        """Resume, discard or keep `state`; then (unless resumed) run `then`."""
        from quiz.ui.screens.dialogs import ResumeDialog

        def answer(choice: str | None) -> None:
            assert self.data is not None
            if choice == "resume":
                self.resume_session(state)
                return
            if choice == "discard":
                self.data.service.discard(state.id)
                self.notify("Unfinished session discarded.", timeout=2, markup=False)
            else:
                self._kept.add(state.id)
            if then is not None:
                then()

        self.push_screen(ResumeDialog(state, starting=starting), answer)

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
                same_bank_only=True,
            )

    # -- sessions ----------------------------------------------------------------------

    def _begin(self, started: Started) -> None:
        from quiz.ui.screens.study import StudyScreen

        if started.notice:
            self.notify(started.notice, timeout=6, markup=False)
        self.push_screen(StudyScreen(started.session))

    def _guarded_start(
        self,
        start: Callable[[], Started],
        starting: str,
        *,
        bank_ids: list[str] | None = None,
        mode: Any = None,
    ) -> None:
        """Start a session, first asking about an unfinished one it would leave behind.

        With `bank_ids` (from `quiz study BANK`), only that bank's own unfinished session
        is offered; otherwise the newest one not already kept for later in this run.
        """
        from quiz.session import SessionError

        if self.data is None:
            self.notify("Still loading the banks…", markup=False)
            return
        service = self.data.service

        def go() -> None:
            try:
                started = start()
            except SessionError as exc:
                self._refused(exc)
                return
            self._begin(started)

        if bank_ids is not None:
            pending = service.unfinished_for(bank_ids, mode)
        else:
            pending = next((s for s in service.unfinished() if s.id not in self._kept), None)
        if pending is None:
            go()
        else:
            self._ask_unfinished(pending, then=go, starting=starting)

    def _refused(self, exc: SessionError, prefix: str = "") -> None:
        """Say why a session did not start; a bank changed on disk is read again."""
        from quiz.session import BanksOutdated

        text = prefix + str(exc)
        self.notify(text[:1].upper() + text[1:], severity="warning", markup=False)
        if isinstance(exc, BanksOutdated):
            self.reload_banks()

    def start_study(
        self,
        bank_ids: list[str],
        *,
        mode: Any = None,
        options: Any = None,
        same_bank_only: bool = False,
    ) -> None:
        """Start a quiz (or flashcards) over the given banks, or a tag across all banks."""
        from quiz.session import Mode

        if self.data is None:
            self.notify("Still loading the banks…", markup=False)
            return
        mode = mode or Mode.QUIZ
        service = self.data.service
        what = "a review" if mode is Mode.REVIEW else f"a new {mode}"
        self._guarded_start(
            lambda: service.start(bank_ids, mode=mode, options=options),
            what,
            bank_ids=bank_ids if same_bank_only else None,
            mode=mode,
        )

    def start_study_mode(self, bank_ids: list[str], mode: str) -> None:
        """Start `mode` ("quiz" or "flashcards") over the given banks with default options."""
        from quiz.session import Mode

        self.start_study(bank_ids, mode=Mode(mode))

    def start_review(self) -> None:
        """Start a review of every due card across banks, missed ones first."""
        if self.data is None:
            self.notify("Still loading the banks…", markup=False)
            return
        service = self.data.service
        self._guarded_start(service.start_review, "a review")

    def retry_missed(self, previous: QuizSession) -> None:
        """A new session over what `previous` missed."""
        from quiz.session import SessionError

        if self.data is None:
            return
        try:
            started = self.data.service.retry_missed(previous)
        except SessionError as exc:
            self._refused(exc)
            return
        self._begin(started)

    def resume_session(self, stored: SessionState) -> None:
        """Rebuild a stored unfinished session and continue it."""
        from quiz.session import SessionError
        from quiz.study import Started

        assert self.data is not None
        try:
            session = self.data.service.resume(stored)
        except SessionError as exc:
            self._refused(exc, "Cannot resume: ")
            return
        if session.finished:
            from quiz.ui.screens.results import ResultsScreen

            self.push_screen(ResultsScreen(session))
            return
        self._begin(Started(session))

    # -- actions -----------------------------------------------------------------------

    def action_quit_checked(self) -> None:
        """Quit now, unless an answer being given would be lost: then ask first.

        Every given answer is already saved, so only a half-given one (text typed, boxes
        ticked, pairs made) can be lost. A second ctrl+c in the question quits.
        """
        from quiz.ui.screens.dialogs import QuitDialog

        if isinstance(self.screen, QuitDialog):
            self.exit()
            return
        settle = getattr(self.screen, "settle_answer", None)
        if callable(settle):
            settle()  # an answer given just before this key is saved, not lost
        unsaved = getattr(self.screen, "unsaved_answer", None)
        if callable(unsaved) and unsaved():

            def answer(quit_now: bool | None) -> None:
                if quit_now:
                    self.exit()

            self.push_screen(QuitDialog(), answer)
            return
        self.exit()

    def action_help(self) -> None:
        """Show the keys of the screen in front and what each mode does."""
        from quiz.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_stats(self) -> None:
        """Show the learner's statistics."""
        from quiz.ui.screens.stats import StatsScreen

        if self.data is None:
            self.notify("Still loading…", markup=False)
            return
        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    @property
    def profile(self) -> str:
        """The learner profile studied now."""
        if self.data is not None:
            return self.data.service.profile
        return self._profile_arg or "default"

    def action_switch_profile(self) -> None:
        """Choose or create another learner profile."""
        from quiz.ui.screens.dialogs import ProfileDialog

        if self.data is None:
            return
        names = self.data.service.profiles()
        if self.profile not in names:
            names.append(self.profile)  # not stored until its first answer, but in use

        def chosen(name: str | None) -> None:
            if name and self.data is not None and name != self.profile:
                self.data.service.switch_profile(name)
                self.data.service.close_unanswered()
                self._kept.clear()
                self.sub_title = f"profile: {name}"
                self._apply_saved_theme()
                self.notify(f"Profile: {name}", markup=False)
                self.screen.post_message(DataReady())

        self.push_screen(ProfileDialog(names, self.profile), chosen)

    def action_set_aside(self) -> None:
        """Show the suspended and buried questions, to restore them."""
        from quiz.ui.screens.set_aside import SetAsideScreen

        if self.data is None:
            self.notify("Still loading…", markup=False)
            return
        if not isinstance(self.screen, SetAsideScreen):
            self.push_screen(SetAsideScreen())

    def post_display_hook(self) -> None:
        """A frame has gone to Textual's output thread: let that thread run now.

        Left to itself it waits for this thread to give up the interpreter (up to 5 ms,
        more than once per frame), and after an answer this thread goes straight on with
        the footer and the next question: the feedback reached the terminal ~10 ms after
        it was drawn (benchmarks/keypress_profile.py). A 1 ms pause per frame costs less.
        """
        if not self.is_headless:  # no output thread in tests
            time.sleep(0.001)

    def on_unmount(self) -> None:
        if self.data is not None:
            self.data.service.close()
        if self._presence is not None:
            self._presence.release()


def create_app(
    db_path: Path | str | None = None,
    profile: str | None = None,
    *,
    bank_paths: list[Path] | None = None,
    start: StartRequest | None = None,
    catalog: Catalog[AnyLoaded] | Catalog[LoadedBank] | None = None,
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
        profile=profile,
        bank_paths=bank_paths,
        start=start,
        catalog=catalog,
        clock=clock,
        now=now,
    )
