"""`quiz new BANK_ID --article FILE` (issue 13): a starter bank wired to an article."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from quiz.banks import load_bank
from quiz.cli import main
from quiz.coverage import split_sentences
from quiz.models import QUESTION_TYPES

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "question_banks" / "articles" / "stem-cells-autoimmune-therapy.txt"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_starter_quotes_real_sentences_and_suggests_section_tags(workdir: Path) -> None:
    (workdir / "articles").mkdir()
    shutil.copy(ARTICLE, workdir / "articles" / "stem.txt")
    assert main(["new", "mybank", "--article", "articles/stem.txt"]) == 0
    loaded = load_bank(workdir / "mybank.toml")
    assert loaded.warnings == []
    bank = loaded.bank
    assert bank.source is not None and bank.source.path == "articles/stem.txt"
    assert bank.source.title.startswith("Stem Cells: A Promising Avenue")
    assert {q.type for q in bank.questions} == set(QUESTION_TYPES)
    sentences = {s.text for s in split_sentences(ARTICLE.read_text(encoding="utf-8"))}
    quotes = [q.source_quote for q in bank.questions]
    assert all(quote in sentences for quote in quotes)
    assert len(set(quotes)) == len(quotes)  # one sentence per example
    text = (workdir / "mybank.toml").read_text(encoding="utf-8")
    assert '#   "the-potential-of-stem-cells-in-autoimmune-therapy"  (The Potential' in text
    # examples are tagged with the section their quote comes from
    sections = {q.source_quote: loaded.section_of(q.source_quote) for q in bank.questions}
    assert {tag for q in bank.questions for tag in q.tags} <= {
        line.split('"')[1] for line in text.splitlines() if line.startswith('#   "')
    }
    assert len(set(sections.values())) >= 5  # spread over the article


def test_the_article_path_is_relative_to_the_bank(workdir: Path) -> None:
    (workdir / "banks").mkdir()
    assert main(["new", "b", "--article", str(ARTICLE), "-o", "banks/b.toml"]) == 0
    bank = load_bank(workdir / "banks" / "b.toml").bank  # resolves the article, checks quotes
    assert bank.source is not None
    assert (workdir / "banks" / bank.source.path).resolve() == ARTICLE.resolve()


def test_a_markdown_article_and_control_characters(workdir: Path) -> None:
    (workdir / "a.md").write_text(
        "# Tides \x1b[31m\n\nThe Moon pulls on the oceans twice daily.\n\n"
        "## Why\n\nGravity falls off with distance, so the near side is pulled harder.\n",
        encoding="utf-8",
    )
    assert main(["new", "tides", "--article", "a.md"]) == 0
    bank = load_bank(workdir / "tides.toml").bank
    assert {q.source_quote for q in bank.questions} == {
        "The Moon pulls on the oceans twice daily.",
        "Gravity falls off with distance, so the near side is pulled harder.",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the article"),
        (b"\xff\xfe not utf-8 \xc3", "not UTF-8"),
        (b"Just a title\n", "no sentences to quote"),
    ],
)
def test_a_bad_article_is_a_clear_error_and_writes_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    if content is not None:
        (workdir / "a.txt").write_bytes(content)
    assert main(["new", "b", "--article", "a.txt"]) == 1
    assert message in capsys.readouterr().err
    assert not (workdir / "b.toml").exists()


@pytest.mark.parametrize("with_article", [False, True])
def test_multiple_select_choices_are_not_tick_keys(workdir: Path, with_article: bool) -> None:
    argv = ["new", "b"] + (["--article", str(ARTICLE)] if with_article else [])
    assert main(argv) == 0
    data = tomllib.loads((workdir / "b.toml").read_text(encoding="utf-8"))
    (ms,) = [q for q in data["questions"] if q["type"] == "multiple_select"]
    assert not any(c["text"].strip().isdigit() for c in ms["choices"])


def test_plain_starter_shows_the_source_and_quote_pattern(workdir: Path) -> None:
    assert main(["new", "b"]) == 0
    text = (workdir / "b.toml").read_text(encoding="utf-8")
    assert "# [source]" in text and "# source_quote = " in text
    assert load_bank(workdir / "b.toml").bank.source is None  # still valid without an article


def test_the_starter_is_ready_for_coverage(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "b", "--article", str(ARTICLE)]) == 0
    capsys.readouterr()
    assert main(["coverage", "b.toml"]) == 0
    assert "covered: 9 of 47 sentences" in capsys.readouterr().out
