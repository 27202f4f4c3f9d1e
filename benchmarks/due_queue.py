"""Time the due queue and due counts on a large learner database.

Builds (once, in a temporary folder unless --db is given) a database with 100,000 cards
over 50 banks and 1,000,000 review rows, then prints the median of several runs of
`Store.due_cards` and `Store.due_counts`, with and without the `existing` filter.
Goal: each under 20 ms.

    PYTHONPATH=. python benchmarks/due_queue.py [--cards N] [--reviews N] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from quiz.scheduler import State
from quiz.store import Store

PROFILE = "bench"


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


def build(path: Path, cards: int, reviews: int, now: datetime) -> None:
    """Fill a fresh database fast: executemany in one transaction per table."""
    rng = random.Random(7)
    now_ms = int(now.timestamp() * 1000)
    day = 86_400_000
    with Store.open(path) as store:
        store.save_settings(PROFILE, store.settings(PROFILE))
        pid = store._pid(PROFILE)
        c = store.conn
        c.execute("BEGIN IMMEDIATE")
        card_rows = []
        for i in range(1, cards + 1):
            state = rng.choices((State.Learning, State.Review, State.Relearning), (5, 90, 5))[0]
            due_ms = now_ms + rng.randint(-30 * day, 365 * day)
            if state != State.Review:
                due_ms = now_ms + rng.randint(-day, day)
            stability = rng.uniform(0.5, 200)
            data = (
                f'{{"card_id":{i},"state":{int(state)},"step":null,"stability":{stability},'
                f'"difficulty":5.0,"due":"{_iso(due_ms)}",'
                f'"last_review":"{now.isoformat()}"}}'
            )
            card_rows.append(
                (
                    i,
                    pid,
                    f"bank-{i % 50}",
                    f"q{i}",
                    int(state),
                    due_ms,
                    stability,
                    5.0,
                    now_ms - day,
                    10,
                    rng.randint(0, 10),
                    int(rng.random() < 0.01),
                    data,
                )
            )
        c.executemany(
            "INSERT INTO cards (id, profile_id, bank_id, question_id, state, due_ms, stability,"
            " difficulty, last_review_ms, reps, lapses, suspended, data)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            card_rows,
        )
        c.execute("COMMIT")
        c.execute("BEGIN IMMEDIATE")
        after = (
            '{"card_id":1,"state":2,"step":null,"stability":3.0,"difficulty":5.0,'
            '"due":"2026-01-01T00:00:00+00:00","last_review":"2025-12-30T00:00:00+00:00"}'
        )
        batch = []
        for _ in range(reviews):
            batch.append(
                (
                    pid,
                    rng.randint(1, cards),
                    rng.randint(1, 4),
                    2,
                    now_ms - rng.randint(0, 730 * day),
                    3000,
                    after,
                    rng.uniform(0, 100),
                )
            )
            if len(batch) == 100_000:
                c.executemany(
                    "INSERT INTO reviews (profile_id, card_id, rating, state_before, reviewed_ms,"
                    " duration_ms, card_after, interval_days) VALUES (?,?,?,?,?,?,?,?)",
                    batch,
                )
                batch.clear()
        if batch:
            c.executemany(
                "INSERT INTO reviews (profile_id, card_id, rating, state_before, reviewed_ms,"
                " duration_ms, card_after, interval_days) VALUES (?,?,?,?,?,?,?,?)",
                batch,
            )
        c.execute("COMMIT")
        c.execute("ANALYZE")


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse/keep the database here")
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    now = datetime.now(UTC)
    tmp = tempfile.TemporaryDirectory()
    path = args.db or Path(tmp.name) / "bench.db"
    if not path.exists():
        start = time.perf_counter()
        build(path, args.cards, args.reviews, now)
        print(
            f"built {args.cards:,} cards, {args.reviews:,} reviews "
            f"in {time.perf_counter() - start:.1f} s ({path.stat().st_size / 1e6:.0f} MB)"
        )
    start = time.perf_counter()
    store = Store.open(path)
    print(f"open (quick_check + migrate check): {(time.perf_counter() - start) * 1000:.0f} ms")
    existing = {(f"bank-{i % 50}", f"q{i}") for i in range(1, args.cards + 1) if i % 10}
    due_total = sum(store.due_counts(PROFILE, now).values())
    print(f"cards due now: {due_total:,}")
    cases: list[tuple[str, Callable[[], object]]] = [
        ("due_cards(limit=200)", lambda: store.due_cards(PROFILE, now, limit=200)),
        (
            "due_cards(limit=200, existing)",
            lambda: store.due_cards(PROFILE, now, existing, limit=200),
        ),
        ("due_counts()", lambda: store.due_counts(PROFILE, now)),
        ("due_counts(existing)", lambda: store.due_counts(PROFILE, now, existing)),
        ("due_cards(limit=None)", lambda: store.due_cards(PROFILE, now, limit=None)),
    ]
    for name, fn in cases:
        fn()  # warm the page cache
        ms = median_ms(fn, args.runs)
        verdict = "ok" if ms < 20 else "OVER 20 ms"
        print(f"{name:34} median {ms:7.2f} ms  {verdict}")
    store.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
