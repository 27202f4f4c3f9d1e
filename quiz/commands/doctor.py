"""`quiz doctor`: check the whole learner database for damage, on demand."""

from __future__ import annotations

import argparse
import sys

from quiz.cli import add_common_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `doctor` subcommand."""
    p = subparsers.add_parser(
        "doctor",
        help="check the learner database for damage (reads the whole file)",
        description=(
            "Run SQLite's full integrity check over the learner database, and rebuild the "
            "totals Home and Stats show from the history. Opening the store checks the "
            "whole file only after a process ended without closing it; this checks it now. "
            "The file is never moved or changed when it is damaged. Exit status: 0 ok, "
            "1 damaged or unreadable."
        ),
    )
    add_common_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the database; print what was found."""
    import sqlite3

    from quiz.store import Store, StoreError, resolve_db_path
    from quiz.store.shutdown import clear_stale

    path = resolve_db_path(getattr(args, "db", None))
    if not path.is_file():
        print(f"quiz: error: there is no database at {path}", file=sys.stderr)
        return 1
    try:
        # Read-only: a damaged file is reported, never set aside or written to.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        print(f"quiz: error: {path}: {exc}", file=sys.stderr)
        return 1
    if problems != ["ok"]:
        print(f"quiz: {path} is damaged:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        print(
            "Copy the file somewhere safe; `quiz` will set it aside and start a new one "
            "the next time it finds it damaged.",
            file=sys.stderr,
        )
        return 1
    clear_stale(path)  # checked: a crash before this one no longer needs a check
    try:
        with Store.open(path) as store:
            store.rebuild_aggregates()
    except StoreError as exc:
        print(f"quiz: error: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: ok (integrity check passed, totals rebuilt from the history)")
    return 0
