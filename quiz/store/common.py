"""What every part of the store shares: errors, keys, time conversions, transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path

from quiz.locations import default_db_path
from quiz.scheduler import to_utc

QuestionKey = tuple[str, str]
#: Interval (days) from which a review card counts as mature / a question as stable.
MATURE_DAYS = 21
BUSY_TIMEOUT_MS = 5000
#: Separates question ids joined in one string (ids are slugs: never a control character).
ID_SEP = "\x1f"
#: Session modes that are not a bank's "last score": due-card reviews and retries of
#: what was missed (a session whose scope has "retry": true is a retry too).
UNSCORED_MODES = ("review", "retry")
#: The profile used when none is named.
DEFAULT_PROFILE = "default"


class StoreError(Exception):
    """A database problem the learner must act on (message is ready to show)."""

    #: The command line's exit status for it (quiz.cli.EXIT_CODES): a problem in the data.
    exit_code = 1


class StoreUnavailable(StoreError):
    """The system refused: a read-only folder, a full disk, a folder that went away."""

    exit_code = 4


class UnknownProfile(StoreError):
    """A read asked about a profile that does not exist (reads never create one)."""

    def __init__(self, name: str, existing: list[str]) -> None:
        known = ", ".join(existing) if existing else "(none yet)"
        super().__init__(f"there is no profile {name!r}; profiles: {known}")
        self.name = name
        self.existing = existing


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT on an autocommit connection, rolled back on any error.

    IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
    instead of failing midway with "database is locked".
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        # SQLite rolls back by itself on some errors (SQLITE_FULL, SQLITE_IOERR): a second
        # ROLLBACK would fail and hide the error that matters.
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def resolve_db_path(path: str | Path | None = None) -> Path:
    """`--db PATH` if given, else `$QUIZ_DB`, else quiz.db in the user data folder."""
    return Path(path).expanduser() if path else default_db_path()


def ms(moment: datetime) -> int:
    """Epoch milliseconds (UTC) of an aware datetime."""
    return int(to_utc(moment).timestamp() * 1000)


def from_ms(value: int) -> datetime:
    """The aware UTC datetime of epoch milliseconds."""
    return datetime.fromtimestamp(value / 1000, UTC)


def now_utc(now: datetime | None) -> datetime:
    """`now` in UTC, or the current time; naive datetimes are refused."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("`now` must be timezone-aware")
    return to_utc(now)


def local_date(moment: datetime) -> date:
    """The machine's local calendar day of `moment`."""
    return moment.astimezone().date()


def local_midnight_ms(day: date) -> int:
    """Epoch ms of the start of `day` in the machine's local time zone (DST-aware)."""
    return ms(datetime(day.year, day.month, day.day).astimezone())


def ratio(part: float, whole: float) -> float | None:
    """part / whole, or None when there is no whole."""
    return part / whole if whole else None


#: SQL for the local day of a review row.
LOCAL_DAY = "date(reviewed_ms / 1000, 'unixepoch', 'localtime')"
