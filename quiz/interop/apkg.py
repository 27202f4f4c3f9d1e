"""Anki package (.apkg) export through genanki (imported here only: it is heavy and optional
for everything else).

Model and deck ids are derived from the bank id, so exporting the same bank again updates the
notes already in a learner's collection instead of duplicating them.
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
    note_guid,
    stable_anki_id,
)

_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; }"


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


def write_apkg(bank: models.Bank, path: Path, media_dir: Path | None = None) -> ExportResult:
    """Write the bank as an .apkg at `path` (atomically).

    With `media_dir` (the folder an .apkg import copied beside the bank), the images that
    questions name as `[image: file]` are put back as images, with their files.
    """
    import genanki

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
    for q in bank.questions:
        if isinstance(q, models.MultipleChoice) and any(c.credit for c in q.choices):
            warnings.append(InteropWarning(None, "partial credit on choices dropped", q.id))
        tags = [t.replace(" ", "_") for t in q.tags]
        if tags != q.tags:
            warnings.append(InteropWarning(None, "spaces in tags became '_'", q.id))
        explanation = explanation_for_export(q)
        if isinstance(q, models.Cloze):
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
        used = sorted(n for n in media if f'src="{html.escape(n)}"' in text)
        package = genanki.Package(deck, media_files=[str(media[n]) for n in used])
        package.write_to_file(str(tmp))
    return ExportResult(None, warnings, len(bank.questions))


def _all_fields(deck: Any) -> str:
    return "\n".join(f for note in deck.notes for f in note.fields)
