"""Bodies of the classroom API, and the student's view of a question.

Every request and response of the session server is one of these Pydantic models, so
`/openapi.json` documents the whole protocol. `public_question` is the one place that turns
a bank question into what a student may see before the answer is revealed: it drops every
answer key, explanation, feedback and source quote.
"""

from __future__ import annotations

import random
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
#: Header a browser student's client process (on the teacher's machine, so on loopback) uses
#: to pass on its browser's address; honoured only from loopback while `--web` serves.
BROWSER_ADDRESS_HEADER = "X-Quiz-Browser-Address"

Mode = Literal["live", "self-paced"]
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
    """One choice, ordering item or matching right-hand side: its text and original index."""

    index: int
    text: str


class PublicQuestion(ApiModel):
    """A question as a student may see it before reveal: no answer key of any kind.

    Options are listed in display order; `index` is the position in the bank's original
    order, which is what an answer refers to (see the grading contract).
    """

    id: str
    type: str
    prompt: str
    hint: str | None = None
    choices: list[PublicOption] | None = None  # multiple_choice, multiple_select
    items: list[PublicOption] | None = None  # ordering (display order, not the right order)
    lefts: list[str] | None = None  # matching, in bank order
    rights: list[PublicOption] | None = None  # matching, shuffled
    segments: list[str] | None = None  # cloze: the text around the gaps (gaps + 1 pieces)
    unit: str | None = None  # numeric


class ResultView(ApiModel):
    """The grade of one answer, shown when the session's rules allow feedback."""

    outcome: str
    score: float
    correct_answer: str
    feedback: list[str] = Field(default_factory=list)
    note: str | None = None
    explanation: str
    your_answer: str


class DistributionRow(ApiModel):
    """One bar of an answer distribution: a choice (or a given answer) and its count."""

    label: str
    count: int
    correct: bool


class StudentState(ApiModel):
    """Everything the student client shows; fetched again whenever an event arrives."""

    session: str
    title: str
    bank_id: str
    mode: Mode
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
    version: int


class AnswerRequest(ApiModel):
    """An answer to the current question; shapes as in the grading contract."""

    question_id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    answer: Any


class AnswerResponse(ApiModel):
    """An accepted answer. `duplicate` marks a retry of an answer already counted."""

    accepted: bool
    duplicate: bool = False
    #: Feedback, in self-paced mode only (live mode shows it after the reveal).
    result: ResultView | None = None
    #: The answered question with its key, with the feedback (self-paced mode only).
    revealed: dict[str, Any] | None = None


class RosterEntry(ApiModel):
    """A student as the teacher sees them."""

    id: int
    name: str
    score: float
    answered: int
    time_ms: int
    answered_current: bool


class TeacherState(ApiModel):
    """The dashboard's view: phase, current question (with key), roster and counts."""

    session: str
    code: str
    title: str
    mode: Mode
    phase: Phase
    index: int | None
    total: int
    question: dict[str, Any] | None = None
    #: The current question as students see it (choices in their display order).
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


def _shuffled(n: int, seed: str) -> list[int]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


def display_order(question: Question, seed: str) -> list[int]:
    """The order (original indices) in which a question's options are shown to everyone.

    The same for every student of a session, so a teacher can talk about "the third choice".
    """
    key = f"{seed}:{question.id}"
    if isinstance(question, MultipleChoice | MultipleSelect):
        n = len(question.choices)
        return _shuffled(n, key) if question.shuffle else list(range(n))
    if isinstance(question, Ordering | Matching):
        n = len(question.items) if isinstance(question, Ordering) else len(question.pairs)
        order = _shuffled(n, key)
        # Shown in the right order (or with every pair side by side) would give it away.
        if order == sorted(order):
            order = order[1:] + order[:1]
        return order
    return []


def public_question(question: Question, seed: str) -> PublicQuestion:
    """What a student may see of `question` before the answer is revealed.

    Built field by field (never by copying and deleting) so a new key field in the schema
    cannot leak by default.
    """
    base: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "prompt": question.prompt,
        "hint": question.hint,
    }
    order = display_order(question, seed)
    if isinstance(question, MultipleChoice | MultipleSelect):
        base["choices"] = [PublicOption(index=i, text=question.choices[i].text) for i in order]
    elif isinstance(question, Ordering):
        base["items"] = [PublicOption(index=i, text=question.items[i]) for i in order]
    elif isinstance(question, Matching):
        base["lefts"] = [p.left for p in question.pairs]
        base["rights"] = [PublicOption(index=i, text=question.pairs[i].right) for i in order]
    elif isinstance(question, Cloze):
        base["segments"] = CLOZE_GAP.split(question.text)[::2]
    elif isinstance(question, Numeric):
        base["unit"] = question.unit
    elif isinstance(question, TrueFalse | ShortAnswer | Flashcard):
        pass
    return PublicQuestion(**base)
