"""The import, export, add, banks and new commands, as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.banks import load_bank
from quiz.cli import main
from quiz.interop import PLACEHOLDER_EXPLANATION
from quiz.models import QUESTION_TYPES

DATA = Path(__file__).parent / "data" / "interop"
ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("QUIZ_BANKS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data" / "banks"


def test_import_writes_a_valid_bank_next_to_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "chem quiz.gift"
    src.write_text((DATA / "all_constructs.gift").read_text())
    assert main(["import", str(src)]) == 0
    out, err = capsys.readouterr()
    bank = load_bank(tmp_path / "chem quiz.toml").bank
    assert bank.id == "chem-quiz" and len(bank.questions) == 14
    assert "all 14 question(s) imported, 7 warning(s)" in out
    assert f"warning: {src}:60: question essay: skipped: essay questions" in err
    assert main(["validate", str(tmp_path / "chem quiz.toml")]) == 0


def test_import_refuses_to_overwrite_the_default_output_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "a.aiken"
    src.write_text((DATA / "sample.aiken").read_text())
    (tmp_path / "a.toml").write_text("keep me")
    assert main(["import", str(src)]) == 1
    assert "a.toml exists" in capsys.readouterr().err
    assert (tmp_path / "a.toml").read_text() == "keep me"
    assert main(["import", str(src), "--force"]) == 0


@pytest.mark.parametrize("ext", [".yaml", ".json"])
def test_import_output_format_follows_the_extension(tmp_path: Path, ext: str) -> None:
    out = tmp_path / f"My_Notes{ext}"
    assert main(["import", str(DATA / "notes.txt"), "-o", str(out)]) == 0
    bank = load_bank(out).bank
    assert bank.id == "my_notes"
    assert bank.questions[0].explanation == PLACEHOLDER_EXPLANATION


def test_import_keeps_the_good_questions_and_reports_the_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "bad.gift"
    src.write_text("::a::Q{=a ~b}\n\n::b::Unclosed {=x\n\n::c::R{T}\n")
    assert main(["import", str(src)]) == 3
    captured = capsys.readouterr()
    assert f"skipped: {src}:3:15: the answer block opened here is never closed" in captured.err
    assert "2 of 3 imported, 1 skipped" in captured.out
    bank = load_bank(tmp_path / "bad.toml").bank
    assert [q.id for q in bank.questions] == ["a", "c"]


def test_strict_import_is_all_or_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "bad.gift"
    src.write_text("::a::Q{=a ~b}\n\n::b::Unclosed {=x\n")
    assert main(["import", "--strict", str(src)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"quiz: error: {src}:3:15: the answer block opened here is never closed"
    assert not (tmp_path / "bad.toml").exists()


def test_import_with_nothing_readable_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "bad.gift"
    src.write_text("::b::Unclosed {=x\n")
    assert main(["import", str(src)]) == 1
    assert f"{src}:1:15: the answer block opened here" in capsys.readouterr().err
    assert not (tmp_path / "bad.toml").exists()


def test_import_help_documents_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert "--strict" in out
    for status, words in (("0", "every question"), ("3", "some questions"), ("1", "nothing")):
        assert any(
            line.strip().startswith(status) and words in line for line in out.splitlines()
        ), out


def test_import_of_binary_garbage_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "junk.gift"
    src.write_bytes(b"abc\n\xff\xfe\x00")
    assert main(["import", str(src)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"quiz: error: {src}:2:1: not UTF-8 text (byte 0xff)")
    assert "re-save it as UTF-8 (for example: iconv" in err


def test_import_of_a_latin1_file_names_the_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "es.gift"
    text = (
        "¿Cuál es la capital de España? {=Madrid ~Barcelona ~Sevilla}\n\nEl Volga es un río. {T}\n"
    )
    src.write_bytes(text.encode("cp1252"))
    assert main(["import", str(src)]) == 0
    captured = capsys.readouterr()
    assert "not UTF-8: read as cp1252" in captured.err
    bank = load_bank(tmp_path / "es.toml").bank
    assert bank.questions[0].prompt == "¿Cuál es la capital de España?"
    assert bank.questions[0].id == "cual-es-la-capital-de-espana"


def test_import_of_a_utf16_file(tmp_path: Path) -> None:
    src = tmp_path / "de.txt"
    src.write_bytes("#separator:tab\nStraße\tstreet\n".encode("utf-16"))
    assert main(["import", str(src)]) == 0
    assert load_bank(tmp_path / "de.toml").bank.questions[0].prompt == "Straße"


def test_import_bad_output_extension_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(DATA / "sample.aiken"), "-o", "x.txt"]) == 2
    assert "bank file ends in .toml" in capsys.readouterr().err


def test_export_every_format_and_report_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "demo"]) == 0
    assert main(["add", "demo.toml"]) == 0
    capsys.readouterr()
    for fmt in ("gift", "aiken", "csv", "anki", "apkg"):
        target = tmp_path / f"out.{fmt}"
        assert main(["export", "demo", "--format", fmt, "-o", str(target)]) == 0
        assert target.stat().st_size > 0
    out, err = capsys.readouterr()
    assert "6 of 9 question(s) exported as gift" in out
    assert "question planets-from-the-sun: skipped: ordering questions have no GIFT form" in err
    assert "9 of 9 question(s) exported as apkg" in out
    # the CSV export imports back to the same questions
    assert main(["import", str(tmp_path / "out.csv"), "-o", str(tmp_path / "back.toml")]) == 0
    assert (
        load_bank(tmp_path / "back.toml").bank.questions
        == load_bank(tmp_path / "demo.toml").bank.questions
    )


def test_export_unknown_bank_and_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "nope", "-o", "x.gift"]) == 1
    assert "no bank with the id 'nope'" in capsys.readouterr().err
    assert main(["export", "nope", "-o", "x.docx"]) == 2


def test_new_bank_validates_and_names_the_schema(tmp_path: Path) -> None:
    assert main(["new", "my-bank"]) == 0
    text = (tmp_path / "my-bank.toml").read_text()
    assert text.startswith("#:schema ./bank-schema.json\n")
    assert (tmp_path / "bank-schema.json").is_file()
    bank = load_bank(tmp_path / "my-bank.toml").bank
    assert {q.type for q in bank.questions} == set(QUESTION_TYPES)
    assert main(["new", "my-bank"]) == 1  # exists
    assert main(["new", "Bad Id"]) == 2


def test_add_refuses_clashing_ids_and_banks_lists_everything(
    tmp_path: Path, user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "mine"]) == 0
    assert main(["add", "mine.toml"]) == 0
    assert (user_dirs / "mine.toml").read_text() == (tmp_path / "mine.toml").read_text()
    assert main(["add", "mine.toml"]) == 1
    assert "a bank with the id 'mine' is already loaded from" in capsys.readouterr().err
    # an imported file is added as TOML; a broken file in the folder does not stop the listing
    assert main(["add", str(DATA / "questions.csv")]) == 0
    (user_dirs / "broken.toml").write_text('schema = 1\nid = "broken"\n')
    capsys.readouterr()
    assert main(["banks"]) == 0
    out = capsys.readouterr().out
    assert "mine" in out and "questions " in out.replace("questions.toml", "questions ")
    assert f"INVALID  {user_dirs / 'broken.toml'}" in out
    assert "1 invalid file(s)" in out
    shipped = [p for p in (ROOT / "question_banks").glob("*.toml")]
    assert len(shipped) >= 1 and str(shipped[0]) in out


def test_add_refuses_an_invalid_bank_with_located_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.toml").write_text('schema = 1\nid = "bad"\ntitle = "B"\nquestions = []\n')
    assert main(["add", "bad.toml"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("quiz: error: bad.toml")


def test_add_carries_the_source_article_along(tmp_path: Path, user_dirs: Path) -> None:
    (tmp_path / "art.md").write_text("# Title\n\nThe sky is blue.\n")
    (tmp_path / "src.toml").write_text(
        'schema = 1\nid = "src"\ntitle = "S"\n[source]\ntitle = "A"\npath = "art.md"\n'
        '[[questions]]\nid = "q"\ntype = "true_false"\nprompt = "Sky blue?"\nanswer = true\n'
        'explanation = "Yes."\nsource_quote = "The sky is blue."\n'
    )
    assert main(["add", "src.toml"]) == 0
    loaded = load_bank(user_dirs / "src.toml")
    assert loaded.article is not None and "sky is blue" in loaded.article


def test_add_of_a_partly_bad_file_and_of_a_package(
    tmp_path: Path, user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "part.gift").write_text("::a::Q{=a ~b}\n\n::b::Unclosed {=x\n")
    assert main(["add", "part.gift"]) == 3
    captured = capsys.readouterr()
    assert "skipped: part.gift:3:15: the answer block opened here" in captured.err
    assert [q.id for q in load_bank(user_dirs / "part.toml").bank.questions] == ["a"]
    apkg = Path(__file__).parent / "data" / "reference" / "anki" / "modern.apkg"
    assert main(["add", str(apkg), "--id", "geo"]) == 0
    assert (user_dirs / "geo_media" / "dot.png").is_file()
    assert len(load_bank(user_dirs / "geo.toml").bank.questions) == 5


def test_python_m_quiz_import_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZ_DATA_DIR": str(tmp_path / "d")}
    out = tmp_path / "s.json"
    proc = subprocess.run(
        [sys.executable, "-m", "quiz", "import", str(DATA / "sample.aiken"), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "bank 's': all 2 question(s) imported, 2 warning(s)" in proc.stdout
    assert load_bank(out).bank.id == "s"
    bad = tmp_path / "bad.aiken"
    bad.write_text("Q?\nA. x\nB. y\nANSWER: Q\n")
    proc = subprocess.run(
        [sys.executable, "-m", "quiz", "import", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"{bad}:4:9: question 'Q?': ANSWER 'Q' is not one of the options" in proc.stderr
