"""How the learner's store scales with years of history: what the user waits for.

Make a realistic store (and the banks its cards belong to):

    python benchmarks/store_scale.py --make DB --banks DIR --cards N --attempts-per-card K

writes N questions in banks of 1,000 into DIR (JSON files, for `QUIZ_BANKS_DIR`) and a
store into DB: a card for 95 % of the questions in every FSRS state (learning, review,
relearning; a few suspended, buried, leeches, never reviewed), K attempts per card spread
over the last two years in quiz and review sessions of one bank and one day, and one
review-log row per scheduled attempt (with the card before and after, as the app writes
them). Built with executemany in a few transactions (N = 100,000, K = 10 in well under a
minute on the development machine).

Without --make it builds (once, cached in --dir) a store for each of --sizes and times,
for each size, alternately with the same banks over an empty store (the baseline):

- open: `Store.open` of the file (warm page cache) and close;
- Home: `StudyService.bank_summaries()` (the numbers of the bank list) "after a change"
  (the store's kept rows about the catalog emptied first, as after a bank file was
  edited or the first start after an upgrade: every stored question id is read),
  "first" (a new process: this process's caches dropped, the kept rows fit) and
  "again" (as after each quiz); the catalog's figures computed beforehand, as the
  app's loading worker does;
- review queue: `StudyService.start_review()`'s store reads (due cards + daily limits);
- Stats: `StudyService.stats()` (everything the Stats screen shows), the same three;
- `quiz stats --json` as a subprocess (Python start, bank loading, the report).

It prints the median and spread (min..max) of --runs runs and the growth per 10x cards.

Not covered: a cold page cache (needs root to drop caches; a cold open reads whatever
the open touches from disk), the time Textual takes to draw the numbers (see
startup.py), other processes writing to the store meanwhile, the first open after an
unclean shutdown (which runs the integrity check over the whole file by design).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

PROFILE = "bench"
BANK_SIZE = 1000
DAY_MS = 86_400_000


def _iso(value_ms: int) -> str:
    return datetime.fromtimestamp(value_ms / 1000, UTC).isoformat()


def write_banks(folder: Path, cards: int) -> list[tuple[str, list[str]]]:
    """Write banks holding `cards` questions into `folder`; returns (bank id, question ids)."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[tuple[str, list[str]]] = []
    n_banks = max(1, (cards + BANK_SIZE - 1) // BANK_SIZE)
    q = 0
    for b in range(n_banks):
        bank_id = f"bank-{b:04d}"
        qids: list[str] = []
        questions = []
        for _ in range(min(BANK_SIZE, cards - q)):
            qid = f"q{q}"
            qids.append(qid)
            questions.append(
                {
                    "id": qid,
                    "type": "true_false",
                    "prompt": f"Statement number {q} of {bank_id} holds.",
                    "explanation": f"Statement {q} is {'true' if q % 2 else 'false'}.",
                    "tags": [f"topic-{q % 20}"],
                    "answer": bool(q % 2),
                }
            )
            q += 1
        bank = {
            "schema": 1,
            "id": bank_id,
            "title": f"Benchmark bank {b}",
            "tags": [f"area-{b % 7}"],
            "questions": questions,
        }
        (folder / f"{bank_id}.json").write_text(json.dumps(bank), encoding="utf-8")
        out.append((bank_id, qids))
    return out


def make_store(db: Path, banks: list[tuple[str, list[str]]], per_card: int, now: datetime) -> None:
    """Fill a fresh store for `banks` with cards, sessions, attempts and reviews."""
    from quiz.scheduler import State
    from quiz.store import Store

    rng = random.Random(14)
    now_ms = int(now.timestamp() * 1000)
    start_ms = now_ms - 730 * DAY_MS
    if db.exists():
        raise SystemExit(f"{db} exists; remove it first")
    with Store.open(db) as store:
        store.use_profile(PROFILE, now=now)
        pid = store._pid(PROFILE)
        c = store.conn
        # A bulk load: a big page cache keeps the index B-trees in memory while filling.
        c.execute("PRAGMA cache_size = -400000")
        card_rows: list[tuple[object, ...]] = []
        attempt_rows: list[tuple[object, ...]] = []
        review_rows: list[tuple[object, ...]] = []
        sessions: dict[tuple[str, int], int] = {}
        session_rows: list[tuple[object, ...]] = []
        card_id = 0
        attempt_id = 0
        for bank_id, qids in banks:
            for qid in qids:
                if rng.random() < 0.05:
                    continue  # never answered: a new question
                card_id += 1
                roll = rng.random()
                state = (
                    State.Learning
                    if roll < 0.03
                    else State.Relearning
                    if roll < 0.05
                    else State.Review
                )
                stability = rng.uniform(0.3, 300) if state == State.Review else rng.uniform(0.1, 3)
                if state == State.Review:
                    due_ms = now_ms + rng.randint(-20 * DAY_MS, 400 * DAY_MS)
                else:
                    due_ms = now_ms + rng.randint(-DAY_MS, DAY_MS // 2)
                times = sorted(rng.randint(start_ms, now_ms - DAY_MS) for _ in range(per_card))
                lapses = min(12, int(rng.expovariate(0.7)))
                reps = 0 if rng.random() < 0.002 else per_card
                data = (
                    f'{{"card_id":{card_id},"state":{int(state)},"step":null,'
                    f'"stability":{stability:.3f},"difficulty":{rng.uniform(1, 10):.3f},'
                    f'"due":"{_iso(due_ms)}","last_review":"{_iso(times[-1])}"}}'
                )
                card_rows.append(
                    (
                        card_id,
                        pid,
                        bank_id,
                        qid,
                        int(state),
                        due_ms,
                        stability,
                        5.0,
                        times[-1],
                        reps,
                        lapses,
                        int(rng.random() < 0.01),
                        now_ms + DAY_MS // 2 if rng.random() < 0.002 else None,
                        int(lapses >= 8),
                        data,
                    )
                )
                for i, t in enumerate(times):
                    day = (t - start_ms) // DAY_MS
                    skey = (bank_id, day)
                    sid = sessions.get(skey)
                    if sid is None:
                        sid = len(sessions) + 1
                        sessions[skey] = sid
                        mode = "review" if rng.random() < 0.3 else "quiz"
                        session_rows.append(
                            (sid, pid, mode, json.dumps({"title": bank_id}), t, t + 600_000)
                        )
                    attempt_id += 1
                    roll = rng.random()
                    outcome = (
                        "correct" if roll < 0.78 else "partial" if roll < 0.83 else "incorrect"
                    )
                    score = 1.0 if outcome == "correct" else 0.5 if outcome == "partial" else 0.0
                    attempt_rows.append(
                        (attempt_id, sid, pid, bank_id, qid, "true", outcome, score, 4200, t)
                    )
                    if reps:
                        after = data.replace(_iso(times[-1]), _iso(t), 1)
                        rating = 3 if outcome == "correct" else 2 if outcome == "partial" else 1
                        review_rows.append(
                            (
                                pid,
                                card_id,
                                attempt_id,
                                rating,
                                None if i == 0 else int(State.Review),
                                t,
                                4200,
                                None if i == 0 else '{"card":' + after + ',"reps":1,"lapses":0}',
                                after,
                                None if i == 0 else rng.uniform(0.5, 120),
                            )
                        )
        c.execute("BEGIN IMMEDIATE")
        c.executemany(
            "INSERT INTO sessions (id, profile_id, mode, scope, started_ms, finished_ms)"
            " VALUES (?,?,?,?,?,?)",
            session_rows,
        )
        c.executemany(
            "INSERT INTO cards (id, profile_id, bank_id, question_id, state, due_ms, stability,"
            " difficulty, last_review_ms, reps, lapses, suspended, buried_until_ms, leech, data)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            card_rows,
        )
        c.executemany(
            "INSERT INTO attempts (id, session_id, profile_id, bank_id, question_id, answer,"
            " outcome, score, time_ms, answered_ms) VALUES (?,?,?,?,?,?,?,?,?,?)",
            attempt_rows,
        )
        c.executemany(
            "INSERT INTO reviews (profile_id, card_id, attempt_id, rating, state_before,"
            " reviewed_ms, duration_ms, card_before, card_after, interval_days)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            review_rows,
        )
        c.execute("COMMIT")
        rebuild = getattr(store, "rebuild_aggregates", None)
        if rebuild is not None:
            # The attempts were written behind the store's back: derive what it keeps.
            rebuild()
        c.execute("ANALYZE")
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):9.1f} ms ({min(values):.1f}..{max(values):.1f})"


def _time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _drop_kept(db: Path) -> None:
    """Empty the store's statistics caches (as when every bank file has changed)."""
    import sqlite3

    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("DELETE FROM bank_extras")
        conn.execute("DELETE FROM bank_tags")
    finally:
        conn.close()


def measure(db: Path, banks_dir: Path, empty_db: Path, runs: int) -> dict[str, list[float]]:
    """Time each operation `runs` times on `db`, alternating with the same on `empty_db`."""
    from quiz.banks import load_catalog
    from quiz.store import Store
    from quiz.store.statistics import forget_cached
    from quiz.study import StudyService

    catalog = load_catalog([banks_dir])
    banks = {lb.bank.id: lb.bank for lb in catalog.banks}
    results: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        results.setdefault(name, []).append(value)

    env = dict(os.environ, QUIZ_BANKS_DIR=str(banks_dir))
    for _ in range(runs):
        for label, path in (("", db), ("empty: ", empty_db)):

            def open_close(p: Path = path) -> None:
                Store.open(p).close()

            add(f"{label}open", _time(open_close))
            # "after a change": what the store keeps about the catalog does not fit (a
            # bank file edited, or the first start after an upgrade), so every stored
            # question id is read; "first": a new process (this one's caches dropped),
            # the store's kept rows fit; "again": as Home reads after each quiz and
            # Stats on each visit.
            for name in ("Home summaries", "Stats"):
                _drop_kept(path)
                for when in ("after a change", "first"):
                    forget_cached(path)
                    with Store.open(path) as store:
                        # The catalog's figures are computed as the app's loading worker
                        # does (`quiz.ui.app._catalog_info`), before Home asks for numbers.
                        service = StudyService(store, PROFILE, banks=banks)
                        service.info.warm()
                        read = service.bank_summaries if name == "Home summaries" else service.stats
                        add(f"{label}{name}, {when}", _time(read))
                        if when == "first":
                            add(f"{label}{name}, again", _time(read))
            with Store.open(path) as store:
                service = StudyService(store, PROFILE, banks=banks)
                service.info.warm()

                def review_queue(s: StudyService = service) -> None:
                    s.store.due_cards(s.profile, existing=s.info.existing)
                    s.store.daily_limits(s.profile)

                add(f"{label}review queue", _time(review_queue))
            cmd = [sys.executable, "-m", "quiz", "stats", "--json", "--db", str(path)]
            cmd += ["--profile", PROFILE] if path == db else []

            def stats_json(cmd: list[str] = cmd) -> None:
                subprocess.run(cmd, env=env, check=True, capture_output=True)

            add(f"{label}quiz stats --json", _time(stats_json))
    return results


def main() -> None:
    """Make a store, or time the stores of several sizes."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--make", type=Path, metavar="DB", help="write a store here")
    parser.add_argument("--banks", type=Path, metavar="DIR", help="write its banks here")
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--attempts-per-card", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/quiz-store-scale"))
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    now = datetime.now(UTC)
    if args.make is not None:
        if args.banks is None:
            parser.error("--make needs --banks DIR")
        start = time.perf_counter()
        banks = write_banks(args.banks, args.cards)
        make_store(args.make, banks, args.attempts_per_card, now)
        print(
            f"made {args.cards:,} questions x {args.attempts_per_card} attempts in "
            f"{time.perf_counter() - start:.1f} s: {args.make} "
            f"({args.make.stat().st_size / 1e6:.0f} MB), banks in {args.banks}"
        )
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    previous: dict[str, float] = {}
    for n in sizes:
        folder = args.dir / f"{n}x{args.attempts_per_card}"
        db, banks_dir, empty = folder / "quiz.db", folder / "banks", folder / "empty.db"
        if not db.exists():
            folder.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            make_store(db, write_banks(banks_dir, n), args.attempts_per_card, now)
            print(f"made {n:,} cards in {time.perf_counter() - start:.1f} s")
        from quiz.store import Store

        Store.open(empty).close()
        Store.open(db).close()  # migrate once, untimed (an older build's store)
        print(
            f"\n{n:,} cards, {n * args.attempts_per_card:,} attempts "
            f"({db.stat().st_size / 1e6:.0f} MB), median (min..max) of {args.runs}:"
        )
        results = measure(db, banks_dir, empty, args.runs)
        for name, values in results.items():
            med = statistics.median(values)
            growth = f"  x{med / previous[name]:.1f} per 10x" if name in previous else ""
            print(f"  {name:28} {_spread(values)}{growth}")
            previous[name] = med


if __name__ == "__main__":
    main()
