"""Anki packages (.apkg, .colpkg) in: notes become questions, media comes along.

A package is a zip holding a SQLite collection: legacy packages hold `collection.anki2` or
`collection.anki21` (note types and decks as JSON in `col`); current ones (Anki 2.1.50+)
hold `collection.anki21b`, the same database compressed with zstd, with note types,
fields, templates and decks in their own tables and protobuf configs, and zstd media with
a protobuf `media` index. The collection is unpacked to a temporary file, opened read-only
and closed before this returns; nothing is written beside the package.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from pydantic import ValidationError

from quiz.interop.common import (
    ANKI_CLOZE,
    EMPTY_BACK,
    Draft,
    ImportResult,
    InteropError,
    InteropWarning,
    build_bank,
    cloze_prompt,
    from_anki_cloze,
    html_to_text,
    id_with_guid,
    image_names,
    prompt_slug,
)
from quiz.models import AnkiNotetype

#: Collections in the order Anki prefers them (the newest format first).
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
#: Most a collection or media file may unpack to: a guard against zip and zstd bombs.
MAX_UNPACKED = 2 * 1024**3
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_TYPE_IN = re.compile(r"\{\{type:(?:[^:}]*:)?([^}]+)\}\}")
_SOUND = re.compile(r"\[sound:([^\]]+)\]")


@dataclass
class NoteType:
    """What the importer needs of an Anki note type."""

    id: int
    name: str
    fields: list[str]
    cloze: bool
    front_templates: list[str]
    template_names: list[str] = field(default_factory=list)
    #: What the bank keeps of it (`anki_notetype`), or None when it cannot (a reason given).
    kept: dict[str, Any] | None = None
    not_kept: str = ""

    def keep(self) -> None:
        """Validate what the bank would keep: a name Anki would not have is not kept."""
        data = {
            "id": self.id,
            "name": self.name,
            "kind": "cloze" if self.cloze else "normal",
            "fields": self.fields,
            "templates": self.template_names,
        }
        try:
            AnkiNotetype.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            if first["type"] == "string_pattern_mismatch":
                self.not_kept = f"{where}: {first['input']!r} is not a name Anki allows"
            else:
                self.not_kept = f"{where}: {first['msg']}"
        else:
            self.kept = data


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if i >= len(data):
            raise ValueError("truncated varint")
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _protobuf(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message: ints for varints, bytes for the rest."""
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
            yield number, value
        elif wire == 2:
            size, i = _varint(data, i)
            yield number, data[i : i + size]
            i += size
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")


def _unzstd(source: IO[bytes], sink: IO[bytes]) -> None:
    """Stream-decompress (Anki's frames carry no content size), refusing bombs."""
    import zstandard

    total = 0
    try:
        with zstandard.ZstdDecompressor().stream_reader(source) as reader:
            while chunk := reader.read(1 << 16):
                total += len(chunk)
                if total > MAX_UNPACKED:
                    raise ValueError("unpacks to more than 2 GiB")
                sink.write(chunk)
    except zstandard.ZstdError as exc:
        raise ValueError(f"zstd: {exc}") from None


def _member(zf: zipfile.ZipFile, name: str, zstd: bool) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > MAX_UNPACKED:
        raise ValueError(f"{name} unpacks to more than 2 GiB")
    with zf.open(info) as raw:
        head = raw.read(4)
        rest = raw.read()
    data = head + rest
    if zstd and head == _ZSTD_MAGIC:
        import io

        out = io.BytesIO()
        _unzstd(io.BytesIO(data), out)
        return out.getvalue()
    return data


def _note_types(db: sqlite3.Connection, modern: bool) -> dict[int, NoteType]:
    types: dict[int, NoteType] = {}
    if not modern:
        (models_json,) = db.execute("select models from col").fetchone()
        for key, m in json.loads(models_json).items():
            fields = [f["name"] for f in sorted(m.get("flds", []), key=lambda f: f.get("ord", 0))]
            tmpls = sorted(m.get("tmpls", []), key=lambda t: t.get("ord", 0))
            fronts = [str(t.get("qfmt", "")) for t in tmpls]
            types[int(key)] = NoteType(
                int(key),
                str(m.get("name", "?")),
                fields,
                m.get("type") == 1,
                fronts,
                [str(t.get("name", "")) for t in tmpls],
            )
    else:
        for ntid, name, config in db.execute("select id, name, config from notetypes"):
            kind = dict(_protobuf(config)).get(1, 0)
            types[ntid] = NoteType(int(ntid), str(name), [], kind == 1, [])
        for ntid, name in db.execute("select ntid, name from fields order by ntid, ord"):
            if ntid in types:
                types[ntid].fields.append(str(name))
        for ntid, name, config in db.execute(
            "select ntid, name, config from templates order by ntid, ord"
        ):
            if ntid in types:
                front = dict(_protobuf(config)).get(1, b"")
                types[ntid].front_templates.append(
                    front.decode("utf-8", "replace") if isinstance(front, bytes) else ""
                )
                types[ntid].template_names.append(str(name))
    for nt in types.values():
        nt.keep()
    return types


def _decks(db: sqlite3.Connection, modern: bool) -> dict[int, str]:
    if modern:
        return {
            did: str(name).replace("\x1f", "::")
            for did, name in db.execute("select id, name from decks")
        }
    (decks_json,) = db.execute("select decks from col").fetchone()
    return {int(k): str(d.get("name", "")) for k, d in json.loads(decks_json).items()}


def _media_index(zf: zipfile.ZipFile) -> dict[str, str]:
    """file name -> zip member, from the package's `media` index (JSON or zstd protobuf)."""
    if "media" not in zf.namelist():
        return {}
    raw = _member(zf, "media", zstd=True)
    try:
        legacy = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        legacy = None
    if isinstance(legacy, dict):
        return {str(name): str(member) for member, name in legacy.items()}
    index: dict[str, str] = {}
    entries = [v for n, v in _protobuf(raw) if n == 1 and isinstance(v, bytes)]
    for i, entry in enumerate(entries):
        parts = dict(_protobuf(entry))
        name = parts.get(1)
        member = parts.get(255, i)
        if isinstance(name, bytes):
            index[name.decode("utf-8", "replace")] = str(member)
    return index


def _safe_name(name: str) -> bool:
    """A media name usable as a plain file name beside the bank (no path, no dot-file)."""
    pure = PurePosixPath(name)
    return (
        bool(name)
        and name == pure.name
        and "\\" not in name
        and not name.startswith(".")
        and all(c.isprintable() for c in name)
        and len(name) <= 200
    )


def read_package(path: Path, *, bank_id: str, title: str, strict: bool = False) -> ImportResult:
    """Import an .apkg or .colpkg file; InteropError (located by file) when it cannot be.

    The result's `media` holds the files that some note refers to.
    """
    try:
        with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory() as tmp:
            names = set(zf.namelist())
            chosen = next((c for c in COLLECTIONS if c in names), None)
            if chosen is None:
                raise InteropError(
                    "not an Anki package: no collection.anki21b, .anki21 or .anki2 inside",
                    path=str(path),
                )
            db_path = Path(tmp) / "collection.sqlite"
            db_path.write_bytes(_member(zf, chosen, zstd=chosen.endswith("b")))
            db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
            try:
                result, wanted = _read_collection(db, path, bank_id, title, strict)
            finally:
                db.close()
            result.media = _copy_media(zf, wanted, result.warnings)
    except zipfile.BadZipFile:
        raise InteropError("not an Anki package (not a zip file)", path=str(path)) from None
    except (sqlite3.DatabaseError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InteropError(f"damaged Anki package: {exc}", path=str(path)) from None
    except OSError as exc:
        raise InteropError(f"cannot read the package: {exc}", path=str(path)) from None
    return result


def _copy_media(
    zf: zipfile.ZipFile, wanted: set[str], warnings: list[InteropWarning]
) -> dict[str, bytes]:
    index = _media_index(zf)
    media: dict[str, bytes] = {}
    for name in sorted(wanted):
        member = index.get(name)
        if member is None or member not in zf.namelist():
            warnings.append(InteropWarning(None, f"media file {name!r} is not in the package"))
        elif not _safe_name(name):
            warnings.append(InteropWarning(None, f"media file {name!r} not copied: unsafe name"))
        else:
            media[name] = _member(zf, member, zstd=True)
    return media


def _read_collection(
    db: sqlite3.Connection, path: Path, bank_id: str, title: str, strict: bool
) -> tuple[ImportResult, set[str]]:
    tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
    modern = "notetypes" in tables
    types = _note_types(db, modern)
    decks = _decks(db, modern)
    note_deck = dict(
        db.execute(
            "select nid, did from cards c"
            " where ord = (select min(ord) from cards where nid = c.nid)"
        )
    )
    warnings: list[InteropWarning] = []
    skipped: list[InteropError] = []
    drafts: list[Draft] = []
    wanted: set[str] = set()
    used: set[str] = set()
    other_types: dict[str, int] = {}
    not_kept: dict[str, str] = {}
    deck_names: set[str] = set()
    rows = db.execute("select id, guid, mid, tags, flds from notes order by id").fetchall()
    for n, (nid, guid, mid, tags, flds) in enumerate(rows, 1):
        nt = types.get(mid)
        where = f"note {n} (guid {guid})"
        if nt is None:
            skipped.append(InteropError(f"{where}: its note type is missing", path=str(path)))
            continue
        raw_fields = str(flds).split("\x1f")
        for value in raw_fields:
            wanted.update(image_names(value))
            wanted.update(_SOUND.findall(value))
        lost: set[str] = set()

        def text(value: str, lost: set[str] = lost) -> str:
            plain, tags_lost = html_to_text(value)
            lost.update(tags_lost)
            return plain

        # Only the first two become the question; the others are kept as they are.
        fields = [text(v) for v in raw_fields[:2]]
        note_tags = [t for t in str(tags).split() if t][:20]
        deck = decks.get(note_deck.get(nid, -1), "")
        if deck and deck != "Default":
            deck_names.add(deck)
            note_tags = [deck[:60], *note_tags]
        note_tags = [t[:60] for t in dict.fromkeys(note_tags)]
        data = _note_question(nt, fields, other_types)
        if data is None:
            skipped.append(InteropError(f"{where}: its first field is empty", path=str(path)))
            continue
        shown = ANKI_CLOZE.sub(lambda m: m.group(2), fields[0]) if nt.cloze else fields[0]
        qid = id_with_guid(prompt_slug(shown) or "note", str(guid))
        if qid in used:
            skipped.append(InteropError(f"{where}: a second note with this guid", path=str(path)))
            continue
        used.add(qid)
        data["id"] = qid
        data["anki_guid"] = str(guid)
        # The note type, so that the .apkg export writes the note back into it (and Anki
        # updates the note in place); its fields after the first two as they were.
        if nt.kept is not None:
            data["anki_notetype"] = nt.kept
            others = {
                name: value
                for name, value in zip(nt.fields[2:], raw_fields[2:], strict=False)
                if value
            }
            if others:
                data["anki_fields"] = others
        else:
            not_kept[nt.name] = nt.not_kept
        for note in data.pop("notes", []):
            warnings.append(InteropWarning(None, note, qid))
        if note_tags:
            data["tags"] = note_tags
        if lost - {"img"}:
            warnings.append(
                InteropWarning(None, f"HTML reduced to text (lost: {', '.join(sorted(lost))})", qid)
            )
        drafts.append(Draft(data, n))
    for name, count in sorted(other_types.items()):
        warnings.append(
            InteropWarning(
                None,
                f"note type {name!r} ({count} note(s)) has no question type here: "
                "imported as flashcards of its first two fields (the others are kept for the "
                ".apkg export)",
            )
        )
    for name, reason in sorted(not_kept.items()):
        warnings.append(
            InteropWarning(
                None,
                f"note type {name!r} not kept ({reason}): an .apkg export of its notes uses "
                "quiz's note types, which Anki will not update the notes from",
            )
        )
    if not title and len(deck_names) == 1:
        title = next(iter(deck_names)).split("::")[-1]
    result = build_bank(
        drafts,
        bank_id=bank_id,
        title=title or bank_id,
        path=str(path),
        warnings=warnings,
        skipped=skipped,
        strict=strict,
    )
    # Anki notes have no explanation: one warning for them all, not one per note. Draft
    # lines are note numbers, not file lines: say so rather than show a line.
    placeholder = [w for w in result.warnings if w.message.startswith("no explanation")]
    result.warnings = [
        InteropWarning(
            None, w.message if w.line is None else f"note {w.line}: {w.message}", w.question
        )
        for w in result.warnings
        if not w.message.startswith("no explanation")
    ]
    if placeholder:
        result.warnings.append(
            InteropWarning(
                None,
                f"{len(placeholder)} note(s) have no explanation (a Back Extra): the app shows "
                "a placeholder, which exports leave out",
            )
        )
    return result, wanted


def _note_question(
    nt: NoteType, fields: list[str], other_types: dict[str, int]
) -> dict[str, Any] | None:
    """The question data for one note, by what its note type is (not its localised name)."""
    front = fields[0].strip() if fields else ""
    if not front:
        return None
    if nt.cloze:
        extra = fields[1].strip() if len(fields) > 1 else ""
        cloze = from_anki_cloze(front)
        if cloze is None:
            return {
                "type": "flashcard",
                "prompt": front,
                "back": extra or EMPTY_BACK,
                "explanation": "",
            }
        # One question per note (every cloze number asked at once), so that the note count
        # and guid survive a re-export; `gaps` keeps each gap's card number and hint, so
        # the re-exported note makes the cards Anki made (one per number).
        data: dict[str, Any] = {
            "type": "cloze",
            "prompt": cloze_prompt(cloze.text),
            "text": cloze.text,
            "explanation": extra,
        }
        if cloze.gaps:
            data["gaps"] = cloze.gaps
        if cloze.hints:
            data["hint"] = "; ".join(cloze.hints)
        if cloze.notes:
            data["notes"] = cloze.notes
        return data
    back = fields[1].strip() if len(fields) > 1 else ""
    typed = {m.group(1).strip() for t in nt.front_templates for m in _TYPE_IN.finditer(t)}
    if typed and len(fields) > 1 and nt.fields[1:2] and nt.fields[1] in typed and back:
        return {"type": "short_answer", "prompt": front, "accept": [back], "explanation": ""}
    if len(nt.fields) != 2 or len(nt.front_templates) > 2:
        other_types[nt.name] = other_types.get(nt.name, 0) + 1
    return {"type": "flashcard", "prompt": front, "back": back or EMPTY_BACK, "explanation": ""}
