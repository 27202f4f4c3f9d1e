"""Bodies of the classroom API, and the student's view of a question.

Every request and response of the session server is one of these Pydantic models, so
`/openapi.json` documents the whole protocol. `public_question` is the one place that turns
a bank question into what a student may see before the answer is revealed: it drops every
answer key, explanation, feedback and source quote.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from quiz.models import (
    CLOZE_GAP,
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
)

#: Longest display name a student may choose.
NAME_MAX = 32
#: A join code: six characters from an alphabet without look-alikes (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

Mode = Literal["live", "self-paced"]
#: When a self-paced student sees keys: after the session ends (graded use), or right after
#: each answer (practice). Live sessions show them at each reveal.
Feedback = Literal["end", "immediate"]
#: What a student sees the session doing.
Phase = Literal["lobby", "open", "closed", "revealed", "finished", "ended"]


class ApiModel(BaseModel):
    """Base of the API bodies: unknown fields in a request are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Refusal(ApiModel):
    """Why a request was refused: a stable `error` code and a sentence for people."""

    error: str
    message: str


class JoinRequest(ApiModel):
    """A student asks to join with the join code and a display name."""

    code: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    # Length is checked again after normalising whitespace, with a clearer refusal.
    name: Annotated[str, StringConstraints(max_length=200)]


class JoinResponse(ApiModel):
    """The student's bearer token; keep it to rejoin after a lost connection."""

    student_token: str
    student_id: int
    name: str
    session: str
    mode: Mode
    title: str
    bank_id: str


class PublicOption(ApiModel):
    """One choice, ordering item or matching side: an opaque id and its text.

    Ids are made per student and per question from the session's secret seed, so neither
    an id nor the position of an option says anything about its place in the bank.
    """

    id: str
    text: str


class PublicQuestion(ApiModel):
    """A question as a student may see it before reveal: no answer key of any kind.

    Options are listed in the student's own display order (shuffled per student) and carry
    opaque ids; answers refer to those ids (see `AnswerRequest`).
    """

    id: str
    type: str
    prompt: str
    hint: str | None = None
    choices: list[PublicOption] | None = None  # multiple_choice, multiple_select
    items: list[PublicOption] | None = None  # ordering (display order, not the right order)
    lefts: list[PublicOption] | None = None  # matching, shuffled
    rights: list[PublicOption] | None = None  # matching, shuffled
    segments: list[str] | None = None  # cloze: the text around the gaps (gaps + 1 pieces)
    unit: str | None = None  # numeric


class ResultView(ApiModel):
    """The grade of one answer, shown when the session's rules allow feedback.

    Before the key may be shown (self-paced with `--feedback end`) only `outcome`, `score`
    and `your_answer` are filled: right or wrong, never what was right.
    """

    outcome: str
    score: float
    correct_answer: str | None = None
    feedback: list[str] = Field(default_factory=list)
    note: str | None = None
    explanation: str | None = None
    your_answer: str
    #: The answer as stored (the bank's indices), once the key may be shown.
    answer: Any = None


class ReviewItem(ApiModel):
    """A question with its key and the student's result, sent once keys may be shown."""

    question: dict[str, Any]
    result: ResultView | None = None


class DistributionRow(ApiModel):
    """One bar of an answer distribution: a choice (or a given answer) and its count."""

    label: str
    count: int
    correct: bool
    #: A typed answer the grader refused and the teacher accepted for everyone.
    accepted: bool = False


class StudentState(ApiModel):
    """Everything the student client shows; fetched again whenever an event arrives."""

    session: str
    title: str
    bank_id: str
    mode: Mode
    feedback: Feedback = "end"
    phase: Phase
    name: str
    index: int | None
    total: int
    question: PublicQuestion | None = None
    #: The full question with its key, present only once the student may see the answer.
    revealed: dict[str, Any] | None = None
    deadline: datetime | None = None
    seconds_left: float | None = None
    answered: bool = False
    result: ResultView | None = None
    distribution: list[DistributionRow] | None = None
    score: float = 0.0
    answered_count: int = 0
    #: Every question with its key and the student's result, once the session has ended.
    review: list[ReviewItem] | None = None
    version: int


class AnswerRequest(ApiModel):
    """An answer to the current question.

    Choice types refer to the option ids of the student's state: multiple_choice an id,
    multiple_select a list of ids, ordering the item ids in the chosen order, matching a
    list with a right id (or null) for each left, in the order `lefts` was sent. Other
    types as in the grading contract (true_false a boolean, short_answer a string, numeric
    a number or string, cloze a list of strings, flashcard a rating 1 to 4).
    """

    question_id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    answer: Any


class AnswerResponse(ApiModel):
    """An accepted answer. `duplicate` marks a retry of an answer already counted."""

    accepted: bool
    duplicate: bool = False
    #: Self-paced only: right or wrong (with `--feedback immediate`, the whole feedback).
    result: ResultView | None = None
    #: The answered question with its key (self-paced with `--feedback immediate` only).
    revealed: dict[str, Any] | None = None


class RosterEntry(ApiModel):
    """A student as the teacher sees them.

    Live, `score` and `time_ms` count revealed questions only, so the projected leaderboard
    moves at the reveal and never tells who got an open question right. Self-paced with
    `--feedback end`, they stay 0 until the session ends.
    """

    id: int
    name: str
    score: float
    answered: int
    time_ms: int
    answered_current: bool
    #: The teacher re-admitted this name: the next join with it continues as this student.
    readmit: bool = False


class TeacherState(ApiModel):
    """The dashboard's view: phase, current question (with key), roster and counts."""

    session: str
    code: str
    title: str
    mode: Mode
    feedback: Feedback = "end"
    phase: Phase
    index: int | None
    total: int
    question: dict[str, Any] | None = None
    #: The current question as projected (its own shuffled order; students each have theirs).
    public: PublicQuestion | None = None
    correct_answer: str | None = None
    deadline: datetime | None = None
    seconds_left: float | None = None
    answers_in: int = 0
    distribution: list[DistributionRow] | None = None
    roster: list[RosterEntry]
    version: int


class ControlRequest(ApiModel):
    """Optional body of a teacher control; `index` opens a given question (live mode)."""

    index: int | None = None


class AcceptRequest(ApiModel):
    """The teacher accepts a typed answer as right for everyone who gave it: `answer` is a
    label of the question's distribution (compared as normalised text)."""

    question_id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    answer: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class StudentRequest(ApiModel):
    """A teacher action on one student (remove, re-admit), by the roster's `id`."""

    student_id: int


def _rng(seed: str, viewer: int, qid: str) -> random.Random:
    digest = hmac.new(seed.encode(), f"order:{viewer}:{qid}".encode(), hashlib.sha256).digest()
    return random.Random(digest)


def _option_id(seed: str, viewer: int, qid: str, kind: str, index: int) -> str:
    # An HMAC of the secret seed: ids of one option differ between students and say
    # nothing about its bank position.
    mac = hmac.new(seed.encode(), f"id:{viewer}:{qid}:{kind}:{index}".encode(), hashlib.sha256)
    return mac.hexdigest()[:12]


def _order(rng: random.Random, n: int) -> list[int]:
    # A plain uniform shuffle. Never showing the right order (as this once did) is itself a
    # tell: the order shown is then known to be wrong, and blind answers score below chance.
    order = list(range(n))
    rng.shuffle(order)
    return order


@dataclass(frozen=True)
class StudentView:
    """One viewer's display of one question: the public question and its id mappings."""

    public: PublicQuestion
    #: option id -> bank index, per kind ("c" choices, "i" items, "l" lefts, "r" rights).
    ids: dict[str, dict[str, int]]
    #: Matching: the bank index of each left, in the order `lefts` was sent.
    left_order: tuple[int, ...] = ()


def student_view(question: Question, seed: str, viewer: int) -> StudentView:
    """What viewer `viewer` (a student id; 0 for the projected dashboard) sees of `question`.

    Built field by field (never by copying and deleting) so a new key field in the schema
    cannot leak by default. Choices keep the bank order only when the author turned
    `shuffle` off (e.g. "none of the above" last).
    """
    base: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "prompt": question.prompt,
        "hint": question.hint,
    }
    rng = _rng(seed, viewer, question.id)
    ids: dict[str, dict[str, int]] = {}
    left_order: tuple[int, ...] = ()

    def options(kind: str, texts: list[str], order: list[int]) -> list[PublicOption]:
        made = {_option_id(seed, viewer, question.id, kind, i): i for i in order}
        if len(made) != len(order):  # pragma: no cover - a 48-bit collision
            raise ValueError(f"option id collision in {question.id!r}")
        ids[kind] = made
        return [PublicOption(id=oid, text=texts[i]) for oid, i in made.items()]

    if isinstance(question, MultipleChoice | MultipleSelect):
        n = len(question.choices)
        order = _order(rng, n) if question.shuffle else list(range(n))
        base["choices"] = options("c", [c.text for c in question.choices], order)
    elif isinstance(question, Ordering):
        order = _order(rng, len(question.items))
        base["items"] = options("i", list(question.items), order)
    elif isinstance(question, Matching):
        n = len(question.pairs)
        lefts = _order(rng, n)
        rights = _order(rng, n)
        base["lefts"] = options("l", [p.left for p in question.pairs], lefts)
        base["rights"] = options("r", [p.right for p in question.pairs], rights)
        left_order = tuple(lefts)
    elif isinstance(question, Cloze):
        base["segments"] = CLOZE_GAP.split(question.text)[::2]
    elif isinstance(question, Numeric):
        base["unit"] = question.unit
    elif isinstance(question, TrueFalse | ShortAnswer | Flashcard):
        pass
    return StudentView(PublicQuestion(**base), ids, left_order)


def public_question(question: Question, seed: str, viewer: int = 0) -> PublicQuestion:
    """What `viewer` may see of `question` before the answer is revealed."""
    return student_view(question, seed, viewer).public


class AnswerIdError(ValueError):
    """An answer names an option id the student was not shown."""


def to_bank_answer(question: Question, view: StudentView, raw: Any) -> Any:
    """A student's id-based answer in the bank's indices (what the grader takes).

    Other question types pass through unchanged; shapes are checked by the grader after.
    """

    def one(kind: str, value: Any) -> int:
        if not isinstance(value, str) or value not in view.ids[kind]:
            raise AnswerIdError(f"{value!r} is not one of the option ids you were shown")
        return view.ids[kind][value]

    def many(value: Any, what: str) -> list[Any]:
        if not isinstance(value, list):
            raise AnswerIdError(f"the answer must be a list of {what}")
        return value

    if isinstance(question, MultipleChoice):
        return one("c", raw)
    if isinstance(question, MultipleSelect):
        return [one("c", v) for v in many(raw, "option ids")]
    if isinstance(question, Ordering):
        return [one("i", v) for v in many(raw, "item ids")]
    if isinstance(question, Matching):
        given = many(raw, "right ids (or null), one per left")
        if len(given) != len(view.left_order):
            raise AnswerIdError(
                f"the answer must have {len(view.left_order)} entries, one per left item"
            )
        bank: list[int | None] = [None] * len(view.left_order)
        for pos, value in enumerate(given):
            bank[view.left_order[pos]] = None if value is None else one("r", value)
        return bank
    return raw
