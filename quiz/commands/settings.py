"""`quiz settings`: show or change a profile's study settings (FSRS and daily limits)."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from typing import Any

from quiz.cli import UsageError, add_common_options

#: Option name -> (Settings field, type, help).
OPTIONS: dict[str, tuple[str, type, str]] = {
    "--retention": ("desired_retention", float, "desired retention, 0.7-0.99 (default 0.9)"),
    "--new-per-day": (
        "new_per_day",
        int,
        "never-seen questions that join the review schedule per day; later ones are still "
        "scored (default 20)",
    ),
    "--reviews-per-day": (
        "reviews_per_day",
        int,
        "reviews per day; missed cards still learning are never held back (default 200)",
    ),
    "--leech-threshold": ("leech_threshold", int, "lapses that make a leech (default 8)"),
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `settings` subcommand."""
    p = subparsers.add_parser(
        "settings",
        help="show or change the profile's study settings",
        description=(
            "Show the study settings of a profile, or change them with the options below. "
            "Settings belong to the profile (--profile). Exit status: 0 ok, 1 database "
            "error, 2 a value out of range."
        ),
    )
    add_common_options(p)
    for flag, (_, kind, text) in OPTIONS.items():
        p.add_argument(flag, type=kind, metavar="N", help=text)
    p.add_argument(
        "--leech-action",
        choices=("flag", "suspend"),
        help="what happens to a leech: flag it in stats, or also suspend it (default flag)",
    )
    p.add_argument("--json", action="store_true", help="print the settings as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the settings, after applying any change asked for."""
    from quiz.commands._learner import open_store, profile_for
    from quiz.scheduler import SettingsError

    changes: dict[str, Any] = {
        field: getattr(args, flag[2:].replace("-", "_"))
        for flag, (field, _, _) in OPTIONS.items()
        if getattr(args, flag[2:].replace("-", "_")) is not None
    }
    if args.leech_action is not None:
        changes["leech_action"] = args.leech_action
    with open_store(args) as store:
        # Showing settings reads; changing them may create the profile.
        profile = profile_for(store, args, read_only=not changes)
        settings = store.settings(profile)
        if changes:
            try:
                settings = replace(settings, **changes)
            except SettingsError as exc:
                raise UsageError(str(exc)) from None
            store.save_settings(profile, settings)
    data = settings.to_dict()
    if args.json:
        print(json.dumps({"profile": profile, **data}, indent=2))
    else:
        print(f"Settings of profile {profile!r}{' (saved)' if changes else ''}:")
        for key, value in data.items():
            print(f"  {key.replace('_', ' '):18} {value}")
    return 0
