"""Keeping the learner's data safe: whose file this is, private files, backups, restore.

- `inspect_file` looks at a path before anything may change it: a file without the SQLite
  header, or an SQLite database of another application (none of our tables), is refused
  and left byte-for-byte untouched (nothing is created beside it either).
- Backups use SQLite's online backup API (consistent even while another window writes)
  into `backups/` beside the database (the data folder by default), written to a
  temporary file and renamed, mode 0600 in a 0700 folder; the last `KEEP_BACKUPS` stay.
- `restore_into` copies a checked backup into the open store with the backup API, which
  replaces the whole database in one transaction: another open window sees the old data
  or the new, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from quiz.store.common import BUSY_TIMEOUT_MS, StoreError, StoreUnavailable

SQLITE_HEADER = b"SQLite format 3\x00"
#: The tables every quiz database has had since schema version 1.
OUR_TABLES = frozenset({"profiles", "sessions", "cards", "attempts", "reviews"})
#: How many backups of one database are kept.
KEEP_BACKUPS = 7
BACKUP_FOLDER = "backups"


class NotOurFile(StoreError):
    """The path holds something that is not a quiz database; it was left untouched."""


@dataclass(frozen=True, slots=True)
class FileCheck:
    """What `inspect_file` found: `version` 0 for a new or empty database."""

    exists: bool
    version: int


def _has_header(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def folder_read_only(folder: Path) -> bool:
    """True when nothing can be created in `folder` (a read-only mount or permissions)."""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK)


def _read_only(
    path: Path,
    isolation_level: Literal["DEFERRED"] | None = "DEFERRED",
    *,
    immutable: bool = False,
) -> sqlite3.Connection:
    """A read-only connection: it never writes the file nor creates one beside it.

    In a read-only folder a WAL database cannot make its shared-memory file; it is then
    read as it is on disk (`immutable`), which sees every answer once the last writer
    closed it (SQLite folds the WAL into the file then).
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if immutable or folder_read_only(path.parent):
        uri += "&immutable=1"
    conn = sqlite3.connect(
        uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=isolation_level
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection for a store in a folder quiz cannot write to."""
    conn = _read_only(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


#: What to tell a learner whose --db names the wrong file.
_CHECK_DB = "Check --db or QUIZ_DB."


def inspect_file(
    path: Path,
    *,
    tables: frozenset[str] = OUR_TABLES,
    what: str = "a quiz database",
    check: str = _CHECK_DB,
) -> FileCheck:
    """Check that `path` is absent, empty or a quiz database, without changing anything.

    Raises NotOurFile for a file that is not an SQLite database, an SQLite database of
    another application, or one whose schema cannot be read; StoreError when the path
    cannot be read at all. Other quiz databases (the classroom's) pass their own
    `tables` (every one must be there), `what` the file is and where to `check` its path.
    """
    try:
        if not path.exists():
            return FileCheck(exists=False, version=0)
        if path.is_dir():
            raise StoreError(f"cannot open the database {path}: it is a folder")
        if path.stat().st_size == 0:
            # An empty file (or one whose pages are all still in its WAL): SQLite's own.
            return FileCheck(exists=True, version=0)
        header = _has_header(path)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not header:
        raise NotOurFile(
            f"{path} is not {what} (it is not an SQLite file); it was left untouched. {check}"
        )
    # Opening a WAL-mode file, even read-only, makes -wal and -shm files beside it; with no
    # journal beside it, everything is in the file itself and is read as it is on disk, so
    # looking at another application's file leaves its folder as it was.
    journal = any(Path(f"{path}{end}").exists() for end in ("-wal", "-journal"))
    try:
        conn = _read_only(path, immutable=not journal)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the database {path}: {exc}") from exc
    try:
        found = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot read the database {path}: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        restore = (
            "If it is your quiz database, `quiz restore BACKUP --db "
            f"{path}` brings back a backup (see `quiz backup --list`)."
        )
        raise NotOurFile(
            f"{path} is an SQLite file whose contents cannot be read ({exc}); it was left "
            f"untouched. {restore if check == _CHECK_DB else check}"
        ) from exc
    finally:
        conn.close()
    if not found and not version:
        return FileCheck(exists=True, version=0)  # an empty database: ours to fill
    if not found >= tables:
        raise NotOurFile(
            f"{path} is an SQLite database of another application (not {what}); it was "
            f"left untouched. {check}"
        )
    return FileCheck(exists=True, version=version)


# --------------------------------------------------------------------------- private files


def make_private_dir(folder: Path) -> None:
    """Create `folder` (and its parents) if missing; a folder we create is mode 0700."""
    if folder.is_dir():
        return
    if folder.exists():
        raise NotADirectoryError(errno.ENOTDIR, f"{folder} is not a folder", str(folder))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkdir's mode is filtered by the umask; 0700 is what we promise.
    os.chmod(folder, 0o700)


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600 (SQLite gives its -wal/-shm the same mode)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


# --------------------------------------------------------------------------- backups


def backups_dir(db_path: Path) -> Path:
    """Where the backups of `db_path` go: `backups/` beside it."""
    return db_path.parent / BACKUP_FOLDER


def list_backups(db_path: Path) -> list[Path]:
    """The backups of `db_path`, oldest first (their names sort by time)."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-*.db"), key=lambda p: p.name)


def _stamp(now: datetime) -> str:
    return now.astimezone().strftime("%Y%m%dT%H%M%S")


def backup_to(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the open database to `dest` (SQLite's backup API), atomically, mode 0600.

    Raises StoreError (with nothing left at `dest` or beside it) when it cannot be written.
    """
    tmp = dest.with_name(f".{dest.name}.tmp")
    try:
        make_private_dir(dest.parent)
        tmp.unlink(missing_ok=True)
        create_private_file(tmp)
        target = sqlite3.connect(tmp)
        try:
            conn.backup(target)
            # A backup is one file: no WAL to carry along.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        # The system refused (a full disk, a read-only or vanished folder).
        raise StoreUnavailable(f"cannot write the backup {dest}: {reason}") from exc
    return dest


def write_backup(conn: sqlite3.Connection, db_path: Path, now: datetime, tag: str = "") -> Path:
    """A new backup of the open database in its backups folder; keeps the last 7."""
    folder = backups_dir(db_path)
    name = f"{db_path.stem}-{_stamp(now)}{'-' + tag if tag else ''}"
    dest = folder / f"{name}.db"
    n = 1
    while dest.exists():
        dest = folder / f"{name}-{n}.db"
        n += 1
    backup_to(conn, dest)
    prune_backups(db_path)
    return dest


def prune_backups(db_path: Path, keep: int = KEEP_BACKUPS) -> None:
    """Delete all but the newest `keep` backups of `db_path`."""
    for old in list_backups(db_path)[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()


def backed_up_today(db_path: Path, now: datetime) -> bool:
    """True when a backup of `db_path` was written on `now`'s local day."""
    day = now.astimezone().strftime("%Y%m%d")
    return any(p.name[len(db_path.stem) + 1 :].startswith(day) for p in list_backups(db_path))


def copy_damaged(db_path: Path, now: datetime) -> Path:
    """A byte-for-byte copy of a damaged database (and its WAL) in the backups folder."""
    folder = backups_dir(db_path)
    dest = folder / f"{db_path.stem}-{_stamp(now)}-damaged.db"
    try:
        make_private_dir(folder)
        for suffix in ("", "-wal"):
            src = db_path.with_name(db_path.name + suffix)
            if src.exists():
                target = dest.with_name(dest.name + suffix)
                tmp = target.with_name(f".{target.name}.tmp")
                create_private_file(tmp)
                shutil.copyfile(src, tmp)
                with tmp.open("rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, target)
    except OSError as exc:
        raise StoreError(
            f"the database {db_path} is damaged, and no backup of it could be written "
            f"({exc.strerror or exc}); it was left where it is"
        ) from exc
    return dest


def check_backup(path: Path, newest: int) -> int:
    """Check that `path` is a whole quiz database this quiz can read; its schema version.

    Raises StoreError saying what is wrong; the file is never changed.
    """
    found = inspect_file(path)
    if not found.exists:
        raise StoreError(f"{path}: no such file")
    if found.version < 1:
        raise NotOurFile(f"{path} is an empty database, not a quiz backup")
    if found.version > newest:
        raise StoreError(
            f"{path} uses schema version {found.version}, but this quiz only knows up to "
            f"{newest}; update quiz first"
        )
    conn = _read_only(path)
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is damaged: {exc}") from exc
    finally:
        conn.close()
    if result != ["ok"]:
        raise StoreError(f"{path} is damaged: {'; '.join(result[:3])}")
    return found.version


def restore_into(source: Path, conn: sqlite3.Connection) -> None:
    """Replace the open database's contents with `source`'s, in one transaction."""
    src = _read_only(source)
    try:
        src.backup(conn)
    finally:
        src.close()


# --------------------------------------------------------------------------- windows


class WindowPresence:
    """An app window's claim on a store: a shared `flock` on `<db>.windows`, held while
    the window is open and released by the kernel when its process ends, even on kill -9.

    `others` is True when another window (another process, or another app in this one)
    had the store open when this one came.
    """

    def __init__(self, fd: int | None, others: bool) -> None:
        self._fd = fd
        self.others = others

    @classmethod
    def claim(cls, db_path: Path) -> WindowPresence:
        """Join the windows open on `db_path`; never fails (no lock file: no notice)."""
        import fcntl

        lock = db_path.with_name(db_path.name + ".windows")
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return cls(None, others=False)
        try:
            # Alone if nobody holds it: then stay as one shared holder among those to come.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            others = False
        except OSError:
            others = True
        fcntl.flock(fd, fcntl.LOCK_SH)
        return cls(fd, others)

    def release(self) -> None:
        """Leave (closing the file releases the lock)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
