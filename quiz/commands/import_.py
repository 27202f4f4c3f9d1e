"""`quiz import FILE`: turn a GIFT, Aiken, Anki text or CSV file into a valid bank."""

from __future__ import annotations

import argparse
from pathlib import Path

from quiz.cli import UsageError, add_common_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `import` subcommand."""
    p = subparsers.add_parser(
        "import",
        help="convert a GIFT, Aiken, Anki text or CSV file into a bank",
        description=(
            "Convert FILE into a question bank. The format is detected from the extension or the "
            "content unless --format is given; the bank's format follows OUT's extension "
            "(.toml, .yaml, .yml, .json; default: FILE with .toml). Skipped or approximated "
            "items are reported as warnings with their line. See docs/interop.md."
        ),
    )
    add_common_options(p)
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--format", choices=("gift", "aiken", "anki", "csv"), help="input format")
    p.add_argument("-o", "--output", type=Path, metavar="OUT", help="bank file to write")
    p.add_argument("--title", help="bank title (default: from the file name)")
    p.add_argument("--force", action="store_true", help="overwrite the default output file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import, validate, write atomically; warnings on stderr."""
    from quiz.banks import FORMATS, BankLoadError
    from quiz.commands._bankio import check_dumped, fail, fail_problems, print_warnings
    from quiz.files import write_text_atomic
    from quiz.interop import InteropError, import_file

    src: Path = args.file
    out: Path = args.output or src.with_suffix(".toml")
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"-o {out}: a bank file ends in .toml, .yaml, .yml or .json")
    if not src.is_file():
        return fail(f"{src}: no such file")
    if out.resolve() == src.resolve():
        raise UsageError(f"{out}: the output would overwrite the input file")
    if args.output is None and out.exists() and not args.force:
        return fail(f"{out} exists; give -o OUT or --force to overwrite it")
    stem = (args.output or src).stem
    try:
        result = import_file(src, args.format, bank_id=stem, title=args.title)
        text = check_dumped(result.bank, fmt, out)
    except InteropError as exc:
        return fail(str(exc))
    except BankLoadError as exc:
        fail_problems(exc.problems)
    print_warnings(result.warnings, str(src))
    try:
        write_text_atomic(out, text)
    except OSError as exc:
        return fail(f"{out}: cannot write: {exc.strerror or exc}", system=True)
    n = len(result.bank.questions)
    print(f"{out}: bank {result.bank.id!r} with {n} question(s), {len(result.warnings)} warning(s)")
    return 0
