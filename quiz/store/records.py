"""The store's values: what its queries return (frozen dataclasses, no SQL here)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from itertools import chain
from typing import Any

from quiz.models import BankView
from quiz.scheduler import Card, Rating, State
from quiz.store.common import QuestionKey


@dataclass(frozen=True)
class AttemptRecord:
    """One stored answer."""

    id: int
    session_id: int | None
    bank_id: str
    question_id: str
    answer: Any
    outcome: str
    score: float
    time_ms: int | None
    hinted: bool
    answered: datetime
    #: The learner appealed ("I was right"): it counts as right; `graded_outcome` is the
    #: grade the grader gave.
    overridden: bool = False
    graded_outcome: str | None = None


@dataclass(frozen=True)
class AttemptResult:
    """What `record_attempt` stored and what it did to the card."""

    attempt_id: int
    rating: Rating | None
    state: State | None
    due: datetime | None
    lapses: int
    lapsed: bool
    became_leech: bool
    suspended: bool
    #: A never-seen question answered right after today's new-card limit was reached:
    #: the attempt is stored, but no card is made; the question stays new, to be
    #: introduced another day. (A missed question always becomes a card.)
    new_held: bool = False


@dataclass(frozen=True)
class SessionState:
    """A study session as stored; `remaining` is the queue minus what was answered."""

    id: int
    profile: str
    mode: str
    scope: dict[str, Any]
    queue: list[QuestionKey]
    options: dict[str, Any]
    started: datetime
    finished: datetime | None
    abandoned: bool
    answered: list[AttemptRecord]

    @property
    def remaining(self) -> list[QuestionKey]:
        """Queue entries not yet answered (a repeated entry needs as many answers)."""
        done = Counter((a.bank_id, a.question_id) for a in self.answered)
        left: list[QuestionKey] = []
        for key in self.queue:
            if done[key] > 0:
                done[key] -= 1
            else:
                left.append(key)
        return left


@dataclass(frozen=True)
class DueCard:
    """An entry of the due queue."""

    bank_id: str
    question_id: str
    state: State
    due: datetime
    lapses: int
    leech: bool

    @property
    def key(self) -> QuestionKey:
        """(bank_id, question_id)."""
        return (self.bank_id, self.question_id)


@dataclass(frozen=True)
class CardInfo:
    """The stored scheduling state of one question for one profile."""

    bank_id: str
    question_id: str
    card: Card
    reps: int
    lapses: int
    leech: bool
    suspended: bool
    buried_until: datetime | None


@dataclass(frozen=True)
class DailyLimits:
    """Today's progress against the profile's daily limits."""

    new_done: int
    reviews_done: int
    new_left: int
    reviews_left: int


@dataclass(frozen=True)
class CatalogInfo:
    """What stats need from the banks: tags per existing question, titles per bank."""

    tags: Mapping[QuestionKey, tuple[str, ...]]
    titles: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def existing(self) -> set[QuestionKey]:
        """Every (bank_id, question_id) the banks hold now (do not modify)."""
        return set(self.tags)

    @cached_property
    def questions_by_bank(self) -> dict[str, frozenset[str]]:
        """Each bank's question ids (do not modify)."""
        return {b: frozenset(qs) for b, qs in self._ordered_ids().items()}

    @cached_property
    def ids_digests(self) -> dict[str, str]:
        """Per bank, a digest of its question ids in catalog order: the store keeps what it
        found about a bank's ids under it, for the next process (do not modify)."""
        return {b: _digest(qs) for b, qs in self._ordered_ids().items()}

    @cached_property
    def tags_digests(self) -> dict[str, str]:
        """Per bank, a digest of its questions' ids and tags in catalog order (for the
        store's cache of attempts per tag; do not modify)."""
        from array import array

        # Each bank's distinct tag lists once, and per question the index of its list:
        # encoding every question's tags took ~120 ms for 100,000 questions, this ~35.
        parts: dict[str, tuple[list[str], dict[tuple[str, ...], int], array[int]]] = {}
        for (b, q), tags in self.tags.items():
            part = parts.get(b)
            if part is None:
                part = parts[b] = ([], {}, array("I"))
            ids, distinct, picks = part
            ids.append(q)
            i = distinct.get(tags)
            if i is None:
                i = distinct[tags] = len(distinct)
            picks.append(i)
        return {
            b: _digest_parts(
                "\x1f".join(ids).encode(),
                # JSON: tags are free text (any character): no separator could be trusted.
                json.dumps(list(distinct)).encode(),
                picks.tobytes(),
            )
            for b, (ids, distinct, picks) in parts.items()
        }

    def _ordered_ids(self) -> dict[str, list[str]]:
        per_bank: dict[str, list[str]] = {}
        for b, q in self.tags:
            ids = per_bank.get(b)
            if ids is None:
                ids = per_bank[b] = []
            ids.append(q)
        return per_bank

    @cached_property
    def tag_counts(self) -> Counter[str]:
        """How many questions carry each tag (bank tags included; do not modify)."""
        return Counter(tag for tags in self.tags.values() for tag in tags)

    @cached_property
    def bank_tag_counts(self) -> dict[str, Counter[str]]:
        """Per bank, how many of its questions carry each tag (do not modify)."""
        per_bank: dict[str, list[tuple[str, ...]]] = {}
        for (b, _q), tags in self.tags.items():
            per_bank.setdefault(b, []).append(tags)
        return {b: Counter(chain.from_iterable(t)) for b, t in per_bank.items()}

    def warm(self) -> CatalogInfo:
        """Compute every derived figure now (in a worker thread, not on the UI's)."""
        for name in (
            "existing",
            "questions_by_bank",
            "ids_digests",
            "tag_counts",
            "bank_tag_counts",
        ):
            getattr(self, name)
        return self

    @classmethod
    def from_banks(cls, banks: Iterable[BankView]) -> CatalogInfo:
        """Tags (bank tags + question tags, deduplicated) and titles from loaded banks
        (from ids and tags only: a big bank's questions are not built)."""
        tags: dict[QuestionKey, tuple[str, ...]] = {}
        titles: dict[str, str] = {}
        ordered: dict[str, list[str]] = {}
        for bank in banks:
            titles[bank.id] = bank.title
            bank_id, bank_tags = bank.id, bank.tags
            ids = ordered.setdefault(bank_id, [])
            for qid, qtags in bank.question_tags():
                ids.append(qid)
                if not bank_tags:
                    tags[(bank_id, qid)] = tuple(dict.fromkeys(qtags)) if qtags else ()
                else:
                    tags[(bank_id, qid)] = tuple(dict.fromkeys([*bank_tags, *qtags]))
        info = cls(tags=tags, titles=titles)
        by_bank = {b: frozenset(qs) for b, qs in ordered.items() if qs}
        if all(len(by_bank[b]) == len(qs) for b, qs in ordered.items() if qs):
            # Both from this one pass (a bank listed twice or an id repeated leaves them to
            # be derived from `tags`, which keeps the first).
            info.__dict__["questions_by_bank"] = by_bank
            info.__dict__["ids_digests"] = {b: _digest(qs) for b, qs in ordered.items() if qs}
        return info


def _digest(ids: list[str]) -> str:
    """A digest of question ids in order (ids are slugs: never the separator)."""
    return _digest_parts("\x1f".join(ids).encode())


def _digest_parts(*parts: bytes) -> str:
    import hashlib  # not at import time: the app's start does not need it

    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(b"%d:" % len(part))  # each part's length first: no two splits alike
        h.update(part)
    return h.hexdigest()


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class SetAsideCard:
    """A card kept out of the queues (suspended, buried) or flagged as a leech."""

    bank_id: str
    question_id: str
    suspended: bool
    buried_until: datetime | None
    leech: bool
    lapses: int

    @property
    def key(self) -> QuestionKey:
        """(bank_id, question_id)."""
        return (self.bank_id, self.question_id)
