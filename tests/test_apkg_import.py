"""Anki packages in: Anki's own test packages (legacy) and ones written by Anki 26.09's own
exporter (current, zstd); and back out with the same notes (guids kept), the same fields and,
for Cloze notes, the same cards."""

from __future__ import annotations

import html
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
import zstandard

from quiz import models
from quiz.banks import dump_bank, parse_bank_text
from quiz.cli import main
from quiz.interop import InteropError, import_file
from quiz.interop.apkg import write_apkg
from quiz.interop.common import guid_of

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
    "name", ["modern.apkg", "cloze.apkg", "update1.apkg", "diffmodels2-1.apkg", "media.apkg"]
)
def test_round_trip_keeps_note_count_fields_and_guids(name: str, tmp_path: Path) -> None:
    src = ANKI / name
    before = _notes(src, tmp_path)
    after = _notes(_reexport(src, tmp_path), tmp_path)
    assert len(after) == len(before)
    assert [g for g, _, _ in after] == [g for g, _, _ in before]
    for (_, old, _), (_, new, _) in zip(before, after, strict=True):
        # Our Basic notes add an Explanation field (empty here): the note's own two compare.
        assert [_text(f) for f in new[:2]] == [_text(f) for f in old[:2]]
        assert all(f == "" for f in new[2:])
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
