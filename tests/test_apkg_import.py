"""Anki packages in: Anki's own test packages (legacy) and ones written by Anki 26.09's own
exporter (current, zstd); and back out with the same notes (guids kept), the same fields and,
for Cloze notes, the same cards."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
import zstandard

from quiz import models
from quiz.banks import dump_bank, parse_bank_text
from quiz.cli import main
from quiz.interop import InteropError, import_file
from quiz.interop.apkg import write_apkg
from quiz.interop.common import guid_of, note_guid

ANKI = Path(__file__).parent / "data" / "reference" / "anki"

#: What Anki 26.09.3 made of cloze.apkg's notes, written down (tests/data/reference/README.md)
#: before the importer kept cloze numbers: guid, (Text, Back Extra), the cards (N of cN).
CLOZE_NOTES = [
    ("cqeD_6}7;^", ("{{c1::Madrid}} is the capital of {{c2::Spain}}.", "Since 1561"), [1, 2]),
    (
        "r~Y:&^%ec&",
        ("{{c1::Paris}} and {{c1::Lyon}} are in {{c2::France}}; {{c3::Rome}} is in Italy.", ""),
        [1, 2, 3],
    ),
    (
        "iSf5I4H@YV",
        (
            "The {{c1::Danube::river}} flows into the {{c2::Black Sea::sea}}.",
            "Through ten countries",
        ),
        [1, 2],
    ),
    ("f<4v{w4|9e", ("{{c2::Oxygen}} has the atomic number {{c1::8}}.", ""), [1, 2]),
    ("OSq^Ih|Ts3", ("{{c1::H}} is hydrogen, {{c3::He}} is helium.", ""), [1, 3]),
    (
        "qL7If4~#q5",
        ("<b>{{c1::Canberra}}</b> is the capital of Australia.", "Chosen in 1908"),
        [1],
    ),
]


def _collection(apkg: Path, tmp: Path) -> sqlite3.Connection:
    """The package's collection as Anki reads it: the current (zstd) one when it has one."""
    with zipfile.ZipFile(apkg) as zf:
        names = zf.namelist()
        if "collection.anki21b" in names:
            reader = zstandard.ZstdDecompressor().stream_reader(zf.read("collection.anki21b"))
            data = reader.read()
            while chunk := reader.read(1 << 20):
                data += chunk
        else:
            name = next(n for n in ("collection.anki21", "collection.anki2") if n in names)
            data = zf.read(name)
    db = tmp / f"{apkg.stem}.db"
    db.write_bytes(data)
    return sqlite3.connect(db)


def _notes(apkg: Path, tmp: Path) -> list[tuple[str, list[str], list[int]]]:
    """(guid, fields, card numbers from 1) of every note in a package, as Anki stores them."""
    db = _collection(apkg, tmp)
    try:
        rows = db.execute("select id, guid, flds from notes order by id").fetchall()
        cards = db.execute("select nid, ord from cards order by nid, ord").fetchall()
    finally:
        db.close()
    return [(g, f.split("\x1f"), [o + 1 for n, o in cards if n == nid]) for nid, g, f in rows]


#: Anki's rslib text.rs `HTML` (what `strip_html` removes) and its media tags.
_ANKI_HTML = re.compile(
    r"(?si)(<!--.*?-->)|(<style.*?>.*?</style>)|(<script.*?>.*?</script>)|(<.*?>)"
)
_ANKI_IMG = re.compile(r"""(?i)<img[^>]+src=["']?([^"'>]+)["']?[^>]*>""")


def _text(field: str) -> str:
    """A field as Anki compares notes (`strip_html_preserving_media_filenames`: an image
    becomes its file name, markup goes, entities are decoded, `&nbsp;` is a space)."""
    field = _ANKI_IMG.sub(r" \1 ", field)
    field = _ANKI_HTML.sub("", field).replace("&nbsp;", " ")
    return html.unescape(field).strip()


def test_current_package_from_anki_maps_note_types() -> None:
    result = import_file(ANKI / "modern.apkg")
    qs = result.bank.questions
    assert [q.type for q in qs] == [
        "flashcard",  # Basic
        "flashcard",  # Basic (and reversed card)
        "short_answer",  # Basic (type in the answer)
        "cloze",  # Cloze
        "flashcard",  # Basic with an image
    ]
    assert result.skipped == []
    france, berlin, italy, spain, flag = qs
    assert isinstance(france, models.Flashcard)
    assert (france.prompt, france.back) == ("What is the capital of France?", "Paris")
    assert france.tags == ["Geography::Europe", "capitals", "europe"]
    assert isinstance(italy, models.ShortAnswer) and italy.accept == ["Rome"]
    assert isinstance(spain, models.Cloze)
    assert (
        spain.text == "{{Madrid}} is the capital of {{Spain}}."
        and spain.explanation == "Since 1561"
    )
    assert flag.prompt == "Which flag is this? [image: dot.png]"
    assert result.media["dot.png"].startswith(b"\x89PNG")
    assert result.bank.title == "Europe"
    guids = ["zcP((ppE~%", "Ig&;HZFoh>", "swx`o)bxm?", "mB}{fQkX{{", "hu(PqIu0@/"]
    assert [q.anki_guid for q in qs] == guids
    # The id still ends in the guid (unique, and the same when the deck comes in again).
    assert [guid_of(q.id) for q in qs] == guids
    assert berlin.id.startswith("berlin-anki-")


@pytest.mark.parametrize(
    ("name", "front", "back", "guid"),
    [
        ("update1.apkg", "hello", "world", "cU1%zNUzk1"),
        ("update2.apkg", "goodbye", "world", "cU1%zNUzk1"),
        ("diffmodels2-1.apkg", "front", "back", "MGCsE3z^Er"),
        ("diffmodeltemplates-1.apkg", "question?", "answer!", "CjMTh;(#|6"),
    ],
)
def test_anki_test_packages(name: str, front: str, back: str, guid: str) -> None:
    result = import_file(ANKI / name)
    (q,) = result.bank.questions
    assert isinstance(q, models.Flashcard) and (q.prompt, q.back) == (front, back)
    assert q.anki_guid == guid


def test_legacy_package_media_is_copied_and_the_empty_back_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "media.apkg"
    src.write_bytes((ANKI / "media.apkg").read_bytes())
    assert main(["import", str(src)]) == 0
    out = capsys.readouterr().out
    assert "1 media file(s) copied" in out
    assert (tmp_path / "media_media" / "foo.wav").read_bytes() == b"abc\n"
    (q,) = import_file(src).bank.questions
    assert isinstance(q, models.Flashcard) and q.prompt == "[sound:foo.wav]"


def _reexport(src: Path, tmp: Path, fmt: str = "toml") -> Path:
    """`quiz import` the package, write the bank as a `fmt` file, read it back and
    `quiz export --format apkg` it, as a user would."""
    result = import_file(src)
    media = tmp / "media"
    media.mkdir(exist_ok=True)
    for file, data in result.media.items():
        (media / file).write_bytes(data)
    bank = parse_bank_text(dump_bank(result.bank, fmt), fmt, f"bank.{fmt}").bank
    out = tmp / f"back-{fmt}-{src.stem}.apkg"
    write_apkg(bank, out, media_dir=media)
    return out


@pytest.mark.parametrize(
    "name",
    [
        "modern.apkg",
        "cloze.apkg",
        "fields.apkg",
        "update1.apkg",
        "diffmodels2-1.apkg",
        "media.apkg",
    ],
)
def test_round_trip_keeps_note_count_fields_and_guids(name: str, tmp_path: Path) -> None:
    src = ANKI / name
    before = _notes(src, tmp_path)
    after = _notes(_reexport(src, tmp_path), tmp_path)
    assert len(after) == len(before)
    assert [g for g, _, _ in after] == [g for g, _, _ in before]
    for (_, old, _), (_, new, _) in zip(before, after, strict=True):
        # Written back into the note's own note type: the same fields, equal as Anki
        # compares them.
        assert [_text(f) for f in new] == [_text(f) for f in old]
    if name == "modern.apkg":
        assert '<img src="dot.png">' in after[4][1][0]


def test_cloze_fixture_is_what_anki_made(tmp_path: Path) -> None:
    """The package holds what the README says Anki made of it (so the tests below compare
    with Anki, not with themselves)."""
    notes = _notes(ANKI / "cloze.apkg", tmp_path)
    assert [(g, tuple(f), c) for g, f, c in notes] == CLOZE_NOTES
    assert sum(len(c) for _, _, c in notes) == 12


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_cloze_notes_come_back_with_their_cards_and_hints(fmt: str, tmp_path: Path) -> None:
    """Anki -> quiz (bank file in each format) -> Anki: the same 6 notes, each field equal
    as Anki compares them, the same guids, and the same cards (12: one per cloze number)."""
    after = _notes(_reexport(ANKI / "cloze.apkg", tmp_path, fmt), tmp_path)
    assert [g for g, _, _ in after] == [g for g, _, _ in CLOZE_NOTES]
    assert [[_text(f) for f in fields] for _, fields, _ in after] == [
        [_text(f) for f in fields] for _, fields, _ in CLOZE_NOTES
    ]
    assert [cards for _, _, cards in after] == [cards for _, _, cards in CLOZE_NOTES]
    # Markup apart (the <b> around Canberra is reduced to text on import), byte for byte:
    assert [f[0] for _, f, _ in after][:5] == [f[0] for _, f, _ in CLOZE_NOTES][:5]
    assert sum(len(c) for _, _, c in after) == 12


def test_cloze_notes_are_one_question_each_with_every_gap() -> None:
    qs = import_file(ANKI / "cloze.apkg").bank.questions
    assert all(isinstance(q, models.Cloze) for q in qs)
    assert len(qs) == 6
    madrid, paris, danube, oxygen, hydrogen, canberra = (
        q for q in qs if isinstance(q, models.Cloze)
    )
    assert madrid.text == "{{Madrid}} is the capital of {{Spain}}."
    assert [g.card for g in madrid.gaps] == [1, 2]
    assert paris.text == "{{Paris}} and {{Lyon}} are in {{France}}; {{Rome}} is in Italy."
    assert [g.card for g in paris.gaps] == [1, 1, 2, 3]
    assert danube.text == "The {{Danube}} flows into the {{Black Sea}}."
    assert [(g.card, g.hint) for g in danube.gaps] == [(1, "river"), (2, "sea")]
    assert danube.hint == "river; sea"  # what the learner sees on asking for the hint
    assert [g.card for g in oxygen.gaps] == [2, 1]
    assert [g.card for g in hydrogen.gaps] == [1, 3]
    # One gap, card 1, no hint: nothing to keep beyond what any cloze exports as.
    assert canberra.gaps == [] and canberra.text == "{{Canberra}} is the capital of Australia."
    assert [q.anki_guid for q in qs] == [g for g, _, _ in CLOZE_NOTES]


def test_a_bank_imported_before_anki_guid_existed_still_updates_its_notes(
    tmp_path: Path,
) -> None:
    """Last session's banks carry the guid only in the question id: exports fall back to it."""
    bank = import_file(ANKI / "modern.apkg").bank
    old = bank.model_copy(
        update={"questions": [q.model_copy(update={"anki_guid": None}) for q in bank.questions]}
    )
    assert all(q.anki_guid is None for q in old.questions)
    out = tmp_path / "old.apkg"
    write_apkg(old, out)
    assert [g for g, _, _ in _notes(out, tmp_path)] == [q.anki_guid for q in bank.questions]


def test_anki_guid_wins_over_the_id_and_a_long_guid_is_kept_whole(tmp_path: Path) -> None:
    guid = "x" * 40  # longer than an id can carry (it keeps 32 bytes)
    bank = models.Bank.model_validate(
        {
            "schema": 1,
            "id": "b",
            "title": "B",
            "questions": [
                {
                    "id": "q-anki-6162",  # the id says "ab"
                    "type": "flashcard",
                    "prompt": "P",
                    "back": "B",
                    "explanation": "E",
                    "anki_guid": guid,
                }
            ],
        }
    )
    out = tmp_path / "b.apkg"
    write_apkg(bank, out)
    assert [g for g, _, _ in _notes(out, tmp_path)] == [guid]


def test_not_a_package_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "deck.apkg"
    bad.write_text("hello")
    with pytest.raises(InteropError, match="not an Anki package"):
        import_file(bad)
    empty = tmp_path / "empty.apkg"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("readme.txt", "x")
    with pytest.raises(InteropError, match=r"no collection\.anki21b"):
        import_file(empty)
    broken = tmp_path / "broken.apkg"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("collection.anki21b", b"\x28\xb5\x2f\xfdgarbage")
    with pytest.raises(InteropError, match="damaged Anki package"):
        import_file(broken)
    not_sqlite = tmp_path / "not-sqlite.apkg"
    with zipfile.ZipFile(not_sqlite, "w") as zf:
        zf.writestr("collection.anki2", b"SQLite format 3\x00" + b"\x01" * 200)
    with pytest.raises(InteropError, match="damaged Anki package"):
        import_file(not_sqlite)
    odd = tmp_path / "odd.apkg"
    db = tmp_path / "odd.db"
    con = sqlite3.connect(db)
    con.execute("create table col (models text, decks text)")
    con.execute("insert into col values ('[1, 2]', '{}')")
    con.execute("create table notes (id, guid, mid, tags, flds)")
    con.execute("create table cards (nid, did, ord)")
    con.commit()
    con.close()
    with zipfile.ZipFile(odd, "w") as zf:
        zf.write(db, "collection.anki2")
    with pytest.raises(InteropError, match="damaged Anki package"):
        import_file(odd)


def test_media_with_a_path_in_its_name_is_not_copied(tmp_path: Path) -> None:
    pkg = tmp_path / "evil.apkg"
    with zipfile.ZipFile(ANKI / "update1.apkg") as src, zipfile.ZipFile(pkg, "w") as zf:
        db = tmp_path / "c.db"
        db.write_bytes(src.read("collection.anki2"))
        con = sqlite3.connect(db)
        con.execute("update notes set flds = ? ", ('<img src="../../x.png">\x1fback',))
        con.commit()
        con.close()
        zf.write(db, "collection.anki2")
        zf.writestr("media", '{"0": "../../x.png"}')
        zf.writestr("0", b"PNG")
    result = import_file(pkg)
    assert result.media == {}
    assert any("unsafe name" in w.message for w in result.warnings)


def test_collection_package_from_anki() -> None:
    result = import_file(ANKI / "modern.colpkg")
    assert [q.type for q in result.bank.questions] == [
        "flashcard",
        "flashcard",
        "short_answer",
        "cloze",
        "flashcard",
    ]
    assert list(result.media) == ["dot.png"]
    # Its own guids (written in a separate run from modern.apkg), kept on every question.
    guids = [q.anki_guid for q in result.bank.questions]
    assert all(guids) and len(set(guids)) == 5
    cloze = result.bank.questions[3]
    assert isinstance(cloze, models.Cloze) and [g.card for g in cloze.gaps] == [1, 2]


def test_missing_explanations_are_one_warning_not_one_per_note() -> None:
    result = import_file(ANKI / "modern.apkg")
    notes = [w.message for w in result.warnings if "explanation" in w.message]
    assert notes == [
        "4 note(s) have no explanation (a Back Extra): the app shows a placeholder, "
        "which exports leave out"
    ]


#: A note type as Anki compares it on import (name, kind, field names, template names) and
#: its `mod` stamp.
NoteTypeRow = tuple[str, str, list[str], list[str], int]


def _note_types(apkg: Path, tmp: Path) -> dict[int, NoteTypeRow]:
    """Every note type of a package, read from its tables (current) or JSON (legacy)."""
    db = _collection(apkg, tmp)
    try:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        if "notetypes" not in tables:
            (raw,) = db.execute("select models from col").fetchone()
            return {
                int(k): (
                    m["name"],
                    "cloze" if m["type"] == 1 else "normal",
                    [f["name"] for f in sorted(m["flds"], key=lambda f: f["ord"])],
                    [t["name"] for t in sorted(m["tmpls"], key=lambda t: t["ord"])],
                    m["mod"],
                )
                for k, m in json.loads(raw).items()
            }
        types: dict[int, NoteTypeRow] = {}
        for ntid, name, mtime, config in db.execute(
            "select id, name, mtime_secs, config from notetypes"
        ):
            # The config's field 1 (a varint) is the kind; 1 is cloze, 0 is left out.
            kind = "cloze" if config[:2] == b"\x08\x01" else "normal"
            types[ntid] = (name, kind, [], [], mtime)
        # Anki's export leaves rows of the note types it did not export: skipped.
        for ntid, name in db.execute("select ntid, name from fields order by ntid, ord"):
            if ntid in types:
                types[ntid][2].append(name)
        for ntid, name in db.execute("select ntid, name from templates order by ntid, ord"):
            if ntid in types:
                types[ntid][3].append(name)
        return types
    finally:
        db.close()


def _note_type_ids(apkg: Path, tmp: Path) -> dict[str, int]:
    """guid -> note type id of every note of a package."""
    db = _collection(apkg, tmp)
    try:
        return dict(db.execute("select guid, mid from notes"))
    finally:
        db.close()


@pytest.mark.parametrize(
    "name",
    [
        "cloze.apkg",
        "modern.apkg",
        "modern.colpkg",
        "fields.apkg",
        "update1.apkg",
        "diffmodels2-1.apkg",
        "diffmodeltemplates-1.apkg",
        "media.apkg",
    ],
)
def test_reexport_writes_each_note_back_into_its_own_note_type(name: str, tmp_path: Path) -> None:
    """What Anki compares to update a note in place (tests/data/reference/README.md):
    the same guid, the same note type id, the same field and template names in order. The
    re-export's note types are stamped 1970 (Anki keeps the collection's own), and each
    note holds only cards the original had (Anki adds a missing card, never removes one)."""
    src = ANKI / name
    out = _reexport(src, tmp_path)
    old_types, new_types = _note_types(src, tmp_path), _note_types(out, tmp_path)
    old_mids, new_mids = _note_type_ids(src, tmp_path), _note_type_ids(out, tmp_path)
    assert new_mids == old_mids
    assert set(new_types) == set(old_mids.values())  # only the notes' own, none of quiz's
    for ntid, (type_name, kind, fields, templates, mod) in new_types.items():
        assert (type_name, kind, fields, templates) == old_types[ntid][:4]
        assert mod == 0
    before = {g: (f, c) for g, f, c in _notes(src, tmp_path)}
    after = {g: (f, c) for g, f, c in _notes(out, tmp_path)}
    assert set(after) == set(before)
    for guid, (fields, cards) in after.items():
        old_fields, old_cards = before[guid]
        assert [_text(f) for f in fields] == [_text(f) for f in old_fields]
        if old_types[old_mids[guid]][1] == "cloze":
            assert cards == old_cards
        else:
            assert cards == [1]  # the card quiz asks; Anki keeps the note's others


#: What Anki 26.09.3 made of fields.apkg (printed by make_fields_apkg.py, README): guid,
#: note type, fields, cards.
FIELDS_NOTES = [
    ("D)&?|X)S=", "Basic (optional reversed card)", ["das Haus", "the house", "y"], [1, 2]),
    ("Ho/F~d2/v|", "Basic (optional reversed card)", ["der Baum", "the tree", ""], [1]),
    (
        "q:D$9J3ky[",
        "Vocabulary",
        ["der Hund", "the dog", "<i>Der Hund bellt.</i>", ""],
        [1],
    ),
    ("GaE%j./D0~", "Vocabulary", ["die Katze", "the cat", "Die Katze schläft.", "feminine"], [1]),
]


def test_fields_fixture_is_what_anki_made(tmp_path: Path) -> None:
    src = ANKI / "fields.apkg"
    types, mids = _note_types(src, tmp_path), _note_type_ids(src, tmp_path)
    notes = sorted(
        ((g, types[mids[g]][0], f, c) for g, f, c in _notes(src, tmp_path)),
        key=lambda n: [x[0] for x in FIELDS_NOTES].index(n[0]),
    )
    assert notes == FIELDS_NOTES
    vocab = types[mids["q:D$9J3ky["]]
    assert vocab[2:4] == (["Word", "Meaning", "Example", "Notes"], ["Recognition"])


def test_import_keeps_each_note_type_and_the_fields_quiz_does_not_ask(tmp_path: Path) -> None:
    src = ANKI / "fields.apkg"
    result = import_file(src)
    mids = _note_type_ids(src, tmp_path)
    by_guid = {q.anki_guid: q for q in result.bank.questions}
    assert set(by_guid) == {g for g, *_ in FIELDS_NOTES}
    for guid, type_name, fields, _ in FIELDS_NOTES:
        q = by_guid[guid]
        assert isinstance(q, models.Flashcard)
        assert (q.prompt, q.back) == (fields[0], fields[1])
        nt = q.anki_notetype
        assert nt is not None and (nt.id, nt.name, nt.kind) == (mids[guid], type_name, "normal")
    hund, katze = by_guid["q:D$9J3ky["], by_guid["GaE%j./D0~"]
    assert hund.anki_notetype is not None
    assert hund.anki_notetype.fields == ["Word", "Meaning", "Example", "Notes"]
    assert hund.anki_notetype.templates == ["Recognition"]
    # As Anki had them (HTML kept); an empty field is not written into the bank.
    assert hund.anki_fields == {"Example": "<i>Der Hund bellt.</i>"}
    assert katze.anki_fields == {"Example": "Die Katze schläft.", "Notes": "feminine"}
    assert by_guid["D)&?|X)S="].anki_fields == {"Add Reverse": "y"}
    assert by_guid["Ho/F~d2/v|"].anki_fields == {}
    assert [w.message for w in result.warnings if "Vocabulary" in w.message] == [
        "note type 'Vocabulary' (2 note(s)) has no question type here: imported as flashcards "
        "of its first two fields (the others are kept for the .apkg export)"
    ]


def test_modern_note_types_are_kept_with_their_kind_and_templates() -> None:
    qs = import_file(ANKI / "modern.apkg").bank.questions
    kept = [q.anki_notetype for q in qs]
    assert all(nt is not None for nt in kept)
    assert [(nt.name, nt.kind, nt.fields, nt.templates) for nt in kept if nt is not None] == [
        ("Basic", "normal", ["Front", "Back"], ["Card 1"]),
        ("Basic (and reversed card)", "normal", ["Front", "Back"], ["Card 1", "Card 2"]),
        ("Basic (type in the answer)", "normal", ["Front", "Back"], ["Card 1"]),
        ("Cloze", "cloze", ["Text", "Back Extra"], ["Cloze"]),
        ("Basic", "normal", ["Front", "Back"], ["Card 1"]),
    ]
    # The two Basic notes share one note type.
    assert kept[0] == kept[4]


def test_imported_cloze_prompts_say_gap_or_gaps() -> None:
    qs = import_file(ANKI / "cloze.apkg").bank.questions
    assert [q.prompt for q in qs] == ["Fill in the gaps."] * 5 + ["Fill in the gap."]


def _flashcard(qid: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": qid,
        "type": "flashcard",
        "prompt": f"Front {qid}",
        "back": "Back",
        "explanation": "No explanation was given in the imported file.",
        "anki_notetype": {
            "id": 1796006432667,
            "name": "Basic",
            "fields": ["Front", "Back"],
            "templates": ["Card 1"],
        },
        **extra,
    }


def test_export_says_what_a_note_type_cannot_hold(tmp_path: Path) -> None:
    basic = _flashcard("a")["anki_notetype"]
    bank = models.Bank.model_validate(
        {
            "schema": 1,
            "id": "b",
            "title": "B",
            "questions": [
                _flashcard("a", explanation="Written in quiz."),
                # The same note type id with other fields: not the note type Anki has.
                _flashcard("b", anki_notetype={**basic, "fields": ["Front", "Verso"]}),
                {
                    "id": "c",
                    "type": "short_answer",
                    "prompt": "Capital of Italy?",
                    "accept": ["Rome", "Roma"],
                    "explanation": "No explanation was given in the imported file.",
                    "anki_notetype": {**basic, "id": 1796006432670},
                },
                {
                    "id": "d",
                    "type": "cloze",
                    "prompt": "Fill in the gap.",
                    "text": "{{Madrid}} is in Spain.",
                    "explanation": "Since 1561",
                    "anki_notetype": basic,
                },
            ],
        }
    )
    out = tmp_path / "b.apkg"
    result = write_apkg(bank, out)
    assert [w.format() for w in result.warnings] == [
        "<input>: question a: explanation dropped: Anki note type 'Basic' has no field for it",
        "<input>: question b: written with quiz's note type: its anki_notetype differs from "
        "another question's with id 1796006432667",
        "<input>: question c: answers after the first dropped",
        "<input>: question d: written with quiz's note type: a cloze cannot be a note of the "
        "non-cloze note type 'Basic'",
    ]
    types = _note_types(out, tmp_path)
    notes = {g: (f, c) for g, f, c in _notes(out, tmp_path)}
    mids = _note_type_ids(out, tmp_path)
    guids = {q.id: note_guid("b", q) for q in bank.questions}
    assert mids[guids["a"]] == 1796006432667
    assert notes[guids["a"]][0] == ["Front a", "Back"]
    assert types[mids[guids["b"]]][0] == "quiz basic (b)"
    assert notes[guids["c"]][0] == ["Capital of Italy?", "Rome"]
    # A type-in note type: the first card asks for the answer to be typed.
    assert types[1796006432670][3] == ["Card 1"]
    assert types[mids[guids["d"]]][:3] == ("quiz cloze (b)", "cloze", ["Text", "Back Extra"])


def test_a_bank_written_in_quiz_still_exports_with_quiz_note_types(tmp_path: Path) -> None:
    bank = models.Bank.model_validate(
        {
            "schema": 1,
            "id": "own",
            "title": "Own",
            "questions": [
                {k: v for k, v in _flashcard("a").items() if k != "anki_notetype"},
                {
                    "id": "c",
                    "type": "cloze",
                    "prompt": "Fill in the gaps.",
                    "text": "{{Madrid}} is in {{Spain}}.",
                    "explanation": "Since 1561",
                },
            ],
        }
    )
    out = tmp_path / "own.apkg"
    write_apkg(bank, out)
    types = _note_types(out, tmp_path)
    assert sorted(t[:4] for t in types.values()) == [
        ("quiz basic (own)", "normal", ["Front", "Back", "Explanation"], ["Card 1"]),
        ("quiz cloze (own)", "cloze", ["Text", "Back Extra"], ["Cloze"]),
    ]
    assert sorted(c for _, _, c in _notes(out, tmp_path)) == [[1], [1]]


def test_generated_templates_are_ones_anki_accepts(tmp_path: Path) -> None:
    """Templates only matter in a collection without the note type, but Anki refuses the
    whole package if one is wrong: every front names a field of its note type, and no two
    fronts are the same (rslib `ensure_template_fronts_unique`)."""
    only = {"id": 1002, "name": "T2", "fields": ["Only"], "templates": ["C1", "C2", "C3"]}
    typed = {"id": 1003, "name": "T3", "fields": ["Front", "Back"], "templates": ["Card 1"]}
    bank = models.Bank.model_validate(
        {
            "schema": 1,
            "id": "odd",
            "title": "Odd",
            "questions": [
                _flashcard("a", anki_notetype=only, back="(empty)"),
                {
                    "id": "b",
                    "type": "short_answer",
                    "prompt": "Capital of Italy?",
                    "accept": ["Rome"],
                    "explanation": "No explanation was given in the imported file.",
                    "anki_notetype": typed,
                },
            ],
        }
    )
    out = tmp_path / "odd.apkg"
    write_apkg(bank, out)
    db = _collection(out, tmp_path)
    try:
        (raw,) = db.execute("select models from col").fetchone()
    finally:
        db.close()
    fronts = {m["name"]: [t["qfmt"] for t in m["tmpls"]] for m in json.loads(raw).values()}
    assert len(set(fronts["T2"])) == 3 and all("{{Only}}" in f for f in fronts["T2"])
    assert fronts["T3"] == ["{{Front}}\n\n{{type:Back}}"]


def test_reexport_takes_the_sounds_notes_name(tmp_path: Path) -> None:
    """media.apkg's note is `[sound:foo.wav]`: the re-export holds foo.wav again, so an
    empty collection gets the sound too."""
    out = _reexport(ANKI / "media.apkg", tmp_path)
    with zipfile.ZipFile(out) as zf:
        index = json.loads(zf.read("media"))
        assert list(index.values()) == ["foo.wav"]
        (member,) = index
        assert zf.read(member) == b"abc\n"


def test_a_note_type_anki_would_not_allow_is_not_kept(tmp_path: Path) -> None:
    """A legacy package may name a field as Anki no longer allows (`Fr:ont`): the notes are
    imported, the note type is not kept (the bank stays valid), and a warning says why."""
    import genanki

    model = genanki.Model(
        1607392319,
        "Old type",
        fields=[{"name": "Fr:ont"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Back}}", "afmt": "{{Back}}"}],
    )
    deck = genanki.Deck(2059400110, "Old")
    deck.add_note(genanki.Note(model=model, fields=["front", "back"], guid="old-guid-1"))
    src = tmp_path / "old.apkg"
    genanki.Package(deck).write_to_file(str(src))
    result = import_file(src)
    (q,) = result.bank.questions
    assert isinstance(q, models.Flashcard) and (q.prompt, q.back) == ("front", "back")
    assert q.anki_guid == "old-guid-1" and q.anki_notetype is None
    (warning,) = [w.message for w in result.warnings if "not kept" in w.message]
    assert warning == (
        "note type 'Old type' not kept (fields.0: 'Fr:ont' is not a name Anki allows): an .apkg "
        "export of its notes uses quiz's note types, which Anki will not update the notes from"
    )
