"""Loading and validating banks: all three formats, and every kind of bad input."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from quiz import banks, locations
from quiz.banks import BankLoadError, Problem, load_bank, parse_bank_text
from quiz.cli import main
from quiz.models import Cloze

GOOD_TOML = textwrap.dedent(
    """\
    schema = 1
    id = "demo"
    title = "Demo bank"
    description = "A small bank"
    tags = ["demo"]

    [[questions]]
    id = "mc"
    type = "multiple_choice"
    prompt = "Pick the [bold]right[/bold] one [@click=app.quit]"
    explanation = "Because."
    choices = [
        { text = "right", correct = true, feedback = "Yes." },
        { text = "wrong", feedback = "No." },
    ]

    [[questions]]
    id = "tf"
    type = "true_false"
    prompt = "True?"
    explanation = "It is."
    answer = true
    difficulty = 2

    [[questions]]
    id = "order"
    type = "ordering"
    prompt = "Order these"
    explanation = "In order."
    items = ["a", "b", "c"]
    """
)


def load_text(text: str, fmt: str = "toml", tmp_path: Path | None = None) -> banks.LoadedBank:
    """Parse bank text, as a file in tmp_path when given (for source articles)."""
    return parse_bank_text(text, fmt, f"bank.{fmt}", base_dir=tmp_path)


def problems_of(text: str, fmt: str = "toml", base_dir: Path | None = None) -> list[Problem]:
    """The problems loading this text reports (fails the test if it loads)."""
    with pytest.raises(BankLoadError) as info:
        parse_bank_text(text, fmt, f"bank.{fmt}", base_dir=base_dir)
    assert info.value.problems
    return info.value.problems


def one(text: str, fmt: str = "toml") -> Problem:
    """The single problem reported for this text."""
    found = problems_of(text, fmt)
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


def as_format(text: str, fmt: str) -> str:
    """The TOML bank `text` re-expressed as YAML or JSON."""
    import tomllib

    data = tomllib.loads(text)
    if fmt == "json":
        return json.dumps(data, indent=2)
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False)
    return text


# --------------------------------------------------------------------------- good input


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_each_format_loads_the_same_bank(fmt: str) -> None:
    loaded = load_text(as_format(GOOD_TOML, fmt), fmt)
    reference = load_text(GOOD_TOML).bank
    assert loaded.bank == reference
    assert [q.type for q in loaded.bank.questions] == ["multiple_choice", "true_false", "ordering"]
    assert loaded.bank.questions[1].difficulty == 2
    assert loaded.bank.questions[0].difficulty == 3  # the default


def test_markup_in_text_is_valid_data() -> None:
    bank = load_text(GOOD_TOML).bank
    assert bank.questions[0].prompt == "Pick the [bold]right[/bold] one [@click=app.quit]"


def test_load_bank_reads_files_by_extension(tmp_path: Path) -> None:
    for fmt, ext in [("toml", ".toml"), ("yaml", ".yml"), ("json", ".json")]:
        path = tmp_path / f"b{ext}"
        path.write_text(as_format(GOOD_TOML, fmt), encoding="utf-8")
        assert load_bank(path).bank.id == "demo"


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_a_utf8_bom_is_accepted(fmt: str) -> None:
    data = b"\xef\xbb\xbf" + as_format(GOOD_TOML, fmt).encode()
    assert banks.parse_bank_bytes(data, fmt, f"b.{fmt}").bank.id == "demo"


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("fmt", "text", "line", "words"),
    [
        ("toml", 'schema = 1\nid = "x\ntitle = "t"\n', 2, ["TOML syntax error", "column"]),
        ("json", '{"schema": 1,\n  "id": "x",,\n}', 2, ["JSON syntax error", "column"]),
        ("yaml", "schema: 1\nid: [x\ntitle: t\n", 3, ["YAML syntax error", "column"]),
    ],
)
def test_syntax_errors_give_line_and_column(
    fmt: str, text: str, line: int, words: list[str]
) -> None:
    problem = one(text, fmt)
    assert problem.line == line
    for word in words:
        assert word in problem.message


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_empty_file(fmt: str) -> None:
    problem = one("  \n\n", fmt)
    assert "empty" in problem.message


@pytest.mark.parametrize(
    ("fmt", "text"),
    [("toml", 'schema = 1\ntitle = "caf\xe9"\n'), ("json", '{"schema": 1,\n"title": "caf\xe9"}')],
)
def test_bytes_that_are_not_utf8(fmt: str, text: str) -> None:
    with pytest.raises(BankLoadError) as info:
        banks.parse_bank_bytes(text.encode("latin-1"), fmt, f"b.{fmt}")
    (problem,) = info.value.problems
    assert problem.line == 2
    assert "0xe9" in problem.message and "UTF-8" in problem.message


def test_binary_garbage() -> None:
    with pytest.raises(BankLoadError) as info:
        banks.parse_bank_bytes(bytes(range(256)) * 10, "json", "b.json")
    assert "binary" in info.value.problems[0].message


def test_yaml_alias_bomb_is_refused_without_expanding() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    problem = one("\n".join(lines) + "\n", "yaml")
    assert "aliases" in problem.message
    assert problem.line == 1


def test_a_single_yaml_alias_is_refused_too() -> None:
    text = as_format(GOOD_TOML, "yaml").replace("tags:\n- demo", "tags: &t\n- demo\nx: *t")
    problem = problems_of(text, "yaml")[0]
    assert "aliases" in problem.message


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("json", "[" * 100_000 + "]" * 100_000),
        ("toml", "x = " + "[" * 100_000 + "]" * 100_000),
        ("yaml", "[" * 100_000 + "]" * 100_000),
        ("yaml", "".join("  " * i + "k:\n" for i in range(1_200))),
        ("json", '{"a":' * 100_000 + "1" + "}" * 100_000),
    ],
)
def test_deep_nesting_is_a_located_error(fmt: str, text: str) -> None:
    problem = one(text, fmt)
    assert "nesting deeper than" in problem.message
    assert problem.line is not None


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_nesting_just_under_the_parsers_limits_is_still_a_located_error(fmt: str) -> None:
    # The parsers accept nesting up to about their recursion limit; such input must not
    # then overflow in the error reporting, whatever the depth of the caller's stack.
    for depth in range(150, 1_100, 7):
        nested = "[" * depth + "]" * depth
        if fmt == "json":
            text = f'{{"schema": 1, "id": "b", "title": "B", "tags": {nested}, "questions": []}}'
        else:
            text = f'schema = 1\nid = "b"\ntitle = "B"\ntags = {nested}\n'
        found = problems_of(text, fmt)
        assert all(p.line for p in found)
        assert any((p.field or "").startswith("tags") or "nesting" in p.message for p in found)


def test_toml_multiline_strings_with_brackets_and_apostrophes_load() -> None:
    # Brackets inside strings are text, not nesting: 40 cloze questions whose gaps sit
    # after an apostrophe in a multi-line string, below the editor's schema comment.
    questions = "".join(
        f"""
[[questions]]
id = "c{i}"
type = "cloze"
prompt = "Fill the gap."
explanation = "Because."
text = \"\"\"
It's {{{{Crohn's disease}}}} and [{{{{lupus}}}}] in part {i}.
\"\"\"
"""
        for i in range(40)
    )
    text = '#:schema ./bank.schema.json\nschema = 1\nid = "b"\ntitle = "B"\n' + questions
    loaded = load_text(text)
    assert len(loaded.bank.questions) == 40


def test_problems_on_one_line_keep_question_order() -> None:
    questions: list[dict[str, Any]] = [
        {"id": f"q{i}", "type": "true_false", "prompt": "P?", "explanation": "E."} for i in range(3)
    ]
    questions[0]["answer"] = "x"
    questions[1]["answer"] = True
    questions[1]["difficulty"] = 9
    questions[2]["answer"] = True
    questions[2]["id"] = "Not A Slug"
    text = json.dumps({"schema": 1, "id": "b", "title": "B", "questions": questions})
    found = problems_of(text, "json")
    assert [p.question for p in found] == ["q0", "q1", "Not A Slug"]


def test_a_repeated_json_key_is_located_where_its_value_is_used() -> None:
    text = (
        '{"schema": 1, "id": "b", "title": "B", "questions": [\n'
        '{"id": "q", "type": "true_false", "prompt": "P?", "explanation": "E.",\n'
        ' "answer": true,\n'
        ' "answer": "maybe"}]}'
    )
    assert one(text, "json").line == 4


def test_loads_in_threads_share_one_gc_pause() -> None:
    import threading

    def load_many() -> None:
        for _ in range(30):
            load_text(GOOD_TOML)

    threads = [threading.Thread(target=load_many) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gc.isenabled()


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(banks.MAX_BANK_BYTES + 1)
    with pytest.raises(BankLoadError) as info:
        load_bank(path)
    assert "limit" in info.value.problems[0].message


def test_yaml_has_a_lower_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * banks.MAX_YAML_BYTES)
    with pytest.raises(BankLoadError) as info:
        load_bank(path)
    assert f"{banks.MAX_YAML_BYTES:,}" in info.value.problems[0].message


def test_duplicate_question_ids() -> None:
    text = GOOD_TOML.replace('id = "tf"', 'id = "mc"')
    problem = one(text)
    assert problem.question == "mc"
    assert problem.field == "id"
    assert problem.line == GOOD_TOML.splitlines().index('id = "tf"') + 1
    assert "duplicate" in problem.message


def test_unknown_type_suggests_the_closest() -> None:
    text = GOOD_TOML.replace('type = "true_false"', 'type = "true_or_false"')
    problem = one(text)
    assert problem.question == "tf"
    assert problem.field == "type"
    assert "did you mean 'true_false'?" in problem.message
    assert problem.line == GOOD_TOML.splitlines().index('type = "true_false"') + 1


def test_unknown_field_suggests_the_closest() -> None:
    text = GOOD_TOML.replace('explanation = "It is."', 'explenation = "It is."')
    found = problems_of(text)
    unknown = [p for p in found if p.field == "explenation"]
    assert unknown and "did you mean 'explanation'?" in unknown[0].message
    missing = [p for p in found if p.field == "explanation"]
    assert missing and "missing" in missing[0].message


def test_unknown_bank_level_field() -> None:
    problem = one(GOOD_TOML.replace('description = "A small bank"', 'descripton = "x"'))
    assert problem.question is None
    assert "did you mean 'description'?" in problem.message
    assert problem.line == 4


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_wrong_field_types_point_at_the_field(fmt: str) -> None:
    text = as_format(GOOD_TOML.replace("answer = true", 'answer = "yes please"'), fmt)
    problem = one(text, fmt)
    assert problem.question == "tf"
    assert problem.field == "answer"
    assert "boolean" in problem.message and "yes please" in problem.message
    lines = text.splitlines()
    assert problem.line is not None
    assert lines[problem.line - 1].strip().lstrip("-").strip().startswith(('"answer"', "answer"))


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_multiple_choice_without_a_correct_choice(fmt: str) -> None:
    text = as_format(GOOD_TOML.replace(", correct = true", ""), fmt)
    problem = one(text, fmt)
    assert problem.question == "mc"
    assert problem.field == "choices"
    assert "exactly one" in problem.message and "found 0" in problem.message
    assert problem.line is not None
    assert "choices" in text.splitlines()[problem.line - 1]


def test_empty_ordering() -> None:
    problem = one(GOOD_TOML.replace('items = ["a", "b", "c"]', "items = []"))
    assert problem.question == "order"
    assert problem.field == "items"
    assert "at least 3" in problem.message


def _one_question_bank(question: dict[str, Any]) -> str:
    """A JSON bank holding just this question (id, prompt and explanation filled in)."""
    full = {"id": "q", "prompt": "Prompt?", "explanation": "Because.", **question}
    return json.dumps({"schema": 1, "id": "b", "title": "B", "questions": [full]}, indent=2)


def _choices(*marks: tuple[str, bool]) -> list[dict[str, Any]]:
    return [{"text": text, "correct": correct} for text, correct in marks]


@pytest.mark.parametrize(
    ("question", "field", "message"),
    [
        (
            {"type": "multiple_choice", "choices": _choices(("a", True), ("b", True))},
            "choices",
            "exactly one choice with correct = true, found 2",
        ),
        (
            {"type": "multiple_choice", "choices": _choices(("a", True), (" a ", False))},
            "choices",
            "choice texts must be unique; 'a' appears twice",
        ),
        (
            {"type": "multiple_select", "choices": _choices(("a", False), ("b", False))},
            "choices",
            "needs at least one choice with correct = true",
        ),
        ({"type": "cloze", "text": "No gaps here."}, "text", "at least one {{answer}} gap"),
        ({"type": "cloze", "text": "Blank {{}} gap."}, "text", "gap 1 of the cloze text is empty"),
        ({"type": "cloze", "text": "A {{x}}, {{ | }}."}, "text", "gap 2 of the cloze text"),
        ({"type": "ordering", "items": ["a", "b", "a"]}, "items", "ordering items must be unique"),
        (
            {"type": "matching", "pairs": [{"left": "a", "right": str(i)} for i in range(3)]},
            "pairs",
            "matching `left` values must be unique",
        ),
        (
            {"type": "matching", "pairs": [{"left": str(i), "right": "x"} for i in range(3)]},
            "pairs",
            "at least two different `right` values",
        ),
        (
            {"type": "numeric", "answer": 1, "min": 0, "max": 2},
            "answer",
            "give `answer` or `min`/`max`, not both",
        ),
        ({"type": "numeric", "min": 3, "max": 2}, "answer", "`min` (3.0) must not be greater"),
    ],
    ids=lambda v: v["type"] if isinstance(v, dict) else None,
)
def test_each_question_rule_is_a_located_error(
    question: dict[str, Any], field: str, message: str
) -> None:
    text = _one_question_bank(question)
    problem = one(text, "json")
    assert problem.question == "q"
    assert problem.field == field
    assert message in problem.message
    assert problem.line is not None


@pytest.mark.parametrize(
    "text",
    ["Gaps {{a}} and {{b|c}}.", "Spaced {{ a | b }}.", "Braces {{a {{}} are one gap."],
)
def test_cloze_texts_with_answers_in_every_gap_load(text: str) -> None:
    loaded = parse_bank_text(_one_question_bank({"type": "cloze", "text": text}), "json", "b.json")
    question = loaded.bank.questions[0]
    assert isinstance(question, Cloze)
    assert question.text == text


def test_errors_deep_in_a_large_json_bank_name_their_lines() -> None:
    questions = [
        {
            "id": f"q{i}",
            "type": "true_false",
            "prompt": f"P{i}?",
            "explanation": "E.",
            "answer": True,
        }
        for i in range(3000)
    ]
    questions[2998]["answer"] = "maybe"
    del questions[2999]["explanation"]
    text = json.dumps({"schema": 1, "id": "big", "title": "Big", "questions": questions}, indent=2)
    lines = text.splitlines()
    found = problems_of(text, "json")
    assert [(p.question, p.field) for p in found] == [("q2998", "answer"), ("q2999", "explanation")]
    first, second = found[0].line, found[1].line
    assert first is not None and second is not None
    assert '"answer": "maybe"' in lines[first - 1]
    assert lines[second - 1].strip() == "{"  # the question missing the field


def test_nested_field_paths_are_reported() -> None:
    text = GOOD_TOML.replace('{ text = "wrong", feedback = "No." }', '{ text = "wrong", ok = 1 }')
    problem = one(text)
    assert problem.field == "choices[1].ok"
    assert "unknown field 'ok'" in problem.message


def test_blank_prompt_is_an_error() -> None:
    problem = one(GOOD_TOML.replace('prompt = "True?"', 'prompt = "   "'))
    assert problem.field == "prompt"
    assert "blank" in problem.message


def test_unsupported_schema_version() -> None:
    found = problems_of(GOOD_TOML.replace("schema = 1", "schema = 2"))
    assert any("schema 1" in p.message and p.line == 1 for p in found)


def test_top_level_must_be_a_bank() -> None:
    problem = one("- a\n- b\n", "yaml")
    assert "got a list" in problem.message


def test_yaml_duplicate_keys_are_refused() -> None:
    problem = one("schema: 1\nid: a\nid: b\n", "yaml")
    assert problem.line == 3 and "duplicate key 'id'" in problem.message


def test_bad_slug_explains_the_rule() -> None:
    problem = one(GOOD_TOML.replace('id = "order"', 'id = "Order Q"'))
    assert problem.field == "id"
    assert "lowercase" in problem.message


def test_problem_format_matches_the_documented_shape() -> None:
    p = Problem("b.toml", 7, "q1", "choices", "needs one")
    assert p.format() == "b.toml:7: question q1: choices: needs one"
    assert Problem("b.toml", None, None, None, "bad").format() == "b.toml: bad"


# --------------------------------------------------------------------------- sources

ARTICLE = "Title line\nIntro text here.\nA Heading\nThe body’s own  tissues are attacked.\n"


def sourced_bank(quote: str) -> str:
    return textwrap.dedent(
        f"""\
        schema = 1
        id = "s"
        title = "Sourced"

        [source]
        title = "An article"
        path = "article.txt"

        [[questions]]
        id = "q"
        type = "true_false"
        prompt = "Tissues are attacked?"
        explanation = "Yes."
        source_quote = "{quote}"
        answer = true
        """
    )


def test_source_quotes_must_be_verbatim(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    loaded = load_text(sourced_bank("The body’s own tissues\\nare attacked."), "toml", tmp_path)
    assert loaded.article == ARTICLE
    assert loaded.section_of("own tissues") == "A Heading"
    assert loaded.section_of("Intro text") == "Introduction"
    problems = problems_of(sourced_bank("The body's own tissues are attacked."), "toml", tmp_path)
    (problem,) = problems
    assert problem.field == "source_quote" and problem.question == "q"
    assert "not found verbatim" in problem.message
    assert "closest passage" in problem.message  # the straight apostrophe is the difference
    assert problem.line == 14


def test_source_quote_required_when_the_bank_has_a_source(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    text = sourced_bank("x").replace('source_quote = "x"\n', "")
    problem = one(text)
    assert problem.field == "source_quote" and problem.question == "q"
    assert "required" in problem.message


def test_missing_article_is_reported(tmp_path: Path) -> None:
    problems = problems_of(sourced_bank("Intro text"), "toml", tmp_path)
    assert problems[0].field == "source.path"
    assert "not found" in problems[0].message
    assert problems[0].line == 7


# --------------------------------------------------------------------------- catalog


@pytest.fixture
def unfreeze_after() -> Iterator[None]:
    """Hand objects frozen by a test back to the cyclic collector afterwards."""
    yield
    gc.unfreeze()


def test_large_banks_leave_the_collector_on_and_free_their_memory(
    monkeypatch: pytest.MonkeyPatch, unfreeze_after: None
) -> None:
    # Loading freezes a large bank's objects out of the collector's view; they must still
    # be freed when the bank is dropped, and the collector must be running again.
    before = gc.get_freeze_count()
    load_text(GOOD_TOML)
    assert gc.get_freeze_count() == before  # small banks are left alone
    monkeypatch.setattr(banks, "FREEZE_AT_QUESTIONS", 3)
    loaded = load_text(GOOD_TOML)
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert frozen > before
    n_questions = len(loaded.bank.questions)
    del loaded
    # Each question model (and its field dict, lists, ...) went with it.
    assert frozen - gc.get_freeze_count() >= 3 * n_questions


def test_catalog_keeps_going_past_invalid_banks(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(GOOD_TOML)
    (tmp_path / "bad.toml").write_text("schema = 1\nid = [\n")
    (tmp_path / "z-clash.toml").write_text(GOOD_TOML.replace('title = "Demo bank"', 'title = "B"'))
    catalog = banks.load_catalog([tmp_path])
    assert [b.bank.id for b in catalog.banks] == ["demo"]
    invalid = {p.name: problems for p, problems in catalog.invalid}
    assert set(invalid) == {"bad.toml", "z-clash.toml"}
    assert "already used" in invalid["z-clash.toml"][0].message


def test_shipped_banks_load_cleanly() -> None:
    catalog = banks.load_catalog([locations.shipped_banks_dir()])
    assert not catalog.invalid, [p.format() for _, ps in catalog.invalid for p in ps]
    assert sum(len(b.bank.questions) for b in catalog.banks) >= 60  # see test_shipped_banks
    for loaded in catalog.banks:
        assert loaded.article is not None
        for q in loaded.bank.questions:
            assert loaded.section_of(q.source_quote) is not None


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_write_bank_round_trips(tmp_path: Path, fmt: str) -> None:
    bank = load_text(GOOD_TOML).bank
    path = tmp_path / f"out.{fmt}"
    banks.write_bank(bank, path)
    assert load_bank(path).bank == bank
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


def test_write_refuses_unknown_extensions(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"ends in \.toml"):
        banks.write_bank(load_text(GOOD_TOML).bank, tmp_path / "x.txt")
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- the CLI


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_reports_human_lines_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, "bad.toml", GOOD_TOML.replace(", correct = true", ""))
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:12: question mc: choices: a multiple_choice question needs exactly one" in out
    assert "1 invalid file(s), 1 error(s)" in out


def test_validate_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "good.toml", GOOD_TOML)
    bad = write(tmp_path, "bad.yaml", "schema: 1\nid: [\n")
    assert main(["validate", "--json", str(tmp_path)]) == 1
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert set(report) == {"ok", "banks", "errors", "warnings"}
    assert report["ok"] is False
    assert report["banks"] == [
        {
            "path": str(good),
            "id": "demo",
            "title": "Demo bank",
            "questions": 3,
            "by_type": {"multiple_choice": 1, "ordering": 1, "true_false": 1},
        }
    ]
    (error,) = report["errors"]
    assert set(error) == {"path", "line", "question", "field", "message"}
    assert error["path"] == str(bad) and error["line"] == 3


def test_validate_ok_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "good.json", as_format(GOOD_TOML, "json"))
    assert main(["validate", "--json", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_validate_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/no/such/path"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["validate", "--no-such-flag"]) == 2


def test_validate_default_paths_find_the_shipped_banks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIZ_BANKS_DIR", str(tmp_path))
    write(tmp_path, "mine.toml", GOOD_TOML)
    assert main(["validate", "--json"]) == 0
    ids = {b["id"] for b in json.loads(capsys.readouterr().out)["banks"]}
    assert {"demo", "hsct", "msc-therapy"} <= ids


def test_schema_command_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "questions" in schema["properties"]
    assert "schema" in schema["required"]


def test_validate_never_prints_a_traceback(tmp_path: Path) -> None:
    write(tmp_path, "a.json", '{"schema": 1, "questions": [' * 500)
    write(tmp_path, "b.toml", "\x00\x01garbage")
    proc = subprocess.run(
        [sys.executable, "-m", "quiz", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "2 invalid file(s)" in proc.stdout


def test_core_imports_without_textual() -> None:
    code = (
        "import sys, quiz.models, quiz.banks, quiz.grading, quiz.scheduler, quiz.store\n"
        "import quiz.session, quiz.interop, quiz.cli\n"
        "quiz.cli.build_parser()\n"
        "heavy = [m for m in ('textual', 'fastapi', 'uvicorn', 'genanki') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        path = tmp_path / "out.toml"
        banks.write_bank(load_text(GOOD_TOML).bank, path)
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_warnings_name_repeated_prompts_and_thin_quotes(tmp_path: Path) -> None:
    text = GOOD_TOML.replace(
        'prompt = "True?"', 'prompt = "pick the [BOLD]right[/bold] one [@click=app.quit]"'
    )
    loaded = load_text(text)
    (warning,) = loaded.warnings
    assert (warning.question, warning.field) == ("tf", "prompt")
    assert warning.message == "same prompt as question mc"
    assert warning.line == GOOD_TOML.splitlines().index('prompt = "True?"') + 1

    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    thin = load_text(sourced_bank("own  tissues"), "toml", tmp_path)
    (warning,) = thin.warnings
    assert (warning.question, warning.field, warning.line) == ("q", "source_quote", 14)
    assert "very short quote" in warning.message
    assert not load_text(sourced_bank("own tissues are"), "toml", tmp_path).warnings
