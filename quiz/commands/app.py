"""`quiz` with no command: open the study app on Home."""

from __future__ import annotations

import argparse


def app_options(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """`--db` and `--profile` from the command line (either may be absent: the app then
    uses the default database and the profile used last)."""
    return getattr(args, "db", None), getattr(args, "profile", None)


def run_app(args: argparse.Namespace) -> int:
    """Run the Textual app until the learner quits; returns the exit status."""
    from quiz.ui.app import create_app

    db, profile = app_options(args)
    create_app(db, profile).run()
    return 0
