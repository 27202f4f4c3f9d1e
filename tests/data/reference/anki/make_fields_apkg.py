"""Write fields.apkg with Anki's own exporter (PyPI `anki`): notes of note types with more
than two fields, and a note type whose second card exists only for some notes.

Not part of the test run (the `anki` package is not a dependency): run it by hand with
`pip install anki` to remake the fixture. It prints each note's note type, fields and cards
as Anki made them, which tests/data/reference/README.md records.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from anki.collection import Collection, ExportAnkiPackageOptions
from anki.decks import DeckId


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(str(Path(tmp) / "collection.anki2"))
        deck_id = col.decks.id("Languages::German")
        assert deck_id is not None
        deck = DeckId(deck_id)
        models = col.models

        # A user's own note type: four fields, one card that shows the third on its back.
        vocab = models.new("Vocabulary")
        for name in ("Word", "Meaning", "Example", "Notes"):
            models.add_field(vocab, models.new_field(name))
        template = models.new_template("Recognition")
        template["qfmt"] = "{{Word}}"
        template["afmt"] = "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Example}}"
        models.add_template(vocab, template)
        vocab["css"] = ".card { font-family: serif; color: navy; }"
        models.add(vocab)

        def add(notetype: str, *fields: str, tags: str = "") -> None:
            model = models.by_name(notetype)
            assert model is not None, notetype
            note = col.new_note(model)
            for i, value in enumerate(fields):
                note.fields[i] = value
            note.tags = tags.split()
            col.add_note(note, deck)

        add("Vocabulary", "der Hund", "the dog", "<i>Der Hund bellt.</i>", "", tags="animals")
        add("Vocabulary", "die Katze", "the cat", "Die Katze schläft.", "feminine")
        add("Basic (optional reversed card)", "das Haus", "the house", "y")
        add("Basic (optional reversed card)", "der Baum", "the tree", "")
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            kind = note.note_type()
            ords = sorted(card.ord + 1 for card in note.cards())
            name = kind["name"] if kind else "?"
            print(f"{note.guid}\t{name}\t{note.fields!r}\tcards {ords}")
        col.export_anki_package(
            out_path=str(out),
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
            ),
            limit=None,
        )
        col.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("fields.apkg"))
