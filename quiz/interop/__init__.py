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
    "caveats_dropped",
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
#: Anki packages: zip files, read by quiz.interop.apkg_import.
PACKAGE_EXTENSIONS = (".apkg", ".colpkg")

_AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*[A-Z]\s*$", re.MULTILINE | re.IGNORECASE)
#: An answer block as only GIFT writes it ({=..., {~..., {#..., {T}, {}, Moodle Cloze).
_GIFT_BLOCK = re.compile(r"\{\s*(?:[=~#}]|(?:T|F|TRUE|FALSE)\s*[}#]|\d*:[A-Z_]+:)")
#: Column names that start a CSV header (ours and the common aliases).
_CSV_FIRST = ("prompt", "question", "front", "term")


def _tab_separated(text: str) -> bool:
    """True when most data lines hold a tab between two fields (not GIFT's indentation)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")][:50]
    if not lines:
        return False
    inner = sum(1 for ln in lines if "\t" in ln.lstrip(" \t"))
    return inner * 2 >= len(lines)


def detect_format(path: Path, text: str) -> str:
    """The import format of a file: Anki headers, then the extension, then the content."""
    if looks_like_anki(text):
        return "anki"
    by_ext = EXTENSIONS.get(path.suffix.lower())
    if by_ext:
        return by_ext
    if _AIKEN_ANSWER.search(text):
        return "aiken"
    # Before GIFT: an Anki file's fields may hold '{' ({{c1::...}} cloze, code, LaTeX).
    if _tab_separated(text):
        return "anki"
    if _GIFT_BLOCK.search(text):
        return "gift"
    first = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    if any(name in first for name in _CSV_FIRST) and ("," in first or ";" in first):
        return "csv"
    raise InteropError(
        "cannot tell the format; give --format gift, aiken, anki or csv", path=str(path)
    )


def read_text(path: Path) -> tuple[str, str | None]:
    """A file's text and, when it was not UTF-8, the encoding it was read in.

    UTF-8 (BOM allowed) and UTF-16 with a BOM are read as they are; anything else is
    detected with charset-normalizer. A located InteropError, naming the command to
    re-save the file, when it is binary or its encoding cannot be told.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InteropError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        bad = exc.start
    line = data.count(b"\n", 0, bad) + 1
    column = bad - (data.rfind(b"\n", 0, bad) + 1) + 1
    resave = f"re-save it as UTF-8 (for example: iconv -f LATIN1 -t UTF-8 {path} > fixed.txt)"
    if b"\x00" not in data:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and best.encoding and best.chaos < 0.2:
            return str(best), best.encoding
    raise InteropError(
        f"not UTF-8 text (byte 0x{data[bad]:02x}) and its encoding cannot be told; {resave}",
        path=str(path),
        line=line,
        column=column,
    )


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


def _is_package(path: Path) -> bool:
    """An Anki package by its extension, or any zip file (a renamed package)."""
    if path.suffix.lower() in PACKAGE_EXTENSIONS:
        return True
    try:
        with path.open("rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def import_file(
    path: Path,
    fmt: str | None = None,
    *,
    bank_id: str | None = None,
    title: str | None = None,
    strict: bool = False,
) -> ImportResult:
    """Import a file; the format is detected when not given, the bank id is its stem."""
    stem = bank_id or path.stem
    if fmt == "apkg" or (fmt is None and _is_package(path)):
        from quiz.interop.apkg_import import read_package

        return read_package(
            path,
            bank_id=slugify(stem) or "imported",
            title=title or "",
            strict=strict,
        )
    text, encoding = read_text(path)
    fmt = fmt or detect_format(path, text)
    result = import_text(
        text,
        fmt,
        path=str(path),
        bank_id=slugify(stem) or "imported",
        title=title or title_from_stem(stem),
        strict=strict,
    )
    if encoding:
        result.warnings.insert(
            0, InteropWarning(None, f"not UTF-8: read as {encoding}; check accented letters")
        )
    return result


def export_text(bank: models.Bank, fmt: str) -> ExportResult:
    """The bank in a text format (every export format but apkg)."""
    if fmt not in EXPORTERS:
        raise InteropError(f"unknown text export format {fmt!r}")
    result = EXPORTERS[fmt](bank)
    if (dropped := caveats_dropped(bank, fmt)) is not None:
        result.warnings.append(dropped)
    return result


def caveats_dropped(bank: models.Bank, fmt: str) -> InteropWarning | None:
    """The warning an export owes when the bank has caveats: no export format holds them."""
    n = sum(1 for q in bank.questions if q.caveat is not None)
    if not n:
        return None
    return InteropWarning(
        None, f"caveats (beyond the article) are not part of {fmt}: dropped ({n})"
    )
