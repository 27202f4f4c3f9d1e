"""`quiz restore FILE`: bring back a backup of the learner store."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from quiz.cli import add_common_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `restore` subcommand."""
    p = subparsers.add_parser(
        "restore",
        help="bring back a backup of your learner database",
        description=(
            "Check FILE (a quiz database, whole, not from a newer quiz), back up the current "
            "database into the backups folder, then replace its contents with FILE's in one "
            "step. See `quiz backup --list` for the backups there are."
        ),
    )
    add_common_options(p)
    p.add_argument("file", type=Path, metavar="FILE", help="the backup to bring back")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check, back up the current store, restore."""
    from quiz.cli import CommandError
    from quiz.commands._learner import open_store
    from quiz.store.safety import check_backup
    from quiz.store.schema import SCHEMA_VERSION

    source: Path = args.file
    if not source.is_file():
        raise CommandError(f"{source}: no such file")
    check_backup(source, SCHEMA_VERSION)  # before the store is even opened
    with open_store(args) as store:
        if source.resolve() == store.path.resolve():
            raise CommandError(f"{source} is the database itself")
        before = store.restore(source)
        attempts = store.conn.execute("SELECT count(*) FROM attempts").fetchone()[0]
    if args.json:
        print(json.dumps({"ok": True, "restored": str(source), "previous": str(before)}))
    else:
        print(
            f"restored {source} into {store.path} ({attempts} answer(s)); the database as it "
            f"was is backed up in {before}"
        )
    return 0
