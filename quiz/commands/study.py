"""`quiz study BANK_ID` and `quiz review`: open the app straight into a session."""

from __future__ import annotations

import argparse

from quiz.cli import UsageError, add_common_options


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `study` and `review` subcommands."""
    p = subparsers.add_parser(
        "study",
        help="study one bank in the app (quiz, review or flashcards)",
        description="Open the app and start a session on BANK_ID (see `quiz validate` for ids).",
    )
    add_common_options(p)
    p.add_argument("bank_id", metavar="BANK_ID", help="the id of the bank to study")
    p.add_argument(
        "--count", "-n", type=_positive_int, metavar="N", help="ask N questions (default: all)"
    )
    p.add_argument(
        "--mode",
        choices=("quiz", "review", "flashcards"),
        default="quiz",
        help="quiz (default), review (due cards of every bank), or flashcards",
    )
    p.add_argument(
        "--time-limit",
        type=_positive_float,
        metavar="SECONDS",
        help="seconds per question; running out counts as wrong",
    )
    p.add_argument("--seed", type=int, help="shuffle seed, to get the same order again")
    p.set_defaults(func=run_study)

    r = subparsers.add_parser(
        "review",
        help="review every due card in the app",
        description="Open the app on a review of every due card, the ones you missed first.",
    )
    add_common_options(r)
    r.set_defaults(func=run_review)


def run_study(args: argparse.Namespace) -> int:
    """Check the bank id, then run the app straight into the session."""
    from quiz.banks import load_app_catalog
    from quiz.commands.app import app_options
    from quiz.ui.app import StartRequest, create_app

    # A big JSON bank unchanged since it was validated is read question by question; one
    # just validated in full is indexed by the app once the session is on screen.
    catalog = load_app_catalog(index=False)
    ids = sorted(lb.bank.id for lb in catalog.banks)
    if args.mode != "review" and args.bank_id not in ids:
        raise UsageError(
            f"no valid bank with id {args.bank_id!r}; known ids: {', '.join(ids) or '(none)'}"
        )
    db, profile = app_options(args)
    start = (
        StartRequest(kind="review")
        if args.mode == "review"
        else StartRequest(
            kind="study",
            bank_id=args.bank_id,
            count=args.count,
            mode=args.mode,
            time_limit=args.time_limit,
            seed=args.seed,
        )
    )
    create_app(db, profile, start=start, catalog=catalog).run()
    return 0


def run_review(args: argparse.Namespace) -> int:
    """Run the app straight into a review of the due cards."""
    from quiz.commands.app import app_options
    from quiz.ui.app import StartRequest, create_app

    db, profile = app_options(args)
    create_app(db, profile, start=StartRequest(kind="review")).run()
    return 0
