"""Anki's "Notes in Plain Text" files: import and export.

Basic-like notes become flashcards; Cloze notes become cloze questions, one per note with
every gap asked at once (Anki makes one card per cloze number: `gaps` keeps the numbers, so
the export writes the same note back); other question types are exported as Basic notes
whose back holds the answer.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from quiz import models
from quiz.interop.common import (
    ANKI_CLOZE,
    EMPTY_BACK,
    EXPLANATION_RULE,
    Draft,
    ExportResult,
    IdMaker,
    ImportResult,
    InteropError,
    InteropWarning,
    build_bank,
    cloze_prompt,
    describe_answer,
    describe_question,
    explanation_for_export,
    from_anki_cloze,
    html_to_text,
    note_guid,
    prompt_slug,
)

SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    "space": " ",
    "colon": ":",
}
_HEADER = re.compile(r"^#([a-z ]+):(.*)$", re.IGNORECASE)
_KNOWN = {
    "separator",
    "html",
    "tags",
    "columns",
    "notetype",
    "deck",
    "notetype column",
    "deck column",
    "tags column",
    "guid column",
    "if matches",
}


#: First lines that name the columns rather than hold a note.
_COLUMN_NAMES = {
    ("front", "back"),
    ("question", "answer"),
    ("term", "definition"),
    ("prompt", "answer"),
    ("text", "extra"),
    ("text", "back extra"),
}


def looks_like_anki(text: str) -> bool:
    """True when the text starts with Anki's `#key:value` file headers (or `tags:`)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    m = _HEADER.match(first)
    return bool(m and m.group(1).strip().lower() in _KNOWN) or first.startswith("tags:")


#: What Anki's own HTML test (rslib text.rs `is_html`) finds: a comment, style, script or tag.
_ANKI_HTML = re.compile(
    r"(<!--.*?-->)|(<style.*?>.*?</style>)|(<script.*?>.*?</script>)|(<.*?>)",
    re.IGNORECASE | re.DOTALL,
)


def parse_anki_text(
    text: str,
    *,
    path: str = "",
    bank_id: str = "imported",
    title: str = "",
    strict: bool = False,
) -> ImportResult:
    """Import an Anki plain-text export as Anki reads it: `#key:value` headers, `#` comment
    lines, HTML detected when there is no `#html:` header, quoted multi-line fields. A note
    that cannot be read is skipped with its line; bad headers raise InteropError."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    headers: dict[str, str] = {}
    warnings: list[InteropWarning] = []
    n_header = 0
    for num, raw in enumerate(lines, 1):
        stripped = raw.rstrip("\r\n")
        if num == 1 and stripped.startswith("tags:"):
            # Anki's legacy first line: global tags.
            headers["tags"] = stripped[5:].strip()
            n_header = num
            continue
        if not stripped.startswith("#"):
            break
        n_header = num
        m = _HEADER.match(stripped)
        if not m:
            continue  # a comment
        key = m.group(1).strip().lower()
        if key not in _KNOWN:
            warnings.append(InteropWarning(num, f"unknown Anki header '#{m.group(1)}:' ignored"))
            continue
        headers[key] = m.group(2).strip()
    body = "".join(lines[n_header:])
    sep = _separator(headers, body, path)
    if "html" in headers:
        is_html = headers["html"].lower() == "true"
    else:
        # Anki: without the header, the file is HTML when any field looks like HTML.
        is_html = bool(_ANKI_HTML.search(body))
        if is_html:
            warnings.append(InteropWarning(None, "no #html: header; HTML found, read as HTML"))

    def column(key: str) -> int | None:
        if key not in headers:
            return None
        try:
            value = int(headers[key])
        except ValueError:
            value = 0
        if value < 1:
            line = 1 + list(headers).index(key)
            raise InteropError(
                f"#{key}: expected a column number from 1, found {headers[key]!r}",
                path=path,
                line=line,
            )
        return value - 1

    special = {
        "guid": column("guid column"),
        "notetype": column("notetype column"),
        "deck": column("deck column"),
        "tags": column("tags column"),
    }
    if not headers:
        # A shared deck's first line often names its columns ("Front<TAB>Back"): Anki would
        # import it as a note; it is read as names here, and said so.
        first_line, _, rest = body.partition("\n")
        names = [c.strip().lower() for c in first_line.rstrip("\r").split(sep)]
        if len(names) >= 2 and tuple(names[:2]) in _COLUMN_NAMES:
            warnings.append(
                InteropWarning(n_header + 1, "first line read as column names, not as a note")
            )
            n_header += 1
            body = rest
    if not any(k in headers for k in ("columns", "notetype", "notetype column", "tags column")):
        # Anki, importing into Basic (two fields): a third column holds the tags.
        peek = csv.reader(io.StringIO(body, newline=""), delimiter=sep, strict=False)
        first = next((r for r in peek if any(c.strip() for c in r) and r[0][:1] != "#"), [])
        if len(first) == 3 and special["guid"] is None and special["deck"] is None:
            special["tags"] = 2
            warnings.append(InteropWarning(None, "column 3 read as tags, as Anki does"))
    global_tags = headers.get("tags", "").split()
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sep, strict=False)
    drafts: list[Draft] = []
    skipped: list[InteropError] = []
    ids = IdMaker()
    decks: set[str] = set()
    line = n_header + 1
    try:
        for cells in reader:
            here, line = line, n_header + reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if cells[0].startswith("#"):
                continue  # Anki reads a line starting with '#' as a comment
            fields = [c for i, c in enumerate(cells) if i not in special.values()]

            def cell(key: str, cells: list[str] = cells) -> str:
                i = special[key]
                return cells[i] if i is not None and i < len(cells) else ""

            notetype = cell("notetype") or headers.get("notetype", "")
            if cell("deck") or headers.get("deck"):
                decks.add(cell("deck") or headers["deck"])
            tags = _tags(global_tags + cell("tags").split(), here, warnings)
            guid = cell("guid").strip()
            if is_html:
                fields = [_clean(f, here, warnings) for f in fields]
            if not fields or not fields[0].strip():
                skipped.append(
                    InteropError("the note's first field is empty", path=path, line=here)
                )
                continue
            if "cloze" in notetype.lower() or ANKI_CLOZE.search(fields[0]):
                draft = _cloze_draft(fields, tags, here, ids, warnings)
            else:
                draft = _basic_draft(fields, tags, here, ids, warnings)
            if draft is not None:
                if _usable_guid(guid, here, warnings):
                    # Kept, so an export updates this note in Anki instead of adding one.
                    draft.data["anki_guid"] = guid
                drafts.append(draft)
    except csv.Error as exc:
        raise InteropError(f"malformed row: {exc}", path=path, line=line) from None
    if not title and len(decks) == 1:
        title = decks.pop()
    return build_bank(
        drafts,
        bank_id=bank_id,
        title=title or bank_id,
        path=path,
        warnings=warnings,
        skipped=skipped,
        strict=strict,
    )


def _usable_guid(guid: str, line: int, warnings: list[InteropWarning]) -> bool:
    """True for a guid a bank can keep; a warning for one it cannot (the note still comes in)."""
    if not guid:
        return False
    if len(guid) > 100 or re.search(r"[\x00-\x1f\x7f]", guid):
        warnings.append(
            InteropWarning(line, f"guid {guid[:20]!r} not kept (control characters or too long)")
        )
        return False
    return True


def _separator(headers: dict[str, str], body: str, path: str) -> str:
    if "separator" in headers:
        value = headers["separator"]
        if value.lower() in SEPARATORS:
            return SEPARATORS[value.lower()]
        if len(value) == 1:
            return value
        line = 1 + list(headers).index("separator")
        raise InteropError(
            f"#separator: expected Tab, Comma, Semicolon, Pipe, Space, Colon or one character, "
            f"found {value!r}",
            path=path,
            line=line,
        )
    first = body.split("\n", 1)[0]
    for candidate in ("\t", "|", ";", ","):
        if candidate in first:
            return candidate
    return "\t"


def _clean(field: str, line: int, warnings: list[InteropWarning]) -> str:
    text, lost = html_to_text(field)
    if lost:
        warnings.append(
            InteropWarning(line, f"HTML reduced to plain text (lost: {', '.join(sorted(lost))})")
        )
    return text


def _tags(raw: list[str], line: int, warnings: list[InteropWarning]) -> list[str]:
    tags: list[str] = []
    for tag in raw:
        if len(tag) > 60:
            warnings.append(InteropWarning(line, f"tag {tag[:20]!r}... cut to 60 characters"))
            tag = tag[:60]
        if tag not in tags:
            tags.append(tag)
    return tags


def _basic_draft(
    fields: list[str], tags: list[str], line: int, ids: IdMaker, warnings: list[InteropWarning]
) -> Draft:
    front = fields[0].strip()
    back = fields[1].strip() if len(fields) > 1 else ""
    qid = ids.make(prompt_slug(front), "card")
    if not back:
        # Anki keeps such a note (its card shows nothing on the back); so do we.
        warnings.append(InteropWarning(line, f"empty back shown as {EMPTY_BACK!r}", qid))
        back = EMPTY_BACK
    extra = [f for f in fields[2:] if f.strip()]
    if extra:
        warnings.append(InteropWarning(line, f"{len(extra)} extra field(s) dropped", qid))
    explanation = ""
    rule = EXPLANATION_RULE.strip("\n")
    parts = re.split(r"\n\s*\n" + re.escape(rule) + r"\n", back, maxsplit=1)
    if len(parts) == 2:
        back, explanation = parts[0].strip(), parts[1].strip()
    data: dict[str, Any] = {
        "type": "flashcard",
        "id": qid,
        "prompt": front,
        "back": back,
        "explanation": explanation,
    }
    if tags:
        data["tags"] = tags
    return Draft(data, line)


def _cloze_draft(
    fields: list[str], tags: list[str], line: int, ids: IdMaker, warnings: list[InteropWarning]
) -> Draft | None:
    text = fields[0].strip()
    explanation = fields[1].strip() if len(fields) > 1 else ""
    cloze = from_anki_cloze(text)
    if cloze is None:
        warnings.append(InteropWarning(line, "skipped: a Cloze note without {{c1::...}}"))
        return None
    qid = ids.make(prompt_slug(ANKI_CLOZE.sub(lambda m: m.group(2), text)), "cloze")
    for note in cloze.notes:
        warnings.append(InteropWarning(line, note, qid))
    data: dict[str, Any] = {
        "type": "cloze",
        "id": qid,
        "prompt": cloze_prompt(cloze.text),
        "text": cloze.text,
        "explanation": explanation,
    }
    if cloze.gaps:
        data["gaps"] = cloze.gaps
    if cloze.hints:
        data["hint"] = "; ".join(cloze.hints)
    if tags:
        data["tags"] = tags
    return Draft(data, line)


def export_anki_text(bank: models.Bank) -> ExportResult:
    """The bank as an Anki plain-text file (Basic and Cloze note types, tab separated)."""
    buf = io.StringIO(newline="")
    buf.write(
        "#separator:tab\n#html:false\n#guid column:1\n#notetype column:2\n#deck column:3\n"
        "#tags column:6\n"
    )
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    warnings: list[InteropWarning] = []
    as_basic = 0
    for q in bank.questions:
        tags = []
        for tag in q.tags:
            if " " in tag:
                warnings.append(InteropWarning(None, f"spaces in tag {tag!r} became '_'", q.id))
            tags.append(tag.replace(" ", "_"))
        if isinstance(q, models.Cloze):
            front = cloze_to_anki(q, warnings)
            back = explanation_for_export(q)
            notetype = "Cloze"
        else:
            front = q.prompt if isinstance(q, models.Flashcard) else describe_question(q)
            explanation = explanation_for_export(q)
            back = describe_answer(q) + (EXPLANATION_RULE + explanation if explanation else "")
            notetype = "Basic"
            if not isinstance(q, models.Flashcard):
                as_basic += 1
            if q.hint:
                warnings.append(InteropWarning(None, "the hint is not part of a Basic note", q.id))
            if isinstance(q, models.MultipleChoice) and any(c.credit for c in q.choices):
                warnings.append(InteropWarning(None, "partial credit on choices dropped", q.id))
        writer.writerow([note_guid(bank.id, q), notetype, bank.title, front, back, " ".join(tags)])
    if as_basic:
        warnings.append(
            InteropWarning(
                None,
                f"{as_basic} question(s) of other types exported as Basic notes "
                "(front: prompt and choices; back: answer and explanation)",
            )
        )
    return ExportResult(buf.getvalue(), warnings, len(bank.questions))


def cloze_to_anki(q: models.Cloze, warnings: list[InteropWarning]) -> str:
    """A cloze text in Anki's form. With `gaps` (an imported Anki note), each gap gets its
    own card number and hint back, so Anki makes the cards it made before; without, every
    gap is `{{c1::answer}}` (one card asks all the gaps, as the question does) and the
    question's hint goes on the first gap."""
    per_gap = bool(q.gaps) and any(g.hint for g in q.gaps)
    index = 0

    def gap(m: re.Match[str]) -> str:
        nonlocal index
        alts = [a.strip() for a in m.group(1).split("|") if a.strip()]
        if len(alts) > 1:
            warnings.append(
                InteropWarning(
                    None, f"alternative answers {alts[1:]} dropped (Anki shows one)", q.id
                )
            )
        card = q.gaps[index].card if q.gaps else 1
        # Each gap's own hint; else (authored here) the question's hint on the first gap.
        hint = q.gaps[index].hint if per_gap else (q.hint if index == 0 else None)
        index += 1
        return f"{{{{c{card}::{alts[0]}{'::' + hint if hint else ''}}}}}"

    return models.CLOZE_GAP.sub(gap, q.text)
