"""Nothing a student is sent before the reveal says which option is right.

Blind students answer by a field the API sends (the first option shown, the smallest or
largest id, the options in the order listed) without reading a word. Each strategy must
score what a random answer scores, on every choice type, over the shipped banks (whose
authors put the right choice first) and over the test bank. The chance level is computed by
grading every possible answer, not assumed.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from quiz.banks import load_bank
from quiz.classroom.db import ClassroomDB
from quiz.classroom.state import ClassSession, Student
from quiz.grading import grade
from quiz.models import Matching, MultipleChoice, MultipleSelect, Ordering, Question
from tests.classroom.support import FakeClock, make_bank

ROOT = Path(__file__).resolve().parents[2]
STUDENTS = 240

Options = list[dict[str, Any]]
#: A blind way to line options up: only by fields the API sends.
Sorters: dict[str, Callable[[Options], Options]] = {
    "as listed": lambda opts: list(opts),
    "smallest id": lambda opts: sorted(opts, key=lambda o: o["id"]),
    "largest id": lambda opts: sorted(opts, key=lambda o: o["id"], reverse=True),
}


def choice_questions() -> list[Question]:
    """Every choice-type question of the shipped banks and the test bank."""
    qs: list[Question] = []
    for path in sorted((ROOT / "question_banks").glob("*.toml")):
        qs += load_bank(path).bank.questions
    qs += make_bank().questions
    kinds = (MultipleChoice, MultipleSelect, Ordering, Matching)
    return [q for q in qs if isinstance(q, kinds) and getattr(q, "shuffle", True)]


def blind_answer(shown: dict[str, Any], order: Callable[[Options], Options], k: int) -> Any:
    """What a blind student sends: the first (k) options by `order`, or everything in it."""
    kind = shown["type"]
    if kind == "multiple_choice":
        return order(shown["choices"])[0]["id"]
    if kind == "multiple_select":
        return [o["id"] for o in order(shown["choices"])[:k]]
    if kind == "ordering":
        return [o["id"] for o in order(shown["items"])]
    # matching: the lefts as listed, each with the right in the same place by `order`
    return [o["id"] for o in order(shown["rights"])]


def chance(q: Question, k: int) -> float:
    """The mean score of a uniformly random answer of the blind answer's form."""
    if isinstance(q, MultipleChoice):
        answers: list[Any] = list(range(len(q.choices)))
    elif isinstance(q, MultipleSelect):
        answers = [sorted(c) for c in itertools.combinations(range(len(q.choices)), k)]
    elif isinstance(q, Ordering):
        answers = [list(p) for p in itertools.permutations(range(len(q.items)))]
    else:
        assert isinstance(q, Matching)
        answers = [list(p) for p in itertools.permutations(range(len(q.pairs)))]
    return statistics.fmean(grade(q, a).score for a in answers)


def run_blind(q: Question, tmp: Path, strategy: str, k: int) -> list[float]:
    """Scores of STUDENTS blind students answering `q` by `strategy` in a live session."""
    db = ClassroomDB(tmp / f"{q.id}-{strategy}-{k}.db")
    session, _ = ClassSession.create(
        db, bank_id="b", title="t", questions=[q], mode="live", clock=FakeClock()
    )
    students: list[Student] = [session.join(session.code, f"s{i}")[0] for i in range(STUDENTS)]
    session.open()
    for st in students:
        shown = session.student_state(st).model_dump(mode="json")["question"]
        session.answer(st, q.id, blind_answer(shown, Sorters[strategy], k))
    scores = [a.result.score for a in session.answers.values()]
    db.close()
    return scores


@pytest.mark.parametrize("strategy", list(Sorters))
def test_blind_answers_score_at_chance_on_every_choice_type(strategy: str, tmp_path: Path) -> None:
    questions = choice_questions()
    kinds = {q.type for q in questions}
    assert kinds == {"multiple_choice", "multiple_select", "ordering", "matching"}
    for kind in sorted(kinds):
        observed: list[float] = []
        expected: list[float] = []
        variance = 0.0
        for q in (q for q in questions if q.type == kind):
            k = max(1, sum(c.correct for c in q.choices)) if isinstance(q, MultipleSelect) else 1
            scores = run_blind(q, tmp_path, strategy, k)
            observed += scores
            expected.append(chance(q, k))
            variance += statistics.pvariance(scores) * len(scores)
        mean, at_chance = statistics.fmean(observed), statistics.fmean(expected)
        # Five standard errors of the mean: a leak (the shipped banks put the key first)
        # scores 1.0, far outside; an honest shuffle fails this about once in 3 million runs.
        margin = 5 * math.sqrt(max(variance, 1e-9)) / len(observed) + 0.01
        assert abs(mean - at_chance) <= margin, (
            f"{kind} by {strategy!r}: blind mean {mean:.3f}, chance {at_chance:.3f}"
        )


def test_ids_and_order_differ_between_students_and_stay_fixed_for_one(tmp_path: Path) -> None:
    q = make_bank().question("mc")
    assert q is not None
    db = ClassroomDB(tmp_path / "c.db")
    session, _ = ClassSession.create(db, bank_id="b", title="t", questions=[q], clock=FakeClock())
    a, _ = session.join(session.code, "A")
    b, _ = session.join(session.code, "B")
    session.open()
    shown_a = session.student_state(a).question
    shown_b = session.student_state(b).question
    assert shown_a is not None and shown_b is not None and shown_a.choices and shown_b.choices
    assert {c.id for c in shown_a.choices}.isdisjoint({c.id for c in shown_b.choices})
    assert session.student_state(a).question == shown_a
    db.close()
