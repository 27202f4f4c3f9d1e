"""Whether the last use of a store ended cleanly: the integrity check runs only if not.

`PRAGMA quick_check` reads every page of the file (seconds for a store of several hundred
MB), so it cannot run on every start. Each process that opens a store leaves a marker
file `<db>.open/<pid>-<nonce>` while it has it open and removes it when it closes the
store. A marker whose process is gone means that process ended without closing (killed,
crashed, power cut): the next open runs the check over the whole file and then clears
such markers. A normal interpreter exit (even by an uncaught exception) removes this
process's markers; the app also ends cleanly on SIGHUP (terminal closed) and SIGTERM.
`quiz doctor` runs the full check on demand.

A marker of a live process (another `quiz` using the same store) is left alone. On a
system without POSIX signals a process cannot be probed safely (`os.kill` there ends it),
so any other process's marker counts as a possible crash and the check runs.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
from pathlib import Path

#: This process's markers: removed at a normal interpreter exit too (an uncaught
#: exception or SystemExit unwinds every transaction; only a kill or a crash skips this).
_OURS: set[Path] = set()


@atexit.register
def _exit_cleanly() -> None:
    for marker in list(_OURS):
        mark_closed(marker)


def marker_dir(db_path: Path) -> Path:
    """The folder of open markers of `db_path`."""
    return db_path.with_name(db_path.name + ".open")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    except OSError:
        return False
    return True


def stale_markers(db_path: Path) -> list[Path]:
    """Markers left by processes that ended without closing the store."""
    folder = marker_dir(db_path)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    stale = []
    for entry in entries:
        pid_text = entry.name.split("-", 1)[0]
        if not pid_text.isdigit() or not _alive(int(pid_text)):
            stale.append(entry)
    return stale


def unclean(db_path: Path) -> bool:
    """True when a process ended without closing this store (check it before use)."""
    return bool(stale_markers(db_path))


def clear_stale(db_path: Path) -> None:
    """Forget the markers of processes that are gone (after the check passed)."""
    for entry in stale_markers(db_path):
        with contextlib.suppress(OSError):
            entry.unlink()


def mark_open(db_path: Path) -> Path | None:
    """Leave this process's marker; None when the folder cannot be written (then a crash
    is not noticed, and the store still opens)."""
    folder = marker_dir(db_path)
    marker = folder / f"{os.getpid()}-{secrets.token_hex(4)}"
    for _ in range(3):  # another process may remove the empty folder in between
        try:
            folder.mkdir(exist_ok=True)
            marker.touch()
        except FileNotFoundError:
            continue
        except OSError:
            return None
        _OURS.add(marker)
        return marker
    return None


def mark_closed(marker: Path | None) -> None:
    """Remove this process's marker: the store was closed cleanly."""
    if marker is None:
        return
    _OURS.discard(marker)
    with contextlib.suppress(OSError):
        marker.unlink()
    with contextlib.suppress(OSError):
        marker.parent.rmdir()  # only when no other process has it open
