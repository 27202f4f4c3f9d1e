"""`quiz answers BANK_ID [QUESTION_ID]`: what learners typed, for the bank's author.

Per question, the distinct typed answers, how often each was given, how the grader graded
it and how often the learner appealed ("I was right"), most frequent first: an author sees
in minutes which right phrasings the accept list is missing.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from quiz.cli import UsageError, add_common_options

#: The question types whose answers are typed (the ones an accept list governs).
TYPED = ("short_answer", "cloze", "numeric")
GRADE_WORDS = {"correct": "right", "partial": "partly right", "incorrect": "wrong"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `answers` subcommand."""
    p = subparsers.add_parser(
        "answers",
        help="list what learners typed to a bank's questions, for its author",
        description=(
            "List, per question, the distinct typed answers given, how often, how they were "
            "graded and how often the learner counted them as right ('I was right'), most "
            "frequent first. Every profile's answers unless --profile is given. Exit status: "
            "0 ok, 1 database error, 2 usage error (unknown bank, question or profile)."
        ),
    )
    add_common_options(p)
    p.add_argument("bank_id", metavar="BANK_ID")
    p.add_argument("question_id", nargs="?", metavar="QUESTION_ID")
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--wrong", action="store_true", help="only answers graded wrong or partly right"
    )
    which.add_argument(
        "--overridden", action="store_true", help="only answers the learner counted as right"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


@dataclass
class _Tally:
    """One distinct answer to one question."""

    text: str
    count: int = 0
    graded: Counter[str] = field(default_factory=Counter)
    overridden: int = 0


def _text(answer: Any) -> str:
    """A typed answer as one line (cloze gaps joined with |), control characters removed."""
    if isinstance(answer, list):
        text = " | ".join("" if a is None else str(a) for a in answer)
    else:
        text = "" if answer is None else str(answer)
    from quiz.commands._learner import terminal_text

    return terminal_text(text)


def run(args: argparse.Namespace) -> int:
    """Print the typed answers of a bank (or one of its questions)."""
    from quiz.banks import load_catalog
    from quiz.commands._learner import open_store
    from quiz.store import UnknownProfile

    catalog = load_catalog()
    banks = {lb.bank.id: lb.bank for lb in catalog.banks}
    bank = banks.get(args.bank_id)
    if bank is None:
        known = ", ".join(sorted(banks)) or "(none)"
        raise UsageError(f"no valid bank with id {args.bank_id!r}; known ids: {known}")
    if args.question_id is not None and bank.question(args.question_id) is None:
        raise UsageError(f"bank {bank.id!r} has no question {args.question_id!r}")
    questions = [
        q
        for q in bank.questions
        if (q.id == args.question_id) or (args.question_id is None and q.type in TYPED)
    ]
    profile: str | None = getattr(args, "profile", None)
    # The store's errors reach cli.main, which reports them the one way (JSON with --json).
    with open_store(args) as store:
        if profile is not None:
            try:
                store.require_profile(profile)
            except UnknownProfile as exc:
                raise UsageError(str(exc)) from None
        rows = store.typed_answers(bank.id, args.question_id, profile)
    tallies: dict[str, dict[str, _Tally]] = {q.id: {} for q in questions}
    for qid, answer, outcome, graded_outcome, overridden, n in rows:
        if qid not in tallies or answer is None:  # timed out: nothing was typed
            continue
        text = _text(answer)
        tally = tallies[qid].setdefault(text, _Tally(text))
        tally.count += n
        grade = graded_outcome if overridden and graded_outcome else outcome
        tally.graded[grade] += n
        tally.overridden += n if overridden else 0
    out: list[dict[str, Any]] = []
    for q in questions:
        answers = sorted(tallies[q.id].values(), key=lambda t: (-t.count, t.text))
        if args.wrong:
            answers = [t for t in answers if t.graded["incorrect"] or t.graded["partial"]]
        if args.overridden:
            answers = [t for t in answers if t.overridden]
        out.append(
            {
                "question_id": q.id,
                "prompt": q.prompt,
                "answers": [
                    {
                        "answer": t.text,
                        "count": t.count,
                        "graded": {k: t.graded[k] for k in GRADE_WORDS if t.graded[k]},
                        "overridden": t.overridden,
                    }
                    for t in answers
                ],
            }
        )
    if args.json:
        print(json.dumps({"bank_id": bank.id, "questions": out}, indent=2))
        return 0
    printed = False
    for entry in out:
        if not entry["answers"]:
            continue
        printed = True
        prompt = _text(" ".join(entry["prompt"].split()))
        print(f"{entry['question_id']}: {prompt[:70] + ('…' if len(prompt) > 70 else '')}")
        for a in entry["answers"]:
            grades = ", ".join(f"{GRADE_WORDS[k]} {n}" for k, n in a["graded"].items())
            appealed = f", counted as right {a['overridden']}" if a["overridden"] else ""
            shown = a["answer"] if len(a["answer"]) <= 40 else a["answer"][:39] + "…"
            print(f"  {a['count']:>4}  {shown!r:42} {grades}{appealed}")
    if not printed:
        print("No typed answers yet" + (" that match." if args.wrong or args.overridden else "."))
    return 0
