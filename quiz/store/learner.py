"""The learner's store: profiles, sessions, attempts and FSRS cards in SQLite.

One file per user (`quiz.locations.default_db_path()`; `--db PATH` or `QUIZ_DB` override it).
Stdlib `sqlite3` only; the core never imports textual. The store carries out what the
application layer (`quiz.study`) and the scheduler's pure rules (`quiz.scheduler`) decide;
each write is one transaction. Statistics live in `quiz.store.statistics`.

Design notes
------------
* WAL journal, `busy_timeout=5000`, foreign keys on, `synchronous=NORMAL`. NORMAL is the
  documented safe choice for WAL: a committed transaction survives the process being
  killed (kill -9); only an OS crash or power cut can lose the last few commits, never
  corrupt the file. Every write is one `BEGIN IMMEDIATE` transaction so two processes
  queue on the write lock (up to the busy timeout) instead of failing with "database
  is locked" on a read-to-write upgrade.
* Reads never create a profile: a profile that does not exist reads as empty (the
  commands refuse an unknown `--profile`); the first write creates it.
* Times are stored as integer epoch milliseconds (UTC) in indexed columns; "days" for
  streaks, heatmap, forecast and burying are the machine's local days.
* A card exists once a question has been answered (or suspended/buried); `reps = 0`
  marks a card that was never reviewed. A *lapse* is Again on a card in Review state.
"""

from __future__ import annotations

import heapq
import itertools
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from quiz.locations import data_dir
from quiz.scheduler import (
    Card,
    Rating,
    Settings,
    State,
    card_from_json,
    card_to_json,
    holds_back_new,
    is_lapse,
    leech_after,
    new_card,
    rating_for,
    review,
)
from quiz.store import shutdown
from quiz.store.common import (
    BUSY_TIMEOUT_MS,
    QuestionKey,
    StoreError,
    StoreUnavailable,
    UnknownProfile,
    from_ms,
    local_date,
    local_midnight_ms,
    ms,
    now_utc,
    resolve_db_path,
    write_transaction,
)
from quiz.store.records import (
    AttemptRecord,
    AttemptResult,
    CardInfo,
    CatalogInfo,
    DailyLimits,
    DueCard,
    SessionState,
    SetAsideCard,
)
from quiz.store.safety import (
    backed_up_today,
    backup_to,
    check_backup,
    copy_damaged,
    create_private_file,
    folder_read_only,
    inspect_file,
    list_backups,
    make_private_dir,
    open_read_only,
    restore_into,
    write_backup,
)
from quiz.store.schema import (
    SCHEMA_VERSION,
    connect_checked,
    migrate,
    rebuild_aggregates,
    set_aside,
    user_version,
)

if TYPE_CHECKING:
    from quiz.store.statistics import BankSummary, StatsReport

#: What `Store.set_aside_cards` lists.
SetAsideKind = Literal["suspended", "buried", "leeches", "all"]


# --------------------------------------------------------------------------- store


def _identity(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _write_problem(path: Path, exc: sqlite3.OperationalError) -> StoreError:
    """A failed write explained: what happened, that earlier answers are safe, what to do."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == sqlite3.SQLITE_FULL:
        return StoreUnavailable(
            f"the disk holding {path} is full: this was not saved (everything saved before "
            "is kept). Free some space and try again."
        )
    if code is not None and code & 0xFF in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR):
        return StoreUnavailable(
            f"{path} cannot be written ({exc}{_folder_hint(path)}): this was not saved "
            "(everything saved before is kept)."
        )
    return StoreError(
        f"cannot write to {path}: {exc}; this was not saved (everything saved before is kept)"
    )


def _read_only_notice(db_path: Path, *, writing: bool = False) -> str:
    done = " This was not saved; everything saved before is kept." if writing else ""
    return (
        f"The folder {db_path.parent} is read-only: quiz shows what is saved in {db_path.name} "
        f"but cannot save anything new there.{done} Make the folder writable, or use --db "
        "with a writable place."
    )


def _folder_hint(db_path: Path) -> str:
    """Why a database may not open: the reasons a learner can do something about."""
    folder = db_path.parent
    if not folder.exists():
        return f" (the folder {folder} does not exist)"
    if folder_read_only(folder):
        return f" (the folder {folder} is read-only; quiz needs to write there)"
    return ""


def _set_aside_after_backup(db_path: Path, now: datetime, exc: sqlite3.DatabaseError) -> str:
    """Move a damaged quiz database aside once a backup exists; the message to show."""
    earlier = [p for p in list_backups(db_path) if not p.name.endswith("-damaged.db")]
    copy = copy_damaged(db_path, now)  # raises, leaving the file where it is, if it cannot
    aside = set_aside(db_path, now)
    if earlier:
        restore = (
            f"The latest backup is {earlier[-1]}; to go back to it: "
            f"quiz restore {earlier[-1]} --db {db_path}"
        )
    else:
        restore = f"There was no earlier backup; a copy of the damaged file is {copy}"
    return (
        f"The database {db_path} failed its integrity check ({exc}). It was moved to "
        f"{aside} and a new, empty database was started. {restore}"
    )


#: The statistics caches (`quiz.store.statistics`): the `bank_stats` counter an entry is
#: valid for, and the column of its value.
StatsCache = Literal["bank_extras", "bank_tags"]
_STATS_CACHES: dict[str, tuple[str, str]] = {
    "bank_extras": ("ids_version", "extra_ids"),
    "bank_tags": ("changes", "per_tag"),
}


class Store:
    """A connection to one learner database. Not shared between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path, notice: str | None = None) -> None:
        self.conn = conn
        self.path = path
        self._identity = _identity(path)
        #: Opened in a folder quiz cannot write to: reads work, every write is refused.
        self.read_only = False
        #: Set when something happened to the file mid-run (see take_alert).
        self.alert: str | None = None
        #: Set when the database was damaged and replaced; show it to the learner.
        self.notice = notice
        self._profile_ids: dict[str, int] = {}
        self._settings: dict[str, Settings] = {}
        #: This process's open marker (`quiz.store.shutdown`), removed by `close`.
        self._marker: Path | None = None
        #: A second connection made by `open_reader` (`query_only`).
        self._reader = False

    # -- opening --------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | Path | None = None, *, now: datetime | None = None, backup: bool = True
    ) -> Store:
        """Open (creating and migrating as needed) the database at `path`.

        Only a quiz database is ever changed: a file that is not an SQLite database, or
        the database of another application, raises NotOurFile and is left untouched.
        An existing store is backed up before a migration and once a day (`backup`).
        A quiz database that fails `PRAGMA quick_check` is set aside as
        `<name>.corrupt-<YYYYmmddTHHMMSS>` only once a backup exists, and a fresh database
        is started; `notice` then names both files and how to restore. Raises StoreError
        when the file cannot be opened at all or was written by a newer quiz.
        After an unclean shutdown (a process that had the store open ended without closing
        it, `quiz.store.shutdown`) the whole file is checked first; otherwise the open
        reads only what it needs.
        """
        db_path = resolve_db_path(path)
        moment = now_utc(now)
        found = inspect_file(db_path)
        if found.version == SCHEMA_VERSION and folder_read_only(db_path.parent):
            # Show what is saved; say that nothing new can be (every write would fail).
            try:
                conn = open_read_only(db_path)
            except sqlite3.Error as exc:
                raise StoreUnavailable(
                    f"cannot open the database {db_path}: {exc}{_folder_hint(db_path)}"
                ) from exc
            store = cls(conn, db_path, _read_only_notice(db_path))
            store.read_only = True
            return store
        try:
            make_private_dir(db_path.parent)
            if db_path.parent.resolve() == data_dir().resolve():
                # Our data folder may have been made by `quiz add` (for banks/) with the
                # umask's mode; the folder holding the learner's answers is private.
                os.chmod(db_path.parent, 0o700)
            if not found.exists:
                create_private_file(db_path)
        except FileExistsError:
            pass  # another process created it a moment ago
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot create the database {db_path}: {exc.strerror or exc}"
                f"{_folder_hint(db_path)}"
            ) from exc

        def before_migration(conn: sqlite3.Connection, version: int) -> None:
            write_backup(conn, db_path, moment, tag=f"v{version}")

        notice: str | None = None
        # The whole-file check only after a process ended without closing the store.
        check = shutdown.unclean(db_path)
        try:
            conn = connect_checked(db_path, before_migration, check=check)
        except StoreError:
            raise
        except sqlite3.OperationalError as exc:
            # Locked, unreadable, read-only...: not damage; never move such a file away.
            hint = _folder_hint(db_path)
            error = StoreUnavailable if hint else StoreError
            raise error(f"cannot open the database {db_path}: {exc}{hint}") from exc
        except sqlite3.DatabaseError as exc:
            notice = _set_aside_after_backup(db_path, moment, exc)
            try:
                conn = connect_checked(db_path)
            except sqlite3.DatabaseError as exc2:
                raise StoreError(f"cannot create a new database {db_path}: {exc2}") from exc2
        if check or notice:
            shutdown.clear_stale(db_path)
        store = cls(conn, db_path, notice)
        store._marker = shutdown.mark_open(db_path)
        if backup and found.version >= 1 and notice is None:
            store.daily_backup(moment)
        return store

    @classmethod
    def open_reader(cls, path: Path) -> Store:
        """A second connection to a store already opened (checked and migrated) with `open`.

        For history reads off the UI thread: it may be used from any thread, one at a time
        (the caller holds a lock), and refuses writes (`query_only`). WAL lets it read
        while the first connection writes.
        """
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the database {path}: {exc}") from exc
        store = cls(conn, path)
        store._reader = True
        return store

    def daily_backup(self, now: datetime | None = None) -> Path | None:
        """Back the store up unless that was done today already; the new file, if any.

        A backup that cannot be written never stops the learner: `notice` says why.
        """
        moment = now_utc(now)
        if backed_up_today(self.path, moment):
            return None
        try:
            return write_backup(self.conn, self.path, moment)
        except StoreError as exc:
            self.notice = f"No daily backup today: {exc}"
            return None

    def backup(self, dest: Path | None = None, now: datetime | None = None) -> Path:
        """Write a backup now: to `dest`, or into the backups folder (keeping the last 7)."""
        if dest is not None:
            return backup_to(self.conn, dest)
        return write_backup(self.conn, self.path, now_utc(now))

    def restore(self, source: Path, now: datetime | None = None) -> Path:
        """Replace the store's contents with the backup `source`; returns the backup of
        the store as it was. The source is checked first (ours, whole, not newer)."""
        check_backup(source, SCHEMA_VERSION)
        before = write_backup(self.conn, self.path, now_utc(now), tag="before-restore")
        try:
            restore_into(source, self.conn)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot restore {source}: {exc}") from exc
        migrate(self.conn)
        from quiz.store.statistics import forget_cached

        forget_cached(self.path)  # the aggregates' counters start over with the backup
        self._profile_ids.clear()
        self._settings.clear()
        return before

    def close(self) -> None:
        """Close the connection (everything is already committed): a clean shutdown."""
        self.conn.close()
        shutdown.mark_closed(self._marker)
        self._marker = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def schema_version(self) -> int:
        """The schema version of the open database."""
        return user_version(self.conn)

    def rebuild_aggregates(self) -> None:
        """Derive the aggregates Home and Stats read from the whole history again.

        The triggers keep them right on every write; this is for history written around
        them (a bulk load) and for `quiz doctor`.
        """
        with self._tx() as c:
            rebuild_aggregates(c)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a full disk or a vanished file is a StoreError that
        says what happened (the transaction is rolled back, earlier answers are kept)."""
        if self.read_only:
            raise StoreUnavailable(_read_only_notice(self.path, writing=True))
        self._check_file()
        try:
            with write_transaction(self.conn) as c:
                yield c
        except sqlite3.OperationalError as exc:
            raise _write_problem(self.path, exc) from exc

    def _check_file(self) -> None:
        """Before a write: is the store still the file we opened? If its folder was
        removed, write what is saved so far back to the same path and carry on there."""
        try:
            st = os.stat(self.path)
        except (FileNotFoundError, NotADirectoryError):
            st = None
        if st is not None:
            if (st.st_dev, st.st_ino) != self._identity:
                raise StoreError(
                    f"{self.path} was replaced by another file while quiz was open; nothing "
                    "more was written to it. Close quiz and open it again."
                )
            return
        stamp = now_utc(None).astimezone().strftime("%Y%m%dT%H%M%S")
        rescue = f"{self.path.stem}-rescued-{stamp}.db"
        places = [self.path, data_dir() / rescue, Path.home() / rescue]
        problems: list[str] = []
        for place in dict.fromkeys(places):
            try:
                make_private_dir(place.parent)
                backup_to(self.conn, place)
                conn = connect_checked(place)
            except (StoreError, OSError, sqlite3.Error) as exc:
                problems.append(f"{place}: {exc}")
                continue
            self.conn.close()
            self.conn = conn
            gone = self.path
            self.path = place
            self._identity = _identity(place)
            self.alert = (
                f"The database {gone} was removed while quiz was open; every answer saved "
                f"so far was written to {place}"
                + ("." if place == gone else f", where quiz goes on saving (use --db {place}).")
            )
            return
        raise StoreUnavailable(
            f"the database {self.path} was removed while quiz was open and could not be "
            f"written anywhere ({'; '.join(problems)}); this answer was not saved. Keep quiz "
            f"open and restore the folder {self.path.parent}."
        )

    def take_alert(self) -> str | None:
        """What happened to the store since it opened (shown once), or None."""
        alert, self.alert = self.alert, None
        return alert

    # -- history of banks ----------------------------------------------------------------

    def history_count(self, bank_id: str, question_ids: Iterable[str] | None = None) -> int:
        """How many answers (every profile) the store holds for a bank or some questions."""
        sql = "SELECT count(*) FROM attempts WHERE bank_id = ?"
        params: list[Any] = [bank_id]
        if question_ids is not None:
            ids = list(question_ids)
            sql += f" AND question_id IN ({','.join('?' * len(ids))})"
            params += ids
        return int(self.conn.execute(sql, params).fetchone()[0])

    def forget(self, bank_id: str, question_ids: Iterable[str] | None = None) -> int:
        """Delete the answers, cards and review logs (every profile) of a bank, or of some
        of its questions, in one transaction; returns how many answers went."""
        ids = None if question_ids is None else list(question_ids)
        if ids == []:
            return 0
        where = "bank_id = ?"
        params: list[Any] = [bank_id]
        if ids is not None:
            where += f" AND question_id IN ({','.join('?' * len(ids))})"
            params += ids
        with self._tx() as c:
            gone = c.execute(f"DELETE FROM attempts WHERE {where}", params).rowcount
            # Review logs go with their cards (ON DELETE CASCADE).
            c.execute(f"DELETE FROM cards WHERE {where}", params)
        return int(gone)

    # -- profiles ---------------------------------------------------------------------

    def _pid(self, profile: str) -> int:
        """The profile's id, creating the profile: for writes only."""
        cached = self._profile_ids.get(profile)
        if cached is not None:
            return cached
        if not profile.strip():
            raise StoreError("a profile name must not be blank")
        row = self.conn.execute("SELECT id FROM profiles WHERE name = ?", (profile,)).fetchone()
        if row is None:
            with self._tx() as c:
                c.execute(
                    "INSERT OR IGNORE INTO profiles (name, created_ms) VALUES (?, ?)",
                    (profile, ms(now_utc(None))),
                )
                row = c.execute("SELECT id FROM profiles WHERE name = ?", (profile,)).fetchone()
        self._profile_ids[profile] = int(row[0])
        return int(row[0])

    def _read_pid(self, profile: str) -> int:
        """The profile's id for a read; -1 (matching no row) when it does not exist.

        Reads never create a profile: asking about one must not change the database.
        """
        cached = self._profile_ids.get(profile)
        if cached is not None:
            return cached
        row = self.conn.execute("SELECT id FROM profiles WHERE name = ?", (profile,)).fetchone()
        if row is None:
            return -1
        self._profile_ids[profile] = int(row[0])
        return int(row[0])

    def has_profile(self, profile: str) -> bool:
        """True if the profile exists."""
        return self._read_pid(profile) != -1

    def require_profile(self, profile: str, *, allow_default: bool = True) -> None:
        """UnknownProfile unless `profile` exists (the default one may be still unborn)."""
        from quiz.store.common import DEFAULT_PROFILE

        if self.has_profile(profile) or (allow_default and profile == DEFAULT_PROFILE):
            return
        raise UnknownProfile(profile, self.profiles())

    def create_profile(self, profile: str) -> None:
        """Create the profile if it does not exist yet."""
        self._pid(profile)

    def use_profile(self, profile: str, now: datetime | None = None) -> None:
        """Mark the profile as the one last used (created if new): the app reopens on it."""
        pid = self._pid(profile)
        with self._tx() as c:
            c.execute("UPDATE profiles SET last_used_ms = ? WHERE id = ?", (ms(now_utc(now)), pid))

    def last_profile(self) -> str | None:
        """The profile used last, or None when none was ever used."""
        row = self.conn.execute(
            "SELECT name FROM profiles WHERE last_used_ms IS NOT NULL"
            " ORDER BY last_used_ms DESC, id DESC LIMIT 1"
        ).fetchone()
        return None if row is None else str(row[0])

    def profiles(self) -> list[str]:
        """Every profile name, oldest first."""
        return [r[0] for r in self.conn.execute("SELECT name FROM profiles ORDER BY id")]

    def settings(self, profile: str) -> Settings:
        """The profile's settings (defaults for anything never set)."""
        cached = self._settings.get(profile)
        if cached is not None:
            return cached
        raw = self.conn.execute(
            "SELECT settings FROM profiles WHERE id = ?", (self._read_pid(profile),)
        ).fetchone()
        if raw is None:
            return Settings()  # not cached: the profile may be created with other settings
        try:
            settings = Settings.from_dict(json.loads(raw[0]))
        except (ValueError, TypeError):
            # Hand-edited nonsense must not stop the app; defaults are a safe fallback.
            settings = Settings()
        self._settings[profile] = settings
        return settings

    def save_settings(self, profile: str, settings: Settings) -> None:
        """Store the profile's settings (its display preferences are kept)."""
        pid = self._pid(profile)
        with self._tx() as c:
            data = settings.to_dict()
            ui = self._stored_settings(c, pid).get(UI_KEY)
            if ui is not None:
                data[UI_KEY] = ui
            c.execute("UPDATE profiles SET settings = ? WHERE id = ?", (json.dumps(data), pid))
        self._settings[profile] = settings

    @staticmethod
    def _stored_settings(c: sqlite3.Connection, pid: int) -> dict[str, Any]:
        row = c.execute("SELECT settings FROM profiles WHERE id = ?", (pid,)).fetchone()
        try:
            data = json.loads(row[0]) if row and row[0] else {}
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def preference(self, profile: str, name: str) -> str | None:
        """A display preference of the profile (the theme), or None if never set.

        Kept in the profile's settings JSON under "ui", which `Settings` ignores: it is
        the learner's choice of look, not a study rule.
        """
        row = self.conn.execute("SELECT id FROM profiles WHERE name = ?", (profile,)).fetchone()
        if row is None:
            return None
        value = self._stored_settings(self.conn, row[0]).get(UI_KEY, {})
        found = value.get(name) if isinstance(value, dict) else None
        return found if isinstance(found, str) else None

    def save_preference(self, profile: str, name: str, value: str) -> None:
        """Keep a display preference for the profile (creating the profile if new)."""
        pid = self._pid(profile)
        with self._tx() as c:
            data = self._stored_settings(c, pid)
            ui = data.get(UI_KEY)
            data[UI_KEY] = {**(ui if isinstance(ui, dict) else {}), name: value}
            c.execute("UPDATE profiles SET settings = ? WHERE id = ?", (json.dumps(data), pid))

    # -- sessions ---------------------------------------------------------------------

    def start_session(
        self,
        profile: str,
        mode: str,
        queue: Sequence[QuestionKey],
        *,
        scope: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        now: datetime | None = None,
    ) -> int:
        """Record a new session with its planned queue; returns its id.

        `scope` says what was studied (e.g. {"banks": [...], "tags": [...]}), `options`
        e.g. {"time_limit_s": 600}; both are stored as JSON.
        """
        pid = self._pid(profile)
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO sessions (profile_id, mode, scope, queue, options, started_ms)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    pid,
                    mode,
                    json.dumps(dict(scope or {})),
                    json.dumps([list(k) for k in queue]),
                    json.dumps(dict(options or {})),
                    ms(now_utc(now)),
                ),
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def update_queue(self, session_id: int, queue: Sequence[QuestionKey]) -> None:
        """Replace the session's planned queue (e.g. after re-queueing a missed item)."""
        with self._tx() as c:
            c.execute(
                "UPDATE sessions SET queue = ? WHERE id = ?",
                (json.dumps([list(k) for k in queue]), session_id),
            )

    def finish_session(
        self, session_id: int, *, abandoned: bool = False, now: datetime | None = None
    ) -> None:
        """Mark the session finished (or abandoned: declined for resume)."""
        with self._tx() as c:
            c.execute(
                "UPDATE sessions SET finished_ms = ?, abandoned = ? WHERE id = ?",
                (ms(now_utc(now)), int(abandoned), session_id),
            )

    def session(self, session_id: int) -> SessionState:
        """The stored session with its answers; StoreError if there is none."""
        row = self.conn.execute(
            "SELECT s.id, p.name, s.mode, s.scope, s.queue, s.options, s.started_ms,"
            " s.finished_ms, s.abandoned FROM sessions s JOIN profiles p ON p.id = s.profile_id"
            " WHERE s.id = ?",
            (session_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"there is no session {session_id}")
        answered = [
            _attempt(r)
            for r in self.conn.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE session_id = ? ORDER BY id",
                (session_id,),
            )
        ]
        return SessionState(
            id=row[0],
            profile=row[1],
            mode=row[2],
            scope=json.loads(row[3]),
            queue=_keys(row[4]),
            options=json.loads(row[5]),
            started=from_ms(row[6]),
            finished=None if row[7] is None else from_ms(row[7]),
            abandoned=bool(row[8]),
            answered=answered,
        )

    def unfinished_session(self, profile: str) -> SessionState | None:
        """The newest session of `profile` never finished (killed or left), to resume."""
        sessions = self.unfinished_sessions(profile, limit=1)
        return sessions[0] if sessions else None

    def unfinished_sessions(self, profile: str, limit: int | None = None) -> list[SessionState]:
        """Every session of `profile` never finished nor discarded, newest first."""
        rows = self.conn.execute(
            "SELECT id FROM sessions WHERE profile_id = ? AND finished_ms IS NULL"
            " ORDER BY id DESC LIMIT ?",
            (self._read_pid(profile), -1 if limit is None else limit),
        ).fetchall()
        return [self.session(int(r[0])) for r in rows]

    # -- answers ----------------------------------------------------------------------

    def record_attempt(
        self,
        session_id: int | None,
        profile: str,
        bank_id: str,
        question_id: str,
        *,
        answer: Any,
        outcome: str,
        score: float,
        time_ms: int | None = None,
        hinted: bool = False,
        self_rating: int | None = None,
        schedule: bool = True,
        now: datetime | None = None,
    ) -> AttemptResult:
        """Store an answer and (if `schedule`) review its FSRS card, in one transaction.

        `answer` must be JSON-serialisable; `outcome` is "correct", "partial" or
        "incorrect"; `self_rating` is a flashcard's 1..4. Returns the card's new state.
        """
        moment = now_utc(now)
        now_ms = ms(moment)
        pid = self._pid(profile)
        settings = self.settings(profile)
        rating = rating_for(outcome, hinted=hinted, self_rating=self_rating)
        try:
            answer_json = json.dumps(answer)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"the answer to {bank_id}/{question_id} is not JSON: {exc}") from exc
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO attempts (session_id, profile_id, bank_id, question_id, answer,"
                " outcome, score, time_ms, hinted, answered_ms) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    session_id,
                    pid,
                    bank_id,
                    question_id,
                    answer_json,
                    str(outcome),
                    float(score),
                    time_ms,
                    int(hinted),
                    now_ms,
                ),
            )
            attempt_id = cur.lastrowid
            assert attempt_id is not None
            if not schedule:
                return AttemptResult(attempt_id, None, None, None, 0, False, False, False)
            return self._schedule(
                c, pid, settings, attempt_id, bank_id, question_id, outcome, rating, moment, time_ms
            )

    def _schedule(
        self,
        c: sqlite3.Connection,
        pid: int,
        settings: Settings,
        attempt_id: int,
        bank_id: str,
        question_id: str,
        outcome: str,
        rating: Rating,
        moment: datetime,
        time_ms: int | None,
    ) -> AttemptResult:
        """Review the question's card for an attempt, inside the caller's transaction.

        The scheduler's pure rules decide: the new-card limit (`holds_back_new`) and the
        leech flags (`leech_after`); this writes the card and its review log entry.
        """
        row = c.execute(
            f"SELECT {_CARD_COLUMNS} FROM cards"
            " WHERE profile_id = ? AND bank_id = ? AND question_id = ?",
            (pid, bank_id, question_id),
        ).fetchone()
        never_seen = row is None or int(row[2]) == 0
        if holds_back_new(
            never_seen=never_seen,
            outcome=outcome,
            new_today=self._new_today(c, pid, moment) if never_seen else 0,
            settings=settings,
        ):
            return AttemptResult(
                attempt_id, None, None, None, 0, False, False, False, new_held=True
            )
        if row is None:
            card_id = _insert_card(c, pid, bank_id, question_id, moment)
            before = new_card(card_id, moment)
            snapshot: str | None = None
            reps = lapses = 0
            leech = suspended = False
        else:
            card_id = int(row[0])
            before = card_from_json(row[1])
            reps, lapses = int(row[2]), int(row[3])
            leech, suspended = bool(row[4]), bool(row[5])
            snapshot = _snapshot(row)
        was_new = reps == 0
        after, _log = review(before, rating, moment, settings, time_ms)
        lapsed = is_lapse(before, rating)
        decided = leech_after(
            lapses=lapses, leech=leech, suspended=suspended, lapsed=lapsed, settings=settings
        )
        interval = (
            (before.due - before.last_review).total_seconds() / 86400
            if before.last_review is not None
            else None
        )
        _write_card(
            c, card_id, after, reps + 1, decided.lapses, decided.leech, decided.suspended, None
        )
        c.execute(
            "INSERT INTO reviews (profile_id, card_id, attempt_id, rating, state_before,"
            " reviewed_ms, duration_ms, card_before, card_after, interval_days)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                pid,
                card_id,
                attempt_id,
                int(rating),
                None if was_new else int(before.state),
                ms(moment),
                time_ms,
                snapshot,
                card_to_json(after),
                interval,
            ),
        )
        return AttemptResult(
            attempt_id,
            rating,
            after.state,
            after.due,
            decided.lapses,
            lapsed,
            decided.became_leech,
            decided.suspended,
        )

    @staticmethod
    def _unreview(c: sqlite3.Connection, attempt_id: int) -> bool:
        """Take back the review an attempt made, restoring its card; inside a transaction.

        Only the card's latest review can be rolled back without losing a later one;
        returns False when a later review exists (the card is then left as it is).
        """
        rev = c.execute(
            "SELECT id, card_id, card_before FROM reviews WHERE attempt_id = ?", (attempt_id,)
        ).fetchone()
        if rev is None:
            return True
        review_id, card_id, before = int(rev[0]), int(rev[1]), rev[2]
        latest = c.execute("SELECT max(id) FROM reviews WHERE card_id = ?", (card_id,))
        if latest.fetchone()[0] != review_id:
            return False  # (the review row goes with its attempt, when that is deleted)
        c.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
        if before is None:
            c.execute("DELETE FROM cards WHERE id = ?", (card_id,))
        else:
            _restore_card(c, card_id, json.loads(before))
        return True

    def override_attempt(self, attempt_id: int, *, now: datetime | None = None) -> AttemptResult:
        """Count a typed answer graded wrong (or partly right) as right: the learner's appeal.

        The attempt keeps the text typed and its original grade (`graded_outcome`,
        `graded_score`) and is marked `overridden`; its card is rescheduled as if the answer
        had been graded right (Good, or Hard when the hint was shown), in one transaction.
        """
        with self._tx() as c:
            row = c.execute(
                "SELECT profile_id, bank_id, question_id, outcome, hinted, time_ms,"
                " answered_ms, overridden FROM attempts WHERE id = ?",
                (attempt_id,),
            ).fetchone()
            if row is None:
                raise StoreError(f"there is no answer {attempt_id}")
            pid, bank_id, qid, outcome, hinted, time_ms, answered_ms, overridden = row
            if overridden or outcome == "correct":
                raise StoreError("this answer already counts as right")
            scheduled = c.execute(
                "SELECT 1 FROM reviews WHERE attempt_id = ?", (attempt_id,)
            ).fetchone()
            c.execute(
                "UPDATE attempts SET graded_outcome = outcome, graded_score = score,"
                " outcome = 'correct', score = 1.0, overridden = 1 WHERE id = ?",
                (attempt_id,),
            )
            if scheduled is None or not self._unreview(c, attempt_id):
                # A retry (never scheduled), or a card reviewed again since: the attempt
                # counts as right, the schedule is left as later reviews made it.
                return AttemptResult(attempt_id, None, None, None, 0, False, False, False)
            name = c.execute("SELECT name FROM profiles WHERE id = ?", (pid,)).fetchone()[0]
            return self._schedule(
                c,
                pid,
                self.settings(str(name)),
                attempt_id,
                bank_id,
                qid,
                "correct",
                rating_for("correct", hinted=bool(hinted)),
                # The review stays at the moment of the answer: intervals count from it.
                from_ms(int(answered_ms)),
                time_ms,
            )

    def last_attempt(self, session_id: int) -> AttemptRecord | None:
        """The session's most recent answer, or None."""
        row = self.conn.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE session_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (session_id,),
        ).fetchone()
        return None if row is None else _attempt(row)

    def typed_answers(
        self, bank_id: str, question_id: str | None = None, profile: str | None = None
    ) -> list[tuple[str, Any, str, str | None, bool, int]]:
        """What was answered to a bank's questions, grouped: (question id, answer, outcome,
        graded outcome, overridden, count), most frequent first within each question.

        Every profile's answers, unless `profile` is given (a reader, never created).
        """
        where = ["bank_id = ?"]
        params: list[Any] = [bank_id]
        if question_id is not None:
            where.append("question_id = ?")
            params.append(question_id)
        if profile is not None:
            where.append("profile_id = ?")
            params.append(self._read_pid(profile))
        rows = self.conn.execute(
            "SELECT question_id, answer, outcome, graded_outcome, overridden, count(*) AS n"
            f" FROM attempts WHERE {' AND '.join(where)}"
            " GROUP BY question_id, answer, outcome, graded_outcome, overridden"
            " ORDER BY question_id, n DESC, answer",
            params,
        )
        return [(q, json.loads(a), o, g, bool(ov), int(n)) for q, a, o, g, ov, n in rows]

    def undo_last_attempt(self, session_id: int) -> AttemptRecord | None:
        """Delete the session's last answer and put its card back as it was before.

        Returns the removed attempt (so the UI can ask the question again), or None when
        the session has no answers.
        """
        with self._tx() as c:
            row = c.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE session_id = ?"
                " ORDER BY id DESC LIMIT 1",
                (session_id,),
            ).fetchone()
            if row is None:
                return None
            record = _attempt(row)
            self._unreview(c, record.id)
            c.execute("DELETE FROM attempts WHERE id = ?", (record.id,))
        return record

    # -- card controls ----------------------------------------------------------------

    def card(self, profile: str, bank_id: str, question_id: str) -> CardInfo | None:
        """The question's card for this profile, or None if it was never answered."""
        row = self.conn.execute(
            f"SELECT {_CARD_COLUMNS}, buried_until_ms FROM cards"
            " WHERE profile_id = ? AND bank_id = ? AND question_id = ?",
            (self._read_pid(profile), bank_id, question_id),
        ).fetchone()
        if row is None:
            return None
        return CardInfo(
            bank_id=bank_id,
            question_id=question_id,
            card=card_from_json(row[1]),
            reps=int(row[2]),
            lapses=int(row[3]),
            leech=bool(row[4]),
            suspended=bool(row[5]),
            buried_until=None if row[8] is None else from_ms(row[8]),
        )

    def _ensure_card(self, c: sqlite3.Connection, pid: int, bank_id: str, qid: str) -> int:
        row = c.execute(
            "SELECT id FROM cards WHERE profile_id = ? AND bank_id = ? AND question_id = ?",
            (pid, bank_id, qid),
        ).fetchone()
        if row is not None:
            return int(row[0])
        return _insert_card(c, pid, bank_id, qid, now_utc(None))

    def suspend(self, profile: str, bank_id: str, question_id: str, suspended: bool = True) -> None:
        """Keep the question out of every queue until unsuspended (`suspended=False`)."""
        pid = self._pid(profile)
        with self._tx() as c:
            card_id = self._ensure_card(c, pid, bank_id, question_id)
            c.execute("UPDATE cards SET suspended = ? WHERE id = ?", (int(suspended), card_id))

    def bury(
        self, profile: str, bank_id: str, question_id: str, now: datetime | None = None
    ) -> None:
        """Keep the question out of the queues until the next local midnight."""
        pid = self._pid(profile)
        tomorrow = local_date(now_utc(now)) + timedelta(days=1)
        with self._tx() as c:
            card_id = self._ensure_card(c, pid, bank_id, question_id)
            c.execute(
                "UPDATE cards SET buried_until_ms = ? WHERE id = ?",
                (local_midnight_ms(tomorrow), card_id),
            )

    def unbury(self, profile: str, bank_id: str, question_id: str) -> bool:
        """Let a buried question back into the queues now; False if it was not buried."""
        pid = self._read_pid(profile)
        with self._tx() as c:
            cur = c.execute(
                "UPDATE cards SET buried_until_ms = NULL WHERE profile_id = ? AND bank_id = ?"
                " AND question_id = ? AND buried_until_ms IS NOT NULL",
                (pid, bank_id, question_id),
            )
        return cur.rowcount > 0

    def set_aside_cards(
        self, profile: str, kind: SetAsideKind = "all", now: datetime | None = None
    ) -> list[SetAsideCard]:
        """Cards kept out of the queues: suspended, buried (until a time still to come),
        leeches, or all of them; in bank and question order."""
        now_ms = ms(now_utc(now))
        where = {
            "suspended": "suspended = 1",
            "buried": "buried_until_ms > :now",
            "leeches": "leech = 1",
            "all": "(suspended = 1 OR buried_until_ms > :now OR leech = 1)",
        }[kind]
        rows = self.conn.execute(
            "SELECT bank_id, question_id, suspended, buried_until_ms, leech, lapses FROM cards"
            f" WHERE profile_id = :pid AND {where} ORDER BY bank_id, question_id",
            {"pid": self._read_pid(profile), "now": now_ms},
        )
        return [
            SetAsideCard(
                bank_id=b,
                question_id=q,
                suspended=bool(susp),
                buried_until=from_ms(bur) if bur is not None and bur > now_ms else None,
                leech=bool(leech),
                lapses=int(lapses),
            )
            for b, q, susp, bur, leech, lapses in rows
        ]

    def blocked(self, profile: str, now: datetime | None = None) -> dict[QuestionKey, str]:
        """Questions no queue may ask now: "suspended" or "buried" (until tomorrow)."""
        now_ms = ms(now_utc(now))
        return {
            (b, q): "suspended" if susp else "buried"
            for b, q, susp in self.conn.execute(
                "SELECT bank_id, question_id, suspended FROM cards WHERE profile_id = ?"
                " AND (suspended = 1 OR buried_until_ms > ?)",
                (self._read_pid(profile), now_ms),
            )
        }

    # -- queues -----------------------------------------------------------------------

    def due_cards(
        self,
        profile: str,
        now: datetime | None = None,
        existing: set[QuestionKey] | None = None,
        limit: int | None = 200,
        learn_ahead: timedelta = timedelta(0),
    ) -> list[DueCard]:
        """Cards due at `now`: learning/relearning (missed) ones first, then by due time.

        Suspended and buried cards are left out, and so are cards whose question is not
        in `existing` (when given). `learn_ahead` lets missed cards due a little later
        (their learning step not over yet) in when nothing else is left.
        """
        pid = self._read_pid(profile)
        now_ms = ms(now_utc(now))
        out: list[DueCard] = []
        if limit is not None and limit <= 0:
            return out
        missed_until = now_ms + int(learn_ahead.total_seconds() * 1000)
        # One index range per state, each already in due order: merging the two missed
        # states lazily avoids sorting thousands of rows to return the first few.
        missed = heapq.merge(
            self._due_range(pid, State.Learning, missed_until, now_ms),
            self._due_range(pid, State.Relearning, missed_until, now_ms),
            key=lambda row: row[3],
        )
        rows = itertools.chain(missed, self._due_range(pid, State.Review, now_ms, now_ms))
        for b, q, state, due_ms, lapses, leech in rows:
            if existing is not None and (b, q) not in existing:
                continue
            out.append(DueCard(b, q, State(state), from_ms(due_ms), lapses, bool(leech)))
            if limit is not None and len(out) >= limit:
                break
        return out

    def _due_range(
        self, pid: int, state: State, until_ms: int, now_ms: int
    ) -> Iterator[tuple[str, str, int, int, int, int]]:
        cur = self.conn.execute(
            "SELECT bank_id, question_id, state, due_ms, lapses, leech FROM cards"
            " INDEXED BY cards_queue WHERE profile_id = ? AND state = ? AND due_ms <= ?"
            " AND suspended = 0 AND reps > 0"
            " AND (buried_until_ms IS NULL OR buried_until_ms <= ?) ORDER BY due_ms",
            (pid, int(state), until_ms, now_ms),
        )
        try:
            yield from cur
        finally:
            cur.close()

    def due_counts(
        self,
        profile: str,
        now: datetime | None = None,
        existing: set[QuestionKey] | None = None,
    ) -> dict[str, int]:
        """Number of due cards per bank id (same rules as `due_cards`, no limit)."""
        pid = self._read_pid(profile)
        now_ms = ms(now_utc(now))
        where = (
            "WHERE profile_id = ? AND due_ms <= ? AND suspended = 0 AND reps > 0"
            " AND (buried_until_ms IS NULL OR buried_until_ms <= ?)"
        )
        if existing is None:
            rows = self.conn.execute(
                f"SELECT bank_id, count(*) FROM cards INDEXED BY cards_due_cover {where}"
                " GROUP BY bank_id",
                (pid, now_ms, now_ms),
            )
            return {b: int(n) for b, n in rows}
        counts: Counter[str] = Counter()
        for b, q in self.conn.execute(
            f"SELECT bank_id, question_id FROM cards INDEXED BY cards_due_cover {where}",
            (pid, now_ms, now_ms),
        ):
            if (b, q) in existing:
                counts[b] += 1
        return dict(counts)

    def new_questions(
        self, profile: str, candidates: Iterable[QuestionKey], limit: int | None = None
    ) -> list[QuestionKey]:
        """The candidates never reviewed, not suspended and not buried, in the given order."""
        pid = self._read_pid(profile)
        now_ms = ms(now_utc(None))
        blocked: set[QuestionKey] = set()
        for b, q, reps, suspended, buried in self.conn.execute(
            "SELECT bank_id, question_id, reps, suspended, buried_until_ms FROM cards"
            " WHERE profile_id = ?",
            (pid,),
        ):
            if reps > 0 or suspended or (buried is not None and buried > now_ms):
                blocked.add((b, q))
        out: list[QuestionKey] = []
        for key in candidates:
            if key not in blocked:
                out.append(key)
                blocked.add(key)  # no duplicates
                if limit is not None and len(out) >= limit:
                    break
        return out

    @staticmethod
    def _new_today(c: sqlite3.Connection, pid: int, moment: datetime) -> int:
        """Cards introduced (first reviewed) since local midnight."""
        start = local_midnight_ms(local_date(moment))
        row = c.execute(
            "SELECT count(*) FROM reviews"
            " WHERE profile_id = ? AND reviewed_ms >= ? AND state_before IS NULL",
            (pid, start),
        ).fetchone()
        return int(row[0])

    def daily_limits(self, profile: str, now: datetime | None = None) -> DailyLimits:
        """New cards and reviews done today (local day) and what the limits leave."""
        pid = self._read_pid(profile)
        moment = now_utc(now)
        start = local_midnight_ms(local_date(moment))
        new_done, reviews_done = self.conn.execute(
            "SELECT coalesce(sum(state_before IS NULL), 0), coalesce(sum(state_before = 2), 0)"
            " FROM reviews WHERE profile_id = ? AND reviewed_ms >= ?",
            (pid, start),
        ).fetchone()
        s = self.settings(profile)
        return DailyLimits(
            new_done=int(new_done),
            reviews_done=int(reviews_done),
            new_left=max(0, s.new_per_day - int(new_done)),
            reviews_left=max(0, s.reviews_per_day - int(reviews_done)),
        )

    # -- stats ------------------------------------------------------------------------

    def cached_rows(self, table: StatsCache, profile_id: int) -> dict[str, tuple[int, str, str]]:
        """A statistics cache (`bank_extras`, `bank_tags`): per bank, (the `bank_stats`
        counter it was found for, the catalog digest, the value)."""
        counter, value = _STATS_CACHES[table]
        return {
            str(b): (int(n), str(digest), str(text))
            for b, n, digest, text in self.conn.execute(
                f"SELECT bank_id, {counter}, catalog, {value} FROM {table} WHERE profile_id = ?",
                (profile_id,),
            )
        }

    def keep_cached(
        self, table: StatsCache, profile_id: int, entries: Iterable[tuple[str, int, str, str]]
    ) -> None:
        """Keep (bank, counter, catalog digest, value) rows in a statistics cache.

        Best effort: a cache is never worth a failed read. A store opened read-only keeps
        nothing; the history reader (`query_only`) writes through a short connection of
        its own that never creates a file; a busy store is left for the next read.
        """
        rows = [(profile_id, *entry) for entry in entries]
        if not rows or self.read_only or (not self._reader and self.conn.in_transaction):
            return
        counter, value = _STATS_CACHES[table]
        # Only while the bank's row still has that counter: an entry found for an older
        # one, or for a row deleted meanwhile (its trigger drops the entry), is stale.
        sql = (
            f"INSERT INTO {table} (profile_id, bank_id, {counter}, catalog, {value})"
            " SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM bank_stats"
            f" WHERE profile_id = ?1 AND bank_id = ?2 AND {counter} = ?3)"
            f" ON CONFLICT DO UPDATE SET {counter} = excluded.{counter},"
            f" catalog = excluded.catalog, {value} = excluded.{value}"
        )
        try:
            conn = self.conn
            if self._reader:
                conn = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None
                )
            try:
                conn.execute("PRAGMA busy_timeout = 200")
                with write_transaction(conn) as c:
                    c.executemany(sql, rows)
            finally:
                if conn is self.conn:
                    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                else:
                    conn.close()
        except sqlite3.Error:
            pass

    def bank_summaries(
        self, profile: str, catalog: CatalogInfo, now: datetime | None = None
    ) -> dict[str, BankSummary]:
        """Per bank: questions, answers, accuracy, last score, mastery, stability, due."""
        from quiz.store.statistics import bank_summaries

        return bank_summaries(self, profile, catalog, now)

    def stats_report(
        self,
        profile: str,
        catalog: CatalogInfo,
        now: datetime | None = None,
        heatmap_days: int = 365,
        retention_days: int = 30,
        top: int = 10,
    ) -> StatsReport:
        """Everything `quiz stats` and the Stats screen show (`quiz.store.statistics`)."""
        from quiz.store.statistics import stats_report

        return stats_report(self, profile, catalog, now, heatmap_days, retention_days, top)


# --------------------------------------------------------------------------- row helpers


def _keys(raw: str) -> list[QuestionKey]:
    return [(str(b), str(q)) for b, q in json.loads(raw)]


#: Where a profile's display preferences live in its settings JSON.
UI_KEY = "ui"

_ATTEMPT_COLUMNS = (
    "id, session_id, bank_id, question_id, answer, outcome, score, time_ms, hinted, answered_ms,"
    " overridden, graded_outcome"
)
_CARD_COLUMNS = "id, data, reps, lapses, leech, suspended, state, due_ms"


def _attempt(row: Sequence[Any]) -> AttemptRecord:
    return AttemptRecord(
        id=int(row[0]),
        session_id=row[1],
        bank_id=row[2],
        question_id=row[3],
        answer=json.loads(row[4]),
        outcome=row[5],
        score=float(row[6]),
        time_ms=row[7],
        hinted=bool(row[8]),
        answered=from_ms(row[9]),
        overridden=bool(row[10]),
        graded_outcome=row[11],
    )


def _insert_card(c: sqlite3.Connection, pid: int, bank_id: str, qid: str, now: datetime) -> int:
    cur = c.execute(
        "INSERT INTO cards (profile_id, bank_id, question_id, state, due_ms, data)"
        " VALUES (?, ?, ?, ?, ?, '{}')",
        (pid, bank_id, qid, int(State.Learning), ms(now)),
    )
    card_id = cur.lastrowid
    assert card_id is not None
    c.execute(
        "UPDATE cards SET data = ? WHERE id = ?", (card_to_json(new_card(card_id, now)), card_id)
    )
    return card_id


def _snapshot(row: Sequence[Any]) -> str:
    """The card row before a review, for undo (matches `_CARD_COLUMNS`)."""
    return json.dumps(
        {
            "card": json.loads(row[1]),
            "reps": row[2],
            "lapses": row[3],
            "leech": bool(row[4]),
            "suspended": bool(row[5]),
        },
        separators=(",", ":"),
    )


def _write_card(
    c: sqlite3.Connection,
    card_id: int,
    card: Card,
    reps: int,
    lapses: int,
    leech: bool,
    suspended: bool,
    buried_until_ms: int | None,
) -> None:
    c.execute(
        "UPDATE cards SET state = ?, due_ms = ?, stability = ?, difficulty = ?,"
        " last_review_ms = ?, reps = ?, lapses = ?, leech = ?, suspended = ?,"
        " buried_until_ms = ?, data = ? WHERE id = ?",
        (
            int(card.state),
            ms(card.due),
            card.stability,
            card.difficulty,
            None if card.last_review is None else ms(card.last_review),
            reps,
            lapses,
            int(leech),
            int(suspended),
            buried_until_ms,
            card_to_json(card),
            card_id,
        ),
    )


def _restore_card(c: sqlite3.Connection, card_id: int, snap: dict[str, Any]) -> None:
    card = card_from_json(json.dumps(snap["card"]))
    _write_card(
        c,
        card_id,
        card,
        int(snap.get("reps", 0)),
        int(snap.get("lapses", 0)),
        bool(snap.get("leech", False)),
        bool(snap.get("suspended", False)),
        None,
    )
