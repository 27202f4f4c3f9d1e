"""Bank loading speed: load + validate a generated bank vs `json.loads` of the same file.

Run: `python benchmarks/bank_load.py [N ...]` (default 10000 and 100000 questions).
Goal: load + validate <= 3x json.loads at 10,000 questions; 100,000 questions < 1 s.
Both are timed alternately in the same run (median and min..max) because this machine is
shared and noisy, and each result is freed outside its timed span (teardown is not
loading). The collector is in the same state for both: `load_bank` pauses the cyclic GC
while it builds models (see `quiz.banks.parse_bank_bytes`), so `json.loads` is timed
inside the same pause (`quiz.banks._gc_paused`), not with the collector running.

Not covered: TOML and YAML banks (slower parsers), the source article's section index,
the app's other start-up work (see startup.py), and a cold disk cache.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from quiz.banks import load_bank


def make_question(i: int) -> dict[str, Any]:
    """One question of each type in turn, with realistic text lengths."""
    base = {
        "id": f"q{i}",
        "prompt": f"Question {i}: which of these statements about item {i} holds?",
        "explanation": "Because the article says so, in a sentence of ordinary length here.",
        "tags": ["bench", f"t{i % 7}"],
        "difficulty": 1 + i % 5,
    }
    kind = i % 9
    if kind == 0:
        return {
            **base,
            "type": "multiple_choice",
            "choices": [{"text": f"choice {j}", "correct": j == 1} for j in range(4)],
        }
    if kind == 1:
        return {
            **base,
            "type": "multiple_select",
            "choices": [{"text": f"choice {j}", "correct": j % 2 == 0} for j in range(4)],
        }
    if kind == 2:
        return {**base, "type": "true_false", "answer": i % 2 == 0}
    if kind == 3:
        return {**base, "type": "short_answer", "accept": ["answer", "an answer"]}
    if kind == 4:
        return {**base, "type": "numeric", "answer": i, "tolerance": 0.5, "unit": "mg"}
    if kind == 5:
        return {**base, "type": "cloze", "text": "The {{cat|feline}} sat on the {{mat}}."}
    if kind == 6:
        return {**base, "type": "ordering", "items": ["first", "second", "third", "fourth"]}
    if kind == 7:
        return {
            **base,
            "type": "matching",
            "pairs": [{"left": f"l{j}", "right": f"r{j}"} for j in range(4)],
        }
    return {**base, "type": "flashcard", "back": "The back of the card."}


def make_bank(n: int) -> dict[str, Any]:
    """A valid bank of n questions."""
    return {
        "schema": 1,
        "id": "bench",
        "title": "Benchmark bank",
        "questions": [make_question(i) for i in range(n)],
    }


def alternate(fns: list[Any], repeat: int) -> list[list[float]]:
    """Each function timed `repeat` times, taking turns, with the collector paused (the
    state `load_bank` itself runs in), in seconds."""
    from quiz.banks import _gc_paused

    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            with _gc_paused():
                t0 = time.perf_counter()
                result = fn()
                times[i].append(time.perf_counter() - t0)
            # Freed outside the timed span: tearing the result down is not loading it.
            del result
    return times


def _spread(values: list[float]) -> str:
    return (
        f"{statistics.median(values) * 1000:7.1f} ms "
        f"({min(values) * 1000:.1f}..{max(values) * 1000:.1f})"
    )


def main(sizes: list[int]) -> None:
    """Time each size and print json.loads, quiz load+validate and their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"bank{n}.json"
            path.write_text(json.dumps(make_bank(n)))
            size_mb = path.stat().st_size / 1e6
            repeat = 7 if n <= 10_000 else 3
            t_json, t_quiz = alternate(
                [lambda p=path: json.loads(p.read_bytes()), lambda p=path: load_bank(p)],
                repeat,
            )
            ratio = statistics.median(t_quiz) / statistics.median(t_json)
            first, rss = first_load(path)
            print(
                f"{n:>7} questions ({size_mb:5.1f} MB): json.loads {_spread(t_json)}, "
                f"quiz load+validate {_spread(t_quiz)}, ratio {ratio:4.2f}x; "
                f"first load in a fresh process {first * 1000:7.1f} ms, +{rss:.0f} MiB"
            )


#: Loads a bank once in a new interpreter: what a user waits for when the app starts
#: (cold allocator, no earlier run to reuse memory from). Prints seconds and MiB held.
_FIRST_LOAD = """
import os, sys, time
from pathlib import Path
from quiz.banks import load_bank
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
before = resident()
t0 = time.perf_counter()
bank = load_bank(Path(sys.argv[1]))
elapsed = time.perf_counter() - t0
print(elapsed, resident() - before)
"""


def first_load(path: Path) -> tuple[float, float]:
    """Seconds, and MiB of resident memory the bank holds, for one load in a new interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", _FIRST_LOAD, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
