"""Typed-answer grading: how fair (the corpus) and how fast (per answer), against a baseline.

Run: `python benchmarks/grading_corpus.py [--baseline-ref REF] [--rounds N]`.

Fairness: every typed answer of tests/data/grading_corpus.json (right and wrong phrasings
of every short_answer, cloze and numeric question of the shipped banks) is graded by
`quiz.grading.grade`; the script prints the share of right phrasings graded correct, the
number of wrong ones graded correct, and every miss. Goal (issue 11): right >= 95%,
wrong accepted 0.

Speed: the time of one `grade` call on a typed answer, which is what a learner waits for
after Enter. The baseline is the grader (and, for fairness, the shipped banks) at git
REF (default: the commit this work started from, before issue 11), loaded from `git
show` into a throwaway module and timed in alternate rounds with the current grader in
the same process, because this machine is shared and noisy. Goal: median under 1 ms.
Printed: median and 10th-90th percentile spread over every call of every round, and the
one-off cost of the first typed answer in a fresh process (loading the lexicon, stemmer
and spelling list).

Not covered: drawing the feedback in the app, the other question types (not typed),
banks other than the shipped ones, and the time to load a bank.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from quiz import grading
from quiz.banks import load_bank, parse_bank_text
from quiz.models import Question

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "grading_corpus.json"
#: The last commit of main before issue 11 changed the grader.
DEFAULT_BASELINE = "2822f92"

Case = tuple[str, Question, Any, bool]  # key, question, answer, should be right


def _git_show(ref: str, path: str) -> str | None:
    try:
        return subprocess.run(
            ["git", "show", f"{ref}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def load_cases(ref: str | None = None) -> list[Case]:
    """Every corpus answer with its question from the shipped banks (as they were at git
    `ref`, when given: the baseline is the old grader with the old answer keys, on the
    questions that existed then)."""
    questions: dict[str, Question] = {}
    for path in sorted((ROOT / "question_banks").glob("*.toml")):
        if ref is None:
            bank = load_bank(path).bank
        else:
            text = _git_show(ref, f"question_banks/{path.name}")
            if text is None:
                continue
            bank = parse_bank_text(text, "toml", str(path)).bank
        for q in bank.questions:
            questions[f"{bank.id}/{q.id}"] = q
    data = json.loads(CORPUS.read_text(encoding="utf-8"))["questions"]
    cases: list[Case] = []
    for key, entry in data.items():
        if key not in questions and ref is not None:
            continue  # a question written after `ref`: the baseline has no key for it
        q = questions[key]
        cases += [(key, q, a, True) for a in entry["right"]]
        cases += [(key, q, a, False) for a in entry["wrong"]]
    return cases


def baseline_module(ref: str) -> ModuleType | None:
    """quiz/grading.py as it was at `ref`, or None when git cannot give it."""
    source = _git_show(ref, "quiz/grading.py")
    if source is None:
        return None
    path = Path(tempfile.mkdtemp()) / "baseline_grading.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("baseline_grading", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def fairness(name: str, grade: Callable[[Question, Any], Any], cases: list[Case]) -> None:
    """Print the rates and the misses of one grader."""
    right = [c for c in cases if c[3]]
    wrong = [c for c in cases if not c[3]]
    missed = [c for c in right if grade(c[1], c[2]).outcome.value != "correct"]
    accepted = [c for c in wrong if grade(c[1], c[2]).outcome.value == "correct"]
    ok = len(right) - len(missed)
    print(
        f"{name}: right phrasings accepted {ok}/{len(right)} ({ok / len(right):.1%}); "
        f"wrong ones accepted {len(accepted)}/{len(wrong)}"
    )
    for key, _, answer, _ in missed:
        print(f"  refused though right: {key}: {answer!r}")
    for key, _, answer, _ in accepted:
        print(f"  accepted though wrong: {key}: {answer!r}")


def time_round(grade: Callable[[Question, Any], Any], cases: list[Case], out: list[float]) -> None:
    """Time every case once, appending seconds per call to `out`."""
    clock = time.perf_counter
    for _, q, answer, _ in cases:
        start = clock()
        grade(q, answer)
        out.append(clock() - start)


def cold_first_answer() -> float:
    """Seconds for the first typed answer graded in a fresh process."""
    code = (
        "import time\n"
        "from quiz.grading import grade\n"
        "from quiz.models import QUESTION_ADAPTER\n"
        "q = QUESTION_ADAPTER.validate_python({'id': 'x', 'type': 'short_answer',"
        " 'prompt': 'P?', 'explanation': 'E.', 'accept': ['regulatory T cells']})\n"
        "t = time.perf_counter(); grade(q, 'regulatory T lymphocites')\n"
        "print(time.perf_counter() - t)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


def describe(name: str, times: list[float]) -> str:
    """Median and 10th-90th percentile spread, in microseconds."""
    q = statistics.quantiles(times, n=10)
    return (
        f"{name}: median {statistics.median(times) * 1e6:.0f} µs, "
        f"p10-p90 {q[0] * 1e6:.0f}-{q[-1] * 1e6:.0f} µs, max {max(times) * 1e6:.0f} µs "
        f"({len(times)} calls)"
    )


def main() -> int:
    """Run the fairness check and the timing; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-ref", default=DEFAULT_BASELINE)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    cases = load_cases()
    print(f"{len(cases)} typed answers to {len({c[0] for c in cases})} questions\n")
    fairness("current grader", grading.grade, cases)
    base = baseline_module(args.baseline_ref)
    if base is None:
        print(f"(no baseline: git cannot show {args.baseline_ref}:quiz/grading.py)")
    else:
        old_cases = load_cases(args.baseline_ref)
        fairness(f"baseline ({args.baseline_ref}, its grader and banks)", base.grade, old_cases)

    print(f"\nfirst typed answer in a fresh process: {cold_first_answer() * 1e3:.0f} ms")
    current: list[float] = []
    baseline: list[float] = []
    # Warm both (lexicons, caches of accepted answers) before timing.
    time_round(grading.grade, cases, [])
    if base is not None:
        time_round(base.grade, cases, [])
    for _ in range(args.rounds):
        time_round(grading.grade, cases, current)
        if base is not None:
            time_round(base.grade, cases, baseline)
    print(describe("current grader", current))
    if baseline:
        print(describe(f"baseline ({args.baseline_ref})", baseline))

    right = [c for c in cases if c[3]]
    ok = sum(grading.grade(c[1], c[2]).outcome.value == "correct" for c in right)
    bad = sum(grading.grade(c[1], c[2]).outcome.value == "correct" for c in cases if not c[3])
    met = ok / len(right) >= 0.95 and bad == 0 and statistics.median(current) < 1e-3
    print("\ngoals (right >= 95%, wrong accepted 0, median < 1 ms):", "met" if met else "MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
