"""`quiz add FILE`: validate (or import) a bank and copy it into the user's bank folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quiz.cli import add_common_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `add` subcommand."""
    p = subparsers.add_parser(
        "add",
        help="add a bank (or a GIFT/Aiken/Anki/CSV file) to your bank folder",
        description=(
            "Validate FILE and copy it into your bank folder, where the app finds it next to "
            "the shipped banks. Files in another format are imported first (see `quiz import`). "
            "A bank whose id is already used is refused."
        ),
    )
    add_common_options(p)
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--format", choices=("gift", "aiken", "anki", "csv", "apkg"), help="import FILE first"
    )
    p.add_argument("--id", dest="bank_id", help="bank id for an imported file (default: its name)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate or import, refuse clashing ids, write atomically into the user folder."""
    from quiz import locations
    from quiz.banks import (
        FORMATS,
        BankLoadError,
        LoadedBank,
        load_bank,
        load_catalog,
    )
    from quiz.commands._bankio import (
        check_dumped,
        fail,
        print_problems,
        print_warnings,
        terminal_safe,
    )
    from quiz.commands.import_ import ALL_IMPORTED, NONE_IMPORTED, SOME_SKIPPED, copy_media
    from quiz.files import write_text_atomic
    from quiz.interop import InteropError, import_file

    src: Path = args.file
    if not src.is_file():
        return fail(f"{src}: no such file")
    folder = locations.user_banks_dir()
    fmt = FORMATS.get(src.suffix.lower())
    article: Path | None = None
    media: dict[str, bytes] = {}
    skipped = 0
    try:
        if fmt and not args.format:
            loaded: LoadedBank = load_bank(src)
            bank = loaded.bank
            ext = src.suffix.lower()
            if bank.source is not None:
                # The article travels with the bank, renamed next to it.
                article = src.parent / bank.source.path
                name = f"{bank.id}-article{article.suffix}"
                bank = bank.model_copy(
                    update={"source": bank.source.model_copy(update={"path": name})}
                )
                ext = ".toml"
                text = ""
            else:
                text = src.read_text(encoding="utf-8-sig")
        else:
            result = import_file(src, args.format, bank_id=args.bank_id or src.stem)
            print_warnings(result.warnings, str(src))
            for err in result.skipped:
                print(f"skipped: {terminal_safe(err.located())}", file=sys.stderr)
            bank, ext, text = result.bank, ".toml", ""
            media, skipped = result.media, len(result.skipped)
    except InteropError as exc:
        return fail(str(exc))
    except BankLoadError as exc:
        print_problems(exc.problems)
        return 1
    catalog = load_catalog()
    owner = catalog.get(bank.id)
    if owner is not None:
        return fail(
            f"a bank with the id {bank.id!r} is already loaded from {owner.path}; "
            "change the id (or --id for an imported file) and try again"
        )
    dest = folder / f"{bank.id}{ext}"
    if dest.exists():
        return fail(f"{dest} already exists (an invalid bank? see `quiz banks`)")
    try:
        if article is not None:
            assert bank.source is not None
            write_text_atomic(folder / bank.source.path, article.read_text(encoding="utf-8-sig"))
        if not text:
            text = check_dumped(bank, FORMATS[ext], dest)
        if media and copy_media(media, folder / f"{bank.id}_media") is None:
            return NONE_IMPORTED
        write_text_atomic(dest, text)
    except OSError as exc:
        return fail(f"{dest}: cannot write: {exc.strerror or exc}")
    except BankLoadError as exc:
        print_problems(exc.problems)
        return 1
    print(f"added {bank.id!r} ({len(bank.questions)} question(s)) as {dest}")
    if skipped:
        print(f"{skipped} question(s) of {src} skipped (see above)")
        return SOME_SKIPPED
    return ALL_IMPORTED
