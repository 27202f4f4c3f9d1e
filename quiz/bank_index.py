"""A catalog index cached per bank file, so Home lists the banks before any is validated.

Validating the banks needs pydantic and every file parsed; Home's list needs only each
bank's id, title, description, size and tags. After every full load the app writes those
(and each invalid file's first problem) to `bank-index.json` in the cache folder, keyed
per file by its path, size, modification time, the bank schema version and this index's
format version. At the next start, when every bank file still matches, Home shows the
list at once from the index; the full load follows in the background as before and
replaces it. A file added or changed makes the index unusable until the next full load
(never a stale title); a removed one is simply not listed.

A second, larger cache serves big JSON banks (`QuestionIndex`): per bank file, each
question's id, tags, and the byte span and CRC-32 of its text in the file, written after a
full validation of that file found it valid. A later start that finds the file (and its
source article) unchanged, with the same quiz version, lists the bank from it and
validates only the questions a session asks (`quiz.banks.LazyBank`), reading each from
its span and checking its CRC first. Any change to the file makes the entry unusable, so
the file is validated in full again, and an invalid file is refused as before.

This module imports neither pydantic nor the bank models (see `BANK_SCHEMA`).
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from quiz import __version__, locations
from quiz.files import write_text_atomic


# What write_index reads of quiz.banks.Catalog, without importing it (it imports pydantic).
class _Question(Protocol):
    @property
    def id(self) -> str: ...
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
    def question_tags(self) -> Sequence[tuple[str, Sequence[str]]]: ...


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
#: The question index's format (big banks); bump when QuestionIndex changes.
QUESTION_INDEX_VERSION = 1
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
        for _qid, qtags in b.question_tags():
            for tag in dict.fromkeys([*b.tags, *qtags]):
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


# --------------------------------------------------------------------------- big banks


@dataclass(frozen=True)
class QuestionIndex:
    """What a big, valid JSON bank holds, without its questions' contents.

    `spans[2*i]..spans[2*i+1]` are the bytes of question i's JSON object in the file and
    `crcs[i]` their CRC-32: `quiz.banks.LazyBank` reads and validates one question from
    them, and refuses bytes whose CRC differs (a file changed behind its stamp).
    """

    path: str
    size: int
    mtime_ns: int
    #: (path, size, mtime_ns) of the source article the quotes were checked against.
    article: tuple[str, int, int] | None
    id: str
    title: str
    description: str
    tags: tuple[str, ...]
    #: The bank's `source` as written: {"title": ..., "path": ...}, or None.
    source: dict[str, str] | None
    ids: list[str]
    question_tags: list[list[str]]
    spans: list[int]
    crcs: list[int]


def question_index_path(path: Path) -> Path:
    """Where the question index of the bank file `path` is cached."""
    import hashlib  # here: Home's first paint imports this module, and never needs it

    digest = hashlib.sha256(os.fspath(path.resolve()).encode("utf-8", "surrogatepass"))
    return locations.cache_dir() / "bank-questions" / f"{digest.hexdigest()[:32]}.json"


def _article_stamp(bank_path: Path, source: dict[str, str] | None) -> tuple[str, int, int] | None:
    if source is None:
        return None
    article = bank_path.parent / source["path"]
    stamp = _stamp(article)
    return None if stamp is None else (os.fspath(article), *stamp)


def read_question_index(path: Path) -> QuestionIndex | None:
    """The question index of `path`, or None unless the file and its article are unchanged
    since it was written by this version of quiz (then the file must be validated)."""
    try:
        raw = json.loads(question_index_path(path).read_text(encoding="utf-8"))
        if (
            raw.get("version") != QUESTION_INDEX_VERSION
            or raw.get("schema") != BANK_SCHEMA
            or raw.get("quiz") != __version__
            or raw.get("path") != os.fspath(path.resolve())
            or _stamp(path) != (raw["size"], raw["mtime_ns"])
        ):
            return None
        source = raw["source"]
        article = _article_stamp(path, source)
        if source is not None and (article is None or list(article) != raw["article"]):
            return None
        ids = [str(x) for x in raw["ids"]]
        out = QuestionIndex(
            path=raw["path"],
            size=int(raw["size"]),
            mtime_ns=int(raw["mtime_ns"]),
            article=article,
            id=str(raw["id"]),
            title=str(raw["title"]),
            description=str(raw["description"]),
            tags=tuple(str(t) for t in raw["tags"]),
            source=None if source is None else {"title": source["title"], "path": source["path"]},
            ids=ids,
            question_tags=raw["question_tags"],
            spans=raw["spans"],
            crcs=raw["crcs"],
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not (len(out.spans) == 2 * len(ids) == 2 * len(out.crcs) == 2 * len(out.question_tags)):
        return None
    return out


_JSON_SPACE = frozenset(" \t\n\r")


def question_spans(data: bytes) -> tuple[list[int], list[int]] | None:
    """Byte spans (start, end, start, end, ...) and CRC-32s of the objects of the top-level
    `questions` array of a JSON bank (the last `questions` key, as the parsers read it);
    None when the text is not the JSON object of a bank."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    decode = json.JSONDecoder().raw_decode
    n = len(text)

    def skip(i: int) -> int:
        while i < n and text[i] in _JSON_SPACE:
            i += 1
        return i

    found: list[int] | None = None
    try:
        i = skip(0)
        if text[i : i + 1] != "{":
            return None
        i = skip(i + 1)
        while i < n and text[i] != "}":
            key, i = decode(text, i)
            i = skip(i)
            if text[i : i + 1] != ":":
                return None
            i = skip(i + 1)
            if key == "questions" and text[i : i + 1] == "[":
                found = []
                i = skip(i + 1)
                while i < n and text[i] != "]":
                    _, end = decode(text, i)
                    found += (i, end)
                    i = skip(end)
                    if text[i : i + 1] == ",":
                        i = skip(i + 1)
                i += 1
            else:
                _, i = decode(text, i)
            i = skip(i)
            if text[i : i + 1] == ",":
                i = skip(i + 1)
    except (ValueError, IndexError):
        return None
    if found is None:
        return None
    # Character offsets -> byte offsets (equal for ASCII text).
    if text.isascii():
        spans = [bom + x for x in found]
    else:
        spans = []
        at = 0
        pos = bom
        for x in found:
            pos += len(text[at:x].encode("utf-8"))
            at = x
            spans.append(pos)
    crcs = [zlib.crc32(data[spans[k] : spans[k + 1]]) for k in range(0, len(spans), 2)]
    return spans, crcs


def write_question_index(
    path: Path,
    stamp: tuple[int, int],
    bank: _Bank,
    source: dict[str, str] | None,
    data: bytes,
) -> bool:
    """Record a big JSON bank that a full load found valid (from the bytes it read, stamped
    `stamp`). Best effort: False when not written (the bytes are not a plain JSON bank, the
    question count differs, or the cache is unwritable)."""
    found = question_spans(data)
    if found is None:
        return False
    spans, crcs = found
    questions = bank.questions
    if len(spans) != 2 * len(questions):
        return False
    article = _article_stamp(path, source)
    if source is not None and article is None:
        return False
    entry = {
        "version": QUESTION_INDEX_VERSION,
        "schema": BANK_SCHEMA,
        "quiz": __version__,
        "path": os.fspath(path.resolve()),
        "size": stamp[0],
        "mtime_ns": stamp[1],
        "article": None if article is None else list(article),
        "id": bank.id,
        "title": bank.title,
        "description": bank.description,
        "tags": list(bank.tags),
        "source": source,
        "ids": [qid for qid, _ in bank.question_tags()],
        "question_tags": [list(tags) for _, tags in bank.question_tags()],
        "spans": spans,
        "crcs": crcs,
    }
    try:
        target = question_index_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, json.dumps(entry, separators=(",", ":")))
    except OSError:
        return False
    return True
