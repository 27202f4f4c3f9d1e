"""Item analysis of a classroom session (pure): scores, facility, discrimination, distractors.

Facility index: the mean score on a question (0..1) over every student in the session, an
unanswered question counting as 0 (as Moodle counts the unanswered items of a submitted
attempt): a question one of two students answered right has facility 0.50.
Discrimination index: the mean score on the question of the top 27% of students (by total
score) minus that of the bottom 27% (-1..1); undefined with fewer than two students.
Distractor counts: how many students chose each choice (or gave each answer).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from quiz.classroom.db import SessionRow
from quiz.classroom.models import DistributionRow
from quiz.classroom.text import csv_cell, printable
from quiz.grading import GradeResult, Outcome, describe_answer, grade, normalise_text
from quiz.models import (
    QUESTION_ADAPTER,
    Cloze,
    MultipleChoice,
    MultipleSelect,
    Numeric,
    Question,
    ShortAnswer,
    TrueFalse,
)

#: Answers other than choices are grouped by their text; show at most this many bars.
MAX_FREE_ROWS = 8


def is_typed(q: Question) -> bool:
    """Whether answers to `q` are typed text (the teacher may accept one for everyone)."""
    return isinstance(q, ShortAnswer | Cloze | Numeric)


def accept_key(label: str) -> str:
    """What makes two typed answers the same one to accept: their normalised text."""
    return normalise_text(label)


def answer_key(q: Question, answer: Any) -> str:
    """The accept key of a stored answer (as its distribution label reads)."""
    return accept_key(describe_answer(q, answer))


#: The note a student reads on an answer the teacher accepted.
ACCEPTED_NOTE = "Accepted by your teacher."


def accepted_result(result: GradeResult) -> GradeResult:
    """`result` turned right by the teacher's acceptance (key and feedback kept)."""
    return replace(
        result,
        outcome=Outcome.CORRECT,
        score=1.0,
        note=ACCEPTED_NOTE,
        parts=tuple(True for _ in result.parts),
    )


def distribution(
    q: Question, answers: Sequence[Any], accepted: Collection[str] = ()
) -> list[DistributionRow]:
    """The bars of an answer distribution: one per choice, or per distinct answer given.

    `accepted`: accept keys of typed answers the teacher accepted (shown as right)."""
    if isinstance(q, MultipleChoice):
        counts = Counter(a for a in answers if isinstance(a, int))
        return [
            DistributionRow(label=c.text, count=counts[i], correct=c.correct)
            for i, c in enumerate(q.choices)
        ]
    if isinstance(q, MultipleSelect):
        counts = Counter(i for a in answers if isinstance(a, list) for i in set(a))
        return [
            DistributionRow(label=c.text, count=counts[i], correct=c.correct)
            for i, c in enumerate(q.choices)
        ]
    if isinstance(q, TrueFalse):
        counts = Counter(bool(a) for a in answers)
        return [
            DistributionRow(label="True", count=counts[True], correct=q.answer is True),
            DistributionRow(label="False", count=counts[False], correct=q.answer is False),
        ]
    groups: Counter[str] = Counter()
    right: dict[str, bool] = {}
    for a in answers:
        label = describe_answer(q, a)
        groups[label] += 1
        if label not in right:
            right[label] = grade(q, a).score >= 1.0
    rows = []
    for label, n in groups.most_common(MAX_FREE_ROWS):
        by_teacher = not right[label] and accept_key(label) in accepted
        rows.append(
            DistributionRow(
                label=label, count=n, correct=right[label] or by_teacher, accepted=by_teacher
            )
        )
    return rows


class StudentAnswerReport(BaseModel):
    """One student's answer to one question."""

    answer: str
    outcome: str
    score: float
    time_ms: int
    #: The grader refused this answer and the teacher accepted it for everyone.
    accepted_by_teacher: bool = False


class StudentReport(BaseModel):
    """A student's result."""

    id: int
    name: str
    score: float
    max_score: int
    percent: float
    time_ms: int
    answers: dict[str, StudentAnswerReport]


class QuestionReport(BaseModel):
    """Item analysis of one question."""

    id: str
    type: str
    prompt: str
    asked: bool
    answered: int
    facility: float | None
    discrimination: float | None
    distribution: list[DistributionRow]
    #: Typed answers the teacher accepted as right for everyone who gave them.
    accepted_by_teacher: list[str] = []


class Report(BaseModel):
    """The end-of-session report."""

    session: str
    title: str
    bank_id: str
    mode: str
    created_at: datetime
    ended_at: datetime | None
    students: list[StudentReport]
    questions: list[QuestionReport]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def build_report(row: SessionRow) -> Report:
    """Scores per student and item analysis per question, from a stored session."""
    questions: list[Question] = [QUESTION_ADAPTER.validate_python(q) for q in row.questions]
    if row.mode == "live":
        asked = {r.idx for r in row.runs}
    else:
        asked = set(range(len(questions))) if row.started_at is not None else set()
    # Students the teacher removed (a throwaway second name, say) are not part of the class.
    kept = [s for s in row.students if s.removed_at is None]
    by_student: dict[int, dict[str, Any]] = {s.id: {} for s in kept}
    for a in row.answers:
        by_student.setdefault(a.student_id, {})[a.question_id] = a
    max_score = len(asked)
    accepted: dict[str, dict[str, str]] = {}
    for k in row.accepted:
        accepted.setdefault(k.question_id, {})[k.key] = k.label
    students: list[StudentReport] = []
    for s in kept:
        mine = by_student[s.id]
        answers = {
            q.id: StudentAnswerReport(
                answer=describe_answer(q, mine[q.id].answer),
                outcome=mine[q.id].outcome,
                score=mine[q.id].score,
                time_ms=mine[q.id].elapsed_ms,
                accepted_by_teacher=q.id in accepted
                and answer_key(q, mine[q.id].answer) in accepted[q.id],
            )
            for q in questions
            if q.id in mine
        }
        score = sum(a.score for a in answers.values())
        students.append(
            StudentReport(
                id=s.id,
                name=s.name,
                score=round(score, 4),
                max_score=max_score,
                percent=round(100 * score / max_score, 1) if max_score else 0.0,
                time_ms=sum(a.time_ms for a in answers.values()),
                answers=answers,
            )
        )
    ranked = sorted(students, key=lambda s: (-s.score, s.time_ms))
    group = max(1, round(0.27 * len(ranked)))
    top, bottom = ranked[:group], ranked[-group:]
    reports: list[QuestionReport] = []
    for i, q in enumerate(questions):
        given = [by_student[s.id][q.id] for s in kept if q.id in by_student[s.id]]

        def item(s: StudentReport, qid: str = q.id) -> float:
            a = s.answers.get(qid)
            return 0.0 if a is None else a.score

        is_asked = i in asked
        facility = round(_mean([item(s) for s in students]), 4) if is_asked and students else None
        discrimination = (
            round(_mean([item(s) for s in top]) - _mean([item(s) for s in bottom]), 4)
            if is_asked and len(students) >= 2
            else None
        )
        reports.append(
            QuestionReport(
                id=q.id,
                type=q.type,
                prompt=q.prompt,
                asked=is_asked,
                answered=len(given),
                facility=facility,
                discrimination=discrimination,
                distribution=distribution(
                    q, [a.answer for a in given], accepted.get(q.id, {}).keys()
                ),
                accepted_by_teacher=list(accepted.get(q.id, {}).values()),
            )
        )
    return Report(
        session=row.id,
        title=row.title,
        bank_id=row.bank_id,
        mode=row.mode,
        created_at=row.created_at,
        ended_at=row.ended_at,
        students=ranked,
        questions=reports,
    )


def report_csv(report: Report) -> str:
    """One row per student: name, score, percent, time, each question's score, and the
    questions whose answer the teacher accepted (`accepted_by_teacher`, ids by spaces)."""
    out = io.StringIO()
    w = csv.writer(out)
    qids = [q.id for q in report.questions if q.asked]
    header = ["name", "score", "max_score", "percent", "time_s", *qids, "accepted_by_teacher"]
    w.writerow([csv_cell(c) for c in header])
    for s in report.students:
        by_teacher = [q for q in qids if q in s.answers and s.answers[q].accepted_by_teacher]
        w.writerow(
            [
                csv_cell(s.name),
                s.score,
                s.max_score,
                s.percent,
                round(s.time_ms / 1000, 1),
                *(s.answers[q].score if q in s.answers else "" for q in qids),
                csv_cell(" ".join(by_teacher)),
            ]
        )
    return out.getvalue()


def facility_legend(report: Report) -> str:
    """How the item-analysis columns are computed, for the reader of a report."""
    n = len(report.students)
    return (
        f"facility = mean score over all {n} student{'s' if n != 1 else ''}; unanswered = 0. "
        "discrim. = mean score of the top 27% minus the bottom 27% (by total score); "
        "- with fewer than 2 students."
    )


def report_text(report: Report) -> str:
    """The report as plain text for the terminal."""
    p = printable
    lines = [
        p(f"{report.title} — session {report.session} ({report.mode}, bank {report.bank_id})"),
        "",
        f"{'#':>3}  {'name':<32} {'score':>7} {'%':>6} {'time':>8}",
    ]
    for n, s in enumerate(report.students, 1):
        lines.append(
            f"{n:>3}  {p(s.name):<32} {s.score:>7.2f} {s.percent:>6.1f} {s.time_ms / 1000:>7.1f}s"
        )
    if not report.students:
        lines.append("     (no students joined)")
    lines += [
        "",
        f"{'question':<28} {'answered':>8} {'facility':>9} {'discrim.':>9}",
    ]
    for q in report.questions:
        if not q.asked:
            lines.append(f"{p(q.id):<28} {'(not asked)':>8}")
            continue
        fac = "-" if q.facility is None else f"{q.facility:.2f}"
        dis = "-" if q.discrimination is None else f"{q.discrimination:+.2f}"
        lines.append(f"{p(q.id):<28} {q.answered:>8} {fac:>9} {dis:>9}")
        for row in q.distribution:
            mark = "+" if row.accepted else ("*" if row.correct else " ")
            note = "  (accepted by the teacher)" if row.accepted else ""
            lines.append(f"      {mark} {row.count:>4}  {p(row.label)}{note}")
    lines += [
        "",
        facility_legend(report),
        "* = a right answer; + = an answer the teacher accepted for everyone.",
    ]
    return "\n".join(lines)
