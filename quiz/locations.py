"""Where `quiz` keeps its files: shipped banks, the user's banks, the database.

Environment overrides (`QUIZ_DB`, `QUIZ_BANKS_DIR`, `QUIZ_DATA_DIR`, `QUIZ_CACHE_DIR`) exist
so tests and scripts never touch a real user's data.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_data_path

APP_NAME = "quiz"


def shipped_banks_dir() -> Path:
    """The banks that ship with the package (inside the wheel, or the repo's folder)."""
    packaged = Path(__file__).parent / "_shipped_banks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "question_banks"


def data_dir() -> Path:
    """The per-user data folder (created on first use by whoever writes there)."""
    override = os.environ.get("QUIZ_DATA_DIR")
    return Path(override) if override else user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Files `quiz` can rebuild (the bank index): `QUIZ_CACHE_DIR`, else the user cache."""
    override = os.environ.get("QUIZ_CACHE_DIR")
    return Path(override) if override else user_cache_path(APP_NAME, appauthor=False)


def user_banks_dir() -> Path:
    """The user's own banks folder, searched after the shipped banks."""
    override = os.environ.get("QUIZ_BANKS_DIR")
    return Path(override) if override else data_dir() / "banks"


def default_db_path() -> Path:
    """The learner database: `QUIZ_DB` if set, else quiz.db in the data folder."""
    override = os.environ.get("QUIZ_DB")
    return Path(override) if override else data_dir() / "quiz.db"
