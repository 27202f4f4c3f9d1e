"""`quiz remove BANK_ID`: remove one of your banks (never a shipped one)."""

from __future__ import annotations

import argparse
import json
import sys

from quiz.cli import add_common_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `remove` subcommand."""
    p = subparsers.add_parser(
        "remove",
        help="remove one of your banks (asks first; keeps your history)",
        description=(
            "Delete the bank file (and its article) of BANK_ID from your bank folder, after "
            "asking. Shipped banks are never removed. Your answers and review history are "
            "kept (adding the bank again brings them back) unless --forget-history, which "
            "backs the database up and then deletes them for every profile."
        ),
    )
    add_common_options(p)
    p.add_argument("bank_id", metavar="BANK_ID")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.add_argument(
        "--forget-history", action="store_true", help="also delete the answers to its questions"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the bank is the user's, confirm, delete the file(s), maybe the history."""
    from quiz import locations
    from quiz.banks import load_catalog
    from quiz.cli import CommandError, UsageError
    from quiz.commands._learner import open_store
    from quiz.store import resolve_db_path

    catalog = load_catalog()
    loaded = catalog.get(args.bank_id)
    if loaded is None:
        known = ", ".join(sorted(lb.bank.id for lb in catalog.banks)) or "(none)"
        raise CommandError(f"no bank with the id {args.bank_id!r}; banks: {known}")
    if loaded.path.resolve().is_relative_to(locations.shipped_banks_dir().resolve()):
        raise CommandError(f"{args.bank_id!r} is a shipped bank ({loaded.path}); it is not removed")
    files = [loaded.path]
    if loaded.bank.source is not None:
        article = loaded.path.parent / loaded.bank.source.path
        # Only an article `quiz add` put beside the bank goes with it.
        if article.name.startswith(f"{loaded.bank.id}-article") and article.is_file():
            files.append(article)
    what = "and every answer to it" if args.forget_history else "(your history is kept)"
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("confirm with --yes (no terminal to ask on)")
        reply = input(
            f"Remove {args.bank_id!r} ({len(loaded.bank.questions)} questions, "
            f"{loaded.path}) {what}? [y/N] "
        )
        if reply.strip().lower() not in ("y", "yes"):
            print("nothing removed")
            return 0
    forgotten = 0
    backup = None
    if args.forget_history and resolve_db_path(getattr(args, "db", None)).exists():
        with open_store(args) as store:
            if store.history_count(args.bank_id):
                backup = store.backup()
                forgotten = store.forget(args.bank_id)
    for path in files:
        path.unlink()
    if args.json:
        report = {
            "ok": True,
            "removed": args.bank_id,
            "files": [str(p) for p in files],
            "answers_forgotten": forgotten,
            "backup": str(backup) if backup else None,
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"removed {args.bank_id!r} ({', '.join(str(p) for p in files)})")
        if args.forget_history:
            saved = f"; the database was backed up to {backup}" if backup else ""
            print(f"forgot {forgotten} answer(s){saved}")
        else:
            print("your history of it is kept: adding the bank again brings it back")
    return 0
