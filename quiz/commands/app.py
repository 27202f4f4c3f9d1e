"""`quiz` with no command: open the study app on Home."""

from __future__ import annotations

import argparse


def app_options(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """`--db` and `--profile` from the command line (either may be absent: the app then
    uses the default database and the profile used last)."""
    return getattr(args, "db", None), getattr(args, "profile", None)


def run_app(args: argparse.Namespace) -> int:
    """Run the Textual app until the learner quits; returns the exit status."""
    import signal

    from quiz.ui.app import create_app

    db, profile = app_options(args)
    app = create_app(db, profile)

    def leave(signum: int, frame: object) -> None:
        # A closed terminal (SIGHUP) or a polite kill (SIGTERM): leave as `q` does, so the
        # store is closed cleanly and the next start needs no whole-file check.
        app.exit()

    for name in ("SIGHUP", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), leave)
    app.run()
    return 0
