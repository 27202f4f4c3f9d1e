"""A catalog index cached per bank file, so Home lists the banks before any is validated.

Validating the banks needs pydantic and every file parsed; Home's list needs only each
bank's id, title, description, size and tags. After every full load the app writes those
(and each invalid file's first problem) to `bank-index.json` in the cache folder, keyed
per file by its path, size, modification time, the bank schema version and this index's
format version. At the next start, when every bank file still matches, Home shows the
list at once from the index; the full load follows in the background as before and
replaces it. A file added or changed makes the index unusable until the next full load
(never a stale title); a removed one is simply not listed.

This module imports neither pydantic nor the bank models (see `BANK_SCHEMA`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from quiz import locations
from quiz.files import write_text_atomic


# What write_index reads of quiz.banks.Catalog, without importing it (it imports pydantic).
class _Question(Protocol):
    @property
    def tags(self) -> list[str]: ...


class _Bank(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def questions(self) -> Sequence[_Question]: ...


class _Loaded(Protocol):
    @property
    def path(self) -> Path: ...
    @property
    def bank(self) -> _Bank: ...
    @property
    def stamp(self) -> tuple[int, int] | None: ...


class _Problem(Protocol):
    def format(self) -> str: ...


class _Catalog(Protocol):
    @property
    def banks(self) -> Sequence[_Loaded]: ...
    @property
    def invalid(self) -> Sequence[tuple[Path, Sequence[_Problem]]]: ...


#: The bank file format's `schema` version (quiz.models.Bank; a test keeps them equal).
BANK_SCHEMA = 1
#: This index's own format; bump when IndexedBank changes.
INDEX_VERSION = 1
#: Bank file extensions and their formats.
FORMATS: dict[str, str] = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def default_bank_paths() -> list[Path]:
    """The shipped banks, then the user's bank folder."""
    return [locations.shipped_banks_dir(), locations.user_banks_dir()]


def find_bank_files(paths: Iterable[Path]) -> list[Path]:
    """Bank files under `paths` (folders searched recursively), sorted, without repeats.

    A file named explicitly is kept whatever its extension, so that the loader can say why
    it is not a bank; files found in folders must have a bank extension.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for base in paths:
        if base.is_dir():
            candidates: Iterable[Path] = sorted(
                p for p in base.rglob("*") if p.suffix.lower() in FORMATS and p.is_file()
            )
        elif base.exists():
            candidates = [base]
        else:
            continue
        for p in candidates:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append(p)
    return found


@dataclass(frozen=True)
class IndexedBank:
    """What Home lists for one bank file: a valid bank, or an invalid file's first problem."""

    path: str
    id: str = ""
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    questions: int = 0
    #: Questions carrying each tag (the bank's own tags count for every question).
    tag_counts: dict[str, int] = field(default_factory=dict)
    #: The first problem of an invalid file (then the other fields are empty).
    problem: str | None = None


def index_path() -> Path:
    """Where the index is cached."""
    return locations.cache_dir() / "bank-index.json"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def read_index(paths: Iterable[Path] | None = None) -> list[IndexedBank] | None:
    """The banks under `paths` from the index, in load order; None unless every file matches."""
    files = find_bank_files(default_bank_paths() if paths is None else paths)
    try:
        raw = json.loads(index_path().read_text(encoding="utf-8"))
        if raw.get("version") != INDEX_VERSION or raw.get("schema") != BANK_SCHEMA:
            return None
        entries: dict[str, Any] = raw["files"]
        out: list[IndexedBank] = []
        for path in files:
            entry = entries.get(os.fspath(path))
            if entry is None or _stamp(path) != (entry["size"], entry["mtime_ns"]):
                return None
            bank = entry["bank"]
            out.append(
                IndexedBank(
                    path=os.fspath(path),
                    id=str(bank["id"]),
                    title=str(bank["title"]),
                    description=str(bank["description"]),
                    tags=tuple(str(t) for t in bank["tags"]),
                    questions=int(bank["questions"]),
                    tag_counts={str(k): int(v) for k, v in bank["tag_counts"].items()},
                    problem=None if bank["problem"] is None else str(bank["problem"]),
                )
            )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no index yet, or one this quiz cannot read: wait for the full load
    return out


def write_index(catalog: _Catalog) -> None:
    """Record what a full load found (best effort: an unwritable cache is no error)."""
    files: dict[str, Any] = {}

    def add(path: Path, bank: IndexedBank, stamp: tuple[int, int] | None) -> None:
        if stamp is not None:
            data = {k: getattr(bank, k) for k in IndexedBank.__dataclass_fields__}
            files[os.fspath(path)] = {"size": stamp[0], "mtime_ns": stamp[1], "bank": data}

    for loaded in catalog.banks:
        b = loaded.bank
        counts: dict[str, int] = {}
        for q in b.questions:
            for tag in dict.fromkeys([*b.tags, *q.tags]):
                counts[tag] = counts.get(tag, 0) + 1
        entry = IndexedBank(
            path=os.fspath(loaded.path),
            id=b.id,
            title=b.title,
            description=b.description,
            tags=tuple(b.tags),
            questions=len(b.questions),
            tag_counts=counts,
        )
        add(loaded.path, entry, loaded.stamp)
    for path, problems in catalog.invalid:
        first = problems[0].format() if problems else "invalid"
        add(path, IndexedBank(path=os.fspath(path), problem=first), _stamp(path))
    text = json.dumps({"version": INDEX_VERSION, "schema": BANK_SCHEMA, "files": files})
    try:
        target = index_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, text)
    except OSError:
        pass
