"""`quiz backup [FILE]`: copy the learner store now (SQLite's online backup API)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from quiz.cli import add_common_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `backup` subcommand."""
    p = subparsers.add_parser(
        "backup",
        help="back up your learner database now (or list the backups)",
        description=(
            "Copy the learner database, consistently even while the app is open. With no "
            "FILE the copy goes into the backups folder beside the database (where quiz "
            "also backs up once a day and before every upgrade, keeping the last 7). "
            "Bring one back with `quiz restore FILE`."
        ),
    )
    add_common_options(p)
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="where to write the copy")
    p.add_argument("--list", action="store_true", help="list the backups instead")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write a backup (or list them) and say where."""
    from quiz.cli import CommandError
    from quiz.commands._learner import open_store
    from quiz.store import resolve_db_path
    from quiz.store.safety import list_backups

    if args.list:
        found = list_backups(resolve_db_path(getattr(args, "db", None)))
        if args.json:
            print(json.dumps({"ok": True, "backups": [str(p) for p in found]}, indent=2))
        else:
            for path in found:
                print(path)
            if not found:
                print("no backups yet")
        return 0
    dest: Path | None = args.file
    if dest is not None and dest.exists():
        raise CommandError(f"{dest} already exists; choose a new file name")
    with open_store(args) as store:
        written = store.backup(dest)
    if args.json:
        print(json.dumps({"ok": True, "backup": str(written)}, indent=2))
    else:
        print(f"backed up {store.path} to {written}")
    return 0
