"""`quiz import FILE`: turn a GIFT, Aiken, Anki text, CSV or Anki package into a valid bank."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quiz.cli import EXIT_DATA, EXIT_OK, EXIT_PARTIAL, UsageError, add_common_options

#: Exit statuses, as `quiz import --help` tells them (from the table every command uses).
ALL_IMPORTED = EXIT_OK
NONE_IMPORTED = EXIT_DATA
SOME_SKIPPED = EXIT_PARTIAL

EPILOG = """\
exit status:
  0  every question was imported (warnings may still name what was approximated)
  3  some questions were imported and the bank written; the others were skipped,
     each reported with its line and reason
  1  nothing was imported and no file written (unreadable file, no valid question,
     or with --strict any skipped question)
  2  wrong command line
  4  the system refused (a read-only folder, a full disk)
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `import` subcommand."""
    p = subparsers.add_parser(
        "import",
        help="convert a GIFT, Aiken, Anki text, CSV or Anki package (.apkg) into a bank",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Convert FILE into a question bank. The format is detected from the extension or the "
            "content unless --format is given; the bank's format follows OUT's extension "
            "(.toml, .yaml, .yml, .json; default: FILE with .toml). Every question that can be "
            "read is imported; each one that cannot is reported with its line and reason, and "
            "approximations are warnings. See docs/interop.md."
        ),
    )
    add_common_options(p)
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--format", choices=("gift", "aiken", "anki", "csv", "apkg"), help="input format"
    )
    p.add_argument("-o", "--output", type=Path, metavar="OUT", help="bank file to write")
    p.add_argument("--title", help="bank title (default: from the file name)")
    p.add_argument("--force", action="store_true", help="overwrite the default output file")
    p.add_argument(
        "--strict",
        action="store_true",
        help="all or nothing: any question that cannot be read fails the import",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import, validate, write atomically; warnings on stderr."""
    from quiz.banks import FORMATS, BankLoadError
    from quiz.commands._bankio import (
        check_dumped,
        fail,
        fail_problems,
        print_warnings,
        terminal_safe,
    )
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
        result = import_file(src, args.format, bank_id=stem, title=args.title, strict=args.strict)
        text = check_dumped(result.bank, fmt, out)
    except InteropError as exc:
        return fail(str(exc))
    except BankLoadError as exc:
        fail_problems(exc.problems)
    print_warnings(result.warnings, str(src))
    for err in result.skipped:
        print(f"skipped: {terminal_safe(err.located())}", file=sys.stderr)
    # Media first: a bank is never left naming files that are not there.
    if result.media and copy_media(result.media, out.parent / f"{out.stem}_media") is None:
        return NONE_IMPORTED
    try:
        write_text_atomic(out, text)
    except OSError as exc:
        return fail(f"{out}: cannot write: {exc.strerror or exc}", system=True)
    print(f"{out}: bank {result.bank.id!r}: {result.summary()}, {len(result.warnings)} warning(s)")
    return SOME_SKIPPED if result.skipped else ALL_IMPORTED


def copy_media(media: dict[str, bytes], folder: Path) -> int | None:
    """Write the package's media files into `folder` (atomically, never over a different
    file); the number copied, or None after reporting an error."""
    from quiz.commands._bankio import fail, terminal_safe
    from quiz.files import atomic_path

    try:
        folder.mkdir(exist_ok=True)
        copied = 0
        for name, data in sorted(media.items()):
            target = folder / name
            if target.exists():
                if target.read_bytes() != data:
                    print(
                        f"warning: {terminal_safe(str(target))} exists and differs: not replaced",
                        file=sys.stderr,
                    )
                continue
            with atomic_path(target) as tmp:
                tmp.write_bytes(data)
            copied += 1
    except OSError as exc:
        fail(f"{folder}: cannot copy the media files: {exc.strerror or exc}")
        return None
    print(f"{terminal_safe(str(folder))}: {copied} media file(s) copied")
    return copied
