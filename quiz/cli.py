"""The `quiz` command line: `quiz` opens the study app; subcommands do the rest.

Each subcommand lives in its own module under `quiz.commands` and exposes
`register(subparsers)`; modules import heavy dependencies inside their `run` function so
that `quiz --help` and the app's start stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from typing import NoReturn

#: Subcommand modules, in the order `quiz --help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "quiz.commands.validate",
    "quiz.commands.grade",
    "quiz.commands.coverage",
    "quiz.commands.schema",
    "quiz.commands.study",
    "quiz.commands.stats",
    "quiz.commands.settings",
    "quiz.commands.cards",
    "quiz.commands.answers",
    "quiz.commands.import_",
    "quiz.commands.export",
    "quiz.commands.add",
    "quiz.commands.remove",
    "quiz.commands.banks_list",
    "quiz.commands.new",
    "quiz.commands.classroom",
    "quiz.commands.doctor",
    "quiz.commands.backup",
    "quiz.commands.restore",
)

#: The exit status of every command: (status, kind in a JSON error, meaning).
EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_SYSTEM = 4
EXIT_INTERRUPTED = 130
EXIT_CODES: tuple[tuple[int, str, str], ...] = (
    (EXIT_OK, "ok", "done"),
    (EXIT_DATA, "data", "a problem in the input or the data (a bank, a file, the database)"),
    (EXIT_USAGE, "usage", "a usage error (an unknown option, a missing argument)"),
    (EXIT_PARTIAL, "partial", "done in part (an import that skipped some questions)"),
    (EXIT_SYSTEM, "system", "the system refused (a read-only folder, a full disk)"),
    (EXIT_INTERRUPTED, "interrupted", "interrupted (Ctrl+C)"),
)
_KINDS = {code: kind for code, kind, _ in EXIT_CODES}


class CommandError(Exception):
    """A command failed for a reason the user can act on: message and exit status."""

    def __init__(self, message: str, code: int = EXIT_DATA, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


class UsageError(CommandError):
    """A bad command line: reported on stderr with exit status 2."""

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message, EXIT_USAGE, **details)


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors reported like every other error (JSON with --json)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def exit_code_table() -> str:
    """The exit statuses, as `quiz --help` prints them."""
    lines = ["exit status (every command):"]
    lines += [f"  {code:>3}  {meaning}" for code, _, meaning in EXIT_CODES]
    lines.append(
        "errors go to stderr; with --json, an error is also printed as JSON on stdout: "
        '{"ok": false, "error": {"code": N, "kind": ..., "message": ...}}'
    )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every registered subcommand."""
    parser = _Parser(
        prog="quiz",
        description="A terminal quiz and flashcard trainer. With no command, opens the app.",
        epilog=exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
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


def report_error(message: str, code: int, json_output: bool, **details: object) -> int:
    """Print an error (stderr; JSON on stdout too with --json); returns `code`."""
    from quiz.commands._bankio import terminal_safe

    # A message may quote a file's text: no escape sequence reaches the terminal.
    print(f"quiz: error: {terminal_safe(message)}", file=sys.stderr)
    if json_output:
        error = {"code": code, "kind": _KINDS.get(code, "error"), "message": message, **details}
        print(json.dumps({"ok": False, "error": error}, indent=2, ensure_ascii=False))
    return code


def _app_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """The options of a plain `quiz` (at most `--db` and `--profile`), else None.

    Opening the app is what a learner waits for: it needs no subcommand's parser, and
    building them all (19 modules) costs the first paint tens of milliseconds. Anything
    else (`--help`, a command, a bad option) goes to the full parser, which says the same
    as ever about it.
    """
    parser = _Parser(prog="quiz", add_help=False)
    add_common_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except UsageError:
        return None
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status (see EXIT_CODES)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    json_output = "--json" in argv
    try:
        app_args = _app_only(argv)
        if app_args is not None:
            from quiz.commands.app import run_app

            return run_app(app_args)
        parser = build_parser()
        args = parser.parse_args(argv)
        json_output = bool(getattr(args, "json", False))
        func = getattr(args, "func", None)
        if func is None:
            from quiz.commands.app import run_app

            return run_app(args)
        return int(func(args))
    except CommandError as exc:
        return report_error(str(exc), exc.code, json_output, **exc.details)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            # The reader went away (`quiz validate --json | head`): not an error of ours.
            sys.stderr.close()
            return 0
        where = f"{exc.filename}: " if exc.filename else ""
        return report_error(f"{where}{exc.strerror or exc}", EXIT_SYSTEM, json_output)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        # The store's errors (StoreError) carry their exit status; imported lazily so
        # `quiz --help` never loads the store.
        code = getattr(exc, "exit_code", None)
        if not isinstance(code, int):
            raise
        return report_error(str(exc), code, json_output)
