"""The application layer: the study loop's rules, for the app, the commands and the classroom.

`StudyService` takes the banks, the learner's store, a profile and a clock. It starts
quizzes, flashcards, reviews and retries (leaving out suspended and buried questions,
holding back reviews past the daily limit), records answers as they are given, undoes
them, suspends and buries, lists and resumes unfinished sessions, and gives the numbers
Home and Stats show. It imports no Textual: every rule here is tested without a screen,
and the Textual app is a presenter that calls it.

Who decides what:
- `quiz.session.QuizSession` is the run as plain state (queue, answers, score, clock);
- `quiz.scheduler` holds the pure rules (rating, new-card limit, leech);
- `quiz.store` writes what they decide, one transaction per write;
- this module puts them together and says, in words, what happened.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from quiz.banks import BankChangedError
from quiz.models import CLOZE_GAP, BankView, Cloze, Flashcard, Question
from quiz.numbers import format_interval
from quiz.session import (
    RATING_NAMES,
    AnswerRecord,
    BanksOutdated,
    Mode,
    QueueItem,
    QuizSession,
    SessionError,
    SessionOptions,
)
from quiz.store import (
    AttemptResult,
    BankSummary,
    CatalogInfo,
    SessionState,
    SetAsideCard,
    SetAsideKind,
    StatsReport,
    Store,
    StoreError,
)
from quiz.store.common import QuestionKey

_T = TypeVar("_T")

__all__ = [
    "HomeNumbers",
    "Recorded",
    "Started",
    "StoreRecorder",
    "StudyService",
    "session_bank_ids",
    "stored_answers",
]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _outdated(exc: BankChangedError) -> BanksOutdated:
    return BanksOutdated(f"{exc.problems[0].format()}: the banks are being read again")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class Started:
    """A session ready to run, and what its start left out."""

    session: QuizSession
    suspended: int = 0
    buried: int = 0
    #: Review only: due cards held back by the daily review limit.
    held_back: int = 0
    reviews_per_day: int = 0

    @property
    def notice(self) -> str | None:
        """One line for the learner about what was left out, or None."""
        parts: list[str] = []
        if self.suspended or self.buried:
            skipped = []
            if self.suspended:
                skipped.append(f"{self.suspended} suspended")
            if self.buried:
                skipped.append(f"{self.buried} buried until tomorrow")
            parts.append(
                f"Skipped {' and '.join(skipped)} "
                f"{'question' if self.suspended + self.buried == 1 else 'questions'} "
                "(restore them from Suspended & buried)."
            )
        if self.held_back:
            parts.append(
                f"{_plural(self.held_back, 'due card')} held back by your daily limit of "
                f"{self.reviews_per_day} reviews (`quiz settings --reviews-per-day N`)."
            )
        return " ".join(parts) or None


@dataclass(frozen=True)
class Recorded:
    """An answer as recorded, and what it did to the learner's schedule."""

    record: AnswerRecord
    #: What the store did with the card (None when nothing was scheduled: a retry).
    stored: AttemptResult | None = None
    #: One line to tell the learner, or None.
    notice: str | None = None
    #: The verdict in words when "✓ Correct"/"✗ Incorrect" would mislead: a self-rating
    #: ("Again: back in 1 minute") or a hinted right answer ("Right, with a hint:
    #: scheduled as Hard"); None for a plain verdict.
    headline: str | None = None


class StoreRecorder:
    """Records a session's answers in the store as they are given (`quiz.session.Recorder`).

    Each answer is one `record_attempt` call: the attempt and its FSRS card update commit
    together. A retry of missed questions is stored but does not reschedule the cards (they
    were just reviewed). In flashcards mode the stored answer is the learner's rating.
    """

    def __init__(
        self,
        store: Store,
        profile: str,
        session_id: int,
        *,
        schedule: bool = True,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store = store
        self.profile = profile
        self.session_id = session_id
        self.schedule = schedule
        self.now = now
        #: What the store did with the last answer.
        self.last: AttemptResult | None = None
        #: Never-seen questions answered right past today's new-card limit (kept new).
        self.new_held = 0

    def record(self, record: AnswerRecord) -> None:
        """Store the attempt and update the card, in one transaction."""
        self.last = self.store.record_attempt(
            self.session_id,
            self.profile,
            record.item.bank_id,
            record.item.question.id,
            answer=record.rating if record.rating is not None else record.answer,
            outcome=str(record.result.outcome),
            score=record.result.score,
            time_ms=record.elapsed_ms,
            hinted=record.hinted,
            self_rating=record.rating,
            schedule=self.schedule,
            now=self.now(),
        )
        self.new_held += self.last.new_held

    def undo(self, record: AnswerRecord) -> None:
        """Delete the last attempt and restore its card."""
        self.store.undo_last_attempt(self.session_id)
        self.last = None

    def override(self, record: AnswerRecord) -> None:
        """Count the session's last attempt as right and reschedule its card."""
        attempt = self.store.last_attempt(self.session_id)
        if attempt is None:
            raise StoreError("there is no answer to count as right")
        self.last = self.store.override_attempt(attempt.id, now=self.now())

    def finish(self, session: QuizSession) -> None:
        """Mark the stored session finished."""
        self.store.finish_session(self.session_id, now=self.now())


def stored_answers(mode: str, attempts: Iterable[Any]) -> list[dict[str, Any]]:
    """The store's attempt records as `QuizSession.resume` takes them."""
    out: list[dict[str, Any]] = []
    for a in attempts:
        entry: dict[str, Any] = {
            "bank_id": a.bank_id,
            "question_id": a.question_id,
            "answer": a.answer,
            "elapsed_ms": a.time_ms or 0,
            "hinted": a.hinted,
            "overridden": getattr(a, "overridden", False),
        }
        if mode == Mode.FLASHCARDS:
            entry["rating"] = a.answer
        elif a.answer is None:
            entry["timed_out"] = True
        out.append(entry)
    return out


def session_bank_ids(state: SessionState) -> list[str]:
    """The banks a stored session asks questions from, in queue order."""
    return list(dict.fromkeys(b for b, _ in state.queue))


@dataclass(frozen=True)
class HomeNumbers:
    """What Home shows beside the bank titles, read for one profile."""

    profile: str
    summaries: dict[str, BankSummary]
    unfinished: list[SessionState]


@dataclass
class StudyService:
    """The study loop for one learner profile over a set of banks (see module docstring)."""

    store: Store
    profile: str
    # Not in the repr: Textual names a worker by its callable's repr, and a big bank's
    # catalog figures take a tenth of a second to print.
    banks: Mapping[str, BankView] = field(default_factory=dict, repr=False)
    now: Callable[[], datetime] = _utcnow
    clock: Callable[[], float] = time.monotonic
    info: CatalogInfo = field(init=False, repr=False)
    _reader: Store | None = field(default=None, init=False, repr=False)
    _reader_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.info = CatalogInfo.from_banks(self.banks.values())

    def _read(self, read: Callable[[Store], _T]) -> _T:
        """Run `read` on the service's second connection: safe from any thread.

        A SQLite connection belongs to one thread at a time; the reader is opened on first
        use and shared under a lock, so Home and Stats read the history off the UI thread
        while the first connection records answers.
        """
        with self._reader_lock:
            if self._reader is None:
                self._reader = Store.open_reader(self.store.path)
            return read(self._reader)

    def close(self) -> None:
        """Close the store and the reader."""
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
        self.store.close()

    # -- banks and profiles ----------------------------------------------------------

    def set_banks(self, banks: Mapping[str, BankView], info: CatalogInfo | None = None) -> None:
        """The banks changed on disk: use these from now on (`info`: their CatalogInfo,
        when already built off the UI thread)."""
        self.banks = banks
        self.info = info if info is not None else CatalogInfo.from_banks(banks.values())

    def switch_profile(self, profile: str) -> None:
        """Study as `profile` from now on (created if new); the app reopens on it."""
        self.store.use_profile(profile, now=self.now())
        self.profile = profile

    def profiles(self) -> list[str]:
        """Every profile name, oldest first."""
        return self.store.profiles()

    # -- starting --------------------------------------------------------------------

    def _blocked(self) -> dict[QuestionKey, str]:
        return self.store.blocked(self.profile, now=self.now())

    def _register(self, session: QuizSession) -> QuizSession:
        """Store the new session's plan, so each answer is recorded as given."""
        self.store.use_profile(self.profile, now=self.now())
        plan = session.plan()
        session_id = self.store.start_session(
            self.profile,
            plan["mode"],
            [tuple(k) for k in plan["queue"]],
            scope={"title": plan["title"], "retry": plan["retry"]},
            options=plan["options"],
            now=self.now(),
        )
        session.session_id = session_id
        session.recorder = StoreRecorder(
            self.store, self.profile, session_id, schedule=not session.retry, now=self.now
        )
        return session

    def start(
        self,
        bank_ids: Sequence[str],
        *,
        mode: Mode = Mode.QUIZ,
        options: SessionOptions | None = None,
    ) -> Started:
        """A quiz or flashcards over `bank_ids` (or, with a tag and no ids, every bank).

        Suspended questions and those buried until tomorrow are left out and counted.
        Raises SessionError when a bank is unknown or nothing is left to ask.
        """
        options = options or SessionOptions()
        if mode is Mode.REVIEW:
            return self.start_review(count=options.count)
        if options.tag is not None and not bank_ids:
            chosen = list(self.banks.values())
        else:
            missing = [b for b in bank_ids if b not in self.banks]
            if missing:
                raise SessionError(f"no valid bank with id {missing[0]!r}")
            chosen = [self.banks[b] for b in bank_ids]
        blocked = self._blocked()
        tag = options.tag
        # From the catalog's ids and tags: a big bank's questions are built only if asked.
        known = self.info.tags
        chosen_ids = {bank.id for bank in chosen}
        skipped = [
            how
            for key, how in blocked.items()
            if key[0] in chosen_ids and key in known and (tag is None or tag in known[key])
        ]
        try:
            session = QuizSession.from_banks(
                chosen, mode=mode, options=options, clock=self.clock, exclude=set(blocked)
            )
        except BankChangedError as exc:
            raise _outdated(exc) from None
        except SessionError as exc:
            candidates = sum(
                1
                for key, tags in known.items()
                if key[0] in chosen_ids and (tag is None or tag in tags)
            )
            if skipped and candidates and len(skipped) == candidates:
                raise SessionError(
                    f"every question here is suspended or buried ({len(skipped)}): restore "
                    "them from Suspended & buried"
                ) from exc
            raise
        return Started(
            self._register(session),
            suspended=skipped.count("suspended"),
            buried=skipped.count("buried"),
        )

    def start_review(self, *, count: int | None = None) -> Started:
        """Every due card across banks, missed ones first, within the daily review limit.

        Missed cards still in their learning steps always come back (as in Anki); cards in
        Review past the day's limit are held back and counted.
        """
        now = self.now()
        cards = self.store.due_cards(self.profile, now=now, existing=self.info.existing)
        left = self.store.daily_limits(self.profile, now=now).reviews_left
        due: list[tuple[str, str, bool]] = []
        held = 0
        for c in cards:
            missed = c.state.name != "Review"
            if not missed and left <= 0:
                held += 1
                continue
            left -= not missed
            due.append((c.bank_id, c.question_id, missed))
        options = SessionOptions(shuffle=False, count=count)
        try:
            session = QuizSession.from_due(due, self.banks, options=options, clock=self.clock)
        except BankChangedError as exc:
            raise _outdated(exc) from None
        except SessionError as exc:
            if held:
                raise SessionError(
                    f"{_plural(held, 'due card')} held back by your daily limit of "
                    f"{self.store.settings(self.profile).reviews_per_day} reviews "
                    "(`quiz settings --reviews-per-day N`)"
                ) from exc
            raise
        return Started(
            self._register(session),
            held_back=held,
            reviews_per_day=self.store.settings(self.profile).reviews_per_day,
        )

    def retry_missed(self, previous: QuizSession) -> Started:
        """A new session over what `previous` missed, less what was suspended or buried."""
        blocked = self._blocked()
        skipped = [blocked[i.key] for i in previous.missed_items() if i.key in blocked]
        session = previous.retry_missed(exclude=set(blocked))
        return Started(
            self._register(session),
            suspended=skipped.count("suspended"),
            buried=skipped.count("buried"),
        )

    # -- unfinished sessions ---------------------------------------------------------

    def unfinished(self) -> list[SessionState]:
        """Sessions left before their end with at least one answer, newest first."""
        return [s for s in self.store.unfinished_sessions(self.profile) if s.answered]

    def close_unanswered(self) -> int:
        """At start: close sessions left with no answer (nothing is lost by starting them
        afresh); returns how many."""
        closed = 0
        for state in self.store.unfinished_sessions(self.profile):
            if not state.answered:
                self.store.finish_session(state.id, abandoned=True, now=self.now())
                closed += 1
        return closed

    def unfinished_for(self, bank_ids: Sequence[str], mode: Mode) -> SessionState | None:
        """The newest unfinished session of exactly these banks in this mode, if any."""
        wanted = set(bank_ids)
        for state in self.unfinished():
            if state.mode == str(mode) and set(session_bank_ids(state)) == wanted:
                return state
        return None

    def resume(self, state: SessionState) -> QuizSession:
        """Rebuild a stored unfinished session; its answers are recorded as before.

        A session whose every question was answered is marked finished (it shows Results).
        Raises SessionError when none of its questions exist any more.
        """
        plan = {
            "mode": state.mode,
            "title": state.scope.get("title", ""),
            "retry": state.scope.get("retry", False),
            "options": state.options,
            "queue": state.queue,
        }
        try:
            session = QuizSession.resume(
                plan,
                stored_answers(state.mode, state.answered),
                self.banks,
                session_id=state.id,
                clock=self.clock,
            )
        except BankChangedError as exc:
            raise _outdated(exc) from None
        session.recorder = StoreRecorder(
            self.store, self.profile, state.id, schedule=not session.retry, now=self.now
        )
        if session.finished:
            session.recorder.finish(session)
        return session

    def discard(self, session_id: int) -> None:
        """Close an unfinished session for good; its answers stay in the history."""
        self.store.finish_session(session_id, abandoned=True, now=self.now())

    # -- answering -------------------------------------------------------------------

    def _recorded(self, session: QuizSession, record: AnswerRecord) -> Recorded:
        recorder = session.recorder
        stored = recorder.last if isinstance(recorder, StoreRecorder) else None
        notice = None
        if stored is not None and stored.new_held and isinstance(recorder, StoreRecorder):
            limit = self.store.settings(self.profile).new_per_day
            if recorder.new_held == 1:
                notice = (
                    f"Right. Today's new-card limit ({limit}) is reached, so this question "
                    "stays new and comes back another day. Missed questions still become "
                    "review cards."
                )
        elif stored is not None and stored.became_leech:
            what = "suspended" if stored.suspended else "flagged"
            notice = (
                f"Forgotten {stored.lapses} times: this question is now a leech ({what}). "
                "Consider rewriting it."
            )
        alert = self.store.take_alert()  # e.g. its folder vanished and it was rescued
        if alert:
            notice = f"{alert} {notice}" if notice else alert
        return Recorded(record, stored, notice, headline(record, stored, self.now()))

    def submit(self, session: QuizSession, answer: Any, *, hinted: bool = False) -> Recorded:
        """Grade and record an answer to the current question."""
        return self._recorded(session, session.submit(answer, hinted=hinted))

    def rate(self, session: QuizSession, rating: int) -> Recorded:
        """Flashcards: record the learner's own 1..4 rating."""
        return self._recorded(session, session.rate(rating))

    def time_out(self, session: QuizSession) -> Recorded:
        """The time ran out on the current question."""
        return self._recorded(session, session.time_out())

    def undo(self, session: QuizSession) -> AnswerRecord:
        """Take back the last answer (its card restored)."""
        return session.undo()

    def appeal(self, session: QuizSession) -> Recorded:
        """ "I was right": count the last typed answer as right; score and FSRS follow.

        The stored attempt keeps the text typed, its original grade and an `overridden`
        mark (`quiz answers --overridden` lists them for the bank's author).
        """
        record = session.override_last()
        recorder = session.recorder
        stored = recorder.last if isinstance(recorder, StoreRecorder) else None
        when = ""
        if stored is not None and stored.due is not None:
            when = " It is scheduled as a right answer."
        return Recorded(record, stored, f"Counted as right.{when} Undo (u) takes it back.")

    # -- card controls ---------------------------------------------------------------

    def suspend(self, key: QuestionKey) -> None:
        """Keep a question out of every mode until it is unsuspended."""
        self.store.suspend(self.profile, *key)

    def bury(self, key: QuestionKey) -> None:
        """Keep a question out of every mode until tomorrow."""
        self.store.bury(self.profile, *key, now=self.now())

    def unsuspend(self, key: QuestionKey) -> bool:
        """Let a suspended question back; False if it was not suspended."""
        card = self.store.card(self.profile, *key)
        if card is None or not card.suspended:
            return False
        self.store.suspend(self.profile, *key, suspended=False)
        return True

    def unbury(self, key: QuestionKey) -> bool:
        """Let a buried question back now; False if it was not buried."""
        return self.store.unbury(self.profile, *key)

    def restore(self, card: SetAsideCard) -> bool:
        """Unsuspend and unbury a card; False if it was neither."""
        unsuspended = self.unsuspend(card.key)
        unburied = self.unbury(card.key)
        return unsuspended or unburied

    def set_aside_current(self, session: QuizSession, how: str) -> str:
        """Suspend or bury the question on screen and take it out of this run.

        Returns what to tell the learner. With the feedback up (already answered), the
        run simply moves on; otherwise the unanswered question leaves the queue.
        """
        item = session.current
        if item is None:
            raise SessionError("the session is finished")
        if how == "suspend":
            self.suspend(item.key)
            done = "Suspended"
        else:
            self.bury(item.key)
            done = "Buried until tomorrow"
        if session.answered:
            session.advance()
        else:
            session.drop_current()
        return f"{done}: {short_prompt(item)}"

    def set_aside(self, kind: SetAsideKind = "all") -> list[SetAsideCard]:
        """Suspended, buried or leech cards of questions the banks still hold."""
        existing = self.info.existing
        return [
            c
            for c in self.store.set_aside_cards(self.profile, kind, now=self.now())
            if c.key in existing
        ]

    # -- display preferences ---------------------------------------------------------

    def theme(self) -> str | None:
        """The colour theme this profile chose last, or None."""
        return self.store.preference(self.profile, "theme")

    def set_theme(self, name: str) -> None:
        """Keep the profile's colour theme for its next start."""
        if self.store.preference(self.profile, "theme") != name:
            self.store.save_preference(self.profile, "theme", name)

    # -- numbers ---------------------------------------------------------------------

    def bank_summaries(self) -> dict[str, BankSummary]:
        """What Home shows per bank."""
        return self.store.bank_summaries(self.profile, self.info, now=self.now())

    def stats(self, heatmap_days: int = 365) -> StatsReport:
        """What Stats and `quiz stats` show."""
        return self.store.stats_report(
            self.profile, self.info, now=self.now(), heatmap_days=heatmap_days
        )

    def read_home(self) -> HomeNumbers:
        """Home's numbers and unfinished sessions, read on the reader (any thread)."""
        profile, info, now = self.profile, self.info, self.now()
        return self._read(
            lambda r: HomeNumbers(
                profile,
                r.bank_summaries(profile, info, now=now),
                [s for s in r.unfinished_sessions(profile) if s.answered],
            )
        )

    def read_stats(self, heatmap_days: int = 365) -> StatsReport:
        """What Stats shows, read on the reader (any thread)."""
        profile, info, now = self.profile, self.info, self.now()
        return self._read(
            lambda r: r.stats_report(profile, info, now=now, heatmap_days=heatmap_days)
        )

    # -- classroom -------------------------------------------------------------------

    def record_class_answer(
        self, bank_id: str, question_id: str, *, answer: Any, outcome: str, score: float
    ) -> AttemptResult | None:
        """A class question answered: a miss becomes a review card (a suspended one
        stays suspended and is not scheduled). Returns None when nothing was stored."""
        card = self.store.card(self.profile, bank_id, question_id)
        if card is not None and card.suspended:
            return None
        return self.store.record_attempt(
            None,
            self.profile,
            bank_id,
            question_id,
            answer=answer,
            outcome=outcome,
            score=score,
            now=self.now(),
        )


def headline(record: AnswerRecord, stored: AttemptResult | None, now: datetime) -> str | None:
    """What an answer did, in words, where a plain right/wrong would mislead.

    A self-rated card says the rating and when it comes back ("Again: back in 1
    minute"), not "Incorrect"; a right answer given after the hint says it was scheduled
    as Hard. Other answers: None (the verdict says it all).
    """
    due = stored.due if stored is not None else None
    back = f"back in {format_interval((due - now).total_seconds())}" if due else ""
    rating = record.rating
    if rating is None and isinstance(record.item.question, Flashcard):
        # A card asked in a quiz: its answer is the learner's own rating.
        rating = record.answer if isinstance(record.answer, int) else None
    if rating in RATING_NAMES:
        name = RATING_NAMES[rating]
        return f"{name}: {back}" if back else name
    if record.hinted and record.correct and not record.overridden:
        if stored is None or stored.rating is None:
            return "Right, with a hint"
        scheduled = RATING_NAMES[int(stored.rating)]
        return f"Right, with a hint: scheduled as {scheduled}" + (f", {back}" if back else "")
    return None


def prompt_text(question: Question) -> str:
    """What a question asks, as one line: its prompt, or for a cloze its text with the
    gaps shown as blanks (a cloze's prompt is usually just "Fill in the gaps.")."""
    if isinstance(question, Cloze):
        return " ".join(CLOZE_GAP.sub("___", question.text).split())
    return " ".join(question.prompt.split())


def short_prompt(item: QueueItem, width: int = 48) -> str:
    """The question on one line, cut to `width` characters: how notices name it."""
    text = prompt_text(item.question)
    return text if len(text) <= width else text[: width - 1] + "…"
