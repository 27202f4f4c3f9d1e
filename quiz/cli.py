"""The `quiz` command line: `quiz` opens the study app; subcommands do the rest.

Each subcommand lives in its own module under `quiz.commands` and exposes
`register(subparsers)`; modules import heavy dependencies inside their `run` function so
that `quiz --help` and the app's start stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Subcommand modules, in the order `quiz --help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "quiz.commands.validate",
    "quiz.commands.schema",
    "quiz.commands.study",
    "quiz.commands.stats",
    "quiz.commands.settings",
    "quiz.commands.cards",
    "quiz.commands.import_",
    "quiz.commands.export",
    "quiz.commands.add",
    "quiz.commands.banks_list",
    "quiz.commands.new",
    "quiz.commands.classroom",
    "quiz.commands.doctor",
)


class UsageError(Exception):
    """A bad command line: reported on stderr with exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="quiz",
        description="A terminal quiz and flashcard trainer. With no command, opens the app.",
    )
    add_common_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """`--db` and `--profile`, accepted before or after any subcommand."""
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the learner database (default: $QUIZ_DB or the user data folder)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="the learner profile to use (default: the one used last, else 'default')",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    try:
        if func is None:
            from quiz.commands.app import run_app

            return run_app(args)
        return int(func(args))
    except UsageError as exc:
        print(f"quiz: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`quiz validate --json | head`): not an error of ours.
        sys.stderr.close()
        return 0
