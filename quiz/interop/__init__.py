"""Import and export of other quiz formats: Moodle GIFT and Aiken, Anki text and .apkg, CSV.

Pure core: no textual, no genanki at import time (the .apkg writer imports it when called).
Importers return an `ImportResult` (a validated `models.Bank` plus located warnings) or raise
`InteropError`; exporters return an `ExportResult` (text plus warnings for what was left out).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from quiz import models
from quiz.interop.aiken import export_aiken, parse_aiken
from quiz.interop.anki_text import export_anki_text, looks_like_anki, parse_anki_text
from quiz.interop.common import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    PLACEHOLDER_EXPLANATION,
    ExportResult,
    ImportResult,
    InteropError,
    InteropWarning,
    slugify,
    title_from_stem,
)
from quiz.interop.csv_format import export_csv, parse_csv
from quiz.interop.gift import export_gift, parse_gift

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "PLACEHOLDER_EXPLANATION",
    "ExportResult",
    "ImportResult",
    "InteropError",
    "InteropWarning",
    "detect_format",
    "export_text",
    "import_file",
    "import_text",
    "slugify",
]

Parser = Callable[..., ImportResult]
PARSERS: dict[str, Parser] = {
    "gift": parse_gift,
    "aiken": parse_aiken,
    "anki": parse_anki_text,
    "csv": parse_csv,
}
EXPORTERS: dict[str, Callable[[models.Bank], ExportResult]] = {
    "gift": export_gift,
    "aiken": export_aiken,
    "csv": export_csv,
    "anki": export_anki_text,
}
#: File extensions that name an import format outright.
EXTENSIONS = {".gift": "gift", ".aiken": "aiken", ".csv": "csv", ".tsv": "anki"}

_AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*[A-Z]\s*$", re.MULTILINE | re.IGNORECASE)


def detect_format(path: Path, text: str) -> str:
    """The import format of a file, from its content first (Anki headers) then its extension."""
    if looks_like_anki(text):
        return "anki"
    by_ext = EXTENSIONS.get(path.suffix.lower())
    if by_ext:
        return by_ext
    if _AIKEN_ANSWER.search(text):
        return "aiken"
    if "{" in text:
        return "gift"
    first = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    if "prompt" in first and ("," in first or ";" in first):
        return "csv"
    if "\t" in first:
        return "anki"
    raise InteropError(
        "cannot tell the format; give --format gift, aiken, anki or csv", path=str(path)
    )


def read_text(path: Path) -> str:
    """A file's text (UTF-8, BOM allowed); a located InteropError when it is not text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InteropError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InteropError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            path=str(path),
            line=line,
            column=column,
        ) from None


def import_text(
    text: str,
    fmt: str,
    *,
    path: str = "",
    bank_id: str = "imported",
    title: str = "",
    strict: bool = False,
) -> ImportResult:
    """Import text in `fmt`; raises InteropError, never anything else, on bad input.

    Questions that cannot be read are in the result's `skipped`; with `strict` any of them
    fails the whole import instead.
    """
    if fmt not in PARSERS:
        raise InteropError(f"unknown import format {fmt!r}", path=path)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InteropError("binary data (a NUL byte) in a text file", path=path, line=line)
    try:
        return PARSERS[fmt](text, path=path, bank_id=bank_id, title=title, strict=strict)
    except InteropError:
        raise
    except RecursionError:
        raise InteropError("the file is nested too deeply", path=path) from None


def import_file(
    path: Path,
    fmt: str | None = None,
    *,
    bank_id: str | None = None,
    title: str | None = None,
    strict: bool = False,
) -> ImportResult:
    """Import a file; the format is detected when not given, the bank id is its stem."""
    text = read_text(path)
    fmt = fmt or detect_format(path, text)
    stem = bank_id or path.stem
    return import_text(
        text,
        fmt,
        path=str(path),
        bank_id=slugify(stem) or "imported",
        title=title or title_from_stem(stem),
        strict=strict,
    )


def export_text(bank: models.Bank, fmt: str) -> ExportResult:
    """The bank in a text format (every export format but apkg)."""
    if fmt not in EXPORTERS:
        raise InteropError(f"unknown text export format {fmt!r}")
    return EXPORTERS[fmt](bank)
