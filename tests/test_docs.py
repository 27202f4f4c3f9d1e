"""Keep docs/bank-format.md honest: its examples load, its outputs are real, its fields complete.

Every fenced ```toml / ```yaml / ```json block that holds a whole bank must validate; the
TOML and YAML examples must be the same bank with all nine question types; the command
outputs shown (marked `<!-- output: quiz ... -->`) must be what `quiz` prints today for the
files the doc shows; and every field of every model must be named in the doc.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from quiz import banks, cli
from quiz.models import (
    QUESTION_MODELS,
    QUESTION_TYPES,
    AnkiNotetype,
    Bank,
    Caveat,
    Choice,
    Gap,
    GapTerms,
    NumericRange,
    Pair,
    Source,
    StrictModel,
    field_keys,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "bank-format.md"
TEXT = DOC.read_text(encoding="utf-8")

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
_MARKER = re.compile(r"<!--\s*([\w-]+):\s*(.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block of the doc, with the marker comment just before it, if any."""

    lang: str
    body: str
    line: int
    marker: tuple[str, str] | None


def _blocks() -> list[Block]:
    found = []
    for m in _FENCE.finditer(TEXT):
        before = TEXT[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = _MARKER.match(before.strip())
        found.append(
            Block(
                lang=m.group(1),
                body=m.group(2),
                line=TEXT.count("\n", 0, m.start()) + 1,
                marker=(mark.group(1), mark.group(2)) if mark else None,
            )
        )
    return found


BLOCKS = _blocks()


def _is_bank(block: Block) -> bool:
    if block.lang in ("toml", "yaml"):
        return block.body.lstrip().startswith("schema")
    if block.lang == "json":
        return '"schema"' in block.body and block.marker is None
    return False


BANK_BLOCKS = [b for b in BLOCKS if _is_bank(b)]
INVALID_FILES = [b for b in BLOCKS if b.marker and b.marker[0] == "invalid-file"]
OUTPUTS = [b for b in BLOCKS if b.marker and b.marker[0] == "output"]


def _first(lang: str) -> Block:
    return next(b for b in BANK_BLOCKS if b.lang == lang)


def _load(block: Block) -> banks.LoadedBank:
    return banks.parse_bank_text(block.body, block.lang, "docs/bank-format.md")


def test_doc_has_the_examples_it_promises() -> None:
    langs = [b.lang for b in BANK_BLOCKS]
    assert "toml" in langs and "yaml" in langs and "json" in langs
    # Exactly one deliberately broken bank, used by the validate example.
    assert [b.marker[1] for b in INVALID_FILES if b.marker] == ["my-bank.toml"]
    assert len(OUTPUTS) == 4  # quiz validate and quiz grade, text and --json each


@pytest.mark.parametrize("block", BANK_BLOCKS, ids=lambda b: f"{b.lang}@line{b.line}")
def test_every_example_bank_validates_without_warnings(block: Block) -> None:
    if block in INVALID_FILES:
        pytest.fail(f"line {block.line}: a broken example must not start with `schema`")
    try:
        loaded = _load(block)
    except banks.BankLoadError as exc:
        pytest.fail(f"example at docs/bank-format.md line {block.line} is invalid:\n{exc}")
    assert loaded.warnings == []


def test_toml_and_yaml_examples_are_the_same_bank_with_every_type() -> None:
    toml_bank = _load(_first("toml")).bank
    yaml_bank = _load(_first("yaml")).bank
    assert toml_bank.model_dump() == yaml_bank.model_dump()
    for bank in (toml_bank, yaml_bank):
        assert sorted(q.type for q in bank.questions) == sorted(QUESTION_TYPES)


def test_examples_still_load_with_the_editor_schema_directives() -> None:
    toml_body = "#:schema ./bank.schema.json\n" + _first("toml").body
    yaml_body = "# yaml-language-server: $schema=./bank.schema.json\n" + _first("yaml").body
    assert "#:schema ./bank.schema.json" in TEXT
    assert "# yaml-language-server: $schema=./bank.schema.json" in TEXT
    a = banks.parse_bank_text(toml_body, "toml", "a.toml").bank
    b = banks.parse_bank_text(yaml_body, "yaml", "b.yaml").bank
    assert a.model_dump() == b.model_dump()


def test_the_broken_example_is_really_broken() -> None:
    (block,) = INVALID_FILES
    with pytest.raises(banks.BankLoadError):
        banks.parse_bank_text(block.body, block.lang, "my-bank.toml")


@pytest.mark.parametrize("block", OUTPUTS, ids=lambda b: b.marker[1] if b.marker else "")
def test_shown_command_output_is_what_quiz_prints(
    block: Block,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert block.marker is not None
    # The doc names the TOML example `solar-system.toml` and the broken one `my-bank.toml`.
    (tmp_path / "solar-system.toml").write_text(_first("toml").body, encoding="utf-8")
    (broken,) = INVALID_FILES
    assert broken.marker is not None
    (tmp_path / broken.marker[1]).write_text(broken.body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(block.marker[1])
    assert argv[0] == "quiz"
    status = cli.main(argv[1:])
    out = capsys.readouterr().out
    shown = block.body
    prompt = f"$ {block.marker[1]}\n"
    if shown.startswith("$ "):
        assert shown.startswith(prompt), "the shown command must match the marker"
        shown = shown[len(prompt) :]
    if block.lang == "json":
        assert json.loads(out) == json.loads(shown)
    else:
        assert out == shown
    if argv[1] == "validate":
        assert status == 1  # the broken bank makes the run fail, as the doc says
    else:
        assert status == 0


def test_json_report_shape_is_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "solar-system.toml").write_text(_first("toml").body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["validate", "--json", "solar-system.toml"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"ok", "banks", "errors", "warnings"}
    assert report["ok"] is True
    (entry,) = report["banks"]
    assert set(entry) == {"path", "id", "title", "questions", "by_type"}
    assert entry["questions"] == 9
    assert entry["by_type"] == dict.fromkeys(sorted(QUESTION_TYPES), 1)
    problem = banks.Problem("p", 1, "q", "f", "m").to_dict()
    assert set(problem) == {"path", "line", "question", "field", "message"}
    for key in ("ok", "banks", "errors", "warnings", "by_type", *problem):
        assert f'"{key}"' in TEXT


def test_exit_codes_are_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["validate", "missing.toml"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert "**0**" in TEXT and "**1**" in TEXT and "**2**" in TEXT


def _field_names(model: type[StrictModel]) -> set[str]:
    return set(field_keys(model))


ALL_MODELS: list[type[StrictModel]] = [
    Bank,
    Source,
    Caveat,
    Choice,
    NumericRange,
    Pair,
    Gap,
    GapTerms,
    Gap,
    AnkiNotetype,
]
ALL_MODELS += list(QUESTION_MODELS.values())


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_model_field_is_documented(model: type[StrictModel]) -> None:
    missing = sorted(n for n in _field_names(model) if f"`{n}`" not in TEXT)
    assert not missing, f"{model.__name__} fields not named in docs/bank-format.md: {missing}"


def test_every_question_type_has_its_own_section() -> None:
    headings = set(re.findall(r"^### `(\w+)`$", TEXT, re.MULTILINE))
    assert set(QUESTION_TYPES) <= headings


def test_stated_limits_match_the_loader() -> None:
    for value in (
        banks.MAX_BANK_BYTES,
        banks.MAX_YAML_BYTES,
        banks.MAX_ARTICLE_BYTES,
        banks.MAX_YAML_NODES,
    ):
        assert f"{value:,}" in TEXT, f"limit {value:,} is not stated"
    assert f"{banks.MAX_DEPTH} levels" in TEXT
    assert banks.Problem("p", 3, "q1", "prompt", "m").format() == "p:3: question q1: prompt: m"
    assert "`path:line: question <id>: <field>:\n<message>`" in TEXT


def test_stated_slug_pattern_is_the_models() -> None:
    from quiz.models import SLUG_PATTERN

    assert f"`{SLUG_PATTERN}`" in TEXT
