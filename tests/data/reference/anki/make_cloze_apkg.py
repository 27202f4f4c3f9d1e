"""Write cloze.apkg with Anki's own exporter (PyPI `anki`): Cloze notes with several card
numbers, deletions sharing a number, hints, numbers out of order and a gap in the numbering.

Not part of the test run (the `anki` package is not a dependency): run it by hand with
`pip install anki` to remake the fixture. It prints what Anki itself made of each note (the
cards and their numbers), which tests/data/reference/README.md records.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from anki.collection import Collection, ExportAnkiPackageOptions
from anki.decks import DeckId

#: (Text, Back Extra) of each Cloze note, in the order they are added.
NOTES = [
    ("{{c1::Madrid}} is the capital of {{c2::Spain}}.", "Since 1561"),
    ("{{c1::Paris}} and {{c1::Lyon}} are in {{c2::France}}; {{c3::Rome}} is in Italy.", ""),
    ("The {{c1::Danube::river}} flows into the {{c2::Black Sea::sea}}.", "Through ten countries"),
    ("{{c2::Oxygen}} has the atomic number {{c1::8}}.", ""),
    ("{{c1::H}} is hydrogen, {{c3::He}} is helium.", ""),
    ("<b>{{c1::Canberra}}</b> is the capital of Australia.", "Chosen in 1908"),
]


def _text(html: str) -> str:
    """What a card shows, without its style sheet and tags."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", "", html).strip()


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(str(Path(tmp) / "collection.anki2"))
        deck_id = col.decks.id("Geography::Cloze")
        assert deck_id is not None
        model = col.models.by_name("Cloze")
        assert model is not None
        for text, extra in NOTES:
            note = col.new_note(model)
            note.fields[0] = text
            note.fields[1] = extra
            col.add_note(note, DeckId(deck_id))
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            ords = sorted(card.ord + 1 for card in note.cards())
            print(
                f"{note.guid}\t{len(ords)} card(s): c{', c'.join(map(str, ords))}\t{note.fields!r}"
            )
            for card in sorted(note.cards(), key=lambda c: c.ord):
                shown = _text(card.question())
                print(f"    card c{card.ord + 1} asks: {shown}")
        col.export_anki_package(
            out_path=str(out),
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
            ),
            limit=None,
        )
        col.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("cloze.apkg"))
