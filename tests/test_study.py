"""The study service: every rule of the study loop, without Textual (each runs in ms)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.banks import load_bank
from quiz.models import Bank
from quiz.session import Mode, QuizSession, SessionError, SessionOptions
from quiz.store import Store
from quiz.study import Recorded, StudyService, session_bank_ids
from tests.test_session import BANK_FILE, RIGHT

WRONG: dict[str, Any] = {
    "mc": 1,
    "ms": [2],
    "tf": False,
    "sa": "purple",
    "num": 99.0,
    "cloze": ["nothing"],
    "order": [2, 1, 0],
    "match": [2, 0, 1],
    "card": 1,
}


class Now:
    """A settable wall clock for the service."""

    def __init__(self) -> None:
        self.value = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(BANK_FILE).bank


@pytest.fixture
def other_bank(bank: Bank) -> Bank:
    return replace(bank, id="other", title="Other")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "study.db") as s:
        yield s


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
def service(store: Store, bank: Bank, other_bank: Bank, now: Now) -> StudyService:
    return StudyService(store, "ann", banks={bank.id: bank, other_bank.id: other_bank}, now=now)


def give(service: StudyService, session: QuizSession, *, right: bool) -> Recorded:
    """Answer the current question (a flashcard is rated) right or wrong."""
    item = session.current
    assert item is not None
    qid = item.question.id
    if session.mode is Mode.FLASHCARDS or qid == "card":
        return service.rate(session, 3 if right else 1)
    return service.submit(session, (RIGHT if right else WRONG)[qid])


def answer_all(service: StudyService, session: QuizSession, right: bool) -> list[str]:
    """Answer every question, right or wrong; returns the notices."""
    notices = []
    while not session.finished:
        rec = give(service, session, right=right)
        if rec.notice:
            notices.append(rec.notice)
        session.advance()
    return notices


# -- new-card limit ---------------------------------------------------------------------


def test_every_miss_becomes_a_review_card_whatever_the_new_card_limit(
    service: StudyService, store: Store, now: Now
) -> None:
    store.save_settings("ann", replace(store.settings("ann"), new_per_day=2))
    session = service.start(["every-type"]).session
    answer_all(service, session, right=False)
    # Nine never-seen questions, all missed: nine review cards, though the limit is 2.
    assert service.stats().totals.cards == 9
    now.value += timedelta(minutes=10)  # past the first learning step
    review = service.start_review().session
    assert review.total == 9


def test_right_answers_past_the_limit_stay_new_and_say_so_once(
    service: StudyService, store: Store
) -> None:
    store.save_settings("ann", replace(store.settings("ann"), new_per_day=2))
    session = service.start(["every-type"]).session
    notices = answer_all(service, session, right=True)
    assert service.stats().totals.cards == 2
    held = [n for n in notices if "new-card limit (2)" in n]
    assert len(held) == 1 and "Missed questions still become review cards" in held[0]
    # The held questions are still new: the next quiz asks them, and tomorrow they count.
    assert store.daily_limits("ann", now=service.now()).new_left == 0


def test_a_leech_is_announced(service: StudyService, store: Store, now: Now) -> None:
    store.save_settings("ann", replace(store.settings("ann"), leech_threshold=1))
    key = ("every-type", "mc")
    # Learn the card to the Review state, then miss it: one lapse makes it a leech.
    for _ in range(4):
        store.record_attempt(None, "ann", *key, answer=0, outcome="correct", score=1, now=now())
        card = store.card("ann", *key)
        assert card is not None
        now.value = card.card.due + timedelta(minutes=1)
    session = service.start(["every-type"], options=SessionOptions(tag=None, seed=1)).session
    while session.current is not None and session.current.key != key:
        give(service, session, right=True)
        session.advance()
    rec = service.submit(session, WRONG["mc"])
    assert rec.notice is not None and "leech" in rec.notice


# -- suspend and bury -------------------------------------------------------------------


@pytest.mark.parametrize("mode", [Mode.QUIZ, Mode.FLASHCARDS])
def test_suspended_and_buried_questions_are_skipped_and_counted(
    service: StudyService, mode: Mode
) -> None:
    service.suspend(("every-type", "mc"))
    service.bury(("every-type", "tf"))
    started = service.start(["every-type"], mode=mode)
    asked = {i.question.id for i in started.session.queue}
    assert "mc" not in asked and "tf" not in asked and len(asked) == 7
    assert (started.suspended, started.buried) == (1, 1)
    assert started.notice is not None and "1 suspended and 1 buried" in started.notice


def test_buried_questions_come_back_the_next_day(service: StudyService, now: Now) -> None:
    service.bury(("every-type", "tf"))
    now.value += timedelta(days=1)
    asked = {i.question.id for i in service.start(["every-type"]).session.queue}
    assert "tf" in asked


def test_a_suspended_missed_card_is_left_out_of_review_and_retry(
    service: StudyService, now: Now
) -> None:
    session = service.start(["every-type"]).session
    answer_all(service, session, right=False)
    service.suspend(("every-type", "sa"))
    retry = service.retry_missed(session)
    assert "sa" not in {i.question.id for i in retry.session.queue}
    assert retry.suspended == 1
    now.value += timedelta(hours=1)
    review = service.start_review().session
    assert "sa" not in {i.question.id for i in review.queue} and review.total == 8


def test_unsuspend_and_unbury_bring_questions_back(service: StudyService) -> None:
    service.suspend(("every-type", "mc"))
    service.bury(("every-type", "tf"))
    listed = {(c.question_id, c.suspended, c.buried_until is not None) for c in service.set_aside()}
    assert listed == {("mc", True, False), ("tf", False, True)}
    assert service.unsuspend(("every-type", "mc"))
    assert service.unbury(("every-type", "tf"))
    assert not service.unsuspend(("every-type", "mc"))  # no longer suspended
    assert service.set_aside() == []
    assert len(service.start(["every-type"]).session.queue) == 9


def test_everything_suspended_is_a_clear_error(service: StudyService, bank: Bank) -> None:
    for q in bank.questions:
        service.suspend((bank.id, q.id))
    with pytest.raises(SessionError, match="suspended or buried"):
        service.start(["every-type"])


def test_suspending_the_current_question_takes_it_out_of_the_run(
    service: StudyService,
) -> None:
    session = service.start(["every-type"]).session
    first = session.current
    assert first is not None
    notice = service.set_aside_current(session, "suspend")
    assert notice.startswith("Suspended: ") and first.question.id not in notice.split(": ")[0]
    assert first not in session.queue and session.total == 8


def test_class_answers_do_not_schedule_suspended_questions(service: StudyService) -> None:
    service.suspend(("every-type", "mc"))
    assert (
        service.record_class_answer("every-type", "mc", answer=1, outcome="incorrect", score=0.0)
        is None
    )
    stored = service.record_class_answer(
        "every-type", "tf", answer=False, outcome="incorrect", score=0.0
    )
    assert stored is not None and stored.rating is not None


# -- unfinished sessions ----------------------------------------------------------------


def test_unfinished_sessions_are_kept_until_discarded(service: StudyService) -> None:
    a = service.start(["every-type"]).session
    give(service, a, right=True)
    b = service.start(["other"]).session
    give(service, b, right=True)
    # Starting b did not close a: both are there, newest first.
    assert [s.id for s in service.unfinished()] == [b.session_id, a.session_id]
    # `quiz study every-type` finds only that bank's own session.
    mine = service.unfinished_for(["every-type"], Mode.QUIZ)
    assert mine is not None and mine.id == a.session_id
    assert session_bank_ids(mine) == ["every-type"]
    assert service.unfinished_for(["every-type"], Mode.FLASHCARDS) is None
    assert a.session_id is not None
    service.discard(a.session_id)
    assert [s.id for s in service.unfinished()] == [b.session_id]


def test_resume_continues_where_it_stopped(service: StudyService) -> None:
    a = service.start(["every-type"], options=SessionOptions(seed=3)).session
    for _ in range(2):
        give(service, a, right=True)
        a.advance()
    state = service.unfinished()[0]
    resumed = service.resume(state)
    assert resumed.index == 2 and resumed.correct_count == 2
    assert [i.key for i in resumed.queue] == [i.key for i in a.queue]


def test_sessions_with_no_answer_are_closed_at_start_only(service: StudyService) -> None:
    service.start(["every-type"])
    assert service.unfinished() == []  # nothing answered: not offered
    assert service.close_unanswered() == 1
    assert service.close_unanswered() == 0


# -- profiles ---------------------------------------------------------------------------


def test_reads_never_create_a_profile(store: Store, bank: Bank) -> None:
    service = StudyService(store, "nobody", banks={bank.id: bank})
    service.stats()
    service.bank_summaries()
    service.set_aside()
    service.unfinished()
    store.settings("nobody")
    store.due_cards("nobody")
    store.daily_limits("nobody")
    assert store.profiles() == []


def test_the_profile_used_last_is_remembered(store: Store, bank: Bank) -> None:
    assert store.last_profile() is None
    service = StudyService(store, "ann", banks={bank.id: bank})
    service.start(["every-type"])
    assert store.last_profile() == "ann"
    service.switch_profile("bob")
    assert store.last_profile() == "bob" and "bob" in store.profiles()


# -- numbers ----------------------------------------------------------------------------


def test_mastery_means_something_on_day_one(service: StudyService, bank: Bank) -> None:
    session = service.start(["every-type"], options=SessionOptions(seed=2)).session
    for n in range(session.total):
        give(service, session, right=n < 4)
        session.advance()
    summary = service.bank_summaries()["every-type"]
    assert summary.right_last == 4 and summary.mastery == pytest.approx(4 / 9)
    assert summary.stable == 0.0  # FSRS stability grows over weeks, shown apart


def test_stats_json_keeps_its_field_names(service: StudyService) -> None:
    data = service.stats().to_json()
    assert set(data) == {
        "profile",
        "generated_at",
        "totals",
        "banks",
        "tags",
        "streak",
        "heatmap",
        "forecast",
        "retention",
        "weakest",
        "leeches",
    }
    assert set(data["totals"]) == {"attempts", "accuracy", "reviews", "cards", "due_now", "leeches"}
    assert {"bank_id", "title", "mastery", "last_score", "due"} <= set(data["banks"][0])


# -- appeal ("I was right") -------------------------------------------------------------


def test_appeal_counts_a_typed_answer_as_right_and_reschedules(
    service: StudyService, store: Store
) -> None:
    session = service.start(["every-type"], options=SessionOptions(seed=1)).session
    while session.current is not None and session.current.question.id != "sa":
        give(service, session, right=True)
        session.advance()
    wrong = service.submit(session, "light green")
    assert not wrong.record.correct
    assert wrong.stored is not None and wrong.stored.rating is not None
    assert int(wrong.stored.rating) == 1  # Again
    before = session.score
    appealed = service.appeal(session)
    assert appealed.record.correct and appealed.record.overridden
    assert session.score == before + 1
    assert appealed.record.result.note is not None and "graded wrong" in appealed.record.result.note
    assert appealed.stored is not None and appealed.stored.rating is not None
    assert int(appealed.stored.rating) == 3  # Good
    assert session.session_id is not None
    attempt = store.last_attempt(session.session_id)
    assert attempt is not None
    assert (attempt.answer, attempt.outcome, attempt.overridden, attempt.graded_outcome) == (
        "light green",
        "correct",
        True,
        "incorrect",
    )
    # Appealing twice is refused.
    with pytest.raises(SessionError):
        service.appeal(session)
    # Undo takes the answer back entirely; the card is as before the answer.
    service.undo(session)
    assert store.card("ann", "every-type", "sa") is None
    still = store.last_attempt(session.session_id)
    assert still is None or still.question_id != "sa"


def test_only_typed_answers_can_be_appealed(service: StudyService) -> None:
    session = service.start(["every-type"], options=SessionOptions(seed=1)).session
    while session.current is not None and session.current.question.id != "mc":
        give(service, session, right=True)
        session.advance()
    service.submit(session, WRONG["mc"])
    assert not session.can_appeal()
    with pytest.raises(SessionError, match="typed answer"):
        service.appeal(session)


def test_a_resumed_session_keeps_an_appeal(service: StudyService) -> None:
    session = service.start(["every-type"], options=SessionOptions(seed=1)).session
    while session.current is not None and session.current.question.id != "sa":
        give(service, session, right=True)
        session.advance()
    service.submit(session, "light green")
    service.appeal(session)
    resumed = service.resume(service.unfinished()[0])
    last = resumed.records[-1]
    assert last.item.question.id == "sa" and last.correct and last.overridden
    assert resumed.score == session.score


# -- what the feedback says (issue 17) --------------------------------------------------


def test_a_rated_card_says_its_rating_and_when_it_comes_back(service: StudyService) -> None:
    session = service.start(["every-type"], mode=Mode.FLASHCARDS).session
    again = service.rate(session, 1)
    # FSRS's first learning step for a new card rated Again is one minute.
    assert again.headline == "Again: back in 1 minute"
    session.advance()
    good = service.rate(session, 3)
    assert good.headline is not None and good.headline.startswith("Good: back in ")


def test_a_hinted_right_answer_says_it_was_scheduled_as_hard(service: StudyService) -> None:
    session = service.start(["every-type"]).session
    said: list[str | None] = []
    while not session.finished:
        item = session.current
        assert item is not None
        if item.question.id != "card":  # a rated card says its rating instead
            # The first answered question with the hint shown, the next without.
            recorded = service.submit(session, RIGHT[item.question.id], hinted=not said)
            said.append(recorded.headline)
        else:
            service.rate(session, 3)
        session.advance()
    assert said[0] is not None
    assert said[0].startswith("Right, with a hint: scheduled as Hard, back in "), said[0]
    assert said[1] is None  # "✓ Correct" says it all


def test_notices_name_a_cloze_by_its_text_not_its_instruction(service: StudyService) -> None:
    from quiz.study import prompt_text, short_prompt

    session = service.start(["every-type"]).session
    cloze = next(i for i in session.queue if i.question.id == "cloze")
    assert prompt_text(cloze.question) == "The sky is ___."
    assert short_prompt(cloze) == "The sky is ___."
