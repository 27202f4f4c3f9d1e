"""Shared pieces of the importers and exporters: errors, warnings, ids, bank assembly.

Importers turn a file into plain question dicts (one per source item, with the line it came
from); `build_bank` validates each against the schema so one bad item becomes a located
warning instead of sinking the whole file.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, assert_never

from pydantic import ValidationError

from quiz import models

#: What an imported question says when its source had no explanation (the schema needs one).
PLACEHOLDER_EXPLANATION = "No explanation was given in the imported file."

#: The back of a flashcard whose Anki note had an empty back (the schema needs one);
#: exports write it back as empty.
EMPTY_BACK = "(empty)"

#: The prompt of a cloze made from a GIFT missing-word question or an Anki cloze note.
CLOZE_PROMPT = "Fill in the gap."
#: The same for a cloze with several gaps.
CLOZE_PROMPT_MANY = "Fill in the gaps."


def cloze_prompt(text: str) -> str:
    """The prompt of an imported cloze: "Fill in the gap." or, with several, "...gaps."."""
    return CLOZE_PROMPT if len(models.CLOZE_GAP.findall(text)) == 1 else CLOZE_PROMPT_MANY


#: Exports of a question with key terms: the format keeps only the accepted answers.
KEY_TERMS_DROPPED = (
    "key terms (must/must_not) are not part of this format: only the accepted answers are written"
)

#: Between a card's back and its explanation in exported Anki notes; the importer splits there.
EXPLANATION_RULE = "\n\n---\n"

#: Formats the importers read and the exporters write.
IMPORT_FORMATS: tuple[str, ...] = ("gift", "aiken", "anki", "csv")
EXPORT_FORMATS: tuple[str, ...] = ("gift", "aiken", "csv", "anki", "apkg")


class InteropError(Exception):
    """A file that cannot be imported, located by line and column (1-based) when known."""

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        line: int | None = None,
        column: int | None = None,
        others: Sequence[InteropError] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        #: Further errors in the same file, so an author can fix them all in one go.
        self.others = list(others)

    def located(self) -> str:
        """This error alone, as `path:line:column: message`."""
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        if not self.others:
            return self.located()
        lines = [e.located() for e in (self, *self.others)]
        return "\n".join([*lines, f"{len(lines)} errors; nothing was imported"])


@dataclass(frozen=True)
class InteropWarning:
    """An item skipped or approximated during import or export."""

    line: int | None
    message: str
    question: str | None = None

    def format(self, path: str = "") -> str:
        """`path:line: question <id>: message`, leaving out the parts that are unknown."""
        parts = [path or "<input>"]
        if self.line is not None:
            parts[0] += f":{self.line}"
        if self.question:
            parts.append(f"question {self.question}")
        parts.append(self.message)
        return ": ".join(parts)


@dataclass
class ImportResult:
    """A validated bank and everything that was skipped or approximated on the way."""

    bank: models.Bank
    warnings: list[InteropWarning] = field(default_factory=list)
    #: Questions that could not be imported, each with its place and reason.
    skipped: list[InteropError] = field(default_factory=list)
    #: Media files (name -> content) that imported questions refer to (Anki packages).
    media: dict[str, bytes] = field(default_factory=dict)

    @property
    def found(self) -> int:
        """Questions found in the file: the imported ones plus the skipped ones."""
        return len(self.bank.questions) + len(self.skipped)

    def summary(self) -> str:
        """'52 of 56 imported, 4 skipped' (or 'all 56 imported')."""
        n = len(self.bank.questions)
        if not self.skipped:
            return f"all {n} question(s) imported"
        return f"{n} of {self.found} imported, {len(self.skipped)} skipped"


@dataclass
class ExportResult:
    """The exported text (None for binary formats) and what could not be carried over."""

    text: str | None
    warnings: list[InteropWarning] = field(default_factory=list)
    exported: int = 0


@dataclass
class Draft:
    """One imported question before validation: its data and the line it started on."""

    data: dict[str, Any]
    line: int


def slugify(text: str, max_length: int = 60) -> str:
    """A schema-valid slug for `text` (lowercase ascii words joined by '-'), maybe empty."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9_]+", "-", norm.lower())
    # Keep an underscore between words (so "my_bank" stays itself); collapse separator runs.
    slug = re.sub(r"[-_]*_[-_]*", "_", slug)
    slug = re.sub(r"-+", "-", slug).strip("-_")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        at = max(cut.rfind("-"), cut.rfind("_"))
        slug = (cut[:at] if at > 0 else slug[:max_length]).strip("-_")
    return slug


def prompt_slug(prompt: str, max_words: int = 6) -> str:
    """An id made from the first words of a prompt."""
    # Drop the accents (combining marks) before splitting, so "cuál" is one word, not two.
    bare = "".join(c for c in unicodedata.normalize("NFKD", prompt) if not unicodedata.combining(c))
    words = re.findall(r"[A-Za-z0-9]+", bare)
    return slugify(" ".join(words[:max_words]), 40)


class IdMaker:
    """Hands out unique question ids: `base`, then `base-2`, `base-3`, ..."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, wanted: str, fallback: str) -> str:
        """A unique slug from `wanted` (or `fallback` when that slugifies to nothing)."""
        base = slugify(wanted) or slugify(fallback) or "q"
        candidate, n = base, 2
        while candidate in self.used:
            candidate = f"{base[:70]}-{n}"
            n += 1
        self.used.add(candidate)
        return candidate


#: Tags whose meaning plain text keeps (line breaks, paragraphs, neutral spans).
_PLAIN_TAGS = frozenset({"br", "p", "div", "span", "html", "body"})
_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9]*)")
_IMG = re.compile(r"<\s*img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
#: What an image becomes in text: visible, and naming the file so it can be found.
IMAGE_PLACEHOLDER = "[image: {}]"


def image_names(fragment: str) -> list[str]:
    """The `src` of every <img> in an HTML fragment, in order."""
    names: list[str] = []
    for tag in _IMG.findall(fragment):
        m = _SRC.search(tag)
        if m:
            names.append(html.unescape(next(g for g in m.groups() if g is not None)))
    return names


def html_to_text(fragment: str) -> tuple[str, set[str]]:
    """Plain text of an HTML fragment (inscriptis), and the tags whose meaning was lost.

    An image becomes a visible `[image: file]` placeholder rather than vanishing.
    """
    if "<" not in fragment and "&" not in fragment:
        return fragment, set()
    # lxml-based, loaded only when some HTML is met. The strict CSS profile: the relaxed
    # one pads inline elements, turning "<span>word</span>." into "word .".
    from inscriptis import get_text
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    lost = {t.lower() for t in _TAG.findall(fragment)} - _PLAIN_TAGS

    def image(m: re.Match[str]) -> str:
        names = image_names(m.group(0))
        return html.escape(IMAGE_PLACEHOLDER.format(names[0] if names else "?"))

    config = ParserConfig(css=CSS_PROFILES["strict"])
    text = get_text(_IMG.sub(image, fragment), config).replace("\xa0", " ")
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip(), lost


def first_error(exc: ValidationError) -> str:
    """The first pydantic error as `field: message` (the union's type tag left out)."""
    err = exc.errors()[0]
    parts = [str(p) for p in err["loc"]]
    if parts and parts[0] in models.QUESTION_TYPES:
        parts = parts[1:]
    loc = ".".join(parts)
    msg = _FRIENDLY.get(err["type"]) or str(err["msg"]).removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


#: Pydantic's wording for the bank models (dataclasses), in the words of the bank format.
_FRIENDLY = {
    "unexpected_keyword_argument": "unknown field",
    "dataclass_type": "expected a table",
    "dataclass_args_type": "expected a table",
    "missing_keyword_only_argument": "required field is missing",
}


def build_bank(
    drafts: list[Draft],
    *,
    bank_id: str,
    title: str,
    path: str,
    warnings: list[InteropWarning],
    description: str = "",
    skipped: Sequence[InteropError] = (),
    strict: bool = False,
) -> ImportResult:
    """Validate every draft; an invalid one is skipped with its line and reason.

    `skipped` holds the questions the parser could not read. With `strict`, any skipped
    question fails the whole import (InteropError listing them all); otherwise the rest
    is imported. InteropError when nothing at all is left.
    """
    questions: list[models.Question] = []
    failed = list(skipped)
    for draft in drafts:
        data = draft.data
        placeholder = not str(data.get("explanation") or "").strip()
        if placeholder:
            data["explanation"] = PLACEHOLDER_EXPLANATION
        try:
            questions.append(models.QUESTION_ADAPTER.validate_python(data))
        except ValidationError as exc:
            qid = data.get("id")
            where = f"question {qid}: " if qid else ""
            failed.append(InteropError(f"{where}{first_error(exc)}", path=path, line=draft.line))
            continue
        if placeholder:
            warnings.append(
                InteropWarning(
                    draft.line, "no explanation in the source; a placeholder was used", data["id"]
                )
            )
    failed.sort(key=lambda e: (e.line or 0, e.column or 0))
    if failed and (strict or not questions):
        first, *rest = failed
        first.others = rest
        raise first
    if not questions:
        raise InteropError("no question could be imported from this file", path=path)
    slug = slugify(bank_id) or "imported"
    try:
        bank = models.Bank.model_validate(
            {
                "schema": models.SCHEMA_VERSION,
                "id": slug,
                "title": title.strip() or slug,
                "description": description,
                "questions": questions,
            }
        )
    except ValidationError as exc:  # pragma: no cover - the drafts were validated one by one
        raise InteropError(first_error(exc), path=path) from exc
    warnings.sort(key=lambda w: w.line or 0)
    return ImportResult(bank, warnings, failed)


def explanation_for_export(q: models.Question) -> str:
    """The explanation to write out, or "" for the placeholder an import put there."""
    return "" if q.explanation == PLACEHOLDER_EXPLANATION else q.explanation


def title_from_stem(stem: str) -> str:
    """A readable bank title from a file name: 'my_chem-quiz' -> 'My chem quiz'."""
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Imported bank"


def location(text: str, offset: int, first_line: int = 1) -> tuple[int, int]:
    """(line, column), both 1-based, of `offset` in `text` that starts at `first_line`."""
    line = first_line + text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def format_number(value: float) -> str:
    """A float as short text that parses back to the same value ('3' for 3.0)."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


#: A question imported from an Anki package has an id ending in its note's guid
#: (hex-encoded: guids hold characters a slug cannot), so that the id is unique and stays the
#: same when the deck is imported again (its history follows the note). The guid itself is
#: the question's `anki_guid`; banks imported before that field existed have only the id.
_GUID_SUFFIX = re.compile(r"-anki-((?:[0-9a-f]{2}){1,32})$")


def id_with_guid(slug: str, guid: str) -> str:
    """A question id ending in an Anki note guid (slug cut so the id stays <= 80 chars)."""
    code = guid.encode().hex()[:64]
    room = 80 - len(code) - len("-anki-")
    head = slugify(slug, max(room, 1)) or "note"
    return f"{head}-anki-{code}"


def guid_of(question_id: str) -> str | None:
    """The Anki note guid carried by an imported question's id, if any (a guid longer than
    32 bytes is cut there: `anki_guid` holds it whole)."""
    m = _GUID_SUFFIX.search(question_id)
    if not m:
        return None
    try:
        guid = bytes.fromhex(m.group(1)).decode()
    except UnicodeDecodeError:
        return None
    return guid if guid.isprintable() else None


def note_guid(bank_id: str, q: models.Question) -> str:
    """The Anki note guid for a question: its `anki_guid`, else the one a bank imported
    before that field carries in the id, else a stable one made from the ids; so exporting
    again updates the same notes in Anki."""
    if q.anki_guid:
        return q.anki_guid
    kept = guid_of(q.id)
    if kept:
        return kept
    digest = hashlib.sha256(f"quiz:{bank_id}:{q.id}".encode()).hexdigest()
    return "quiz" + digest[:16]


#: An Anki cloze deletion: `{{cN::answer}}` or `{{cN::answer::hint}}`.
ANKI_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


@dataclass
class AnkiCloze:
    """An Anki Cloze note's text as a cloze question's parts."""

    #: The text with `{{answer}}` gaps (the question's `text`).
    text: str
    #: One `{card, hint}` per gap, in text order (the question's `gaps`); empty when every
    #: gap is card 1 and only the first may have a hint: a cloze without `gaps` exports so.
    gaps: list[dict[str, Any]]
    #: The gaps' distinct hints, for the question's `hint` (shown on request).
    hints: list[str]
    #: Problems worth a warning ("'|' in a cloze answer became '/'").
    notes: list[str]


def from_anki_cloze(text: str) -> AnkiCloze | None:
    """Read an Anki Cloze field (already plain text); None when it has no deletion.

    Every deletion becomes a gap, whatever its number: a question asks all of them at once,
    where Anki makes one card per number; `gaps` keeps the numbers and hints, so an export
    writes the same note back (and Anki makes the same cards).
    """
    gaps: list[dict[str, Any]] = []
    notes: list[str] = []

    def gap(m: re.Match[str]) -> str:
        answer = m.group(2).strip()
        if "|" in answer:
            # A gap's `|` separates alternatives here; in Anki it is only text.
            notes.append("'|' in a cloze answer became '/'")
            answer = answer.replace("|", "/")
        entry: dict[str, Any] = {"card": int(m.group(1))}
        hint = (m.group(3) or "").strip()
        if hint:
            entry["hint"] = hint
        gaps.append(entry)
        return "{{" + answer + "}}"

    converted = ANKI_CLOZE.sub(gap, text)
    if not gaps:
        return None
    hints = list(dict.fromkeys(g["hint"] for g in gaps if "hint" in g))
    if all(g["card"] == 1 for g in gaps) and not any("hint" in g for g in gaps[1:]):
        # What a cloze without `gaps` exports as: every gap c1, `hint` on the first.
        gaps = []
    return AnkiCloze(converted, gaps, hints, list(dict.fromkeys(notes)))


def stable_anki_id(bank_id: str, kind: str) -> int:
    """A stable Anki model/deck id in genanki's recommended range [2**30, 2**31)."""
    digest = hashlib.sha256(f"quiz:{kind}:{bank_id}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def describe_answer(q: models.Question) -> str:
    """The right answer of any question as readable text (for card backs)."""
    if isinstance(q, models.MultipleChoice | models.MultipleSelect):
        return "\n".join(c.text for c in q.choices if c.correct)
    if isinstance(q, models.TrueFalse):
        return "True" if q.answer else "False"
    if isinstance(q, models.ShortAnswer):
        return q.accept[0] + (f" (also: {', '.join(q.accept[1:])})" if q.accept[1:] else "")
    if isinstance(q, models.Numeric):
        if q.answer is None:
            text = f"{format_number(q.min or 0)} to {format_number(q.max or 0)}"
        else:
            text = format_number(q.answer)
            if q.tolerance:
                text += f" ± {format_number(q.tolerance)}"
        return text + (f" {q.unit}" if q.unit else "")
    if isinstance(q, models.Ordering):
        return "\n".join(f"{i}. {item}" for i, item in enumerate(q.items, 1))
    if isinstance(q, models.Matching):
        return "\n".join(f"{p.left} → {p.right}" for p in q.pairs)
    if isinstance(q, models.Cloze):
        return models.CLOZE_GAP.sub(lambda m: m.group(1).split("|")[0].strip(), q.text)
    if isinstance(q, models.Flashcard):
        return "" if q.back == EMPTY_BACK else q.back
    assert_never(q)


def describe_question(q: models.Question) -> str:
    """The front of a card for any question: the prompt plus what the learner chooses from."""
    lines = [q.prompt]
    if isinstance(q, models.MultipleChoice | models.MultipleSelect):
        lines += [f"{chr(65 + i)}. {c.text}" for i, c in enumerate(q.choices)]
    elif isinstance(q, models.TrueFalse):
        lines.append("True or false?")
    elif isinstance(q, models.Ordering):
        lines += [f"- {item}" for item in sorted(q.items)]
    elif isinstance(q, models.Matching):
        lines += [f"- {p.left}" for p in q.pairs] + [
            f"- {p.right}" for p in sorted(q.pairs, key=lambda p: p.right)
        ]
    elif isinstance(q, models.Cloze):
        lines.append(models.CLOZE_GAP.sub("_____", q.text))
    elif isinstance(q, models.ShortAnswer | models.Numeric | models.Flashcard):
        pass  # the prompt is the whole front
    else:
        assert_never(q)
    return "\n".join(lines)
