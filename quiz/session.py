"""A quiz run as plain state: the queue, the answers so far, the score and the clock.

`QuizSession` knows nothing of Textual or SQLite. It grades answers through an injected
grader (default: `quiz.grading.grade`) and reports every answer to a `Recorder` the moment it
is given, so a killed process loses nothing; `quiz.study` supplies one backed by the store.
A session's *plan* (mode, options and the queue as bank/question ids) is plain JSON data, so
an unfinished session can be rebuilt from the store and resumed where it stopped.
"""

from __future__ import annotations

import bisect
import dataclasses
import random
import time
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, assert_never

from quiz.banks import BankLoadError
from quiz.models import (
    BankView,
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    cloze_gaps,
)

if TYPE_CHECKING:
    from quiz.grading import GradeResult

#: Whatever the grading contract accepts for a question type (int, list, str, bool, float).
Answer = Any
Grader = Callable[[Question, Answer], "GradeResult"]

#: Self-ratings of flashcards mode, as Anki names them.
RATING_NAMES: dict[int, str] = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class Mode(StrEnum):
    """How a session was started; shown to the learner and kept with the session."""

    QUIZ = "quiz"
    REVIEW = "review"
    FLASHCARDS = "flashcards"
    RETRY = "retry"


class QueueItem:
    """One question to ask, and the bank it comes from.

    Made `later`, the question is built (for a big bank: read and validated) only when
    the session comes near it (`QuizSession` builds the current and the next question
    before a screen asks for them): a quiz over a 100,000-question bank starts without
    building them all.
    """

    __slots__ = ("_later", "_question", "bank_id", "question_id")

    def __init__(self, bank_id: str, question: Question) -> None:
        self.bank_id = bank_id
        self.question_id = question.id
        self._question: Question | None = question
        self._later: Callable[[], Question] | None = None

    @classmethod
    def later(cls, bank_id: str, question_id: str, build: Callable[[], Question]) -> QueueItem:
        """An item whose question `build()` makes when it is first needed."""
        item = cls.__new__(cls)
        item.bank_id = bank_id
        item.question_id = question_id
        item._question = None
        item._later = build
        return item

    @property
    def question(self) -> Question:
        """The question (built now if it was made `later`)."""
        if self._question is None:
            assert self._later is not None
            self._question = self._later()
            self._later = None
        return self._question

    def build(self) -> bool:
        """Build the question now; False if its bank file can no longer give it."""
        if self._question is not None:
            return True
        try:
            self.question  # noqa: B018 (builds it)
        except BankLoadError:
            return False
        return True

    @property
    def key(self) -> tuple[str, str]:
        """(bank id, question id): how the store names the card."""
        return (self.bank_id, self.question_id)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QueueItem):
            return NotImplemented
        return self.key == other.key and self.question == other.question

    __hash__ = None  # type: ignore[assignment]  # as the frozen dataclass it was: not hashable

    def __repr__(self) -> str:
        return f"QueueItem(bank_id={self.bank_id!r}, question_id={self.question_id!r})"


@dataclass(frozen=True)
class AnswerRecord:
    """What happened to one item of the queue."""

    item: QueueItem
    answer: Answer | None  # None when the time ran out
    result: GradeResult
    elapsed_ms: int
    hinted: bool = False
    timed_out: bool = False
    rating: int | None = None  # the learner's own 1..4 in flashcards mode
    #: The learner appealed ("I was right"): `result` counts it as right.
    overridden: bool = False

    @property
    def correct(self) -> bool:
        """Fully right (partial credit counts as missed)."""
        return str(self.result.outcome) == "correct"


@dataclass(frozen=True)
class SessionOptions:
    """Choices made when starting: how many questions, shuffling, the per-question limit."""

    count: int | None = None  # None: all questions
    seed: int | None = None
    shuffle: bool = True
    time_limit: float | None = None  # seconds per question; None: no limit
    tag: str | None = None

    def to_data(self) -> dict[str, Any]:
        """Plain JSON data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> SessionOptions:
        """The inverse of `to_data`; unknown keys are ignored (older or newer plans)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


class Recorder(Protocol):
    """Where a session's answers go as they are given (the store, in the app)."""

    def record(self, record: AnswerRecord) -> None:
        """Persist one answer (and the card update it implies) now."""

    def undo(self, record: AnswerRecord) -> None:
        """Forget the last recorded answer, restoring its card."""

    def override(self, record: AnswerRecord) -> None:
        """Count the last recorded answer as right (the learner's appeal)."""

    def finish(self, session: QuizSession) -> None:
        """Mark the session complete."""


#: Question types whose answer is typed: the ones a learner may appeal.
TYPED_TYPES = frozenset({"short_answer", "cloze", "numeric"})


def overridden_result(result: GradeResult) -> GradeResult:
    """`result` counted as right after the learner's appeal, saying what it was graded."""
    graded = {"incorrect": "wrong", "partial": "partly right"}.get(str(result.outcome), "")
    return dataclasses.replace(
        result,
        outcome=type(result.outcome)("correct"),
        score=1.0,
        note=f"Counted as right: you said you were right (graded {graded}).",
    )


class NullRecorder:
    """A recorder that keeps nothing: for previews and tests of pure state."""

    def record(self, record: AnswerRecord) -> None:
        """Keep nothing."""

    def undo(self, record: AnswerRecord) -> None:
        """Nothing to undo."""

    def override(self, record: AnswerRecord) -> None:
        """Nothing to change."""

    def finish(self, session: QuizSession) -> None:
        """Nothing to finish."""


class SessionError(Exception):
    """A session cannot be built (no matching questions) or an action is out of turn."""


class BanksOutdated(SessionError):
    """A bank file changed since the banks were loaded: read them again, then retry."""


def _default_grader(question: Question, answer: Answer) -> GradeResult:
    from quiz.grading import grade  # imported late: grading pulls in rapidfuzz

    return grade(question, answer)


def placeholder_answer(question: Question) -> Answer:
    """Some well-formed answer for `question`, used to learn its right answer from the grader."""
    match question:
        case MultipleChoice():
            return 0
        case MultipleSelect():
            return []
        case TrueFalse():
            return not question.answer
        case ShortAnswer():
            return ""
        case Numeric():
            return ""  # unparsable: graded incorrect, with the right answer
        case Cloze():
            return [""] * len(cloze_gaps(question.text))
        case Ordering():
            return list(range(len(question.items)))
        case Matching():
            return [None] * len(question.pairs)
        case Flashcard():
            return 1
        case _:
            assert_never(question)


#: How many of a new session's questions are built at its start; the rest are built as
#: the session comes to them (see `QueueItem.later`).
BUILD_AHEAD = 64


def _build_one(bank: BankView, i: int) -> Question:
    return bank.questions_at([i])[0]


def _build_by_id(bank: BankView, question_id: str) -> Question:
    question = bank.question(question_id)
    if question is None:  # listed by its bank a moment ago: a bank object never loses one
        raise SessionError(f"question {question_id!r} is gone from bank {bank.id!r}")
    return question


#: From a pool of at least this many questions, a quiz of fewer is drawn with
#: `random.sample` (O(count)) instead of a shuffle of the whole pool (O(pool)).
SAMPLE_AT = 5_000


def _select(
    banks: Iterable[BankView], tag: str | None, exclude: Collection[tuple[str, str]]
) -> list[tuple[BankView, list[int]]]:
    """Each bank with the numbers (file order) of its questions `select_questions` picks,
    found from ids and tags only: nothing is built."""
    out: list[tuple[BankView, list[int]]] = []
    for bank in banks:
        listed = bank.question_tags()
        if tag is None or tag in bank.tags:
            numbers = list(range(len(listed)))
        else:
            numbers = [i for i, (_, tags) in enumerate(listed) if tag in tags]
        # Few questions are suspended or buried: look only at those of this bank.
        dropped = {qid for b, qid in exclude if b == bank.id}
        if dropped:
            numbers = [i for i in numbers if listed[i][0] not in dropped]
        out.append((bank, numbers))
    return out


def select_questions(
    banks: Iterable[BankView],
    *,
    tag: str | None = None,
    exclude: Collection[tuple[str, str]] = (),
) -> list[QueueItem]:
    """Every question of `banks` (in file order), or those tagged `tag` (or whose bank is),
    less the (bank id, question id) pairs in `exclude` (suspended or buried ones)."""
    return [
        QueueItem(bank.id, bank.questions[i])
        for bank, numbers in _select(banks, tag, exclude)
        for i in numbers
    ]


@dataclass
class QuizSession:
    """One run through a queue of questions.

    The flow is: `current` -> `submit(answer)` (or `time_out()` / `rate(n)`) -> `advance()`,
    until `finished`. `undo()` takes back the last answer and returns to its question.
    """

    mode: Mode
    queue: list[QueueItem]
    options: SessionOptions = field(default_factory=SessionOptions)
    recorder: Recorder = field(default_factory=NullRecorder)
    grader: Grader = _default_grader
    clock: Callable[[], float] = time.monotonic
    session_id: int | None = None
    title: str = ""
    records: list[AnswerRecord] = field(default_factory=list)
    index: int = 0
    #: True between an answer and `advance()`: the feedback is on screen.
    answered: bool = False
    started_at: float = 0.0
    question_started_at: float = 0.0
    #: Time spent in earlier runs of a resumed session.
    elapsed_before: float = 0.0
    #: A second go at missed questions (its answers do not reschedule the cards).
    retry: bool = False
    #: Questions left out because their bank file changed under the session.
    dropped: int = 0

    def __post_init__(self) -> None:
        self._ready()
        if not self.queue:
            raise SessionError("there are no questions to ask")
        now = self.clock()
        self.started_at = self.started_at or now
        self.question_started_at = self.question_started_at or now

    # -- building ----------------------------------------------------------------------

    @classmethod
    def from_banks(
        cls,
        banks: Sequence[BankView],
        *,
        mode: Mode = Mode.QUIZ,
        options: SessionOptions | None = None,
        exclude: Collection[tuple[str, str]] = (),
        **kw: Any,
    ) -> QuizSession:
        """A quiz over `banks` (or one tag across them): all or N questions, maybe shuffled.

        Questions in `exclude` (bank id, question id) are left out. Questions are picked
        by id and tags, and only those asked are built (a big bank's are validated then).
        """
        options = options or SessionOptions()
        selected = _select(banks, options.tag, exclude)
        # One int per question picked (bank k's question i is offsets[k] + i): a list of
        # ints shuffles as fast as Python can, and the same seed gives the same order as
        # shuffling the questions themselves. Only the questions kept are then built.
        offsets: list[int] = []
        picked: list[int] = []
        size = 0
        for bank, numbers in selected:
            offsets.append(size)
            picked.extend([size + i for i in numbers] if size else numbers)
            size += len(bank.questions)
        if not picked:
            what = f"tagged {options.tag!r}" if options.tag else "in these banks"
            raise SessionError(f"no questions {what}")
        count = options.count
        if count is not None and count < 1:
            raise SessionError(f"the question count must be at least 1, not {count}")
        if options.shuffle and count is not None and len(picked) >= SAMPLE_AT > count:
            # A few questions from a big pool: draw them (as random, and as repeatable with
            # a seed) rather than shuffling every question to keep the first few.
            picked = random.Random(options.seed).sample(picked, min(count, len(picked)))
        elif options.shuffle:
            random.Random(options.seed).shuffle(picked)
        if count is not None:
            picked = picked[:count]
        # The first questions are built now, bank by bank (a big bank builds them in one
        # read of its file); the rest when the session comes to them.
        where = [bisect.bisect_right(offsets, n) - 1 for n in picked]
        now, now_where = picked[:BUILD_AHEAD], where[:BUILD_AHEAD]
        built: dict[int, Question] = {}
        for k, (bank, _) in enumerate(selected):
            mine = [n for n, b in zip(now, now_where, strict=True) if b == k]
            if mine:
                questions = bank.questions_at([n - offsets[k] for n in mine])
                built.update(zip(mine, questions, strict=True))
        items = [
            QueueItem(selected[k][0].id, built[n]) for n, k in zip(now, now_where, strict=True)
        ]
        if len(picked) > BUILD_AHEAD:
            listed = [bank.question_tags() for bank, _ in selected]
            for n, k in zip(picked[BUILD_AHEAD:], where[BUILD_AHEAD:], strict=True):
                bank, i = selected[k][0], n - offsets[k]
                qid = listed[k][i][0]
                items.append(QueueItem.later(bank.id, qid, partial(_build_one, bank, i)))
        if not kw.get("title"):
            kw["title"] = f"#{options.tag}" if options.tag else " + ".join(b.title for b in banks)
        return cls(mode=mode, queue=items, options=options, **kw)

    @classmethod
    def from_due(
        cls,
        due: Iterable[tuple[str, str, bool]],
        banks: Mapping[str, BankView],
        *,
        options: SessionOptions | None = None,
        **kw: Any,
    ) -> QuizSession:
        """Review: the due cards `(bank_id, question_id, missed)`, missed ones first.

        Cards whose bank or question no longer exists are left out. The order within each
        group is the order given (the store lists the most overdue first).
        """
        options = options or SessionOptions(shuffle=False)
        missed: list[QueueItem] = []
        rest: list[QueueItem] = []
        for bank_id, question_id, was_missed in due:
            bank = banks.get(bank_id)
            q = bank.question(question_id) if bank else None
            if q is None:
                continue
            (missed if was_missed else rest).append(QueueItem(bank_id, q))
        items = missed + rest
        if options.count is not None:
            items = items[: options.count]
        if not items:
            raise SessionError("nothing is due for review")
        kw.setdefault("title", "Review")
        return cls(mode=Mode.REVIEW, queue=items, options=options, **kw)

    def retry_missed(self, exclude: Container[tuple[str, str]] = (), **kw: Any) -> QuizSession:
        """A new session over the questions this one missed (wrong, partial or timed out),
        less those in `exclude`. Flashcards stay flashcards; anything else becomes RETRY.
        """
        items = [i for i in self.missed_items() if i.key not in exclude]
        if not items:
            raise SessionError("nothing was missed")
        kw.setdefault("recorder", NullRecorder())
        kw.setdefault("grader", self.grader)
        kw.setdefault("clock", self.clock)
        kw.setdefault("title", f"Retry: {self.title}" if self.title else "Retry")
        options = dataclasses.replace(self.options, count=None, shuffle=False)
        mode = Mode.FLASHCARDS if self.mode is Mode.FLASHCARDS else Mode.RETRY
        return QuizSession(mode=mode, queue=items, options=options, retry=True, **kw)

    def plan(self) -> dict[str, Any]:
        """What the store keeps to rebuild this session: plain JSON data."""
        return {
            "mode": str(self.mode),
            "retry": self.retry,
            "title": self.title,
            "options": self.options.to_data(),
            "queue": [[i.bank_id, i.question_id] for i in self.queue],
        }

    @classmethod
    def resume(
        cls,
        plan: Mapping[str, Any],
        answers: Sequence[Mapping[str, Any]],
        banks: Mapping[str, BankView],
        **kw: Any,
    ) -> QuizSession:
        """Rebuild a stored session: its plan plus the answers already recorded, in order.

        Each answer is a mapping with `bank_id`, `question_id`, `answer`, and optionally
        `elapsed_ms`, `hinted`, `timed_out`, `rating`. Answers are re-graded (grading is
        deterministic) so the results screen shows them as they were. Questions that vanished
        from their bank since are dropped from the queue.
        """
        # Questions still in their bank, by id; each built when first needed (a resumed
        # quiz over a whole big bank does not build the questions it will not reach).
        ids: dict[str, set[str]] = {}
        queue: list[QueueItem] = []
        for bank_id, question_id in plan.get("queue", []):
            bank = banks.get(bank_id)
            if bank is None:
                continue
            known = ids.get(bank_id)
            if known is None:
                known = ids[bank_id] = {qid for qid, _ in bank.question_tags()}
            if question_id in known:
                build = partial(_build_by_id, bank, question_id)
                queue.append(QueueItem.later(bank_id, question_id, build))
        if not queue:
            raise SessionError("none of the session's questions exist any more")
        options = SessionOptions.from_data(plan.get("options", {}))
        kw.setdefault("title", plan.get("title", ""))
        kw.setdefault("retry", bool(plan.get("retry", False)))
        session = cls(mode=Mode(plan.get("mode", "quiz")), queue=queue, options=options, **kw)
        by_key = {item.key: item for item in queue}
        done: list[QueueItem] = []
        for a in answers:
            item = by_key.get((a["bank_id"], a["question_id"]))
            if item is None:
                continue
            timed_out = bool(a.get("timed_out", False))
            rating = a.get("rating")
            if timed_out:
                result = session._timeout_result(item.question)
            elif rating is not None and session.mode is Mode.FLASHCARDS:
                result = session._rating_result(item.question, int(rating))
            else:
                result = session.grader(item.question, a.get("answer"))
                if a.get("overridden") and str(result.outcome) != "correct":
                    result = overridden_result(result)
            session.records.append(
                AnswerRecord(
                    item=item,
                    answer=a.get("answer"),
                    result=result,
                    elapsed_ms=int(a.get("elapsed_ms", 0)),
                    hinted=bool(a.get("hinted", False)),
                    timed_out=timed_out,
                    rating=int(rating) if rating is not None else None,
                    overridden=bool(a.get("overridden", False)),
                )
            )
            done.append(item)
            session.elapsed_before += int(a.get("elapsed_ms", 0)) / 1000
        # Answered items go first, in the order they were answered; the rest keep their order.
        done_keys = {i.key for i in done}
        session.queue = done + [i for i in queue if i.key not in done_keys]
        session.index = len(done)
        session._ready()
        return session

    # -- state -------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """How many questions this session asks."""
        return len(self.queue)

    @property
    def finished(self) -> bool:
        """Every question has been answered and the last feedback dismissed."""
        return self.index >= len(self.queue)

    @property
    def current(self) -> QueueItem | None:
        """The question on screen (answered or not), or None when finished."""
        return None if self.finished else self.queue[self.index]

    @property
    def last(self) -> AnswerRecord | None:
        """The most recent answer."""
        return self.records[-1] if self.records else None

    @property
    def score(self) -> float:
        """Sum of the answers' scores (partial credit counts fractionally)."""
        return sum(r.result.score for r in self.records)

    @property
    def correct_count(self) -> int:
        """Answers that were fully right."""
        return sum(1 for r in self.records if r.correct)

    @property
    def percent(self) -> float:
        """Score as a percentage of the questions answered so far (0 when none)."""
        return 100.0 * self.score / len(self.records) if self.records else 0.0

    def elapsed(self) -> float:
        """Seconds spent in this session so far, including earlier runs when resumed."""
        return self.elapsed_before + (self.clock() - self.started_at)

    def question_elapsed(self) -> float:
        """Seconds the current question has been on screen."""
        return self.clock() - self.question_started_at

    def time_left(self) -> float | None:
        """Seconds left for the current question, or None without a time limit."""
        if self.options.time_limit is None:
            return None
        return max(0.0, self.options.time_limit - self.question_elapsed())

    def missed_items(self) -> list[QueueItem]:
        """Items answered wrongly, partly, or not in time, in the order asked."""
        return [r.item for r in self.records if not r.correct]

    # -- actions -----------------------------------------------------------------------

    def _require_open(self) -> QueueItem:
        item = self.current
        if item is None:
            raise SessionError("the session is finished")
        if self.answered:
            raise SessionError("this question is already answered")
        return item

    def _elapsed_ms(self) -> int:
        return max(0, round(self.question_elapsed() * 1000))

    def _store(self, record: AnswerRecord) -> AnswerRecord:
        # Record first: if the store refuses, the state must not move on without it.
        self.recorder.record(record)
        self.records.append(record)
        self.answered = True
        self._ready()  # the next question, built while the feedback is read
        return record

    def _ready(self) -> None:
        """Build the current and the next question before a screen asks for them. One
        its bank file can no longer give (the file edited in place since the session
        started) is left out of this run and counted in `dropped`."""
        i = self.index
        while i < len(self.queue) and i <= self.index + 1:
            if self.queue[i].build():
                i += 1
            else:
                del self.queue[i]
                self.dropped += 1

    def submit(
        self, answer: Answer, *, hinted: bool = False, elapsed_ms: int | None = None
    ) -> AnswerRecord:
        """Grade and record the learner's answer to the current question."""
        item = self._require_open()
        if self.mode is Mode.FLASHCARDS:
            raise SessionError("in flashcards mode, rate your recall with rate(1..4)")
        if self.options.time_limit is not None and self.time_left() == 0:
            return self.time_out()
        result = self.grader(item.question, answer)
        return self._store(
            AnswerRecord(
                item=item,
                answer=answer,
                result=result,
                elapsed_ms=self._elapsed_ms() if elapsed_ms is None else elapsed_ms,
                hinted=hinted,
            )
        )

    def _timeout_result(self, question: Question) -> GradeResult:
        base = self.grader(question, placeholder_answer(question))
        return dataclasses.replace(
            base,
            outcome=type(base.outcome)("incorrect"),
            score=0.0,
            feedback=(),
            note="Time ran out.",
        )

    def time_out(self) -> AnswerRecord:
        """The time limit ran out: record the current question as incorrect."""
        item = self._require_open()
        return self._store(
            AnswerRecord(
                item=item,
                answer=None,
                result=self._timeout_result(item.question),
                elapsed_ms=self._elapsed_ms(),
                timed_out=True,
            )
        )

    def _rating_result(self, question: Question, rating: int) -> GradeResult:
        if question.type == "flashcard":
            return self.grader(question, rating)
        base = self.grader(question, placeholder_answer(question))
        outcome, score = {1: ("incorrect", 0.0), 2: ("partial", 0.5)}.get(rating, ("correct", 1.0))
        return dataclasses.replace(
            base, outcome=type(base.outcome)(outcome), score=score, feedback=(), note=None
        )

    def right_answer(self, question: Question) -> str:
        """The right answer of `question`, human readable (shown when a card is flipped)."""
        if question.type == "flashcard":
            return question.back
        return self.grader(question, placeholder_answer(question)).correct_answer

    def rate(self, rating: int) -> AnswerRecord:
        """Flashcards mode: the learner's own rating of their recall, 1 (Again) to 4 (Easy)."""
        item = self._require_open()
        if rating not in RATING_NAMES:
            raise SessionError(f"a rating is 1 to 4, not {rating}")
        return self._store(
            AnswerRecord(
                item=item,
                answer=rating if item.question.type == "flashcard" else None,
                result=self._rating_result(item.question, rating),
                elapsed_ms=self._elapsed_ms(),
                rating=rating,
            )
        )

    def advance(self) -> QueueItem | None:
        """Leave the feedback and go to the next question; returns it (None at the end)."""
        if not self.answered:
            raise SessionError("answer the question before going on")
        self.answered = False
        self.index += 1
        self._ready()
        self.question_started_at = self.clock()
        if self.finished:
            self.recorder.finish(self)
        return self.current

    def drop_current(self) -> QueueItem | None:
        """Take the current (unanswered) question out of this run: it was suspended or buried."""
        self._require_open()
        del self.queue[self.index]
        self._ready()
        self.question_started_at = self.clock()
        if self.finished and self.records:
            self.recorder.finish(self)
        return self.current

    def can_appeal(self) -> bool:
        """True while the last answer is a typed one graded wrong or partly right."""
        last = self.last
        return (
            last is not None
            and not last.correct
            and not last.timed_out
            and last.item.question.type in TYPED_TYPES
            and self.mode is not Mode.FLASHCARDS
        )

    def override_last(self) -> AnswerRecord:
        """The learner's appeal: count the last typed answer as right (score and schedule
        follow; `undo` still takes the answer back)."""
        if not self.can_appeal():
            raise SessionError("only a typed answer graded wrong can be counted as right")
        record = self.records[-1]
        self.recorder.override(record)
        new = dataclasses.replace(record, result=overridden_result(record.result), overridden=True)
        self.records[-1] = new
        return new

    def undo(self) -> AnswerRecord:
        """Take back the last answer and return to its question, unanswered."""
        if not self.records:
            raise SessionError("there is no answer to undo")
        record = self.records[-1]
        self.recorder.undo(record)
        self.records.pop()
        # The answered item is the last record's; with the feedback still up, the index
        # points at it already, otherwise it is the previous one.
        self.index = len(self.records)
        self.answered = False
        self.question_started_at = self.clock()
        return record
