"""Give Anki itself (PyPI `anki`) this app's `.apkg` re-export of each reference package,
and print what Anki makes of it: notes, cards, fields as Anki compares them, guids.

Not part of the test run (the `anki` package is not a dependency): run it by hand with
`pip install anki`; tests/data/reference/README.md records its output. For each package:
Anki imports the original into an empty collection; `quiz import` reads the original, the
bank is written as TOML and read back, `quiz export --format apkg` writes it again; then
Anki imports that re-export (a) into an empty collection and (b) over the original, with
the import options Anki's dialog starts with.
"""

from __future__ import annotations

import importlib.util
import tempfile
import time
from pathlib import Path
from typing import Any

import anki.lang
from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
)
from anki.decks import DeckId
from anki.utils import strip_html_media

from quiz.banks import dump_bank, parse_bank_text
from quiz.interop import import_file
from quiz.interop.anki_text import export_anki_text
from quiz.interop.apkg import write_apkg
from quiz.models import Bank

HERE = Path(__file__).parent
PACKAGES = [
    "cloze.apkg",
    "fields.apkg",
    "modern.apkg",
    "update1.apkg",
    "diffmodels2-1.apkg",
    "diffmodeltemplates-1.apkg",
    "media.apkg",
]

#: guid -> (note type, fields as Anki compares them, card numbers from 1)
Snapshot = dict[str, tuple[str, list[str], list[int]]]


def _import(col: Collection, package: Path) -> Any:
    request = ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=False)
    )
    return col.import_anki_package(request).log


def _snapshot(col: Collection) -> Snapshot:
    notes: Snapshot = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        kind = note.note_type()
        fields = [strip_html_media(f).strip() for f in note.fields]
        cards = sorted(c.ord + 1 for c in note.cards())
        notes[note.guid] = (kind["name"] if kind else "?", fields, cards)
    return notes


def _note_types(col: Collection) -> dict[int, str]:
    """Every note type as what Anki would lose if it were replaced: name, fields with their
    ids, templates with their ids and contents, CSS."""
    return {
        m["id"]: repr(
            (
                m["name"],
                [(f["name"], f.get("id")) for f in m["flds"]],
                [(t["name"], t.get("id"), t["qfmt"], t["afmt"]) for t in m["tmpls"]],
                m["css"],
            )
        )
        for m in col.models.all()
    }


def _types_changed(before: dict[int, str], after: dict[int, str]) -> str:
    changed = sum(1 for k, v in before.items() if after.get(k) != v)
    return (
        f"note types {len(before)} -> {len(after)}, "
        f"{changed} of the collection's changed (templates, CSS, field ids)"
    )


def _reexport(package: Path, tmp: Path, edit: bool = False) -> Path:
    """quiz import, bank file (TOML) written and read, quiz export --format apkg. With
    `edit`, every explanation is changed first (a second export after editing the bank)."""
    result = import_file(package)
    media = tmp / "media"
    media.mkdir(exist_ok=True)
    for name, data in result.media.items():
        (media / name).write_bytes(data)
    bank = parse_bank_text(dump_bank(result.bank, "toml"), "toml", "bank.toml").bank
    if edit:
        edited = [q.model_copy(update={"explanation": "Edited in quiz."}) for q in bank.questions]
        bank = bank.model_copy(update={"questions": edited})
    out = tmp / f"quiz-{'edited-' if edit else ''}{package.name}"
    write_apkg(bank, out, media_dir=media)
    return out


def _compare(name: str, original: Snapshot, ours: Snapshot) -> list[str]:
    lines = []
    same_guids = set(original) == set(ours)
    fields_equal = cards_equal = 0
    for guid, (kind, fields, cards) in original.items():
        if guid not in ours:
            continue
        _, new_fields, new_cards = ours[guid]
        # Our Basic note type has a third field (Explanation), empty for these notes.
        width = len(fields)
        if new_fields[:width] == fields and not any(new_fields[width:]):
            fields_equal += 1
        else:
            lines.append(f"    fields differ {guid}: {fields} -> {new_fields}")
        if new_cards == cards:
            cards_equal += 1
        else:
            lines.append(f"    cards differ {guid} ({kind}): {cards} -> {new_cards}")
    n_cards = sum(len(c) for _, _, c in original.values())
    n_ours = sum(len(c) for _, _, c in ours.values())
    lines.insert(
        0,
        f"  {name}: notes {len(original)} -> {len(ours)}, guids equal: {same_guids}, "
        f"fields equal {fields_equal}/{len(original)}, cards {n_cards} -> {n_ours} "
        f"(notes with the same cards {cards_equal}/{len(original)})",
    )
    return lines


def _fixture_notes() -> list[tuple[str, str]]:
    """make_cloze_apkg.NOTES (loaded by path: this folder is not a package)."""
    spec = importlib.util.spec_from_file_location("make_cloze_apkg", HERE / "make_cloze_apkg.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    notes: list[tuple[str, str]] = module.NOTES
    return notes


def _own_deck() -> None:
    """A user's own deck: make_cloze_apkg's notes made in a collection with its stock Cloze
    note type and exported; the quiz round trip goes back into that same collection as Anki
    text and as .apkg."""
    print("own deck (make_cloze_apkg.NOTES in the collection that made them)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        col = Collection(str(tmp / "own.anki2"))
        deck = DeckId(col.decks.id("Geography::Cloze") or 0)
        model = col.models.by_name("Cloze")
        assert model is not None
        for text, extra in _fixture_notes():
            note = col.new_note(model)
            note.fields[0], note.fields[1] = text, extra
            col.add_note(note, deck)
        package = tmp / "own.apkg"
        col.export_anki_package(
            out_path=str(package),
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
            ),
            limit=None,
        )
        original = _snapshot(col)
        notes_txt = tmp / "notes.txt"
        notes_txt.write_text(
            export_anki_text(import_file(package).bank).text or "", encoding="utf-8"
        )
        time.sleep(1.1)
        log = col.import_csv(
            ImportCsvRequest(
                path=str(notes_txt), metadata=col.get_csv_metadata(str(notes_txt), None)
            )
        ).log
        print(
            f"  quiz's Anki text export: {len(log.new)} new, {len(log.updated)} updated, "
            f"{len(log.conflicting)} conflicting; {col.note_count()} notes, "
            f"{col.card_count()} cards"
        )
        for line in _compare("after the text import", original, _snapshot(col)):
            print(line)
        # A second later: Anki updates a note only from a newer one (the text import above
        # stamped the notes now, and genanki stamps seconds).
        time.sleep(1.1)
        types = _note_types(col)
        log = _import(col, _reexport(package, tmp))
        print(
            f"  quiz's .apkg export: {len(log.new)} new, {len(log.updated)} updated, "
            f"{len(log.duplicate)} unchanged, {len(log.conflicting)} conflicting; "
            f"{col.note_count()} notes, {col.card_count()} cards; "
            f"{_types_changed(types, _note_types(col))}"
        )
        for line in _compare("after the .apkg import", original, _snapshot(col)):
            print(line)
        col.close()


def _unusual_note_types() -> None:
    """Note types only a bank edited by hand (or an odd deck) would give: more templates than
    fields, one field, a cloze note type with a flashcard. Anki must accept the package."""

    def question(i: int, kind: str, fields: list[str], templates: list[str]) -> dict[str, Any]:
        return {
            "id": f"q{i}",
            "type": "flashcard",
            "prompt": f"P{i}",
            "back": "B",
            "explanation": "x",
            "anki_notetype": {
                "id": 1000 + i,
                "name": f"T{i}",
                "kind": kind,
                "fields": fields,
                "templates": templates,
            },
        }

    cloze = {k: v for k, v in question(4, "cloze", ["Text"], ["Cloze"]).items() if k != "back"}
    cloze.update(type="cloze", text="{{a}} b {{c}}", gaps=[{"card": 1}, {"card": 3}])
    questions = [
        question(1, "normal", ["A", "B"], ["C1", "C2", "C3"]),
        question(2, "normal", ["Only"], ["C1", "C2"]),
        question(3, "normal", ["Front", "Back", "Extra"], ["Card 1"]),
        cloze,
        question(5, "cloze", ["Text", "Extra"], ["Cloze"]),
    ]
    bank = Bank.model_validate({"schema": 1, "id": "odd", "title": "Odd", "questions": questions})
    with tempfile.TemporaryDirectory() as tmp_name:
        out = Path(tmp_name) / "odd.apkg"
        write_apkg(bank, out)
        col = Collection(str(Path(tmp_name) / "odd.anki2"))
        log = _import(col, out)
        cards = sorted(
            (kind["name"] if kind else "?", [c.ord + 1 for c in note.cards()])
            for note in (col.get_note(nid) for nid in col.find_notes(""))
            for kind in [note.note_type()]
        )
        print(f"unusual note types into an empty collection: {len(log.new)} new; cards {cards}")
        col.close()


def main() -> None:
    anki.lang.set_lang("en")
    _unusual_note_types()
    _own_deck()
    for name in PACKAGES:
        print(name)
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            ours_pkg = _reexport(HERE / name, tmp)
            col = Collection(str(tmp / "a.anki2"))
            log = _import(col, HERE / name)
            original = _snapshot(col)
            types = _note_types(col)
            cards = col.card_count()
            log = _import(col, ours_pkg)
            print(
                f"  re-export over the original: {len(log.new)} new, {len(log.updated)} "
                f"updated, {len(log.duplicate)} duplicate, {len(log.conflicting)} conflicting; "
                f"{col.note_count()} notes, cards {cards} -> {col.card_count()}; "
                f"{_types_changed(types, _note_types(col))}"
            )
            updated = _snapshot(col)
            col.close()
            fresh = Collection(str(tmp / "b.anki2"))
            _import(fresh, ours_pkg)
            alone = _snapshot(fresh)
            # The bank edited in quiz and exported again, over its first export: a second
            # later, as Anki updates a note only from a newer one (genanki stamps seconds).
            time.sleep(1.1)
            log = _import(fresh, _reexport(HERE / name, tmp, edit=True))
            print(
                f"  edited bank's export over its first export: {len(log.new)} new, "
                f"{len(log.updated)} updated, {len(log.duplicate)} unchanged, "
                f"{len(log.conflicting)} conflicting; "
                f"{fresh.note_count()} notes, {fresh.card_count()} cards"
            )
            fresh.close()
            merged = Collection(str(tmp / "c.anki2"))
            _import(merged, HERE / name)
            log = merged.import_anki_package(
                ImportAnkiPackageRequest(
                    package_path=str(ours_pkg),
                    options=ImportAnkiPackageOptions(with_scheduling=False, merge_notetypes=True),
                )
            ).log
            print(
                f"  re-export over the original, 'Merge note types' on: {len(log.new)} new, "
                f"{len(log.updated)} updated, {len(log.conflicting)} conflicting; "
                f"{merged.note_count()} notes, {merged.card_count()} cards"
            )
            merged_notes = _snapshot(merged)
            merged.close()
            for line in _compare("into an empty collection", original, alone):
                print(line)
            for line in _compare("over the original", original, updated):
                print(line)
            for line in _compare("merged over the original", original, merged_notes):
                print(line)


if __name__ == "__main__":
    main()
