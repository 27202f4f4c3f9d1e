"""Helpers shared by the import, export and add commands (not a subcommand itself)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from quiz.banks import LoadedBank, Problem
    from quiz.interop import InteropWarning
    from quiz.models import Bank


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text from a file made safe to print: control characters (escape sequences...) shown
    as `\\xNN`, never sent to the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def print_warnings(warnings: list[InteropWarning], path: str) -> None:
    """Each warning on stderr as `warning: path:line: ...`."""
    for w in warnings:
        print(f"warning: {terminal_safe(w.format(path))}", file=sys.stderr)


def print_problems(problems: list[Problem]) -> None:
    """Each bank problem on stderr, located."""
    for p in problems:
        print(f"quiz: error: {p.format()}", file=sys.stderr)


def fail_problems(problems: list[Problem]) -> NoReturn:
    """Each problem on stderr, located, then a data error (exit 1) carrying them all."""
    from quiz.cli import CommandError

    print_problems(problems)
    paths = sorted({p.path for p in problems})
    raise CommandError(
        f"{len(problems)} problem(s) in {', '.join(paths) or 'the bank'}",
        problems=[p.to_dict() for p in problems],
    )


def fail(message: str, *, system: bool = False) -> NoReturn:
    """A problem in the input (exit 1), or one the system caused (`system`: exit 3)."""
    from quiz.cli import EXIT_DATA, EXIT_SYSTEM, CommandError

    raise CommandError(message, EXIT_SYSTEM if system else EXIT_DATA)


def check_dumped(bank: Bank, fmt: str, path: Path) -> str:
    """The bank's text in `fmt`, re-read through banks.parse_bank_text so that it validates.

    Raises BankLoadError if the written file would not load (a bug, but never a silent one).
    """
    from quiz.banks import dump_bank, parse_bank_text

    text = dump_bank(bank, fmt)
    parse_bank_text(text, fmt, str(path))
    return text


def find_bank(ref: str) -> LoadedBank | None:
    """A bank by id among the loaded ones, or by the path of a bank file."""
    from quiz.banks import load_bank, load_catalog

    candidate = Path(ref)
    if candidate.suffix.lower() in (".toml", ".yaml", ".yml", ".json") and candidate.is_file():
        return load_bank(candidate)
    return load_catalog().get(ref)
