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
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quiz.scheduler import State
from quiz.store.common import (
    ID_SEP,
    MATURE_DAYS,
    QuestionKey,
    from_ms,
    local_date,
    local_midnight_ms,
    ms,
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
#
# Home and Stats read the aggregates the schema's triggers keep (v4: `question_stats`,
# `bank_stats`, `day_stats`, `bank_last`), a row per bank or per day. What the catalog no
# longer holds (a question removed from its bank file) must not count in mastery, seen,
# stable, due or leeches: such "extra" questions are found once per bank and kept until
# the bank's `ids_version` (bumped by the triggers whenever a question becomes known to
# the store or is forgotten) or the catalog changes; their own rows are then subtracted.


@dataclass(frozen=True)
class _BankRow:
    attempts: int
    correct: int
    right_last: int
    seen: int
    stable: int
    leeches: int
    version: int


@dataclass(frozen=True)
class _Extra:
    """What one stored question the catalog no longer holds adds to its bank's row."""

    right_last: int
    seen: int
    stable: int
    leeches: int
    due: int


#: Per store file, profile and bank: (ids_version, the catalog's ids, the extra ids).
#: Shared by every connection of this process to that file (Home's reader, commands).
_EXTRAS: dict[tuple[str, int, str], tuple[int, frozenset[str], frozenset[str]]] = {}


def _stored_ids(store: Store, pid: int, bank_ids: set[str]) -> dict[str, set[str]]:
    """The question ids the store knows (answered or with a card) per bank.

    One string per bank and table, joined in SQLite: far cheaper than a row per question.
    """
    out: dict[str, set[str]] = {}
    # Bank by bank (an index each): one edited bank file reads only that bank's ids.
    for b in bank_ids:
        for table in ("question_stats", "cards"):
            (joined,) = store.conn.execute(
                f"SELECT group_concat(question_id, char(31)) FROM {table}"
                " WHERE profile_id = ? AND bank_id = ?",
                (pid, b),
            ).fetchone()
            if joined:
                out.setdefault(b, set()).update(joined.split(ID_SEP))
    return out


def _extras(
    store: Store, pid: int, rows: dict[str, _BankRow], catalog: CatalogInfo
) -> dict[str, frozenset[str]]:
    """Per catalog bank with history: its questions the store knows and the catalog does
    not. Kept in this process, and in the store's `bank_extras` for the next one, until
    the bank's ids_version or the catalog's ids change: finding them reads every id."""
    per_bank = catalog.questions_by_bank
    key = str(store.path)
    out: dict[str, frozenset[str]] = {}
    stale: set[str] = set()
    for b, known in per_bank.items():
        row = rows.get(b)
        if row is None:
            continue
        hit = _EXTRAS.get((key, pid, b))
        if hit is not None and hit[0] == row.version and hit[1] is known:
            out[b] = hit[2]
        else:
            stale.add(b)
    if not stale:
        return out
    digests = catalog.ids_digests
    for b, (version, digest, joined) in store.cached_rows("bank_extras", pid).items():
        if b in stale and version == rows[b].version and digest == digests[b]:
            extras = frozenset(joined.split(ID_SEP) if joined else ())
            _EXTRAS[(key, pid, b)] = (version, per_bank[b], extras)
            out[b] = extras
    missing = stale - set(out)
    if missing:
        found: list[tuple[str, int, str, str]] = []
        stored = _stored_ids(store, pid, missing)
        for b in missing:
            extras = frozenset(stored.get(b, set()) - per_bank[b])
            _EXTRAS[(key, pid, b)] = (rows[b].version, per_bank[b], extras)
            out[b] = extras
            found.append((b, rows[b].version, digests[b], ID_SEP.join(sorted(extras))))
        store.keep_cached("bank_extras", pid, found)
    return out


def _extra(
    store: Store, pid: int, bank_id: str, question_ids: Iterable[str], now_ms: int
) -> _Extra:
    """What the given stored questions of a bank add to its row, summed (one query per
    table, however many questions were removed from the bank's file)."""
    ids = json.dumps(sorted(question_ids))
    (right_last,) = store.conn.execute(
        "SELECT coalesce(sum(last_correct), 0) FROM question_stats"
        " WHERE profile_id = ? AND bank_id = ? AND question_id IN (SELECT value FROM json_each(?))",
        (pid, bank_id, ids),
    ).fetchone()
    seen, stable, leeches, due = store.conn.execute(
        "SELECT coalesce(sum(reps > 0), 0),"
        " coalesce(sum(state = ? AND coalesce(stability, 0) >= ?), 0),"
        " coalesce(sum(leech != 0), 0),"
        " coalesce(sum(reps > 0 AND suspended = 0 AND due_ms <= ?"
        " AND (buried_until_ms IS NULL OR buried_until_ms <= ?)), 0) FROM cards"
        " WHERE profile_id = ? AND bank_id = ? AND question_id IN (SELECT value FROM json_each(?))",
        (int(State.Review), MATURE_DAYS, now_ms, now_ms, pid, bank_id, ids),
    ).fetchone()
    return _Extra(int(right_last), int(seen), int(stable), int(leeches), int(due))


def _bank_rows(store: Store, pid: int) -> dict[str, _BankRow]:
    return {
        b: _BankRow(*(int(v) for v in rest))
        for b, *rest in store.conn.execute(
            "SELECT bank_id, attempts, correct, right_last, seen, stable, leeches, ids_version"
            " FROM bank_stats WHERE profile_id = ?",
            (pid,),
        )
    }


def last_scores(store: Store, pid: int) -> dict[str, float]:
    """Mean score per bank in the last finished quiz (or flashcards) session of that bank.

    Reviews (a few due cards) and retries of what was missed are not a score for the
    bank: a review of two cards got right would otherwise show as 100%. Kept in
    `bank_last` by a trigger when a session finishes.
    """
    return {
        b: float(score)
        for b, score in store.conn.execute(
            "SELECT bank_id, score FROM bank_last WHERE profile_id = ?", (pid,)
        )
    }


def _due_per_bank(store: Store, pid: int, now_ms: int) -> dict[str, int]:
    return {
        b: int(n)
        for b, n in store.conn.execute(
            "SELECT bank_id, count(*) FROM cards INDEXED BY cards_due_cover"
            " WHERE profile_id = ? AND due_ms <= ? AND suspended = 0 AND reps > 0"
            " AND (buried_until_ms IS NULL OR buried_until_ms <= ?) GROUP BY bank_id",
            (pid, now_ms, now_ms),
        )
    }


def bank_summaries(
    store: Store, profile: str, catalog: CatalogInfo, now: datetime | None = None
) -> dict[str, BankSummary]:
    """Per bank in the catalog (and banks with history): the numbers of the bank list."""
    pid = store._read_pid(profile)
    now_ms = ms(now_utc(now))
    per_bank = catalog.questions_by_bank
    rows = _bank_rows(store, pid)
    last = last_scores(store, pid)
    due = _due_per_bank(store, pid, now_ms)
    extras = _extras(store, pid, rows, catalog)
    out: dict[str, BankSummary] = {}
    empty = _BankRow(0, 0, 0, 0, 0, 0, 0)
    for b in sorted(set(per_bank) | {b for b, r in rows.items() if r.attempts}):
        row = rows.get(b, empty)
        known = per_bank.get(b)
        n = len(known) if known is not None else 0
        if known is None:
            # A bank no longer in the catalog: its history counts, nothing else does.
            right_last = seen = stable = leeches = bank_due = 0
        else:
            right_last, seen, stable = row.right_last, row.seen, row.stable
            leeches, bank_due = row.leeches, due.get(b, 0)
            if b in rows and extras.get(b):
                x = _extra(store, pid, b, extras[b], now_ms)
                right_last -= x.right_last
                seen -= x.seen
                stable -= x.stable
                leeches -= x.leeches
                bank_due -= x.due
        out[b] = BankSummary(
            bank_id=b,
            title=catalog.titles.get(b, b),
            questions=n,
            seen=seen,
            attempts=row.attempts,
            accuracy=ratio(row.correct, row.attempts),
            last_score=last.get(b),
            mastery=right_last / n if n else 0.0,
            right_last=right_last,
            stable=stable / n if n else 0.0,
            due=bank_due,
            leeches=leeches,
        )
    return out


def _review_days(store: Store, pid: int, since: date | None = None) -> dict[date, int]:
    return {
        date.fromisoformat(d): int(n)
        for d, n in store.conn.execute(
            "SELECT day, reviews FROM day_stats WHERE profile_id = ? AND day >= ? AND reviews > 0",
            (pid, "" if since is None else since.isoformat()),
        )
    }


def _streak(days: Iterable[date], today: date) -> Streak:
    ordered = sorted(days)
    longest = run = 0
    previous: date | None = None
    for d in ordered:
        run = run + 1 if previous is not None and d - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = d
    current = 0
    day_set = set(ordered)
    # Today without a review yet does not break the streak; the day is not over.
    cursor = today if today in day_set else today - timedelta(days=1)
    while cursor in day_set:
        current += 1
        cursor -= timedelta(days=1)
    return Streak(current=current, longest=longest, reviewed_today=int(today in day_set))


def _heatmap(per_day: dict[date, int], today: date, days: int) -> tuple[HeatDay, ...]:
    first = today - timedelta(days=days - 1)
    return tuple(
        HeatDay(date=day.isoformat(), reviews=per_day.get(day, 0))
        for day in (first + timedelta(days=i) for i in range(days))
    )


def _forecast(
    store: Store, pid: int, moment: datetime, catalog: CatalogInfo, days: int = 30
) -> tuple[ForecastDay, ...]:
    today = local_date(moment)
    end_ms = local_midnight_ms(today + timedelta(days=days))
    per_bank = catalog.questions_by_bank
    per_day: Counter[date] = Counter()
    for b, day, n in store.conn.execute(
        "SELECT bank_id, date(due_ms / 1000, 'unixepoch', 'localtime') AS day, count(*)"
        " FROM cards INDEXED BY cards_due_cover"
        " WHERE profile_id = ? AND due_ms < ? AND suspended = 0 AND reps > 0"
        " GROUP BY bank_id, day",
        (pid, end_ms),
    ):
        if b in per_bank:
            # Overdue cards are due today.
            per_day[max(today, date.fromisoformat(day))] += int(n)
    for b, extra in _extras(store, pid, _bank_rows(store, pid), catalog).items():
        if not extra:
            continue
        for (due_ms,) in store.conn.execute(
            "SELECT due_ms FROM cards WHERE profile_id = ? AND bank_id = ? AND question_id IN"
            " (SELECT value FROM json_each(?)) AND suspended = 0 AND reps > 0 AND due_ms < ?",
            (pid, b, json.dumps(sorted(extra)), end_ms),
        ):
            per_day[max(today, local_date(from_ms(due_ms)))] -= 1
    return tuple(
        ForecastDay(date=(today + timedelta(days=i)).isoformat(), due=per_day[today + timedelta(i)])
        for i in range(days)
    )


def forget_cached(path: Path) -> None:
    """Drop what this process cached about the store at `path` (its history was replaced:
    the aggregates' counters may repeat values that meant something else)."""
    key = str(path)
    for cache in (_EXTRAS, _TAGS):
        for k in [k for k in cache if k[0] == key]:
            del cache[k]


def _retention(store: Store, pid: int, since: date, days: int) -> Retention:
    young_passed, young_total, mature_passed, mature_total = (
        int(v)
        for v in store.conn.execute(
            "SELECT coalesce(sum(young_passed), 0), coalesce(sum(young_total), 0),"
            " coalesce(sum(mature_passed), 0), coalesce(sum(mature_total), 0)"
            " FROM day_stats WHERE profile_id = ? AND day >= ?",
            (pid, since.isoformat()),
        ).fetchone()
    )

    def part(passed: int, total: int) -> RetentionPart:
        return RetentionPart(passed=passed, total=total, rate=ratio(passed, total))

    return Retention(
        days=days,
        young=part(young_passed, young_total),
        mature=part(mature_passed, mature_total),
        all=part(young_passed + mature_passed, young_total + mature_total),
    )


#: Per store file, profile and bank: (the bank's `changes`, the catalog's tags, and per
#: tag of its questions the attempts and right answers).
_TAGS: dict[tuple[str, int, str], tuple[int, object, dict[str, tuple[int, int]]]] = {}


def _tag_history(store: Store, pid: int, catalog: CatalogInfo) -> tuple[Counter[str], Counter[str]]:
    """Attempts and right answers per tag. Per bank, kept in this process and in the
    store's `bank_tags` for the next one; re-read only for banks answered since or whose
    questions' tags changed (a re-read reads a row per question the bank has history of)."""
    attempts: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    changes = {
        b: int(n)
        for b, n in store.conn.execute(
            "SELECT bank_id, changes FROM bank_stats WHERE profile_id = ?", (pid,)
        )
    }
    key = str(store.path)
    per_bank: dict[str, dict[str, tuple[int, int]]] = {}
    stale: list[str] = []
    for b in catalog.questions_by_bank:
        if b not in changes:
            continue
        hit = _TAGS.get((key, pid, b))
        if hit is not None and hit[0] == changes[b] and hit[1] is catalog.tags:
            per_bank[b] = hit[2]
        else:
            stale.append(b)
    if stale:
        digests = catalog.tags_digests
        kept = store.cached_rows("bank_tags", pid)
        found: list[tuple[str, int, str, str]] = []
        for b in stale:
            entry = kept.get(b)
            if entry is not None and entry[0] == changes[b] and entry[1] == digests[b]:
                counts = {t: (int(n), int(ok)) for t, (n, ok) in json.loads(entry[2]).items()}
            else:
                counts = _bank_tag_history(store, pid, b, catalog)
                found.append((b, changes[b], digests[b], json.dumps(counts)))
            _TAGS[(key, pid, b)] = (changes[b], catalog.tags, counts)
            per_bank[b] = counts
        store.keep_cached("bank_tags", pid, found)
    for counts in per_bank.values():
        for tag, (n, ok) in counts.items():
            attempts[tag] += n
            correct[tag] += ok
    return attempts, correct


def _bank_tag_history(
    store: Store, pid: int, bank_id: str, catalog: CatalogInfo
) -> dict[str, tuple[int, int]]:
    per_tag: dict[str, list[int]] = {}
    tags = catalog.tags
    for q, n, ok in store.conn.execute(
        "SELECT question_id, attempts, correct FROM question_stats"
        " WHERE profile_id = ? AND bank_id = ?",
        (pid, bank_id),
    ):
        for tag in tags.get((bank_id, q), ()):
            counts = per_tag.get(tag)
            if counts is None:
                counts = per_tag[tag] = [0, 0]
            counts[0] += n
            counts[1] += ok
    return {t: (v[0], v[1]) for t, v in per_tag.items()}


def _weakest(
    store: Store, pid: int, existing: set[QuestionKey], top: int
) -> tuple[WeakQuestion, ...]:
    """The `top` questions (tried twice or more) with the lowest accuracy, most lapses first.

    Read in accuracy order from an index: the rows tied with the last one taken are read
    too, so lapses can break the tie as before.
    """
    picked: list[tuple[float, QuestionKey, int]] = []
    cur = store.conn.execute(
        "SELECT bank_id, question_id, attempts, correct FROM question_stats"
        " INDEXED BY question_stats_weak WHERE profile_id = ? AND attempts >= 2"
        " ORDER BY CAST(correct AS REAL) / attempts",
        (pid,),
    )
    try:
        for b, q, n, ok in cur:
            acc = ok / n
            if len(picked) >= top and acc > picked[-1][0]:
                break
            if (b, q) in existing:
                picked.append((acc, (b, q), int(n)))
    finally:
        cur.close()
    ranked = []
    for acc, key, n in picked:
        row = store.conn.execute(
            "SELECT lapses FROM cards WHERE profile_id = ? AND bank_id = ? AND question_id = ?"
            " AND reps > 0",
            (pid, *key),
        ).fetchone()
        ranked.append((acc, -(int(row[0]) if row else 0), key, n))
    ranked.sort()
    return tuple(
        WeakQuestion(bank_id=key[0], question_id=key[1], attempts=n, accuracy=acc, lapses=-neg)
        for acc, neg, key, n in ranked[:top]
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
    summaries = bank_summaries(store, profile, catalog, moment)

    tag_questions = catalog.tag_counts
    tag_attempts, tag_correct = _tag_history(store, pid, catalog)

    total_attempts = total_correct = 0
    for n, ok in store.conn.execute(
        "SELECT attempts, correct FROM bank_stats WHERE profile_id = ?", (pid,)
    ):
        total_attempts += int(n)
        total_correct += int(ok)
    per_day = _review_days(store, pid)
    leeches = sorted(
        ((b, q), (int(n), bool(susp)))
        for b, q, n, susp in store.conn.execute(
            "SELECT bank_id, question_id, lapses, suspended FROM cards INDEXED BY cards_leech"
            " WHERE profile_id = ? AND leech = 1 AND reps > 0",
            (pid,),
        )
        if (b, q) in existing
    )
    return StatsReport(
        profile=profile,
        generated_at=moment.isoformat(),
        totals=Totals(
            attempts=total_attempts,
            accuracy=ratio(total_correct, total_attempts),
            reviews=sum(per_day.values()),
            cards=sum(s.seen for s in summaries.values()),
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
        streak=_streak(per_day, today),
        heatmap=_heatmap(per_day, today, heatmap_days),
        forecast=_forecast(store, pid, moment, catalog),
        retention=_retention(
            store, pid, today - timedelta(days=retention_days - 1), retention_days
        ),
        weakest=_weakest(store, pid, existing, top),
        leeches=tuple(
            Leech(bank_id=key[0], question_id=key[1], lapses=n, suspended=susp)
            for key, (n, susp) in leeches
        ),
    )
