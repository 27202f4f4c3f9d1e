"""What makes Anki's default .apkg import update notes already in a collection?

Not part of the test run (the `anki` package is not a dependency): run it by hand with
`pip install anki` from the repository root. Each case imports cloze.apkg (6 Cloze notes,
12 cards) into an empty collection, then a genanki package holding the same 6 guids with an
edited Back Extra, in a note type that differs from the notes' own in one way, with the
options Anki's import dialog starts with. tests/data/reference/README.md records the output.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import anki.lang
import genanki
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

HERE = Path(__file__).parent


class _Model(genanki.Model):  # type: ignore[misc]
    """genanki stamps a note type with the time of writing; this one takes `mod`."""

    mod: int | None = None

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        data: dict[str, Any] = super().to_json(timestamp, deck_id)
        if self.mod is not None:
            data["mod"] = self.mod
        return data


def case(
    label: str,
    *,
    same_id: bool = True,
    fields: tuple[str, ...] = ("Text", "Back Extra"),
    templates: tuple[str, ...] = ("Cloze",),
    name: str = "Cloze",
    mod: int | None = None,
    field_ids: list[int] | None = None,
) -> None:
    """Import the variant over cloze.apkg's notes and print what Anki did."""
    with tempfile.TemporaryDirectory() as tmp:
        col_path = f"{tmp}/c.anki2"
        col = Collection(col_path)
        col.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=str(HERE / "cloze.apkg"), options=ImportAnkiPackageOptions()
            )
        )
        own = next(m for m in col.models.all() if m["type"] == 1 and col.models.use_count(m))
        notes = [col.get_note(n) for n in col.find_notes("")]
        cards, note_types = col.card_count(), len(col.models.all())
        front = "{{cloze:" + fields[0] + "}}"
        model = _Model(
            own["id"] if same_id else 1607392319,
            name,
            fields=[{"name": f} for f in fields],
            templates=[
                {"name": t, "qfmt": front, "afmt": front + "<br>EDITED-TEMPLATE"} for t in templates
            ],
            css=".card {}",
            model_type=genanki.Model.CLOZE,
        )
        for field, fid in zip(model.fields, field_ids or [], strict=False):
            field["id"] = fid
        model.mod = mod
        deck = genanki.Deck(1234567, "X")
        for note in notes:
            values = (list(note.fields) + [""] * len(fields))[: len(fields)]
            values[-1] += " edited"
            deck.add_note(genanki.Note(model=model, fields=values, guid=note.guid))
        package = Path(tmp) / "p.apkg"
        genanki.Package(deck).write_to_file(str(package))
        log = col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
        ).log
        counts = f"notes {col.note_count()}, cards {cards} -> {col.card_count()}"
        col.close()
        col = Collection(col_path)  # reopened: no cached note type
        after = col.models.get(own["id"])
        assert after is not None
        print(
            f"{label}: {len(log.new)} new, {len(log.updated)} updated, "
            f"{len(log.duplicate)} unchanged, {len(log.conflicting)} conflicting; {counts}, "
            f"note types {note_types} -> {len(col.models.all())}; the notes' own note type "
            f"replaced by the package's: {'EDITED' in after['tmpls'][0]['afmt']} "
            f"(its field ids kept: {after['flds'][0].get('id') is not None})"
        )
        col.close()


def main() -> None:
    anki.lang.set_lang("en")
    case("A same id, fields and template named as the notes' own, stamped now")
    case("B same as A, stamped 1970 (mod 0)", mod=0)
    case("C fields renamed (Text, Extra)", fields=("Text", "Extra"), mod=0)
    case("D fields in another order", fields=("Back Extra", "Text"), mod=0)
    case("E a third field", fields=("Text", "Back Extra", "Explanation"), mod=0)
    case("F template renamed", templates=("Card 1",), mod=0)
    case("G note type renamed ('quiz cloze')", name="quiz cloze", mod=0)
    case("H another id, same fields and template", same_id=False, mod=0)
    case("I same names, field ids other than the notes' own", field_ids=[1, 2], mod=0)
    case("J same as A, stamped later than the collection's", mod=int(time.time()) + 1000)


if __name__ == "__main__":
    main()
