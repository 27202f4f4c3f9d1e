"""Statistics over the learner's store: what Home, Stats and `quiz stats` show, typed.

Every figure is a frozen dataclass; `StatsReport.to_json()` gives the JSON that
`quiz stats --json` prints (its field names are a public interface: keep them).

* **Mastery** of a bank: the share of its current questions whose *last* answer was fully
  right. It means something from the first quiz on (7 of 17 right reads 41 %).
* **Stable**: the share of a bank's questions whose FSRS card is in the Review state with
  stability >= 21 days (FSRS predicts >= 90 % recall three weeks on). It grows over weeks.
* **True retention** (as Anki defines it): of reviews of cards in the Review state, the
  first per card per local day; Again fails, Hard/Good/Easy pass. "Mature" are those whose
  scheduled interval was >= 21 days.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from quiz.scheduler import Rating, State
from quiz.store.common import (
    LOCAL_DAY,
    MATURE_DAYS,
    UNSCORED_MODES,
    QuestionKey,
    from_ms,
    local_date,
    local_midnight_ms,
    now_utc,
    ratio,
)
from quiz.store.records import CatalogInfo

if TYPE_CHECKING:
    from quiz.store.learner import Store

#: One line that says what the mastery figure measures (Home and Help show it).
MASTERY_MEANING = (
    "Mastery: the share of a bank's questions you got right at your last try of each; "
    "Stable: those FSRS expects you to recall three weeks on."
)


def _plain(value: Any) -> Any:
    """Dataclasses and tuples as JSON-ready dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


class _Json:
    """`to_json()` for the frozen dataclasses below."""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data, with the dataclass's field names."""
        data: dict[str, Any] = _plain(self)
        return data


@dataclass(frozen=True)
class BankSummary(_Json):
    """What the bank list shows for one bank."""

    bank_id: str
    title: str
    questions: int
    seen: int
    attempts: int
    accuracy: float | None
    last_score: float | None
    #: Share of the questions right at their last answer.
    mastery: float
    #: How many questions were right at their last answer.
    right_last: int
    #: Share of the questions whose card is in Review with stability >= 21 days.
    stable: float
    due: int
    leeches: int


@dataclass(frozen=True)
class Totals(_Json):
    """Whole-profile counts."""

    attempts: int
    accuracy: float | None
    reviews: int
    cards: int
    due_now: int
    leeches: int


@dataclass(frozen=True)
class TagStats(_Json):
    """Accuracy over the questions of one tag."""

    tag: str
    questions: int
    attempts: int
    accuracy: float | None


@dataclass(frozen=True)
class Streak(_Json):
    """Days in a row with at least one review."""

    current: int
    longest: int
    reviewed_today: int


@dataclass(frozen=True)
class HeatDay(_Json):
    """Reviews done on one local day."""

    date: str
    reviews: int


@dataclass(frozen=True)
class ForecastDay(_Json):
    """Cards due on one local day (overdue ones count today)."""

    date: str
    due: int


@dataclass(frozen=True)
class RetentionPart(_Json):
    """Passed of total first-of-the-day reviews."""

    passed: int
    total: int
    rate: float | None


@dataclass(frozen=True)
class Retention(_Json):
    """True retention over the last `days` days."""

    days: int
    young: RetentionPart
    mature: RetentionPart
    all: RetentionPart


@dataclass(frozen=True)
class WeakQuestion(_Json):
    """A question answered wrongly most often."""

    bank_id: str
    question_id: str
    attempts: int
    accuracy: float
    lapses: int


@dataclass(frozen=True)
class Leech(_Json):
    """A question forgotten again and again."""

    bank_id: str
    question_id: str
    lapses: int
    suspended: bool


@dataclass(frozen=True)
class StatsReport(_Json):
    """Everything `quiz stats` shows; `to_json()` is what `--json` prints."""

    profile: str
    generated_at: str
    totals: Totals
    banks: tuple[BankSummary, ...]
    tags: tuple[TagStats, ...]
    streak: Streak
    heatmap: tuple[HeatDay, ...]
    forecast: tuple[ForecastDay, ...]
    retention: Retention
    weakest: tuple[WeakQuestion, ...]
    leeches: tuple[Leech, ...]


# --------------------------------------------------------------------------- queries


def question_stats(store: Store, pid: int) -> dict[QuestionKey, tuple[int, int, float]]:
    """(attempts, correct, score sum) per question, whole history."""
    return {
        (b, q): (int(n), int(ok), float(total))
        for b, q, n, ok, total in store.conn.execute(
            "SELECT bank_id, question_id, count(*), sum(outcome = 'correct'), sum(score)"
            " FROM attempts WHERE profile_id = ? GROUP BY bank_id, question_id",
            (pid,),
        )
    }


def last_correct(store: Store, pid: int) -> set[QuestionKey]:
    """Questions whose most recent answer was fully right."""
    return {
        (b, q)
        for b, q, outcome in store.conn.execute(
            "SELECT bank_id, question_id, outcome FROM attempts WHERE id IN ("
            " SELECT max(id) FROM attempts WHERE profile_id = ? GROUP BY bank_id, question_id)",
            (pid,),
        )
        if outcome == "correct"
    }


def last_scores(store: Store, pid: int) -> dict[str, float]:
    """Mean score per bank in the last finished quiz (or flashcards) session of that bank.

    Reviews (a few due cards) and retries of what was missed are not a score for the
    bank: a review of two cards got right would otherwise show as 100%.
    """
    best: dict[str, tuple[int, float]] = {}
    for b, sid, avg in store.conn.execute(
        "SELECT a.bank_id, a.session_id, avg(a.score) FROM attempts a"
        " JOIN sessions s ON s.id = a.session_id"
        " WHERE s.profile_id = ? AND s.finished_ms IS NOT NULL AND s.abandoned = 0"
        f" AND s.mode NOT IN ({', '.join('?' * len(UNSCORED_MODES))})"
        " AND coalesce(json_extract(s.scope, '$.retry'), 0) = 0"
        " GROUP BY a.bank_id, a.session_id",
        (pid, *UNSCORED_MODES),
    ):
        if b not in best or sid > best[b][0]:
            best[b] = (sid, float(avg))
    return {b: v[1] for b, v in best.items()}


def bank_summaries(
    store: Store, profile: str, catalog: CatalogInfo, now: datetime | None = None
) -> dict[str, BankSummary]:
    """Per bank in the catalog (and banks with history): the numbers of the bank list."""
    pid = store._read_pid(profile)
    existing = catalog.existing
    qstats = question_stats(store, pid)
    right = last_correct(store, pid)
    last = last_scores(store, pid)
    due = store.due_counts(profile, now, existing)
    questions: Counter[str] = Counter(b for b, _ in existing)
    seen: Counter[str] = Counter()
    stable: Counter[str] = Counter()
    leeches: Counter[str] = Counter()
    for b, q, state, stability, reps, leech in store.conn.execute(
        "SELECT bank_id, question_id, state, stability, reps, leech FROM cards"
        " WHERE profile_id = ?",
        (pid,),
    ):
        if (b, q) not in existing:
            continue
        seen[b] += reps > 0
        stable[b] += state == State.Review and (stability or 0) >= MATURE_DAYS
        leeches[b] += bool(leech)
    right_last: Counter[str] = Counter(b for b, q in right if (b, q) in existing)
    attempts: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for (b, _q), (n, ok, _total) in qstats.items():
        attempts[b] += n
        correct[b] += ok
    banks = sorted(set(questions) | set(attempts))
    return {
        b: BankSummary(
            bank_id=b,
            title=catalog.titles.get(b, b),
            questions=questions[b],
            seen=seen[b],
            attempts=attempts[b],
            accuracy=ratio(correct[b], attempts[b]),
            last_score=last.get(b),
            mastery=right_last[b] / questions[b] if questions[b] else 0.0,
            right_last=right_last[b],
            stable=stable[b] / questions[b] if questions[b] else 0.0,
            due=due.get(b, 0),
            leeches=leeches[b],
        )
        for b in banks
    }


def _streak(store: Store, pid: int, today: date) -> Streak:
    days = sorted(
        date.fromisoformat(d)
        for (d,) in store.conn.execute(
            f"SELECT DISTINCT {LOCAL_DAY} FROM reviews WHERE profile_id = ?", (pid,)
        )
    )
    longest = run = 0
    previous: date | None = None
    for d in days:
        run = run + 1 if previous is not None and d - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = d
    current = 0
    day_set = set(days)
    # Today without a review yet does not break the streak; the day is not over.
    cursor = today if today in day_set else today - timedelta(days=1)
    while cursor in day_set:
        current += 1
        cursor -= timedelta(days=1)
    return Streak(current=current, longest=longest, reviewed_today=int(today in day_set))


def _heatmap(store: Store, pid: int, today: date, days: int) -> tuple[HeatDay, ...]:
    first = today - timedelta(days=days - 1)
    counts = {
        d: int(n)
        for d, n in store.conn.execute(
            f"SELECT {LOCAL_DAY} AS day, count(*) FROM reviews"
            " WHERE profile_id = ? AND reviewed_ms >= ? GROUP BY day",
            (pid, local_midnight_ms(first)),
        )
    }
    out = []
    for i in range(days):
        day = (first + timedelta(days=i)).isoformat()
        out.append(HeatDay(date=day, reviews=counts.get(day, 0)))
    return tuple(out)


def _forecast(
    store: Store, pid: int, moment: datetime, existing: set[QuestionKey], days: int = 30
) -> tuple[ForecastDay, ...]:
    today = local_date(moment)
    end_ms = local_midnight_ms(today + timedelta(days=days))
    per_day: Counter[date] = Counter()
    for b, q, due_ms in store.conn.execute(
        "SELECT bank_id, question_id, due_ms FROM cards INDEXED BY cards_due_cover"
        " WHERE profile_id = ? AND due_ms < ? AND suspended = 0 AND reps > 0",
        (pid, end_ms),
    ):
        if (b, q) in existing:
            # Overdue cards are due today.
            per_day[max(today, local_date(from_ms(due_ms)))] += 1
    return tuple(
        ForecastDay(date=(today + timedelta(days=i)).isoformat(), due=per_day[today + timedelta(i)])
        for i in range(days)
    )


def _retention(store: Store, pid: int, since_ms: int, days: int) -> Retention:
    young = [0, 0]
    mature = [0, 0]
    for rating, interval in store.conn.execute(
        "SELECT rating, interval_days FROM reviews WHERE id IN ("
        f" SELECT min(id) FROM reviews WHERE profile_id = ? AND reviewed_ms >= ?"
        f" AND state_before = 2 GROUP BY card_id, {LOCAL_DAY})",
        (pid, since_ms),
    ):
        bucket = mature if (interval or 0) >= MATURE_DAYS else young
        bucket[0] += rating != Rating.Again
        bucket[1] += 1

    def part(passed: int, total: int) -> RetentionPart:
        return RetentionPart(passed=passed, total=total, rate=ratio(passed, total))

    return Retention(
        days=days,
        young=part(*young),
        mature=part(*mature),
        all=part(young[0] + mature[0], young[1] + mature[1]),
    )


def stats_report(
    store: Store,
    profile: str,
    catalog: CatalogInfo,
    now: datetime | None = None,
    heatmap_days: int = 365,
    retention_days: int = 30,
    top: int = 10,
) -> StatsReport:
    """Everything `quiz stats` shows.

    History of removed questions counts in totals and per-bank attempts; queues, forecast,
    weakest and leeches only list questions the catalog still holds.
    """
    moment = now_utc(now)
    pid = store._read_pid(profile)
    today = local_date(moment)
    existing = catalog.existing
    qstats = question_stats(store, pid)
    summaries = bank_summaries(store, profile, catalog, moment)

    tag_questions: Counter[str] = Counter()
    tag_attempts: Counter[str] = Counter()
    tag_correct: Counter[str] = Counter()
    for key, tags in catalog.tags.items():
        n, ok, _ = qstats.get(key, (0, 0, 0.0))
        for tag in tags:
            tag_questions[tag] += 1
            tag_attempts[tag] += n
            tag_correct[tag] += ok

    lapses: dict[QuestionKey, tuple[int, bool, bool]] = {
        (b, q): (int(n), bool(leech), bool(susp))
        for b, q, n, leech, susp in store.conn.execute(
            "SELECT bank_id, question_id, lapses, leech, suspended FROM cards"
            " WHERE profile_id = ? AND reps > 0",
            (pid,),
        )
    }
    weak = [
        (ok / n, -lapses.get(key, (0, False, False))[0], key, n)
        for key, (n, ok, _) in qstats.items()
        if n >= 2 and key in existing
    ]
    weak.sort()
    total_attempts = sum(n for n, _, _ in qstats.values())
    total_correct = sum(ok for _, ok, _ in qstats.values())
    reviews = int(
        store.conn.execute("SELECT count(*) FROM reviews WHERE profile_id = ?", (pid,)).fetchone()[
            0
        ]
    )
    leeches = sorted((key, v) for key, v in lapses.items() if v[1] and key in existing)
    return StatsReport(
        profile=profile,
        generated_at=moment.isoformat(),
        totals=Totals(
            attempts=total_attempts,
            accuracy=ratio(total_correct, total_attempts),
            reviews=reviews,
            cards=sum(1 for k in lapses if k in existing),
            due_now=sum(s.due for s in summaries.values()),
            leeches=len(leeches),
        ),
        banks=tuple(summaries.values()),
        tags=tuple(
            TagStats(
                tag=tag,
                questions=tag_questions[tag],
                attempts=tag_attempts[tag],
                accuracy=ratio(tag_correct[tag], tag_attempts[tag]),
            )
            for tag in sorted(tag_questions)
        ),
        streak=_streak(store, pid, today),
        heatmap=_heatmap(store, pid, today, heatmap_days),
        forecast=_forecast(store, pid, moment, existing),
        retention=_retention(
            store,
            pid,
            local_midnight_ms(today - timedelta(days=retention_days - 1)),
            retention_days,
        ),
        weakest=tuple(
            WeakQuestion(
                bank_id=key[0], question_id=key[1], attempts=n, accuracy=acc, lapses=-neg_lapses
            )
            for acc, neg_lapses, key, n in weak[:top]
        ),
        leeches=tuple(
            Leech(bank_id=key[0], question_id=key[1], lapses=n, suspended=susp)
            for key, (n, _leech, susp) in leeches
        ),
    )
