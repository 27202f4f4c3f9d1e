"""`quiz validate` is exactly as strict as the JSON Schema `quiz schema` publishes.

Hypothesis builds banks whose booleans, numbers and integers are sometimes right and
sometimes what people write by mistake ("yes", 1, "off", "4", true, 2.5); the bank is
written as JSON, YAML and TOML and checked by `quiz validate`'s loader and by the
`jsonschema` package against `quiz schema`'s output: they must agree on every one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli_w
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.banks import BankLoadError, parse_bank_text
from quiz.cli import main
from quiz.models import json_schema

SCHEMA = json_schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)

OMIT = object()
BOOLEANS = st.sampled_from([True, False, "yes", "no", "true", "off", "on", 1, 0, "True", OMIT])
NUMBERS = st.sampled_from([4, 4.5, -2, 0, "4", "4.5", True, False, "four", OMIT])
INTEGERS = st.sampled_from([1, 3, 5, 2.0, 2.5, 0, 6, "3", True, OMIT])
# The one right choice of a multiple choice: `false` here would break a rule the schema
# cannot say (exactly one correct choice), which is not what this test is about.
CORRECT = st.sampled_from([True, "yes", "true", 1, "on"])


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not OMIT:
        target[key] = value


@st.composite
def questions(draw: st.DrawFn, n: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["true_false", "numeric", "multiple_choice", "short_answer"]))
    q: dict[str, Any] = {
        "id": f"q{n}",
        "type": kind,
        "prompt": "What?",
        "explanation": "Because.",
    }
    _put(q, "difficulty", draw(INTEGERS))
    if kind == "true_false":
        _put(q, "answer", draw(BOOLEANS))
    elif kind == "numeric":
        answer = draw(NUMBERS)
        q["answer"] = 4 if answer is OMIT else answer
        _put(q, "tolerance", draw(NUMBERS))
    elif kind == "multiple_choice":
        first: dict[str, Any] = {"text": "A", "correct": draw(CORRECT)}
        second: dict[str, Any] = {"text": "B"}
        _put(second, "correct", draw(st.sampled_from([False, "no", 0, "off", OMIT])))
        q["choices"] = [first, second]
        _put(q, "shuffle", draw(BOOLEANS))
    else:
        q["accept"] = ["paris"]
        _put(q, "case_sensitive", draw(BOOLEANS))
        _put(q, "exact", draw(BOOLEANS))
    return q


@st.composite
def banks(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(min_value=1, max_value=3))
    return {
        "schema": draw(st.sampled_from([1, 1, 1, 1.0, True, "1", 2])),
        "id": "generated",
        "title": "Generated",
        "questions": [draw(questions(i)) for i in range(n)],
    }


def _quiz_accepts(text: str, fmt: str) -> bool:
    try:
        parse_bank_text(text, fmt, f"bank.{fmt}")
    except BankLoadError:
        return False
    return True


def _texts(bank: dict[str, Any]) -> dict[str, str]:
    # YAML and TOML keep every type: PyYAML quotes "yes", tomli-w writes "4" as a string.
    return {
        "json": json.dumps(bank),
        "yaml": yaml.safe_dump(bank, sort_keys=False),
        "toml": tomli_w.dumps(bank),
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(banks())
def test_quiz_validate_and_the_json_schema_agree(bank: dict[str, Any]) -> None:
    schema_says = VALIDATOR.is_valid(bank)
    for fmt, text in _texts(bank).items():
        assert _quiz_accepts(text, fmt) == schema_says, (fmt, bank)


def test_the_generator_makes_both_valid_and_invalid_banks() -> None:
    seen: set[bool] = set()

    @settings(max_examples=100, deadline=None)
    @given(banks())
    def collect(bank: dict[str, Any]) -> None:
        seen.add(VALIDATOR.is_valid(bank))

    collect()
    assert seen == {True, False}


YAML_BANK = """\
schema: 1
id: tf
title: True or false
questions:
  - id: sky
    type: true_false
    prompt: The sky is blue.
    answer: {answer}
    explanation: Rayleigh scattering.
"""


@pytest.mark.parametrize(
    ("written", "advice"),
    [("yes", "write true"), ("off", "write false"), ("No", "write false"), ("1", "write true")],
)
def test_yaml_1_1_booleans_are_refused_with_what_to_write(
    tmp_path: Path, written: str, advice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tf.yaml"
    path.write_text(YAML_BANK.format(answer=written))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:8: question sky: answer: expected a boolean" in out and advice in out
    path.write_text(YAML_BANK.format(answer="true"))
    assert main(["validate", str(path)]) == 0


TOML_BANK = """\
schema = 1
id = "mixed"
title = "Mixed"

[[questions]]
id = "q1"
type = "true_false"
prompt = "Sky is blue?"
answer = {tf}
explanation = "It is."

[[questions]]
id = "q2"
type = "numeric"
prompt = "2 + 2?"
answer = {number}
explanation = "Four."

[[questions]]
id = "q3"
type = "multiple_choice"
prompt = "Pick"
explanation = "A."
choices = [{{ text = "A", correct = {correct} }}, {{ text = "B" }}]
"""


@pytest.mark.parametrize(
    ("tf", "number", "correct", "message"),
    [
        ('"yes"', "4", "true", "answer: expected a boolean (true or false), got a string"),
        ("1", "4", "true", "answer: expected a boolean (true or false), got an integer"),
        ('"off"', "4", "true", "write false (without quotes)"),
        ("true", '"4"', "true", "answer: expected a number, got a string '4': write 4"),
        ("true", "4", '"yes"', "choices[0].correct: expected a boolean"),
    ],
)
def test_toml_wrong_scalar_types_are_refused(
    tmp_path: Path,
    tf: str,
    number: str,
    correct: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "mixed.toml"
    path.write_text(TOML_BANK.format(tf=tf, number=number, correct=correct))
    assert main(["validate", str(path)]) == 1
    assert message in capsys.readouterr().out
