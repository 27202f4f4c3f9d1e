"""A classroom session as plain state: joins, the teacher's controls, answers, and the rules.

No web framework here: the server (`quiz.classroom.server`) turns HTTP requests into calls on
`ClassSession` and `Refused` into error responses, so every rule can be tested directly.
Every change is written to the `ClassroomDB` before it is acknowledged. The clock is
injected so deadlines are tested without waiting.
"""

from __future__ import annotations

import json
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from quiz.classroom import analysis
from quiz.classroom.db import (
    AcceptedRow,
    AnswerRow,
    ClassroomDB,
    RunRow,
    SessionRow,
    StudentRow,
    hash_token,
)
from quiz.classroom.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    NAME_MAX,
    AnswerIdError,
    AnswerResponse,
    DistributionRow,
    Feedback,
    Mode,
    Phase,
    ResultView,
    ReviewItem,
    RosterEntry,
    StudentState,
    StudentView,
    TeacherState,
    student_view,
    to_bank_answer,
)
from quiz.classroom.text import control_characters, describe
from quiz.grading import (
    AnswerError,
    GradeResult,
    check_answer_shape,
    correct_answer_text,
    describe_answer,
    grade,
)
from quiz.models import QUESTION_ADAPTER, Question

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The server's clock: deadlines are always server time."""
    return datetime.now(UTC)


class Refused(Exception):
    """A request the rules refuse: HTTP `status`, a stable `error` code, a message."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


def normalise_name(raw: str) -> str:
    """A display name as stored: NFC, whitespace collapsed; refuses control characters."""
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not name:
        raise Refused(422, "name_invalid", "a name is required")
    bad = [ch for ch in name if unicodedata.category(ch).startswith("C")]
    if bad:
        raise Refused(
            422,
            "name_invalid",
            f"a name must not contain control or format characters ({describe(bad)})",
        )
    if len(name) > NAME_MAX:
        raise Refused(422, "name_invalid", f"a name may be at most {NAME_MAX} characters long")
    return name


def name_key(name: str) -> str:
    """What makes two names the same person on a leaderboard: the Unicode TR39 skeleton
    (NFKC, confusables folded, case folded), so `Ａｎｎ` and Cyrillic `Аnn` are `ann`."""
    from disarm import skeleton_key

    return str(skeleton_key(name)) or name.casefold()


def new_code() -> str:
    """A fresh 6-character join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass
class Student:
    """A student in memory, with what the rules need to answer quickly."""

    id: int
    name: str
    token_hash: str
    joined_at: datetime
    #: Self-paced: the index of the student's current question.
    position: int = 0
    #: Self-paced: when the student reached their current question.
    question_started: datetime | None = None
    score: float = 0.0
    time_ms: int = 0
    #: When the teacher removed the student (their token no longer works).
    removed_at: datetime | None = None
    #: The teacher let this name join again (lost device): the next join with it is them.
    readmit: bool = False
    #: This student's display of each question (option order and ids), built when needed.
    views: dict[str, StudentView] = field(default_factory=dict)


@dataclass
class Run:
    """One opening of a live question."""

    idx: int
    opened_at: datetime
    deadline: datetime | None
    closed_at: datetime | None = None
    revealed_at: datetime | None = None

    def row(self) -> RunRow:
        """As stored."""
        return RunRow(self.idx, self.opened_at, self.deadline, self.closed_at, self.revealed_at)


@dataclass
class Answer:
    """A scored answer in memory."""

    student_id: int
    question_id: str
    idx: int
    answer: Any
    result: GradeResult
    elapsed_ms: int
    answered_at: datetime


@dataclass
class ClassSession:
    """One classroom session: the questions, the roster, the phase and every answer."""

    db: ClassroomDB
    id: str
    code: str
    bank_id: str
    title: str
    mode: Mode
    time_limit: float | None
    seed: str
    questions: list[Question]
    teacher_token_hash: str
    clock: Clock = utcnow
    feedback: Feedback = "end"
    phase: Phase = "lobby"
    current: int = -1
    started_at: datetime | None = None
    ended_at: datetime | None = None
    students: dict[int, Student] = field(default_factory=dict)
    runs: dict[int, Run] = field(default_factory=dict)
    answers: dict[tuple[int, str], Answer] = field(default_factory=dict)
    #: Bumped on every change (the teacher's view); `phase_version` only when what every
    #: student sees changes (phase, current question), so students are not woken per answer.
    version: int = 0
    phase_version: int = 0
    on_change: Callable[[bool], None] | None = None
    _by_token: dict[str, int] = field(default_factory=dict)
    _by_name: dict[str, int] = field(default_factory=dict)
    #: The projected display (viewer 0) of each question.
    _projected: dict[str, StudentView] = field(default_factory=dict)
    _key_text: dict[str, str] = field(default_factory=dict)
    #: Indexes of `answers`, so a state costs O(questions), not O(all answers).
    _by_student: dict[int, dict[str, Answer]] = field(default_factory=dict)
    _by_question: dict[str, list[Answer]] = field(default_factory=dict)
    _dist_cache: dict[int, list[DistributionRow]] = field(default_factory=dict)
    #: Typed answers the teacher accepted: question id -> {accept key: label}.
    accepted: dict[str, dict[str, str]] = field(default_factory=dict)

    # -- creation -------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        db: ClassroomDB,
        *,
        bank_id: str,
        title: str,
        questions: Sequence[Question],
        mode: Mode = "live",
        time_limit: float | None = None,
        feedback: Feedback = "end",
        clock: Clock = utcnow,
    ) -> tuple[ClassSession, str]:
        """A new session, stored; returns it with the teacher's token."""
        if not questions:
            raise ValueError("a classroom session needs at least one question")
        now = clock()
        teacher_token = secrets.token_urlsafe(32)
        session_id = now.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
        session = cls(
            db=db,
            id=session_id,
            code=new_code(),
            bank_id=bank_id,
            title=title,
            mode=mode,
            time_limit=time_limit,
            seed=secrets.token_hex(8),
            questions=list(questions),
            teacher_token_hash=hash_token(teacher_token),
            clock=clock,
            feedback=feedback,
        )
        db.create_session(
            SessionRow(
                id=session.id,
                code=session.code,
                bank_id=bank_id,
                title=title,
                mode=mode,
                time_limit=time_limit,
                seed=session.seed,
                questions=[q.model_dump(mode="json") for q in session.questions],
                teacher_token_hash=session.teacher_token_hash,
                created_at=now,
                phase=session.phase,
                current=session.current,
                feedback=feedback,
            )
        )
        return session, teacher_token

    @classmethod
    def resume(
        cls, db: ClassroomDB, session_id: str, *, clock: Clock = utcnow
    ) -> tuple[ClassSession, str]:
        """A stored session back in memory with every committed answer; a new teacher token.

        Students keep their tokens, so their clients reconnect without joining again.
        """
        row = db.load(session_id)
        teacher_token = secrets.token_urlsafe(32)
        session = cls(
            db=db,
            id=row.id,
            code=row.code,
            bank_id=row.bank_id,
            title=row.title,
            mode="self-paced" if row.mode == "self-paced" else "live",
            time_limit=row.time_limit,
            seed=row.seed,
            questions=[QUESTION_ADAPTER.validate_python(q) for q in row.questions],
            teacher_token_hash=hash_token(teacher_token),
            clock=clock,
            phase=_phase(row.phase),
            current=row.current,
            started_at=row.started_at,
            ended_at=row.ended_at,
            feedback="immediate" if row.feedback == "immediate" else "end",
        )
        db.set_teacher_token(row.id, session.teacher_token_hash)
        for s in row.students:
            st = Student(s.id, s.name, s.token_hash, s.joined_at, removed_at=s.removed_at)
            session._add_student(st)
        for r in row.runs:
            session.runs[r.idx] = Run(r.idx, r.opened_at, r.deadline, r.closed_at, r.revealed_at)
        for k in row.accepted:
            session.accepted.setdefault(k.question_id, {})[k.key] = k.label
        by_id = {q.id: q for q in session.questions}
        for a in row.answers:
            q = by_id[a.question_id]
            result = session._grade(q, check_answer_shape(q, a.answer))
            session._remember(
                Answer(
                    a.student_id,
                    a.question_id,
                    a.idx,
                    a.answer,
                    result,
                    a.elapsed_ms,
                    a.answered_at,
                )
            )
        if session.mode == "self-paced":
            for st in session.students.values():
                mine = [a for a in session.answers.values() if a.student_id == st.id]
                st.position = len(mine)
                st.question_started = max((a.answered_at for a in mine), default=None)
        return session, teacher_token

    # -- queries --------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """How many questions the session has."""
        return len(self.questions)

    def is_teacher(self, token: str | None) -> bool:
        """Whether `token` is this session's teacher token."""
        return token is not None and secrets.compare_digest(
            hash_token(token), self.teacher_token_hash
        )

    def student_for(self, token: str | None) -> Student | None:
        """The student holding `token`, or None."""
        if token is None:
            return None
        sid = self._by_token.get(hash_token(token))
        if sid is None or self.students[sid].removed_at is not None:
            return None
        return self.students[sid]

    def was_removed(self, token: str) -> bool:
        """Whether `token` belonged to a student the teacher removed."""
        sid = self._by_token.get(hash_token(token))
        return sid is not None and self.students[sid].removed_at is not None

    def deadline(self, student: Student | None = None) -> datetime | None:
        """When answering the current question stops (live) or the session stops (self-paced)."""
        if self.mode == "live":
            run = self.runs.get(self.current)
            return None if run is None else run.deadline
        if self.started_at is None or self.time_limit is None:
            return None
        return self.started_at + timedelta(seconds=self.time_limit)

    def view(self, idx: int, student: Student | None = None) -> StudentView:
        """`student`'s display of question `idx` (None: the projected one); cached."""
        q = self.questions[idx]
        cache = self._projected if student is None else student.views
        if q.id not in cache:
            cache[q.id] = student_view(q, self.seed, 0 if student is None else student.id)
        return cache[q.id]

    def key_text(self, q: Question) -> str:
        """The human-readable right answer of `q` (from the grader)."""
        if q.id not in self._key_text:
            self._key_text[q.id] = correct_answer_text(q)
        return self._key_text[q.id]

    def result_view(self, q: Question, a: Answer) -> ResultView:
        """An answer's grade as the student sees it once feedback is allowed."""
        return ResultView(
            outcome=str(a.result.outcome),
            score=a.result.score,
            correct_answer=a.result.correct_answer,
            feedback=list(a.result.feedback),
            note=a.result.note,
            explanation=q.explanation,
            your_answer=describe_answer(q, a.answer),
            answer=a.answer,
        )

    def verdict_view(self, q: Question, a: Answer) -> ResultView:
        """Right or wrong only: nothing that tells what the right answer was."""
        return ResultView(
            outcome=str(a.result.outcome),
            score=a.result.score,
            your_answer=describe_answer(q, a.answer),
        )

    def keys_shown(self, idx: int) -> bool:
        """Whether students may see question `idx`'s key now."""
        if self.phase == "ended":
            return True
        if self.mode == "live":
            run = self.runs.get(idx)
            return run is not None and run.revealed_at is not None
        return self.feedback == "immediate"

    def visible_score(self, student: Student) -> tuple[float, int]:
        """Score and time as the leaderboard may show them now (see `RosterEntry`)."""
        if self.phase == "ended" or (self.mode == "self-paced" and self.feedback == "immediate"):
            return student.score, student.time_ms
        if self.mode == "self-paced":
            return 0.0, 0
        shown = [
            a
            for a in self._by_student.get(student.id, {}).values()
            if self.runs[a.idx].revealed_at is not None
        ]
        return sum(a.result.score for a in shown), sum(a.elapsed_ms for a in shown)

    def answers_for(self, idx: int) -> list[Answer]:
        """Every answer given to question `idx`."""
        qid = self.questions[idx].id
        return self._by_question.get(qid, [])

    def student_state(self, student: Student) -> StudentState:
        """What `student` may see now: never an answer key before the rules allow it."""
        now = self.clock()
        idx: int | None = None
        phase: Phase = self.phase
        if self.mode == "live":
            idx = self.current if self.current >= 0 else None
        elif self.phase in ("open", "closed"):
            idx = student.position if student.position < self.total else None
            if idx is None:
                phase = "finished"
        state = StudentState(
            session=self.id,
            title=self.title,
            bank_id=self.bank_id,
            mode=self.mode,
            feedback=self.feedback,
            phase=phase,
            name=student.name,
            index=idx,
            total=self.total,
            version=self.phase_version,
            answered_count=len(self._by_student.get(student.id, {})),
        )
        if self.mode == "live":
            state.score = sum(
                a.result.score
                for a in self._by_student.get(student.id, {}).values()
                if self.runs[a.idx].revealed_at is not None
            )
        else:
            state.score = student.score
        if phase == "ended":
            state.review = self._review(student)
        if idx is None or phase in ("lobby", "ended"):
            return state
        q = self.questions[idx]
        state.question = self.view(idx, student).public
        mine = self.answers.get((student.id, q.id))
        state.answered = mine is not None
        deadline = self.deadline(student)
        if deadline is not None and phase == "open":
            state.deadline = deadline
            state.seconds_left = max(0.0, (deadline - now).total_seconds())
        if self.mode == "live" and phase == "revealed":
            state.revealed = q.model_dump(mode="json")
            state.distribution = self._in_view_order(idx, student, self._revealed_distribution(idx))
            if mine is not None:
                state.result = self.result_view(q, mine)
        return state

    def teacher_state(self) -> TeacherState:
        """The dashboard's view: everything, keys included."""
        now = self.clock()
        idx = self.current if self.mode == "live" and self.current >= 0 else None
        current_qid = self.questions[idx].id if idx is not None else None
        roster = []
        for s in self.students.values():
            if s.removed_at is not None:
                continue
            score, time_ms = self.visible_score(s)
            roster.append(
                RosterEntry(
                    id=s.id,
                    name=s.name,
                    score=score,
                    answered=len(self._by_student.get(s.id, {})),
                    time_ms=time_ms,
                    answered_current=(s.id, current_qid) in self.answers if current_qid else False,
                    readmit=s.readmit,
                )
            )
        roster.sort(key=lambda r: (-r.score, r.time_ms, r.name.casefold()))
        state = TeacherState(
            session=self.id,
            code=self.code,
            title=self.title,
            mode=self.mode,
            feedback=self.feedback,
            phase=self.phase,
            index=idx,
            total=self.total,
            roster=roster,
            version=self.version,
        )
        deadline = self.deadline()
        if deadline is not None and self.phase == "open":
            state.deadline = deadline
            state.seconds_left = max(0.0, (deadline - now).total_seconds())
        if idx is not None:
            q = self.questions[idx]
            given = self.answers_for(idx)
            state.question = q.model_dump(mode="json")
            state.public = self.view(idx).public
            state.correct_answer = self.key_text(q)
            state.answers_in = len(given)
            state.distribution = self._in_view_order(
                idx,
                None,
                analysis.distribution(
                    q, [a.answer for a in given], self.accepted.get(q.id, {}).keys()
                ),
            )
        else:
            state.answers_in = len(self.answers)
        return state

    # -- students -------------------------------------------------------------------------

    def join(self, code: str, raw_name: str) -> tuple[Student, str]:
        """Admit a student; returns them with their bearer token."""
        if not secrets.compare_digest(code.strip().upper().encode(), self.code.encode()):
            raise Refused(403, "bad_code", "that join code is not this session's code")
        if self.phase == "ended":
            raise Refused(410, "session_ended", "this session has ended")
        name = normalise_name(raw_name)
        key = name_key(name)
        if key in self._by_name and self.students[self._by_name[key]].readmit:
            return self._rejoin(self.students[self._by_name[key]])
        if key in self._by_name:
            raise Refused(
                409,
                "name_taken",
                f"the name {name!r} is taken in this session (or one that looks the same)",
            )
        token = secrets.token_urlsafe(24)
        student = Student(
            id=max(self.students, default=0) + 1,
            name=name,
            token_hash=hash_token(token),
            joined_at=self.clock(),
        )
        self.db.add_student(
            self.id,
            StudentRow(student.id, student.name, student.token_hash, student.joined_at),
            key,
        )
        self._add_student(student)
        self._changed(everyone=False)
        return student, token

    def answer(self, student: Student, question_id: str, raw: Any) -> AnswerResponse:
        """Score and store one answer, or refuse it with the reason."""
        now = self.clock()
        previous = self.answers.get((student.id, question_id))
        if previous is not None:
            # A retried request: the same answer again is acknowledged, not counted twice.
            q = self._question(question_id)
            try:
                bank_form = to_bank_answer(q, self.view(previous.idx, student), raw)
                same = _same(check_answer_shape(q, bank_form), previous.answer)
            except (AnswerError, ValueError):
                same = False
            if not same:
                raise Refused(409, "already_answered", "you have already answered this question")
            return self._accepted(q, previous, duplicate=True)
        if self.phase == "ended":
            raise Refused(409, "session_ended", "this session has ended")
        if self.phase == "lobby":
            raise Refused(409, "not_open", "no question is open yet")
        idx = self.current if self.mode == "live" else student.position
        if not 0 <= idx < self.total:
            raise Refused(409, "not_open", "there is no question to answer")
        q = self.questions[idx]
        if question_id != q.id:
            raise Refused(
                409, "not_current", f"question {question_id!r} is not the current question"
            )
        if self.phase != "open":
            raise Refused(409, "closed", "this question is closed")
        bad = control_characters(raw)
        if bad:
            raise Refused(
                422,
                "bad_answer",
                f"answer to {q.id!r}: control characters are not allowed ({describe(bad)})",
            )
        deadline = self.deadline(student)
        if deadline is not None and now > deadline:
            raise Refused(409, "past_deadline", "the time for this question is over")
        try:
            shaped = check_answer_shape(q, to_bank_answer(q, self.view(idx, student), raw))
        except AnswerIdError as exc:
            raise Refused(422, "bad_answer", f"answer to {q.id!r}: {exc}") from None
        except (AnswerError, ValueError) as exc:
            raise Refused(422, "bad_answer", f"answer to {q.id!r}: {exc}") from None
        result = self._grade(q, shaped)
        started = self._question_started(student, now)
        elapsed = max(0, int((now - started).total_seconds() * 1000))
        record = Answer(student.id, q.id, idx, shaped, result, elapsed, now)
        self.db.add_answer(
            self.id,
            AnswerRow(
                student.id, q.id, idx, shaped, str(result.outcome), result.score, elapsed, now
            ),
        )
        self._remember(record)
        if self.mode == "self-paced":
            student.position += 1
            student.question_started = now
        self._changed(everyone=False)
        return self._accepted(q, record, duplicate=False)

    # -- the teacher's controls -----------------------------------------------------------

    def readmit(self, student_id: int) -> None:
        """Let the next join with this student's name come back as them (a new token; the
        old one stops working then). For a student whose device lost its token."""
        st = self.students.get(student_id)
        if st is None or st.removed_at is not None:
            raise Refused(404, "no_such_student", f"no student {student_id} in this session")
        st.readmit = True
        self._changed(everyone=False)

    def _rejoin(self, st: Student) -> tuple[Student, str]:
        token = secrets.token_urlsafe(24)
        self.db.set_student_token(self.id, st.id, hash_token(token))
        self._by_token.pop(st.token_hash, None)
        st.token_hash = hash_token(token)
        st.readmit = False
        self._by_token[st.token_hash] = st.id
        self._changed(everyone=False)
        return st, token

    def remove(self, student_id: int) -> None:
        """Remove a student: their token stops working, their name is free again, and their
        answers no longer count on the leaderboard or in the report."""
        st = self.students.get(student_id)
        if st is None or st.removed_at is not None:
            raise Refused(404, "no_such_student", f"no student {student_id} in this session")
        now = self.clock()
        self.db.remove_student(self.id, student_id, now)
        st.removed_at = now
        self._by_name.pop(name_key(st.name), None)
        # Everyone's streams wake: the removed student's ends at once (and says why on
        # reconnecting); the others get an unchanged state, paced like any change.
        self._changed(everyone=True)

    def open(self, index: int | None = None) -> None:
        """Live: open the next question (or `index`); self-paced: start the session."""
        now = self.clock()
        if self.phase == "ended":
            raise Refused(409, "session_ended", "this session has ended")
        if self.mode == "self-paced":
            if self.phase == "open":
                raise Refused(409, "already_open", "the session is already open")
            self.started_at = self.started_at or now
            self._set_phase("open", self.current)
            return
        nxt = self.current + 1 if index is None else index
        if not 0 <= nxt < self.total:
            raise Refused(
                409,
                "no_more_questions",
                f"there is no question {nxt + 1} (the session has {self.total}); end it",
            )
        self._close_run(now)
        self._dist_cache.pop(nxt, None)
        run = Run(
            nxt,
            now,
            None if self.time_limit is None else now + timedelta(seconds=self.time_limit),
        )
        self.runs[nxt] = run
        self.started_at = self.started_at or now
        self._set_phase("open", nxt, run)

    def close(self) -> None:
        """Stop accepting answers to the current question (self-paced: to any question)."""
        if self.phase != "open":
            raise Refused(409, "not_open", "nothing is open to close")
        run = self._close_run(self.clock())
        self._set_phase("closed", self.current, run)

    def reveal(self) -> None:
        """Live: show the right answer and the distribution (closing the question first)."""
        if self.mode != "live":
            raise Refused(409, "not_live", "reveal is for live sessions")
        if self.phase not in ("open", "closed"):
            raise Refused(409, "not_open", "open a question before revealing it")
        now = self.clock()
        run = self._close_run(now)
        assert run is not None
        run.revealed_at = now
        self._set_phase("revealed", self.current, run)

    def end(self) -> None:
        """End the session: no more joins or answers."""
        if self.phase == "ended":
            raise Refused(409, "session_ended", "this session has already ended")
        now = self.clock()
        run = self._close_run(now)
        self.ended_at = now
        self._set_phase("ended", self.current, run)

    def accept(self, question_id: str, label: str) -> int:
        """The teacher accepts a typed answer (a label of the question's distribution) as
        right: every student who gave it (same normalised text) is re-graded to right, now
        and in the stored session. Only once the answers are out (revealed, or the session
        ended), so it never tells anything early. Returns how many answers changed."""
        q = self._question(question_id)
        if not analysis.is_typed(q):
            raise Refused(
                422,
                "not_typed",
                "only typed answers (short answer, cloze, numeric) can be accepted",
            )
        idx = self.questions.index(q)
        run = self.runs.get(idx)
        revealed = self.mode == "live" and run is not None and run.revealed_at is not None
        if not (revealed or self.phase == "ended"):
            raise Refused(
                409, "not_revealed", "reveal the question (or end the session) before accepting"
            )
        key = analysis.accept_key(label)
        given = [
            a for a in self._by_question.get(q.id, []) if analysis.answer_key(q, a.answer) == key
        ]
        if not given:
            raise Refused(404, "no_such_answer", f"nobody answered {label!r} to {q.id!r}")
        if key in self.accepted.get(q.id, {}):
            raise Refused(409, "already_accepted", f"{label!r} is already accepted")
        wrong = [a for a in given if a.result.score < 1.0]
        if not wrong:
            raise Refused(409, "already_right", f"{label!r} is already graded right")
        now = self.clock()
        new = {a.student_id: analysis.accepted_result(a.result) for a in wrong}
        self.db.accept_answer(
            self.id,
            AcceptedRow(q.id, key, label, now),
            [(sid, str(r.outcome), r.score) for sid, r in new.items()],
        )
        self.accepted.setdefault(q.id, {})[key] = label
        for a in wrong:
            st = self.students.get(a.student_id)
            if st is not None:
                st.score += new[a.student_id].score - a.result.score
            a.result = new[a.student_id]
        self._dist_cache.pop(idx, None)
        self._changed(everyone=True)
        return len(wrong)

    def tick(self) -> bool:
        """Close what has passed its deadline; True if anything changed."""
        if self.phase != "open":
            return False
        deadline = self.deadline()
        if deadline is None or self.clock() <= deadline:
            return False
        self.close()
        return True

    # -- internals ------------------------------------------------------------------------

    def _grade(self, q: Question, answer: Any) -> GradeResult:
        """The grader's verdict, or right when the teacher accepted this typed answer."""
        result = grade(q, answer)
        accepted = self.accepted.get(q.id)
        if accepted and result.score < 1.0 and analysis.answer_key(q, answer) in accepted:
            return analysis.accepted_result(result)
        return result

    def _question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise Refused(404, "no_such_question", f"no question {question_id!r} in this session")

    def _accepted(self, q: Question, a: Answer, *, duplicate: bool) -> AnswerResponse:
        # Live sessions show feedback only after the reveal, through the state.
        if self.mode != "self-paced":
            return AnswerResponse(accepted=True, duplicate=duplicate)
        if not self.keys_shown(a.idx):
            return AnswerResponse(
                accepted=True, duplicate=duplicate, result=self.verdict_view(q, a)
            )
        return AnswerResponse(
            accepted=True,
            duplicate=duplicate,
            result=self.result_view(q, a),
            revealed=q.model_dump(mode="json"),
        )

    def _question_started(self, student: Student, now: datetime) -> datetime:
        if self.mode == "live":
            return self.runs[self.current].opened_at
        candidates = [t for t in (self.started_at, student.question_started) if t is not None]
        return max(candidates, default=now)

    def _close_run(self, now: datetime) -> Run | None:
        run = self.runs.get(self.current) if self.mode == "live" else None
        if run is not None and run.closed_at is None:
            run.closed_at = now
        return run

    def _set_phase(self, phase: Phase, current: int, run: Run | None = None) -> None:
        self.db.set_phase(
            self.id,
            phase,
            current,
            started_at=self.started_at,
            ended_at=self.ended_at,
            run=None if run is None else run.row(),
        )
        self.phase = phase
        self.current = current
        self._changed(everyone=True)

    def _changed(self, *, everyone: bool) -> None:
        self.version += 1
        if everyone:
            self.phase_version += 1
        if self.on_change is not None:
            self.on_change(everyone)

    def _add_student(self, student: Student) -> None:
        self.students[student.id] = student
        self._by_token[student.token_hash] = student.id
        if student.removed_at is None:
            self._by_name[name_key(student.name)] = student.id

    def _review(self, student: Student) -> list[ReviewItem]:
        mine = self._by_student.get(student.id, {})
        return [
            ReviewItem(
                question=q.model_dump(mode="json"),
                result=None if q.id not in mine else self.result_view(q, mine[q.id]),
            )
            for q in self.questions
        ]

    def _in_view_order(
        self, idx: int, student: Student | None, rows: list[DistributionRow]
    ) -> list[DistributionRow]:
        """A choice question's bars in the order this viewer was shown the choices (the
        projected order for the teacher), not the bank's."""
        view = self.view(idx, student)
        ids, public = view.ids.get("c"), view.public.choices
        if ids is None or public is None or len(rows) != len(ids):
            return rows
        return [rows[ids[option.id]] for option in public]

    def _revealed_distribution(self, idx: int) -> list[DistributionRow]:
        # A revealed question takes no more answers: compute its bars once, not per student.
        if idx not in self._dist_cache:
            q = self.questions[idx]
            self._dist_cache[idx] = analysis.distribution(
                q, [a.answer for a in self.answers_for(idx)], self.accepted.get(q.id, {}).keys()
            )
        return self._dist_cache[idx]

    def _remember(self, a: Answer) -> None:
        self.answers[(a.student_id, a.question_id)] = a
        self._by_student.setdefault(a.student_id, {})[a.question_id] = a
        self._by_question.setdefault(a.question_id, []).append(a)
        st = self.students.get(a.student_id)
        if st is not None:
            st.score += a.result.score
            st.time_ms += a.elapsed_ms


def _phase(value: str) -> Phase:
    phases: tuple[Phase, ...] = ("lobby", "open", "closed", "revealed", "finished", "ended")
    for p in phases:
        if p == value:
            return p
    return "lobby"


def _same(a: Any, b: Any) -> bool:
    # Compare as stored JSON: a resumed answer comes back as lists where a fresh one may not.
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
