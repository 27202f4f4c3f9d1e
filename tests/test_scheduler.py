"""The FSRS wrapper: rating mapping, same-day return of missed cards, settings checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from quiz.scheduler import (
    Rating,
    Settings,
    SettingsError,
    State,
    card_from_json,
    card_to_json,
    is_lapse,
    new_card,
    rating_for,
    retrievability,
    review,
)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
FIXED = Settings(enable_fuzzing=False)


@pytest.mark.parametrize(
    ("outcome", "hinted", "expected"),
    [
        ("incorrect", False, Rating.Again),
        ("incorrect", True, Rating.Again),
        ("partial", False, Rating.Hard),
        ("partial", True, Rating.Hard),
        ("correct", True, Rating.Hard),
        ("correct", False, Rating.Good),
    ],
)
def test_outcome_maps_to_rating(outcome: str, hinted: bool, expected: Rating) -> None:
    assert rating_for(outcome, hinted=hinted) == expected


@pytest.mark.parametrize("self_rating", [1, 2, 3, 4])
def test_flashcard_self_rating_is_used_as_is(self_rating: int) -> None:
    # The outcome is what grading derived from the self rating; the rating itself wins.
    assert rating_for("correct", self_rating=self_rating) == Rating(self_rating)


def test_hint_caps_a_flashcard_self_rating_at_hard() -> None:
    assert rating_for("correct", hinted=True, self_rating=4) == Rating.Hard
    assert rating_for("incorrect", hinted=True, self_rating=1) == Rating.Again


def test_unknown_outcome_and_bad_self_rating_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown outcome 'right'"):
        rating_for("right")
    with pytest.raises(ValueError, match="self rating"):
        rating_for("correct", self_rating=5)


def test_missed_new_card_comes_back_the_same_day() -> None:
    card, _ = review(new_card(1, NOW), Rating.Again, NOW, FIXED)
    assert card.state == State.Learning
    assert NOW < card.due <= NOW + timedelta(minutes=10)


def test_lapsed_review_card_relearns_within_the_day() -> None:
    card = new_card(7, NOW)
    card, _ = review(card, Rating.Good, NOW, FIXED)
    card, _ = review(card, Rating.Good, NOW + timedelta(minutes=10), FIXED)
    assert card.state == State.Review
    later = card.due + timedelta(hours=1)
    assert is_lapse(card, Rating.Again)
    again, log = review(card, Rating.Again, later, FIXED, duration_ms=4000)
    assert again.state == State.Relearning
    assert later < again.due <= later + timedelta(minutes=10)
    assert log.rating == Rating.Again and log.review_duration == 4000
    assert not is_lapse(again, Rating.Again)  # relearning misses are not new lapses


def test_good_answers_push_the_due_date_out() -> None:
    card = new_card(3, NOW)
    when = NOW
    intervals = []
    for _ in range(5):
        card, _ = review(card, Rating.Good, when, FIXED)
        intervals.append(card.due - when)
        when = card.due
    assert intervals[-1] > timedelta(days=7)
    assert intervals == sorted(intervals)


def test_higher_retention_means_shorter_intervals() -> None:
    def interval(retention: float) -> timedelta:
        settings = Settings(desired_retention=retention, enable_fuzzing=False)
        card, _ = review(new_card(1, NOW), Rating.Good, NOW, settings)
        card, _ = review(card, Rating.Good, card.due, settings)
        start = card.due
        card, _ = review(card, Rating.Good, start, settings)
        return card.due - start

    assert interval(0.95) < interval(0.9) < interval(0.8)


def test_card_json_round_trip_keeps_utc() -> None:
    card, _ = review(new_card(42, NOW), Rating.Good, NOW, FIXED)
    back = card_from_json(card_to_json(card))
    assert back == card
    assert back.due.tzinfo is UTC


def test_other_timezones_are_converted_to_utc() -> None:
    paris = NOW.astimezone(timezone(timedelta(hours=1)))
    card, log = review(new_card(5, paris), Rating.Again, paris, FIXED)
    assert log.review_datetime == NOW
    assert card.due.tzinfo is UTC


def test_retrievability_falls_with_time() -> None:
    card, _ = review(new_card(1, NOW), Rating.Good, NOW, FIXED)
    assert retrievability(card, NOW + timedelta(days=1)) > retrievability(
        card, NOW + timedelta(days=30)
    )
    assert retrievability(new_card(2, NOW), NOW) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", 1.5, "desired_retention"),
        ("new_per_day", -1, "new_per_day"),
        ("leech_threshold", 0, "leech_threshold"),
        ("leech_action", "delete", "leech_action"),
    ],
)
def test_bad_settings_are_rejected(field: str, value: object, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_dict({field: value})


def test_settings_round_trip_and_ignore_unknown_keys() -> None:
    settings = Settings(desired_retention=0.85, leech_action="suspend")
    data = settings.to_dict() | {"from_the_future": 1}
    assert Settings.from_dict(data) == settings
