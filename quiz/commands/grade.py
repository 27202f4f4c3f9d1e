"""`quiz grade BANK_ID QUESTION_ID ANSWER... [--json]`: grade one typed answer as the app would.

For authors trying a question's accept list: the verdict, score, note and right answer.
Several ANSWER arguments fill the gaps of a cloze one by one; for a short answer or a
number they are joined with spaces (so quoting is optional).
"""

from __future__ import annotations

import argparse
import json
import unicodedata

from quiz.cli import UsageError, add_common_options

TYPED = ("short_answer", "numeric", "cloze")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `grade` subcommand."""
    p = subparsers.add_parser(
        "grade",
        help="grade a typed answer to one question, exactly as the app would",
        description=(
            "Grade ANSWER to the short_answer, numeric or cloze question QUESTION_ID of the "
            "bank BANK_ID (or a bank file) and print the verdict, score, note and the right "
            "answer. A cloze takes one ANSWER per gap. Nothing is recorded. "
            "Exit status: 0 graded (right or wrong), 1 unknown bank or question, 2 usage error."
        ),
    )
    add_common_options(p)
    p.add_argument("bank", metavar="BANK_ID", help="a bank id (see `quiz banks`) or a bank file")
    p.add_argument("question", metavar="QUESTION_ID", help="the id of a question in the bank")
    p.add_argument("answer", metavar="ANSWER", nargs="+", help="the answer as a learner types it")
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"outcome", "score", "note", "correct_answer"} as JSON',
    )
    p.set_defaults(func=run)


def plain(text: str) -> str:
    """`text` fit for a terminal: control and format characters become spaces."""
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)


def run(args: argparse.Namespace) -> int:
    """Grade and print; never records anything."""
    from quiz.banks import BankLoadError
    from quiz.commands._bankio import fail, fail_problems, find_bank
    from quiz.grading import AnswerError, Outcome, grade
    from quiz.models import Cloze, cloze_gaps

    try:
        loaded = find_bank(args.bank)
    except BankLoadError as exc:
        fail_problems(exc.problems)
    if loaded is None:
        return fail(f"no bank with the id {plain(args.bank)!r} (see `quiz banks`)")
    question = loaded.bank.question(args.question)
    if question is None:
        return fail(f"bank {loaded.bank.id!r} has no question {plain(args.question)!r}")
    if question.type not in TYPED:
        raise UsageError(
            f"question {question.id!r} is a {question.type}; `quiz grade` grades typed "
            f"answers ({', '.join(TYPED)})"
        )
    given: list[str] = list(args.answer)
    answer: str | list[str]
    if isinstance(question, Cloze):
        n = len(cloze_gaps(question.text))
        if len(given) != n:
            raise UsageError(
                f"question {question.id!r} has {n} gap(s): give {n} ANSWER argument(s), "
                f"one per gap (quote an answer of several words), got {len(given)}"
            )
        answer = given
    else:
        answer = " ".join(given)
    try:
        result = grade(question, answer)
    except AnswerError as exc:
        raise UsageError(exc.message) from None
    if args.json:
        report = {
            "outcome": result.outcome.value,
            "score": result.score,
            "note": result.note,
            "correct_answer": result.correct_answer,
        }
        print(json.dumps(report, ensure_ascii=False))
        return 0
    if result.outcome is Outcome.CORRECT:
        head = "✓ Correct"
    elif result.outcome is Outcome.PARTIAL:
        head = f"◐ Partly correct {round(result.score * 100)}%"
    else:
        head = "✗ Incorrect"
    print(f"{head} (score {result.score:.4g})")
    if isinstance(question, Cloze) and len(result.parts) > 1:
        marks = "  ".join(f"{i}. {'✓' if ok else '✗'}" for i, ok in enumerate(result.parts, 1))
        print(f"Gaps: {marks}")
    if result.note:
        print(f"Note: {plain(result.note)}")
    print(f"Right answer: {plain(result.correct_answer)}")
    return 0
