"""Anki packages in: Anki's own test packages (legacy) and one written by Anki 26.09's own
exporter (current, zstd); and back out with the same notes (guids kept)."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from quiz import models
from quiz.cli import main
from quiz.interop import InteropError, import_file
from quiz.interop.apkg import write_apkg
from quiz.interop.common import guid_of

ANKI = Path(__file__).parent / "data" / "reference" / "anki"


def _notes(apkg: Path, tmp: Path) -> list[tuple[str, list[str]]]:
    """(guid, fields) of every note in a legacy package, as Anki stores them."""
    with zipfile.ZipFile(apkg) as zf:
        name = next(n for n in ("collection.anki21", "collection.anki2") if n in zf.namelist())
        (tmp / "c.db").write_bytes(zf.read(name))
    db = sqlite3.connect(tmp / "c.db")
    try:
        rows = db.execute("select guid, flds from notes order by id").fetchall()
    finally:
        db.close()
    return [(g, f.split("\x1f")) for g, f in rows]


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html.replace("<br>", "\n")).strip()


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
    assert [guid_of(q.id) for q in qs] == [
        "zcP((ppE~%",
        "Ig&;HZFoh>",
        "swx`o)bxm?",
        "mB}{fQkX{{",
        "hu(PqIu0@/",
    ]
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
    assert guid_of(q.id) == guid


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


def test_round_trip_keeps_note_count_fields_and_guids(tmp_path: Path) -> None:
    for name in ("modern.apkg", "update1.apkg", "diffmodels2-1.apkg"):
        src = ANKI / name
        before = (
            _notes(src, tmp_path)
            if name != "modern.apkg"
            else [
                ("zcP((ppE~%", ["What is the capital of France?", "Paris"]),
                ("Ig&;HZFoh>", ["Berlin", "capital of Germany"]),
                ("swx`o)bxm?", ["Capital of Italy?", "Rome"]),
                ("mB}{fQkX{{", ["{{c1::Madrid}} is the capital of {{c2::Spain}}.", "Since 1561"]),
                ("hu(PqIu0@/", ['Which flag is this? <img src="dot.png">', "Japan<br>(a red dot)"]),
            ]
        )
        result = import_file(src)
        media = tmp_path / "media"
        media.mkdir(exist_ok=True)
        for file, data in result.media.items():
            (media / file).write_bytes(data)
        out = tmp_path / f"back-{name}"
        write_apkg(result.bank, out, media_dir=media)
        after = _notes(out, tmp_path)
        assert [g for g, _ in after] == [g for g, _ in before]
        for (_, old), (_, new) in zip(before, after, strict=True):
            # Our notes add an Explanation field; the cloze numbers become c1 (one card asks
            # every gap, as the question does here).
            old_text = [re.sub(r"\{\{c\d+::", "{{c1::", _text(f)) for f in old[:2]]
            assert [_text(f) for f in new[:2]] == old_text
        if name == "modern.apkg":
            assert '<img src="dot.png">' in after[4][1][0]
            with zipfile.ZipFile(out) as zf:
                assert zf.read("0").startswith(b"\x89PNG")


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


def test_missing_explanations_are_one_warning_not_one_per_note() -> None:
    result = import_file(ANKI / "modern.apkg")
    notes = [w.message for w in result.warnings if "explanation" in w.message]
    assert notes == [
        "4 note(s) have no explanation (a Back Extra): the app shows a placeholder, "
        "which exports leave out"
    ]
