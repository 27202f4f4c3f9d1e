"""A CSV layout for spreadsheets: one question per row, documented in docs/interop.md.

List cells (choices, tags, feedback, several answers) separate items with `|`; a backslash
makes the next character literal (`\\|` is a pipe, `\\\\` a backslash, `-\\>` keeps a matching
item from splitting).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, assert_never

from quiz import models
from quiz.interop.common import (
    KEY_TERMS_DROPPED,
    Draft,
    ExportResult,
    IdMaker,
    ImportResult,
    InteropError,
    InteropWarning,
    build_bank,
    explanation_for_export,
    format_number,
    prompt_slug,
)

#: Every column, in the order the exporter writes them. Only `prompt` is required.
COLUMNS: tuple[str, ...] = (
    "id",
    "type",
    "prompt",
    "answer",
    "choices",
    "feedback",
    "explanation",
    "tags",
    "hint",
    "difficulty",
    "unit",
    "case_sensitive",
    "exact",
    "shuffle",
)
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_NUMBER = re.compile(r"^(?P<spec>.*?)(?:@(?P<credit>[^@]*))?$")


def split_list(cell: str, sep: str = "|") -> list[str]:
    """Items of a list cell, unescaped and stripped; empty items dropped."""
    return [unescape(item).strip() for item in _split_raw(cell, sep) if item.strip()]


def _split_raw(cell: str, sep: str) -> list[str]:
    items: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(cell):
        if cell[i] == "\\" and i + 1 < len(cell):
            cur.append(cell[i : i + 2])
            i += 2
            continue
        if cell.startswith(sep, i):
            items.append("".join(cur))
            cur = []
            i += len(sep)
            continue
        cur.append(cell[i])
        i += 1
    items.append("".join(cur))
    return items


def unescape(text: str) -> str:
    """A backslash makes the next character literal."""
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def escape_item(text: str) -> str:
    """Text made safe as one item of a list cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("->", "-\\>")


def join_list(items: list[str]) -> str:
    """A list cell from items."""
    return " | ".join(escape_item(i) for i in items)


def _flag(value: str, column: str, line: int, path: str) -> bool:
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise InteropError(f"{column}: expected true or false, found {value!r}", path=path, line=line)


def _numbers(cell: str, line: int, path: str) -> dict[str, Any]:
    specs: list[dict[str, Any]] = []
    for item in split_list(cell):
        m = _NUMBER.match(item)
        assert m is not None
        spec, credit_text = m.group("spec").strip(), m.group("credit")
        try:
            if ".." in spec:
                lo, hi = spec.split("..", 1)
                entry: dict[str, Any] = {"min": float(lo), "max": float(hi)}
            elif ":" in spec:
                value, tol = spec.split(":", 1)
                entry = {"answer": float(value), "tolerance": float(tol)}
            else:
                entry = {"answer": float(spec)}
            if credit_text is not None:
                c = credit_text.strip()
                entry["credit"] = float(c[:-1]) / 100 if c.endswith("%") else float(c)
        except ValueError:
            raise InteropError(
                f"answer: expected NUMBER[:TOLERANCE] or MIN..MAX [@CREDIT], found {item!r}",
                path=path,
                line=line,
            ) from None
        specs.append(entry)
    if not specs:
        raise InteropError("answer: a numeric question needs a number", path=path, line=line)
    main, rest = specs[0], specs[1:]
    main.pop("credit", None)
    if rest:
        main["partial"] = rest
    return main


def _row_question(
    row: dict[str, str], line: int, path: str, warnings: list[InteropWarning]
) -> dict[str, Any]:
    choices = split_list(row.get("choices", ""))
    qtype = row.get("type", "").strip().lower() or ("multiple_choice" if choices else "flashcard")
    if qtype not in models.QUESTION_TYPES:
        raise InteropError(
            f"type: {qtype!r} is not one of {', '.join(models.QUESTION_TYPES)}",
            path=path,
            line=line,
        )
    answer = row.get("answer", "")
    data: dict[str, Any] = {
        "type": qtype,
        "prompt": row.get("prompt", "").strip(),
        "explanation": row.get("explanation", "").strip(),
    }
    if qtype in ("multiple_choice", "multiple_select"):
        right = split_list(answer)
        if qtype == "multiple_choice" and len(right) != 1:
            raise InteropError(
                f"answer: a multiple_choice question needs exactly one answer, found {len(right)}",
                path=path,
                line=line,
            )
        feedback = [unescape(f).strip() for f in _split_raw(row.get("feedback", ""), "|")]
        texts = [c.strip() for c in choices]
        for r in right:
            if r not in texts:
                if r.isdigit() and 1 <= int(r) <= len(texts):
                    continue
                raise InteropError(f"answer: {r!r} is not one of the choices", path=path, line=line)
        wanted = {texts.index(r) if r in texts else int(r) - 1 for r in right}
        data["choices"] = []
        for i, text in enumerate(texts):
            choice: dict[str, Any] = {"text": text, "correct": i in wanted}
            if i < len(feedback) and feedback[i]:
                choice["feedback"] = feedback[i]
            data["choices"].append(choice)
        if row.get("shuffle", "").strip():
            data["shuffle"] = _flag(row["shuffle"], "shuffle", line, path)
    elif qtype == "true_false":
        data["answer"] = _flag(answer, "answer", line, path)
    elif qtype == "short_answer":
        data["accept"] = split_list(answer)
    elif qtype == "numeric":
        data.update(_numbers(answer, line, path))
        if row.get("unit", "").strip():
            data["unit"] = row["unit"].strip()
    elif qtype == "cloze":
        data["text"] = answer.strip()
    elif qtype == "ordering":
        data["items"] = choices
    elif qtype == "matching":
        pairs = []
        for raw in _split_raw(row.get("choices", ""), "|"):
            if not raw.strip():
                continue
            parts = _split_raw(raw, "->")
            if len(parts) != 2:
                raise InteropError(
                    f"choices: a matching pair is 'left -> right', found {unescape(raw).strip()!r}",
                    path=path,
                    line=line,
                )
            pairs.append({"left": unescape(parts[0]).strip(), "right": unescape(parts[1]).strip()})
        data["pairs"] = pairs
    elif qtype == "flashcard":
        data["back"] = answer.strip()
    if qtype in ("short_answer", "cloze"):
        for flag in ("case_sensitive", "exact"):
            if row.get(flag, "").strip():
                data[flag] = _flag(row[flag], flag, line, path)
    if row.get("tags", "").strip():
        data["tags"] = split_list(row["tags"])
    if row.get("hint", "").strip():
        data["hint"] = row["hint"].strip()
    if row.get("difficulty", "").strip():
        try:
            data["difficulty"] = int(row["difficulty"])
        except ValueError:
            raise InteropError(
                f"difficulty: expected a whole number 1-5, found {row['difficulty']!r}",
                path=path,
                line=line,
            ) from None
    return data


#: Header names other tools and shared decks use for our columns (Quizlet, Anki, sheets).
HEADER_ALIASES = {
    "question": "prompt",
    "front": "prompt",
    "term": "prompt",
    "back": "answer",
    "definition": "answer",
}


def parse_csv(
    text: str,
    *,
    path: str = "",
    bank_id: str = "imported",
    title: str = "",
    strict: bool = False,
) -> ImportResult:
    """Import the CSV layout. A malformed row is skipped with its line (InteropError with
    `strict`, or when no row is left); a bad header is an InteropError."""
    warnings: list[InteropWarning] = []
    skipped: list[InteropError] = []
    sample = text[:4096]
    delimiter = (
        ";" if sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(",") else ","
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    drafts: list[Draft] = []
    ids = IdMaker()
    try:
        header = next(reader, None)
        if header is None:
            raise InteropError("the file is empty; expected a header row", path=path, line=1)
        names = [h.strip().lower().lstrip("\ufeff") for h in header]
        if "prompt" not in names:
            aliased = [HEADER_ALIASES.get(n, n) for n in names]
            if "prompt" in aliased and len(set(aliased)) == len(aliased):
                renamed = [f"{n} -> {a}" for n, a in zip(names, aliased, strict=True) if n != a]
                warnings.append(InteropWarning(1, f"columns read as: {', '.join(renamed)}"))
                names = aliased
        if "prompt" not in names:
            aliases = ", ".join(HEADER_ALIASES)
            raise InteropError(
                f"the header row needs a 'prompt' column (or {aliases}; "
                f"columns: {', '.join(COLUMNS)})",
                path=path,
                line=1,
            )
        unknown = [n for n in names if n and n not in COLUMNS]
        if unknown:
            warnings.append(InteropWarning(1, f"unknown columns ignored: {', '.join(unknown)}"))
        line = reader.line_num + 1
        for cells in reader:
            if not any(c.strip() for c in cells):
                line = reader.line_num + 1
                continue
            try:
                drafts.append(_row_draft(cells, names, line, path, ids, warnings))
            except InteropError as exc:
                skipped.append(exc)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InteropError(f"malformed CSV: {exc}", path=path, line=reader.line_num) from None
    return build_bank(
        drafts,
        bank_id=bank_id,
        title=title or bank_id,
        path=path,
        warnings=warnings,
        skipped=skipped,
        strict=strict,
    )


def _row_draft(
    cells: list[str],
    names: list[str],
    line: int,
    path: str,
    ids: IdMaker,
    warnings: list[InteropWarning],
) -> Draft:
    if len(cells) > len(names):
        raise InteropError(
            f"{len(cells)} cells but the header has {len(names)} columns", path=path, line=line
        )
    row = {n: c for n, c in zip(names, cells, strict=False) if n in COLUMNS}
    data = _row_question(row, line, path, warnings)
    data["id"] = ids.make(row.get("id", ""), prompt_slug(data["prompt"]))
    if row.get("id", "").strip() and data["id"] != row["id"].strip():
        warnings.append(
            InteropWarning(line, f"id {row['id'].strip()!r} became {data['id']!r}", data["id"])
        )
    return Draft(data, line)


def _numeric_cell(q: models.Numeric) -> str:
    def one(spec: models.Numeric | models.NumericRange) -> str:
        if spec.answer is None:
            assert spec.min is not None and spec.max is not None
            return f"{format_number(spec.min)}..{format_number(spec.max)}"
        out = format_number(spec.answer)
        return out + (f":{format_number(spec.tolerance)}" if spec.tolerance else "")

    return " | ".join([one(q)] + [f"{one(r)} @{format_number(r.credit)}" for r in q.partial])


def export_csv(bank: models.Bank) -> ExportResult:
    """Every question as a row; the CSV layout holds every type and field but source_quote."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    warnings: list[InteropWarning] = []
    for q in bank.questions:
        row: dict[str, str] = {
            "id": q.id,
            "type": q.type,
            "prompt": q.prompt,
            "explanation": explanation_for_export(q),
            "tags": join_list(q.tags),
            "hint": q.hint or "",
            "difficulty": str(q.difficulty),
        }
        if isinstance(q, models.MultipleChoice | models.MultipleSelect):
            row["choices"] = join_list([c.text for c in q.choices])
            right = [c.text for c in q.choices if c.correct]
            row["answer"] = join_list(right)
            if any(c.feedback for c in q.choices):
                row["feedback"] = " | ".join(escape_item(c.feedback or "") for c in q.choices)
            row["shuffle"] = str(q.shuffle).lower()
            if any(c.credit for c in q.choices):
                warnings.append(
                    InteropWarning(None, "partial credit on choices is not part of the CSV", q.id)
                )
        elif isinstance(q, models.TrueFalse):
            row["answer"] = str(q.answer).lower()
        elif isinstance(q, models.ShortAnswer | models.Cloze):
            row["answer"] = join_list(q.accept) if isinstance(q, models.ShortAnswer) else q.text
            row["case_sensitive"] = str(q.case_sensitive).lower()
            row["exact"] = str(q.exact).lower()
            if q.gap_terms if isinstance(q, models.Cloze) else (q.must or q.must_not):
                warnings.append(InteropWarning(None, KEY_TERMS_DROPPED, q.id))
        elif isinstance(q, models.Numeric):
            row["answer"] = _numeric_cell(q)
            row["unit"] = q.unit or ""
        elif isinstance(q, models.Ordering):
            row["choices"] = join_list(q.items)
        elif isinstance(q, models.Matching):
            row["choices"] = " | ".join(
                f"{escape_item(p.left)} -> {escape_item(p.right)}" for p in q.pairs
            )
        elif isinstance(q, models.Flashcard):
            row["answer"] = q.back
        else:
            assert_never(q)
        if q.source_quote:
            warnings.append(
                InteropWarning(None, "source_quote is not part of the CSV: dropped", q.id)
            )
        if q.anki_guid or q.anki_notetype or (isinstance(q, models.Cloze) and q.gaps):
            warnings.append(
                InteropWarning(
                    None,
                    "the Anki note guid, note type and card numbers are not part of the CSV: "
                    "dropped",
                    q.id,
                )
            )
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return ExportResult(buf.getvalue(), warnings, len(bank.questions))
