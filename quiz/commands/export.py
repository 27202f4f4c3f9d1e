"""`quiz export BANK_ID --format F -o FILE`: write a bank as GIFT, Aiken, CSV, Anki or .apkg."""

from __future__ import annotations

import argparse
from pathlib import Path

from quiz.cli import UsageError, add_common_options

_BY_EXTENSION = {".gift": "gift", ".aiken": "aiken", ".csv": "csv", ".apkg": "apkg"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `export` subcommand."""
    p = subparsers.add_parser(
        "export",
        help="write a bank as GIFT, Aiken, CSV, Anki text or an Anki .apkg",
        description=(
            "Export the bank BANK_ID (or a bank file) to another format. Questions or fields "
            "the format cannot hold are reported as warnings. See docs/interop.md."
        ),
    )
    add_common_options(p)
    p.add_argument("bank", metavar="BANK_ID", help="a bank id (see `quiz banks`) or a bank file")
    p.add_argument(
        "--format",
        choices=("gift", "aiken", "csv", "anki", "apkg"),
        help="output format (default: from the extension of FILE)",
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export and write atomically; warnings on stderr."""
    from quiz.banks import BankLoadError
    from quiz.commands._bankio import fail, fail_problems, find_bank, print_warnings
    from quiz.files import write_text_atomic
    from quiz.interop import caveats_dropped, export_text

    out: Path = args.output
    fmt = args.format or _BY_EXTENSION.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"give --format: the extension of {out} names no export format")
    try:
        loaded = find_bank(args.bank)
    except BankLoadError as exc:
        fail_problems(exc.problems)
    if loaded is None:
        return fail(f"no bank with the id {args.bank!r} (see `quiz banks`)")
    bank = loaded.bank
    try:
        if fmt == "apkg":
            from quiz.interop.apkg import write_apkg

            # Media an import copied beside the bank goes back into the package.
            media = loaded.path.parent / f"{loaded.path.stem}_media"
            result = write_apkg(bank, out, media_dir=media if media.is_dir() else None)
            if (dropped := caveats_dropped(bank, fmt)) is not None:
                result.warnings.append(dropped)
        else:
            result = export_text(bank, fmt)
            assert result.text is not None
            write_text_atomic(out, result.text)
    except OSError as exc:
        return fail(f"{out}: cannot write: {exc.strerror or exc}", system=True)
    print_warnings(result.warnings, str(loaded.path))
    print(
        f"{out}: {result.exported} of {len(bank.questions)} question(s) exported as {fmt}, "
        f"{len(result.warnings)} warning(s)"
    )
    return 0
