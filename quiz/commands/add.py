"""`quiz add FILE`: validate (or import) a bank and copy it into the user's bank folder."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.cli import add_common_options

if TYPE_CHECKING:
    from quiz.banks import BankChanges


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `add` subcommand."""
    p = subparsers.add_parser(
        "add",
        help="add a bank (or a GIFT/Aiken/Anki/CSV file) to your bank folder",
        description=(
            "Validate FILE and copy it into your bank folder, where the app finds it next to "
            "the shipped banks. Files in another format are imported first (see `quiz import`). "
            "A bank whose id is already used is refused, unless --replace: then your bank "
            "with that id is updated (a shipped bank never is). Learners keep their history "
            "of unchanged questions, and of changed ones whose answer key (choices marked "
            "correct, answers, ranges) is the same; a question with a new answer key starts "
            "afresh (the database is backed up first). Prints what was added, changed and "
            "removed."
        ),
    )
    add_common_options(p)
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--format", choices=("gift", "aiken", "anki", "csv", "apkg"), help="import FILE first"
    )
    p.add_argument("--id", dest="bank_id", help="bank id for an imported file (default: its name)")
    p.add_argument("--replace", action="store_true", help="update your bank that has the same id")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate or import, refuse clashing ids, write atomically into the user folder."""
    from quiz import locations
    from quiz.banks import (
        FORMATS,
        BankLoadError,
        LoadedBank,
        compare_banks,
        load_bank,
        load_catalog,
    )
    from quiz.commands._bankio import (
        check_dumped,
        fail,
        fail_problems,
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
        fail_problems(exc.problems)
    catalog = load_catalog()
    owner = catalog.get(bank.id)
    changes: BankChanges | None = None
    if owner is not None:
        if not args.replace:
            return fail(
                f"a bank with the id {bank.id!r} is already loaded from {owner.path}; "
                "give --replace to update it, or change the id (or --id for an imported "
                "file) and try again"
            )
        if owner.path.resolve().is_relative_to(locations.shipped_banks_dir().resolve()):
            return fail(
                f"{bank.id!r} is a shipped bank ({owner.path}); it cannot be replaced. "
                "Give your version another id."
            )
        if owner.path.resolve() == src.resolve():
            return fail(
                f"{src} is the file the app already loads for {bank.id!r}; edit a copy and "
                "add that with --replace"
            )
        changes = compare_banks(owner.bank, bank)
    dest = folder / f"{bank.id}{ext}"
    if dest.exists() and (owner is None or dest.resolve() != owner.path.resolve()):
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
        if owner is not None and owner.path.resolve() != dest.resolve():
            owner.path.unlink()  # the old version, under another name or format
    except OSError as exc:
        return fail(f"{dest}: cannot write: {exc.strerror or exc}", system=True)
    except BankLoadError as exc:
        fail_problems(exc.problems)
    forgotten = _forget_rekeyed(args, bank.id, changes) if changes else None
    report: dict[str, object] = {
        "ok": True,
        "id": bank.id,
        "questions": len(bank.questions),
        "path": str(dest),
    }
    if changes is not None:
        report.update(
            replaced=True,
            added=changes.added,
            changed=changes.changed,
            removed=changes.removed,
            history_kept=changes.reworded,
            history_cleared=changes.rekeyed,
            answers_cleared=forgotten[0] if forgotten else 0,
            backup=str(forgotten[1]) if forgotten and forgotten[1] else None,
        )
    if skipped:
        report["skipped"] = skipped
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    elif changes is None:
        print(f"added {bank.id!r} ({len(bank.questions)} question(s)) as {dest}")
    else:
        print(f"replaced {bank.id!r} ({len(bank.questions)} question(s)) in {dest}")
        print(_listing("added", changes.added))
        print(_listing("changed", changes.changed))
        print(
            _listing("removed", changes.removed)
            + (" (their history is kept)" if changes.removed else "")
        )
        print(f"unchanged: {len(changes.unchanged)}")
        if changes.reworded:
            print(_listing("history kept (same answer key)", changes.reworded))
        if changes.rekeyed:
            cleared = forgotten[0] if forgotten else 0
            line = _listing("new answer key, history cleared", changes.rekeyed)
            line += f" ({cleared} answer(s)"
            if forgotten and forgotten[1]:
                line += f"; the database was backed up to {forgotten[1]}"
            print(line + ")")
    if skipped:
        if not args.json:
            print(f"{skipped} question(s) of {src} skipped (see above)")
        return SOME_SKIPPED
    return ALL_IMPORTED


def _listing(label: str, ids: list[str]) -> str:
    return f"{label}: {len(ids)}" + (f" ({', '.join(ids)})" if ids else "")


def _forget_rekeyed(
    args: argparse.Namespace, bank_id: str, changes: BankChanges
) -> tuple[int, Path | None] | None:
    """Clear the history of questions whose answer key changed, after a backup."""
    from quiz.commands._learner import open_store
    from quiz.store import resolve_db_path

    if not changes.rekeyed or not resolve_db_path(getattr(args, "db", None)).exists():
        return None
    with open_store(args) as store:
        if not store.history_count(bank_id, changes.rekeyed):
            return 0, None
        backup = store.backup()
        return store.forget(bank_id, changes.rekeyed), backup
