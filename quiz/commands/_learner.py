"""What the learner commands share: opening the store and choosing the profile."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from quiz.cli import UsageError

if TYPE_CHECKING:
    from quiz.store import Store


def open_store(args: argparse.Namespace) -> Store:
    """The learner store `--db` names (or the default one); its notice goes to stderr.

    Raises StoreError when it cannot be opened.
    """
    from quiz.store import Store

    store = Store.open(getattr(args, "db", None))
    if store.notice:
        print(f"quiz: {store.notice}", file=sys.stderr)
    return store


def profile_for(store: Store, args: argparse.Namespace, *, read_only: bool) -> str:
    """The profile a command works on: `--profile`, else the one used last, else "default".

    A read-only command never creates a profile: an unknown `--profile` is a usage error
    (exit 2) that names the profiles there are.
    """
    from quiz.store import DEFAULT_PROFILE, UnknownProfile

    named: str | None = getattr(args, "profile", None)
    if named is None:
        return store.last_profile() or DEFAULT_PROFILE
    if read_only:
        try:
            store.require_profile(named)
        except UnknownProfile as exc:
            raise UsageError(str(exc)) from None
    return named


def terminal_text(text: str) -> str:
    """Bank or learner text made safe to print: every non-printable character (escape
    sequences, bells, bidi controls, newlines) becomes a space."""
    return "".join(ch if ch.isprintable() else " " for ch in text)
