"""Anki package (.apkg) export through genanki (imported here only: it is heavy and optional
for everything else).

Model and deck ids are derived from the bank id, so exporting the same bank again updates the
notes already in a learner's collection instead of duplicating them.
"""

from __future__ import annotations

import html
from pathlib import Path

from quiz import models
from quiz.files import atomic_path
from quiz.interop.anki_text import cloze_to_anki
from quiz.interop.common import (
    ExportResult,
    InteropWarning,
    describe_answer,
    describe_question,
    explanation_for_export,
    note_guid,
    stable_anki_id,
)

_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; }"


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def write_apkg(bank: models.Bank, path: Path) -> ExportResult:
    """Write the bank as an .apkg at `path` (atomically)."""
    import genanki

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
        tags = [t.replace(" ", "_") for t in q.tags]
        if tags != q.tags:
            warnings.append(InteropWarning(None, "spaces in tags became '_'", q.id))
        explanation = explanation_for_export(q)
        if isinstance(q, models.Cloze):
            note = genanki.Note(
                model=cloze,
                fields=[_html(cloze_to_anki(q, warnings)), _html(explanation)],
                tags=tags,
                guid=note_guid(bank.id, q.id),
            )
        else:
            front = q.prompt if isinstance(q, models.Flashcard) else describe_question(q)
            note = genanki.Note(
                model=basic,
                fields=[_html(front), _html(describe_answer(q)), _html(explanation)],
                tags=tags,
                guid=note_guid(bank.id, q.id),
            )
        deck.add_note(note)
    path = Path(path)
    with atomic_path(Path(path)) as tmp:
        genanki.Package(deck).write_to_file(str(tmp))
    return ExportResult(None, warnings, len(bank.questions))
