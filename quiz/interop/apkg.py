"""Anki package (.apkg) export through genanki (imported here only: it is heavy and optional
for everything else).

Model and deck ids are derived from the bank id, so exporting the same bank again updates the
notes already in a learner's collection instead of duplicating them. A question imported from
an Anki note (`anki_notetype`) is written back as a note of that note type, so that Anki's
default import updates the note in place (see docs/interop.md for what Anki compares).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from quiz import models
from quiz.files import atomic_path
from quiz.interop.anki_text import cloze_to_anki
from quiz.interop.common import (
    IMAGE_PLACEHOLDER,
    ExportResult,
    InteropWarning,
    describe_answer,
    describe_question,
    explanation_for_export,
    image_names,
    note_guid,
    stable_anki_id,
)

_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; }"


_SOUND = re.compile(r"\[sound:([^\]]+)\]")
_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")
_IMAGE = re.compile(re.escape(html.escape(IMAGE_PLACEHOLDER)).replace(r"\{\}", "(.+?)"))


def _html(text: str, media: dict[str, Path] | None = None) -> str:
    out = html.escape(text).replace("\n", "<br>")
    if media:
        # An image the import turned into "[image: name]" becomes the image again.
        def image(m: re.Match[str]) -> str:
            name = html.unescape(m.group(1))
            if name not in media:
                return m.group(0)
            return f'<img src="{html.escape(name)}">'

        out = _IMAGE.sub(image, out)
    return out


def _templates(nt: models.AnkiNotetype, type_in: bool) -> list[dict[str, str]]:
    """Templates named as the note type's own (Anki compares names, not contents). Their
    contents only matter in a collection without that note type: Anki keeps its own
    otherwise (the note type is stamped 1970, older than any)."""
    fields = nt.fields
    second = fields[1] if len(fields) > 1 else fields[0]
    if nt.kind == "cloze":
        back = f"{{{{cloze:{fields[0]}}}}}" + (f"<br>\n{{{{{second}}}}}" if len(fields) > 1 else "")
        return [{"name": nt.templates[0], "qfmt": f"{{{{cloze:{fields[0]}}}}}", "afmt": back}]
    out: list[dict[str, str]] = []
    for i, name in enumerate(nt.templates):
        # Card 1 asks the first field (the quiz question); card N the Nth (a reverse card).
        front = fields[i % len(fields)]
        back = fields[0] if front != fields[0] else second
        qfmt = f"{{{{{front}}}}}"
        if i == 0 and type_in and len(fields) > 1:
            qfmt += f"\n\n{{{{type:{second}}}}}"
        if any(t["qfmt"] == qfmt for t in out):
            # Anki refuses a note type whose templates have the same front.
            qfmt += f"\n<!-- card {i + 1} -->"
        out.append(
            {"name": name, "qfmt": qfmt, "afmt": f"{{{{FrontSide}}}}<hr id=answer>{{{{{back}}}}}"}
        )
    return out


def _note_fields(
    q: models.Question,
    nt: models.AnkiNotetype,
    media: dict[str, Path],
    warnings: list[InteropWarning],
) -> list[str]:
    """The note's fields: the question in the first two, the others as Anki had them."""
    explanation = explanation_for_export(q)
    if isinstance(q, models.Cloze):
        first, second = cloze_to_anki(q, warnings), explanation
        explanation = ""
    elif isinstance(q, models.Flashcard):
        first, second = q.prompt, describe_answer(q)
    elif isinstance(q, models.ShortAnswer):
        # A type-in card compares what is typed with the field: one answer, not a list.
        first, second = q.prompt, q.accept[0]
        if q.accept[1:]:
            warnings.append(InteropWarning(None, "answers after the first dropped", q.id))
    else:
        first, second = describe_question(q), describe_answer(q)
    if explanation:
        warnings.append(
            InteropWarning(
                None,
                f"explanation dropped: Anki note type {nt.name!r} has no field for it",
                q.id,
            )
        )
    values = [_html(first, media), _html(second, media)][: len(nt.fields)]
    if len(nt.fields) == 1 and second:
        what = "explanation" if isinstance(q, models.Cloze) else "answer"
        warnings.append(
            InteropWarning(None, f"{what} dropped: note type {nt.name!r} has one field", q.id)
        )
    values += [q.anki_fields.get(name, "") for name in nt.fields[2:]]
    return values


def write_apkg(bank: models.Bank, path: Path, media_dir: Path | None = None) -> ExportResult:
    """Write the bank as an .apkg at `path` (atomically).

    With `media_dir` (the folder an .apkg import copied beside the bank), the images that
    questions name as `[image: file]` are put back as images, with their files. Questions
    with an `anki_notetype` are notes of that note type (same id, fields and template
    names), holding the card quiz asks (a cloze: every card number of its gaps).
    """
    import genanki

    class NoteTypeModel(genanki.Model):  # type: ignore[misc]
        """A note type stamped 1970: Anki never prefers it to a collection's own (whose
        templates, styling and field ids it would otherwise replace)."""

        def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
            data: dict[str, Any] = super().to_json(timestamp, deck_id)
            data["mod"] = 0
            return data

    class OwnCardsNote(genanki.Note):  # type: ignore[misc]
        """A note holding only the cards quiz asks: Anki adds a package's card to a note it
        updates when the note lacks it, and never removes one."""

        @property
        def cards(self) -> list[Any]:
            if self.model.model_type == genanki.Model.CLOZE:
                numbers = {int(n) for n in _CLOZE_NUMBER.findall(self.fields[0])} or {1}
                return [genanki.Card(n - 1) for n in sorted(numbers)]
            return [genanki.Card(0)]

    media: dict[str, Path] = {}
    if media_dir is not None:
        media = {p.name: p for p in sorted(media_dir.iterdir()) if p.is_file()}

    basic = genanki.Model(
        stable_anki_id(bank.id, "basic-model"),
        f"quiz basic ({bank.id})",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Explanation"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}<br><br><i>{{Explanation}}</i>",
            }
        ],
        css=_CSS,
    )
    cloze = genanki.Model(
        stable_anki_id(bank.id, "cloze-model"),
        f"quiz cloze ({bank.id})",
        fields=[{"name": "Text"}, {"name": "Back Extra"}],
        templates=[
            {
                "name": "Cloze",
                "qfmt": "{{cloze:Text}}",
                "afmt": "{{cloze:Text}}<br>\n{{Back Extra}}",
            }
        ],
        css=_CSS,
        model_type=genanki.Model.CLOZE,
    )
    deck = genanki.Deck(stable_anki_id(bank.id, "deck"), bank.title, description=bank.description)
    warnings: list[InteropWarning] = []
    own_types: dict[int, tuple[models.AnkiNotetype, Any]] = {}
    type_in = {
        q.anki_notetype.id
        for q in bank.questions
        if q.anki_notetype is not None and isinstance(q, models.ShortAnswer)
    }
    for q in bank.questions:
        if isinstance(q, models.MultipleChoice) and any(c.credit for c in q.choices):
            warnings.append(InteropWarning(None, "partial credit on choices dropped", q.id))
        tags = [t.replace(" ", "_") for t in q.tags]
        if tags != q.tags:
            warnings.append(InteropWarning(None, "spaces in tags became '_'", q.id))
        explanation = explanation_for_export(q)
        nt = q.anki_notetype
        if nt is not None:
            reason = None
            if isinstance(q, models.Cloze) and nt.kind != "cloze":
                reason = f"a cloze cannot be a note of the non-cloze note type {nt.name!r}"
            elif nt.id in own_types and own_types[nt.id][0] != nt:
                reason = f"its anki_notetype differs from another question's with id {nt.id}"
            elif nt.id in (basic.model_id, cloze.model_id):
                reason = f"its anki_notetype id {nt.id} is quiz's own"
            if reason is not None:
                warnings.append(
                    InteropWarning(None, f"written with quiz's note type: {reason}", q.id)
                )
                nt = None
        if nt is not None:
            if nt.id not in own_types:
                own_types[nt.id] = (
                    nt,
                    NoteTypeModel(
                        nt.id,
                        nt.name,
                        fields=[{"name": f} for f in nt.fields],
                        templates=_templates(nt, nt.id in type_in),
                        css=_CSS,
                        model_type=genanki.Model.CLOZE
                        if nt.kind == "cloze"
                        else genanki.Model.FRONT_BACK,
                    ),
                )
            note = OwnCardsNote(
                model=own_types[nt.id][1],
                fields=_note_fields(q, nt, media, warnings),
                tags=tags,
                guid=note_guid(bank.id, q),
            )
        elif isinstance(q, models.Cloze):
            note = genanki.Note(
                model=cloze,
                fields=[_html(cloze_to_anki(q, warnings), media), _html(explanation, media)],
                tags=tags,
                guid=note_guid(bank.id, q),
            )
        else:
            front = q.prompt if isinstance(q, models.Flashcard) else describe_question(q)
            note = genanki.Note(
                model=basic,
                fields=[
                    _html(front, media),
                    _html(describe_answer(q), media),
                    _html(explanation, media),
                ],
                tags=tags,
                guid=note_guid(bank.id, q),
            )
        deck.add_note(note)
    path = Path(path)
    with atomic_path(Path(path)) as tmp:
        text = _all_fields(deck)
        # Images and sounds that notes name, also in the fields kept as Anki had them.
        named = set(image_names(text)) | set(_SOUND.findall(text))
        used = sorted(n for n in media if n in named)
        package = genanki.Package(deck, media_files=[str(media[n]) for n in used])
        package.write_to_file(str(tmp))
    return ExportResult(None, warnings, len(bank.questions))


def _all_fields(deck: Any) -> str:
    return "\n".join(f for note in deck.notes for f in note.fields)
