"""The bank format's Anki fields: a question's `anki_guid`, `anki_notetype` and
`anki_fields`, and a cloze's `gaps` (the Anki card number and hint of each gap), validated as
documented, in the JSON Schema, and kept by TOML, YAML and JSON bank files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli_w
from pydantic import ValidationError

from quiz import cli
from quiz.banks import answer_key, dump_bank, parse_bank_text
from quiz.interop.csv_format import export_csv
from quiz.models import QUESTION_ADAPTER, Bank, json_schema

SCHEMA = json_schema()

CLOZE: dict[str, Any] = {
    "id": "danube",
    "type": "cloze",
    "prompt": "Fill in the gap.",
    "explanation": "Through ten countries.",
    "text": "The {{Danube}} flows into the {{Black Sea}}.",
    "hint": "river; sea",
    "gaps": [{"card": 1, "hint": "river"}, {"card": 2, "hint": "sea"}],
    "anki_guid": "iSf5I4H@YV",
}


def _bank(*questions: dict[str, Any]) -> dict[str, Any]:
    return {"schema": 1, "id": "b", "title": "B", "questions": list(questions)}


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_gaps_and_guid_survive_every_bank_format(fmt: str) -> None:
    bank = Bank.model_validate(_bank(CLOZE))
    text = dump_bank(bank, fmt)
    again = parse_bank_text(text, fmt, f"b.{fmt}").bank
    assert again == bank
    (q,) = again.questions
    assert q.anki_guid == "iSf5I4H@YV"
    assert jsonschema.Draft7Validator(SCHEMA).is_valid(bank.to_data())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"gaps": [{"card": 1}]}, "`gaps` has 1 entry, but the text has 2 gap(s)"),
        ({"gaps": [{"card": 1}, {"card": 2}, {"card": 3}]}, "has 3 entries, but the text has 2"),
        ({"gaps": [{"card": 0}, {"card": 1}]}, "greater than or equal to 1"),
        ({"gaps": [{"card": 1.5}, {"card": 1}]}, "card"),
        ({"gaps": [{"hint": "x"}, {"card": 1}]}, "card"),
        ({"gaps": [{"card": 1, "hint": "a }} b"}, {"card": 2}]}, "must not hold '{{' or '}}'"),
        ({"gaps": [{"card": 1, "colour": "red"}, {"card": 2}]}, "colour"),
        ({"anki_guid": "a\tb"}, "anki_guid"),
        ({"anki_guid": ""}, "anki_guid"),
        ({"anki_guid": "x" * 101}, "anki_guid"),
    ],
)
def test_bad_gaps_and_guids_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        QUESTION_ADAPTER.validate_python({**CLOZE, **change})
    assert message in str(info.value)


def test_the_json_schema_has_the_anki_fields_and_agrees_on_their_types() -> None:
    defs = SCHEMA["$defs"]
    assert "gaps" in defs["Cloze"]["properties"]
    assert defs["Gap"]["required"] == ["card"]
    assert "anki_guid" in defs["Flashcard"]["properties"]
    validator = jsonschema.Draft7Validator(SCHEMA)
    cases: list[tuple[dict[str, Any], bool]] = [
        ({}, True),
        ({"anki_guid": "a b%`{|}"}, True),  # Anki's base-91 guids, and a space
        ({"anki_guid": "a\tb"}, False),
        ({"gaps": [{"card": 0}, {"card": 1}]}, False),
        ({"gaps": [{"card": "1"}, {"card": 1}]}, False),
        ({"gaps": [{"card": 1, "hint": 3}, {"card": 1}]}, False),
    ]
    for change, valid in cases:
        data = _bank({**CLOZE, **change})
        assert validator.is_valid(data) is valid, change
        try:
            Bank.model_validate(data)
        except ValidationError:
            accepted = False
        else:
            accepted = True
        assert accepted is valid, change


def test_validate_locates_a_guid_used_twice(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "b.toml"
    other = {**CLOZE, "id": "second"}
    path.write_text(tomli_w.dumps(_bank(CLOZE, other)))
    assert cli.main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "question second: anki_guid: duplicate anki_guid; first used by question 1" in out
    line = int(out.split("b.toml:")[1].split(":")[0])
    assert path.read_text().splitlines()[line - 1].startswith("anki_guid")


def test_changing_gaps_or_guid_keeps_the_answer_key() -> None:
    """`quiz add --replace` keeps a question's history when only where it goes in Anki
    changes (its card numbers, gap hints or note guid)."""
    before = QUESTION_ADAPTER.validate_python(CLOZE)
    after = QUESTION_ADAPTER.validate_python(
        {**CLOZE, "gaps": [{"card": 1}, {"card": 1}], "anki_guid": "other"}
    )
    assert answer_key(before) == answer_key(after)
    changed = QUESTION_ADAPTER.validate_python(
        {**CLOZE, "text": "The {{Rhine}} flows into the {{North Sea}}."}
    )
    assert answer_key(before) != answer_key(changed)


def test_csv_export_says_the_anki_fields_are_dropped() -> None:
    bank = Bank.model_validate(_bank(CLOZE))
    exported = export_csv(bank)
    assert [w.format() for w in exported.warnings] == [
        "<input>: question danube: the Anki note guid, note type and card numbers are not part "
        "of the CSV: dropped"
    ]


#: A note of a user's own note type with four fields, as `quiz import` of fields.apkg keeps it.
VOCAB: dict[str, Any] = {
    "id": "der-hund",
    "type": "flashcard",
    "prompt": "der Hund",
    "back": "the dog",
    "explanation": "No explanation was given in the imported file.",
    "anki_guid": "q:D$9J3ky[",
    "anki_notetype": {
        "id": 1796016875123,
        "name": "Vocabulary",
        "fields": ["Word", "Meaning", "Example", "Notes"],
        "templates": ["Recognition"],
    },
    "anki_fields": {"Example": "<i>Der Hund bellt.</i>"},
}
CLOZE_TYPE = {
    "id": 1796006432671,
    "name": "Cloze",
    "kind": "cloze",
    "fields": ["Text", "Back Extra"],
    "templates": ["Cloze"],
}


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_note_types_and_other_fields_survive_every_bank_format(fmt: str) -> None:
    bank = Bank.model_validate(_bank(VOCAB, {**CLOZE, "anki_notetype": CLOZE_TYPE}))
    text = dump_bank(bank, fmt)
    again = parse_bank_text(text, fmt, f"b.{fmt}").bank
    assert again == bank
    vocab, cloze = again.questions
    assert vocab.anki_notetype is not None and vocab.anki_notetype.kind == "normal"
    assert vocab.anki_notetype.fields == ["Word", "Meaning", "Example", "Notes"]
    assert vocab.anki_fields == {"Example": "<i>Der Hund bellt.</i>"}
    assert cloze.anki_notetype is not None and cloze.anki_notetype.kind == "cloze"
    assert jsonschema.Draft7Validator(SCHEMA).is_valid(bank.to_data())


def _with_type(**change: Any) -> dict[str, Any]:
    return {**VOCAB, "anki_notetype": {**VOCAB["anki_notetype"], **change}}


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ({**VOCAB, "anki_notetype": None}, "`anki_fields` needs `anki_notetype`"),
        (
            {**VOCAB, "anki_fields": {"Meaning": "x"}},
            "'Meaning' is not one of the note type's fields after the first two "
            "('Example', 'Notes')",
        ),
        ({**VOCAB, "anki_fields": {"Example": "a\x1fb"}}, "unit separator"),
        (_with_type(fields=["Word", "Word"]), "field names must be unique; 'Word' appears twice"),
        (_with_type(fields=["Wo:rd", "Meaning"]), "anki_notetype.fields.0"),
        (_with_type(fields=["#Word", "Meaning"]), "anki_notetype.fields.0"),
        (_with_type(fields=[]), "at least 1 item"),
        (_with_type(templates=[]), "at least 1 item"),
        (_with_type(templates=['Card "1"']), "anki_notetype.templates.0"),
        (_with_type(templates=["Card 1", "Card 1"]), "template names must be unique"),
        (_with_type(kind="cloze", templates=["A", "B"]), "a cloze note type has one template"),
        (_with_type(kind="basic"), "anki_notetype.kind"),
        (_with_type(id=0), "greater than or equal to 1"),
        (_with_type(id="1796016875123"), "anki_notetype.id"),
        (_with_type(name=""), "anki_notetype.name"),
        (_with_type(colour="red"), "colour"),
    ],
)
def test_bad_note_types_are_refused(question: dict[str, Any], message: str) -> None:
    if question.get("anki_notetype") is None:
        question = {k: v for k, v in question.items() if k != "anki_notetype"}
    with pytest.raises(ValidationError) as info:
        QUESTION_ADAPTER.validate_python(question)
    assert message in str(info.value)


def test_the_json_schema_agrees_on_note_types() -> None:
    defs = SCHEMA["$defs"]
    assert list(defs["AnkiNotetype"]["properties"]) == [
        "id",
        "name",
        "kind",
        "fields",
        "templates",
    ]
    assert defs["AnkiNotetype"]["required"] == ["id", "name", "fields", "templates"]
    validator = jsonschema.Draft7Validator(SCHEMA)
    cases: list[tuple[dict[str, Any], bool]] = [
        (VOCAB, True),
        (_with_type(fields=["Wo:rd", "Meaning"]), False),
        (_with_type(fields=["/Word", "Meaning"]), False),
        (_with_type(fields=["Wo rd", "Mean^ing", "Example"]), True),  # Anki allows both
        (_with_type(templates=['Card "1"']), False),
        (_with_type(kind="cloze"), True),
        (_with_type(kind="basic"), False),
        (_with_type(id=2**63), False),
        (_with_type(id=1.5), False),
        ({**VOCAB, "anki_fields": {"Example": 3}}, False),
        ({**VOCAB, "anki_fields": {"Ex:ample": "x"}}, False),
    ]
    for question, valid in cases:
        data = _bank(question)
        assert validator.is_valid(data) is valid, question
        try:
            Bank.model_validate(data)
        except ValidationError:
            accepted = False
        else:
            accepted = True
        assert accepted is valid, question


def test_validate_says_what_an_anki_field_name_may_hold(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "b.toml"
    path.write_text(tomli_w.dumps(_bank(_with_type(fields=["Word", "Mean:ing"]))))
    assert cli.main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert (
        "question der-hund: anki_notetype.fields[1]: 'Mean:ing' is not an Anki field name: no "
        'control character, no : { } or ", and not starting with # / or ^'
    ) in out


def test_changing_the_note_type_keeps_the_answer_key() -> None:
    before = QUESTION_ADAPTER.validate_python(VOCAB)
    after = QUESTION_ADAPTER.validate_python(
        {**_with_type(name="Vocab 2"), "anki_fields": {"Notes": "x"}}
    )
    assert answer_key(before) == answer_key(after)
