"""Spaced repetition for `quiz`: a thin, documented wrapper around FSRS 6 (`fsrs`).

Every question a learner has answered is one FSRS card per profile. Grading outcomes map
to FSRS ratings like this (`rating_for`):

=========================================  ===========
what happened                              FSRS rating
=========================================  ===========
incorrect                                  Again (1)
partially correct                          Hard (2)
correct, but the hint was revealed first   Hard (2)
correct                                    Good (3)
flashcard: the learner's own 1..4          that rating (a revealed hint caps it at Hard)
=========================================  ===========

"Easy" is only ever given by the learner on a flashcard: an objective grader cannot tell
an easy recall from a good one.

Learning steps (1 min, 10 min) and a relearning step (10 min) bring a missed card back
within the same day; after that FSRS schedules days ahead so that the probability of
recall when the card is due equals the profile's desired retention (default 0.9).

A *lapse* is an Again on a card in the Review state (Anki's definition); FSRS 6 cards do
not count lapses, so the store counts them. A card with `leech_threshold` lapses
(default 8) is a leech: flagged in stats, and suspended too when `leech_action` is
"suspend".

All datetimes are timezone-aware UTC (`to_utc` converts); fsrs rejects anything else.
This module never touches the database or the UI.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from fsrs import Card, Rating, ReviewLog, Scheduler, State

__all__ = [
    "OUTCOMES",
    "Card",
    "LeechState",
    "Rating",
    "ReviewLog",
    "Settings",
    "SettingsError",
    "State",
    "card_from_json",
    "card_to_json",
    "holds_back_new",
    "is_lapse",
    "leech_after",
    "make_scheduler",
    "new_card",
    "rating_for",
    "retrievability",
    "review",
    "to_utc",
]

#: The grading outcomes (values of `quiz.grading.Outcome`, a StrEnum).
OUTCOMES: tuple[str, ...] = ("correct", "partial", "incorrect")

LeechAction = Literal["flag", "suspend"]


class SettingsError(ValueError):
    """A profile setting with a value outside its allowed range."""


@dataclass(frozen=True)
class Settings:
    """Per-profile study settings (stored as JSON in the profile row)."""

    desired_retention: float = 0.9
    new_per_day: int = 20
    reviews_per_day: int = 200
    leech_threshold: int = 8
    leech_action: LeechAction = "flag"
    #: Random "fuzz" spreads reviews of cards learnt together over several days.
    enable_fuzzing: bool = True

    def __post_init__(self) -> None:
        if not 0.7 <= self.desired_retention <= 0.99:
            raise SettingsError(
                f"desired_retention must be between 0.7 and 0.99, got {self.desired_retention}"
            )
        for name in ("new_per_day", "reviews_per_day"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SettingsError(f"{name} must be a whole number >= 0, got {value!r}")
        if (
            not isinstance(self.leech_threshold, int)
            or isinstance(self.leech_threshold, bool)
            or self.leech_threshold < 1
        ):
            raise SettingsError(
                f"leech_threshold must be a whole number >= 1, got {self.leech_threshold!r}"
            )
        if self.leech_action not in ("flag", "suspend"):
            raise SettingsError(
                f"leech_action must be 'flag' or 'suspend', got {self.leech_action!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Settings from stored data; unknown keys (from a newer version) are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def to_utc(moment: datetime) -> datetime:
    """`moment` as an aware datetime in `datetime.UTC` (naive times are taken as local)."""
    return moment.astimezone(UTC)


@lru_cache(maxsize=32)
def _scheduler(desired_retention: float, enable_fuzzing: bool) -> Scheduler:
    return Scheduler(
        desired_retention=desired_retention,
        learning_steps=(timedelta(minutes=1), timedelta(minutes=10)),
        relearning_steps=(timedelta(minutes=10),),
        enable_fuzzing=enable_fuzzing,
    )


def make_scheduler(settings: Settings) -> Scheduler:
    """The (cached) FSRS scheduler for these settings."""
    return _scheduler(settings.desired_retention, settings.enable_fuzzing)


def rating_for(outcome: str, *, hinted: bool = False, self_rating: int | None = None) -> Rating:
    """The FSRS rating for a graded answer (see the table in the module docstring).

    `outcome` is "correct", "partial" or "incorrect" (a `quiz.grading.Outcome` works too).
    `self_rating` (1..4) is a flashcard's own grade and takes precedence over `outcome`.
    """
    if self_rating is not None:
        if isinstance(self_rating, bool) or self_rating not in (1, 2, 3, 4):
            raise ValueError(f"a self rating must be 1, 2, 3 or 4, got {self_rating!r}")
        rating = Rating(self_rating)
        return Rating.Hard if hinted and rating > Rating.Hard else rating
    value = str(outcome)
    if value == "incorrect":
        return Rating.Again
    if value == "partial":
        return Rating.Hard
    if value == "correct":
        return Rating.Hard if hinted else Rating.Good
    raise ValueError(f"unknown outcome {value!r}; expected one of {', '.join(OUTCOMES)}")


def new_card(card_id: int, now: datetime) -> Card:
    """A never-reviewed card, due now. `card_id` must be unique (the store's row id)."""
    # Explicit id: fsrs's default id is a timestamp that sleeps 1 ms per card and can collide.
    return Card(card_id=card_id, due=to_utc(now))


def review(
    card: Card,
    rating: Rating,
    now: datetime,
    settings: Settings,
    duration_ms: int | None = None,
) -> tuple[Card, ReviewLog]:
    """Review `card` with `rating` at `now`; returns the updated copy and its log entry."""
    return make_scheduler(settings).review_card(
        card, rating, review_datetime=to_utc(now), review_duration=duration_ms
    )


def is_lapse(before: Card, rating: Rating) -> bool:
    """True if this review forgets a card that had graduated (Again in the Review state)."""
    return before.state == State.Review and rating == Rating.Again


def retrievability(card: Card, now: datetime, settings: Settings | None = None) -> float:
    """The predicted probability (0..1) of recalling `card` at `now`."""
    return float(make_scheduler(settings or Settings()).get_card_retrievability(card, to_utc(now)))


def card_to_json(card: Card) -> str:
    """The card as compact JSON (fsrs's `to_dict`)."""
    return json.dumps(card.to_dict(), separators=(",", ":"))


def card_from_json(text: str) -> Card:
    """The card stored by `card_to_json`, with UTC-aware datetimes."""
    card = Card.from_dict(json.loads(text))
    card.due = to_utc(card.due)
    if card.last_review is not None:
        card.last_review = to_utc(card.last_review)
    return card


# -- decisions: pure rules the store carries out in its transaction ----------------------


def holds_back_new(*, never_seen: bool, outcome: str, new_today: int, settings: Settings) -> bool:
    """True if a never-seen question should stay new instead of becoming a card today.

    The new-card limit paces *introductions*: a never-seen question answered right after
    `new_per_day` cards were introduced today is scored but stays new, to be introduced on
    another day. A missed (or partly right) question always becomes a card, whatever the
    limit: a miss that never comes back is the one thing a learner must not lose.
    """
    return never_seen and str(outcome) == "correct" and new_today >= settings.new_per_day


@dataclass(frozen=True)
class LeechState:
    """A card's lapse count and leech flags after a review."""

    lapses: int
    leech: bool
    suspended: bool
    became_leech: bool


def leech_after(
    *, lapses: int, leech: bool, suspended: bool, lapsed: bool, settings: Settings
) -> LeechState:
    """Count a lapse; flag (and, with leech_action "suspend", suspend) a new leech."""
    lapses += int(lapsed)
    became = lapsed and lapses >= settings.leech_threshold and not leech
    return LeechState(
        lapses=lapses,
        leech=leech or lapses >= settings.leech_threshold,
        suspended=suspended or (became and settings.leech_action == "suspend"),
        became_leech=became,
    )
