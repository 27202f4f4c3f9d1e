"""QuizSession: building queues, answering, scoring, timing, undo, retry and resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quiz.banks import load_bank
from quiz.models import Bank
from quiz.session import (
    AnswerRecord,
    Mode,
    QuizSession,
    SessionError,
    SessionOptions,
    placeholder_answer,
)

BANK_FILE = Path(__file__).parent / "data" / "banks" / "every-type.toml"

#: A right answer for each question of the test bank.
RIGHT = {
    "mc": 0,
    "ms": [0, 1],
    "tf": True,
    "sa": "green",
    "num": 4.0,
    "cloze": ["blue"],
    "order": [0, 1, 2],
    "match": [0, 1, 2],
    "card": 3,
}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(BANK_FILE).bank


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ListRecorder:
    def __init__(self) -> None:
        self.recorded: list[AnswerRecord] = []
        self.undone: list[AnswerRecord] = []
        self.finished = 0

    def record(self, record: AnswerRecord) -> None:
        self.recorded.append(record)

    def undo(self, record: AnswerRecord) -> None:
        self.undone.append(record)

    def finish(self, session: QuizSession) -> None:
        self.finished += 1


def test_all_questions_in_file_order_without_shuffle(bank: Bank) -> None:
    s = QuizSession.from_banks([bank], options=SessionOptions(shuffle=False))
    assert [i.question.id for i in s.queue] == [q.id for q in bank.questions]
    assert s.total == 9 and s.title == "Every question type"


def test_shuffle_is_seeded_and_count_limits(bank: Bank) -> None:
    a = QuizSession.from_banks([bank], options=SessionOptions(seed=7, count=4))
    b = QuizSession.from_banks([bank], options=SessionOptions(seed=7, count=4))
    c = QuizSession.from_banks([bank], options=SessionOptions(seed=8))
    assert [i.key for i in a.queue] == [i.key for i in b.queue]
    assert a.total == 4
    assert sorted(i.question.id for i in c.queue) == sorted(q.id for q in bank.questions)
    assert [i.question.id for i in c.queue] != [q.id for q in bank.questions]


def test_tag_selects_across_banks(bank: Bank) -> None:
    s = QuizSession.from_banks([bank], options=SessionOptions(tag="colour", shuffle=False))
    assert [i.question.id for i in s.queue] == ["mc", "ms", "sa"]
    assert s.title == "#colour"
    with pytest.raises(SessionError, match="no questions tagged 'nope'"):
        QuizSession.from_banks([bank], options=SessionOptions(tag="nope"))


def test_bad_count_is_refused(bank: Bank) -> None:
    with pytest.raises(SessionError, match="at least 1"):
        QuizSession.from_banks([bank], options=SessionOptions(count=0))


def test_full_run_records_every_answer_and_scores(bank: Bank) -> None:
    rec = ListRecorder()
    clock = Clock()
    s = QuizSession.from_banks(
        [bank], options=SessionOptions(shuffle=False), recorder=rec, clock=clock
    )
    while not s.finished:
        item = s.current
        assert item is not None
        clock.now += 2
        qid = item.question.id
        r = s.submit(False if qid == "tf" else RIGHT[qid])  # tf answered wrongly
        assert s.answered and rec.recorded[-1] is r
        assert r.elapsed_ms == 2000
        with pytest.raises(SessionError):
            s.submit(RIGHT[item.question.id])
        s.advance()
    assert len(rec.recorded) == 9 and rec.finished == 1
    assert s.correct_count == 8 and s.score == 8
    assert [i.question.id for i in s.missed_items()] == ["tf"]
    assert s.elapsed() == pytest.approx(18.0)
    assert round(s.percent) == 89


def test_partial_counts_as_missed(bank: Bank) -> None:
    s = QuizSession.from_banks([bank], options=SessionOptions(tag="colour", shuffle=False))
    s.submit(0)
    s.advance()
    r = s.submit([0])  # one of two right choices
    assert str(r.result.outcome) == "partial" and 0 < r.result.score < 1
    s.advance()
    assert [i.question.id for i in s.missed_items()] == ["ms"]


def test_cannot_advance_before_answering(bank: Bank) -> None:
    s = QuizSession.from_banks([bank])
    with pytest.raises(SessionError, match="answer the question"):
        s.advance()


def test_time_out_records_incorrect_with_right_answer(bank: Bank) -> None:
    rec = ListRecorder()
    clock = Clock()
    s = QuizSession.from_banks(
        [bank],
        options=SessionOptions(shuffle=False, time_limit=10),
        recorder=rec,
        clock=clock,
    )
    clock.now += 4
    assert s.time_left() == pytest.approx(6)
    clock.now += 7
    assert s.time_left() == 0
    # Answering after the limit counts as a time-out, even a right answer.
    r = s.submit(0)
    assert r.timed_out and str(r.result.outcome) == "incorrect" and r.result.score == 0
    assert r.result.correct_answer == "Blue"
    assert rec.recorded == [r]


def test_undo_returns_to_question_and_tells_recorder(bank: Bank) -> None:
    rec = ListRecorder()
    s = QuizSession.from_banks([bank], options=SessionOptions(shuffle=False), recorder=rec)
    s.submit(0)
    s.advance()
    s.submit([2])
    undone = s.undo()  # feedback still up
    assert undone.item.question.id == "ms" and rec.undone == [undone]
    assert s.current is not None and s.current.question.id == "ms" and not s.answered
    s.submit([0, 1])
    s.advance()
    s.undo()  # after moving on: back to the previous question
    assert s.current is not None and s.current.question.id == "ms"
    assert len(s.records) == 1
    s.undo()
    assert s.current is not None and s.current.question.id == "mc" and not s.records
    with pytest.raises(SessionError, match="no answer to undo"):
        s.undo()


def test_drop_current_removes_unanswered(bank: Bank) -> None:
    s = QuizSession.from_banks([bank], options=SessionOptions(shuffle=False, count=2))
    s.drop_current()
    assert s.total == 1 and s.current is not None and s.current.question.id == "ms"


def test_flashcards_mode_rates_any_type(bank: Bank) -> None:
    s = QuizSession.from_banks([bank], mode=Mode.FLASHCARDS, options=SessionOptions(shuffle=False))
    assert s.right_answer(bank.questions[0]) == "Blue"
    assert s.right_answer(bank.questions[-1]) == "Blue"
    with pytest.raises(SessionError, match="rate"):
        s.submit(0)
    r = s.rate(1)
    assert str(r.result.outcome) == "incorrect" and r.rating == 1
    s.advance()
    r = s.rate(2)
    assert str(r.result.outcome) == "partial" and r.result.score == 0.5
    s.advance()
    assert str(s.rate(4).result.outcome) == "correct"
    with pytest.raises(SessionError):
        s.rate(5)


def test_retry_missed_has_only_missed(bank: Bank) -> None:
    s = QuizSession.from_banks([bank], options=SessionOptions(shuffle=False, count=3))
    s.submit(1)  # wrong
    s.advance()
    s.submit([0, 1])
    s.advance()
    s.submit(False)  # wrong
    s.advance()
    retry = s.retry_missed()
    assert retry.mode is Mode.RETRY
    assert [i.question.id for i in retry.queue] == ["mc", "tf"]
    retry.submit(0)
    retry.advance()
    retry.submit(True)
    retry.advance()
    with pytest.raises(SessionError, match="nothing was missed"):
        retry.retry_missed()
    assert retry.retry and retry.plan()["retry"] is True


def test_retry_of_flashcards_stays_flashcards(bank: Bank) -> None:
    s = QuizSession.from_banks(
        [bank], mode=Mode.FLASHCARDS, options=SessionOptions(shuffle=False, count=2)
    )
    s.rate(1)
    s.advance()
    s.rate(4)
    s.advance()
    retry = s.retry_missed()
    assert retry.mode is Mode.FLASHCARDS and retry.retry
    assert [i.question.id for i in retry.queue] == ["mc"]
    resumed = QuizSession.resume(retry.plan(), [], {"every-type": bank})
    assert resumed.retry and resumed.mode is Mode.FLASHCARDS


def test_review_puts_missed_first_and_skips_unknown(bank: Bank) -> None:
    due = [
        ("every-type", "mc", False),
        ("every-type", "tf", True),
        ("gone-bank", "x", True),
        ("every-type", "gone", False),
        ("every-type", "sa", False),
    ]
    s = QuizSession.from_due(due, {"every-type": bank})
    assert s.mode is Mode.REVIEW
    assert [i.question.id for i in s.queue] == ["tf", "mc", "sa"]
    with pytest.raises(SessionError, match="nothing is due"):
        QuizSession.from_due([], {"every-type": bank})


def test_resume_from_plan_and_answers(bank: Bank) -> None:
    s = QuizSession.from_banks([bank], options=SessionOptions(seed=3, time_limit=30))
    plan = s.plan()
    first, second = s.queue[0], s.queue[1]
    answers: list[dict[str, Any]] = [
        {
            "bank_id": first.bank_id,
            "question_id": first.question.id,
            "answer": RIGHT[first.question.id],
            "elapsed_ms": 1500,
        },
        {
            "bank_id": second.bank_id,
            "question_id": second.question.id,
            "answer": None,
            "timed_out": True,
            "elapsed_ms": 30000,
        },
    ]
    rec = ListRecorder()
    r = QuizSession.resume(plan, answers, {"every-type": bank}, recorder=rec, clock=Clock())
    assert [i.key for i in r.queue] == [i.key for i in s.queue]
    assert r.index == 2 and not r.answered
    assert r.current is not None and r.current.key == s.queue[2].key
    assert r.options.time_limit == 30 and r.options.seed == 3
    assert [x.correct for x in r.records] == [True, False]
    assert r.records[1].timed_out
    assert r.elapsed() == pytest.approx(31.5)
    assert rec.recorded == []  # resuming re-records nothing


def test_resume_with_vanished_questions(bank: Bank) -> None:
    plan = {"mode": "quiz", "queue": [["every-type", "gone"], ["every-type", "tf"]]}
    r = QuizSession.resume(plan, [], {"every-type": bank})
    assert [i.question.id for i in r.queue] == ["tf"]
    with pytest.raises(SessionError, match="none of the session's questions"):
        QuizSession.resume({"queue": [["x", "y"]]}, [], {"every-type": bank})


@pytest.mark.parametrize("qid", list(RIGHT))
def test_placeholder_answer_is_gradable(bank: Bank, qid: str) -> None:
    from quiz.grading import grade

    q = bank.question(qid)
    assert q is not None
    result = grade(q, placeholder_answer(q))
    assert result.correct_answer
